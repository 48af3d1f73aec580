"""Any split of the runs across the sweep backends gives the same numbers (docs/escalation.md,
section 1): the `simulate` evaluator stored by run_sweep in one chunk, in uneven chunks, and
on a process pool, and the same runs as `detente simulate` with that seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from detente.scenario import Scenario, load
from detente.simulate import load_catalogue, simulate_record
from detente.sweep import run_sweep

SETTINGS = {"weeks": 6, "types": 16, "seed": 5}


def test_backends_and_chunks_store_the_same_runs(tmp_path: Path) -> None:
    ukraine: Scenario = load("ukraine-2022")
    n = 240
    frames = {}
    for label, options in {"one chunk": dict(backend="inprocess", chunk_size=n),
                           "chunks of 70": dict(backend="inprocess", chunk_size=70),
                           "processes x2": dict(backend="processes", workers=2,
                                                chunk_size=100)}.items():
        result = run_sweep(ukraine, draws=n, seed=5, evaluator="simulate", settings=SETTINGS,
                           db=tmp_path / f"{label}.duckdb", **options)  # type: ignore[arg-type]
        assert result.complete, label
        frames[label] = result.to_frame()
    reference = frames.pop("one chunk")
    for label, frame in frames.items():
        assert frame.equals(reference), label
    rec = simulate_record(ukraine, load_catalogue(), seed=5, start=0, stop=n, weeks=6,
                          types=16)
    np.testing.assert_array_equal(reference["simulate.status"].to_numpy(), rec.status)
    np.testing.assert_array_equal(reference["simulate.week"].to_numpy(), rec.week)
    assert set(np.unique(rec.status)) >= {1, 2}
