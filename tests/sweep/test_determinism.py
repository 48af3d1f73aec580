"""Same seed, same numbers: whatever the backend, the number of workers or the chunk size,
the stored table is bitwise identical."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.scenario import Scenario
from detente.sweep import SweepError, compute_chunk, make_evaluator, plan_chunks, run_sweep
from detente.sweep.backends import Job

CORRELATE = {("actors[0].capability", "actors[1].capability"): 0.6,
             ("actors[1].positions.nato_enlargement", "actors[2].capability"): -0.3}
MODELS = {"models": ["compromise", "median", "mean"]}


def test_every_backend_and_chunking_stores_the_same_table(ukraine: Scenario, db: Path,
                                                          dask_scheduler: str) -> None:
    n = 2_400
    runs = {
        "inprocess, one chunk": dict(backend="inprocess", chunk_size=n),
        "inprocess, 700": dict(backend="inprocess", chunk_size=700),
        "processes x2, 600": dict(backend="processes", workers=2, chunk_size=600),
        "dask, 500": dict(backend="dask", dask=dask_scheduler, chunk_size=500),
        "dask, 1200": dict(dask=dask_scheduler, chunk_size=1_200),
    }
    frames = {}
    for label, options in runs.items():
        result = run_sweep(ukraine, draws=n, seed=11, settings=MODELS, correlate=CORRELATE,
                           db=db, **options)  # type: ignore[arg-type]
        assert result.complete, label
        frames[label] = result.to_frame()
    reference = frames.pop("inprocess, one chunk")
    # the default evaluator for a crisis scenario: 3 models x 4 issues, then the crisis outputs
    forecasts = [c for c in reference.columns if c.startswith("forecast.")]
    assert len(forecasts) == 12 and "war" in reference.columns
    assert list(reference["draw"]) == list(range(n))
    assert np.isfinite(reference[forecasts].to_numpy()).all()
    for label, frame in frames.items():
        assert frame.equals(reference), label  # bitwise, NaN-aware


def test_seed_changes_the_draws(minimal: Scenario, db: Path) -> None:
    a = run_sweep(minimal, draws=300, seed=1, db=db).to_frame()
    b = run_sweep(minimal, draws=300, seed=2, db=db).to_frame()
    assert not a.equals(b)
    assert a.equals(run_sweep(minimal, draws=300, seed=1, chunk_size=7, db=db).to_frame())


def test_a_chunk_is_the_same_rows_of_a_bigger_chunk(ukraine: Scenario) -> None:
    ev = make_evaluator("forecast", MODELS)
    job = Job(ukraine, 5, ev, tuple(ev.outputs(ukraine)))
    whole = compute_chunk(job, 0, 64)
    part = compute_chunk(job, 37, 41)
    assert np.array_equal(part.inputs, whole.inputs[37:41])
    assert np.array_equal(part.outputs, whole.outputs[37:41])


@pytest.mark.parametrize(("draws", "stored", "size", "expected"), [
    (10, [], 4, [(0, 4), (4, 8), (8, 10)]),
    (10, [(0, 4), (8, 10)], 4, [(4, 8)]),
    (10, [(0, 3)], 4, [(3, 4), (4, 8), (8, 10)]),
    (10, [(2, 5), (0, 2)], 3, [(5, 6), (6, 9), (9, 10)]),
    (10, [(0, 10)], 4, []),
    (12, [(0, 10)], 5, [(10, 12)]),
])
def test_plan_chunks_covers_what_is_missing(draws: int, stored: list[tuple[int, int]],
                                            size: int, expected: list[tuple[int, int]]) -> None:
    assert plan_chunks(draws, stored, size) == expected


def test_bad_requests_fail_before_anything_is_stored(minimal: Scenario, db: Path) -> None:
    with pytest.raises(SweepError, match="not an uncertain input"):
        run_sweep(minimal, draws=10, correlate={("actors[0].capability", "nope"): 0.5}, db=db)
    with pytest.raises(SweepError, match="between -1 and 1"):
        run_sweep(minimal, draws=10, db=db, correlate={
            ("actors[0].capability", "actors[1].salience.tariff"): 1.5})
    with pytest.raises(SweepError, match="unknown evaluator"):
        run_sweep(minimal, draws=10, evaluator="nope", db=db)
    with pytest.raises(SweepError, match="has no setting"):
        run_sweep(minimal, draws=10, settings={"colour": "red"}, db=db)
    with pytest.raises(SweepError, match="--workers needs"):
        run_sweep(minimal, draws=10, workers=3, db=db)
    with pytest.raises(KeyError, match="unknown model"):
        run_sweep(minimal, draws=10, settings={"models": ["nope"]}, db=db)
    assert not db.exists()
