"""Running a sweep: plan chunks, compute them on a backend, store each as it arrives.

The life of a run:

1. Everything the user gave is checked first (scenario, evaluator and its settings,
   correlations, backend), so a mistake costs no database row.
2. The run is recorded with status ``running``: the scenario itself (so a resume does not
   depend on the file still being there, unchanged), the sha256 of its canonical JSON,
   evaluator and settings, seed, correlations and library versions.
3. Draws ``0..N`` are cut into chunks of ``chunk_size`` (aligned to multiples of it) minus the
   ranges already stored; the backend computes them; the driver stores each chunk in one
   transaction as it arrives. ``kill -9`` therefore loses at most the chunks in flight and
   leaves the run ``running``; Ctrl-C marks it ``interrupted``; an error marks it ``failed``.
4. :func:`resume_sweep` reloads the stored scenario and evaluator, plans only the missing
   ranges and carries on. Since draw ``i`` depends on the seed and ``i`` alone, the finished
   table is the one an uninterrupted run would have written.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pydantic

from detente.evaluate import EVALUATORS, Evaluator, default_evaluator
from detente.models.base import FloatArray
from detente.provenance import versions as library_versions
from detente.sampling import correlation_matrix, uncertain_inputs
from detente.scenario import Scenario, load, loads
from detente.scenario.writer import to_json
from detente.sweep.backends import (
    Backend,
    Chunk,
    Job,
    SweepWarning,
    compute_chunk,
    make_backend,
)
from detente.sweep.store import RunInfo, Store, SweepError, resolve_db
from detente.sweep.summary import Summary, summarize

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_DRAWS = 10_000
# Drawing a chunk has a fixed cost (a frozen scipy distribution per uncertain input, ~1 ms
# each, so ~0.1 s for a scenario of a hundred inputs); 10,000 draws make it small while a
# kill loses well under a second of work per worker.
DEFAULT_CHUNK = 10_000
MAX_SEED = 2**63 - 1  # stored as BIGINT

Progress = Callable[[int, int], None]
"""Called with (draws stored, draws requested): once before the first chunk, then after each."""

Correlations = Mapping[tuple[str, str], float] | Sequence[tuple[str, str, float]]


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: the run is marked ``interrupted`` and its finished chunks kept."""

    def __init__(self, run_id: str, done: int, total: int, db: Path):
        super().__init__(f"run {run_id} interrupted with {done:,} of {total:,} draws stored")
        self.run_id = run_id
        self.done = done
        self.total = total
        self.db = db


@dataclass(frozen=True)
class SweepResult:
    """A stored run: its record (:attr:`info`) and the database it lives in. The draws stay
    in the database until asked for (:meth:`to_frame`, :meth:`summary`, :meth:`export`)."""

    info: RunInfo
    db: Path

    @property
    def run_id(self) -> str:
        return self.info.run_id

    @property
    def seed(self) -> int:
        return self.info.seed

    @property
    def scenario_hash(self) -> str:
        return self.info.scenario_hash

    @property
    def versions(self) -> dict[str, Any]:
        return self.info.versions

    @property
    def status(self) -> str:
        return self.info.status

    @property
    def complete(self) -> bool:
        return self.info.status == "complete"

    def to_frame(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The stored draws in draw order: ``draw``, every input, every output (or only
        ``columns``)."""
        with Store.open(self.db, read_only=True) as store:
            return store.frame(self.info, columns)

    def outputs(self) -> dict[str, FloatArray]:
        """Each output column as an array, in draw order."""
        with Store.open(self.db, read_only=True) as store:
            return store.arrays(self.info, self.info.outputs)

    def summary(self) -> Summary:
        """Quantiles, mean and the bimodality check of every output over the stored draws."""
        return summarize(self.outputs())

    def export(self, path: str | Path) -> Path:
        """Write the draws to ``.parquet`` or ``.csv`` (by the file name)."""
        with Store.open(self.db, read_only=True) as store:
            return store.export(self.info, path)

    def scenario(self) -> Scenario:
        """The scenario exactly as the run used it (stored with the run)."""
        with Store.open(self.db, read_only=True) as store:
            return loads(store.scenario_json(self.run_id), name=f"run {self.run_id}")


def scenario_hash(scenario: Scenario) -> str:
    """sha256 of the scenario's canonical JSON (sorted keys, no spaces): it names the content,
    whatever file or key order it was read from."""
    text = json.dumps(scenario.to_data(), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_evaluator(evaluator: str | Evaluator = "forecast",
                   settings: Mapping[str, Any] | None = None) -> Evaluator:
    """An evaluator by registered name with keyword ``settings``, or the one given.

    Any evaluator in :data:`detente.evaluate.EVALUATORS` works by name; its ``settings`` must
    be its factory's keyword arguments (which is what the evaluator records, so that a resume
    rebuilds it).
    """
    if isinstance(evaluator, Evaluator):
        if settings:
            raise SweepError("settings go with an evaluator name, not an Evaluator object")
        return evaluator
    factory = EVALUATORS.get(evaluator)
    if factory is None:
        raise SweepError(f"unknown evaluator {evaluator!r}; evaluators: "
                         f"{', '.join(sorted(EVALUATORS))}")
    kwargs = dict(settings or {})
    params = inspect.signature(factory).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        unknown = sorted(set(kwargs) - set(params))
        if unknown:
            raise SweepError(f"evaluator {evaluator!r} has no setting "
                             f"{', '.join(unknown)}; settings: {', '.join(params) or 'none'}")
    seed = kwargs.get("seed", 0)
    if isinstance(seed, int) and not isinstance(seed, bool) and not 0 <= seed <= MAX_SEED:
        raise SweepError(f"evaluator {evaluator!r} setting seed={seed}: give a whole number "
                         f"from 0 to {MAX_SEED}")
    try:  # settings checked against the factory's annotations, then the factory's own checks
        built: Evaluator = pydantic.validate_call(factory)(**kwargs)
    except pydantic.ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}={e.get('input')!r}: "
                             f"{e['msg']}" for e in exc.errors())
        raise SweepError(f"evaluator {evaluator!r} setting {problems}") from None
    return built


def _normal(value: Any) -> Any:
    """Settings as they come back from JSON, for comparing a stored run with a rebuilt one."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def _correlation_pairs(correlate: Correlations | None) -> list[tuple[str, str, float]]:
    if not correlate:
        return []
    items = correlate.items() if isinstance(correlate, Mapping) else (
        ((a, b), rho) for a, b, rho in correlate)
    pairs = []
    for (a, b), rho in items:
        if not -1.0 < float(rho) < 1.0:
            raise SweepError(f"correlation of {a} and {b} must be between -1 and 1 "
                             f"(exclusive), not {rho}")
        if a == b:
            raise SweepError(f"cannot correlate {a} with itself")
        pairs.append((str(a), str(b), float(rho)))
    return pairs


def _matrix(scenario: Scenario, pairs: Sequence[tuple[str, str, float]]) -> FloatArray | None:
    if not pairs:
        return None
    inputs = uncertain_inputs(scenario)
    try:
        return correlation_matrix(inputs, {(a, b): rho for a, b, rho in pairs})
    except KeyError as exc:
        raise SweepError(str(exc.args[0])) from None
    except ValueError as exc:
        raise SweepError(str(exc)) from None


def plan_chunks(draws: int, stored: Sequence[Chunk], chunk_size: int) -> list[Chunk]:
    """The ranges of ``0..draws`` not in ``stored``, cut at multiples of ``chunk_size``.

    Cutting on a fixed grid means an uninterrupted run and a resumed one store the same
    chunks when the chunk size is unchanged (and any chunking gives the same values)."""
    if chunk_size < 1:
        raise SweepError("the chunk size must be at least 1")
    gaps: list[Chunk] = []
    pos = 0
    for a, b in sorted(stored):
        if a > pos:
            gaps.append((pos, min(a, draws)))
        pos = max(pos, b)
        if pos >= draws:
            break
    if pos < draws:
        gaps.append((pos, draws))
    out: list[Chunk] = []
    for a, b in gaps:
        if a >= b:
            continue
        cut = a
        while cut < b:
            nxt = min(b, (cut // chunk_size + 1) * chunk_size)
            out.append((cut, nxt))
            cut = nxt
    return out


def run_sweep(scenario: Scenario | str | Path | None = None, *, draws: int = DEFAULT_DRAWS,
              seed: int = 0, evaluator: str | Evaluator | None = None,
              settings: Mapping[str, Any] | None = None,
              backend: str | Backend | None = None, workers: int | None = None,
              dask: str | None = None, chunk_size: int = DEFAULT_CHUNK,
              correlate: Correlations | None = None, db: str | Path | None = None,
              progress: Progress | None = None) -> SweepResult:
    """Run ``draws`` Monte Carlo draws of every uncertain input of ``scenario`` through
    ``evaluator`` and store inputs and outputs of every draw in the run database ``db``.

    ``scenario`` is a :class:`Scenario`, a built-in name or a file (default ``ukraine-2022``);
    ``evaluator`` a registered name (default: ``all`` for a scenario with a crisis
    section, else ``forecast``; ``settings`` are its keyword arguments, e.g.
    ``{"models": ["compromise", "median"]}`` for ``forecast``) or an :class:`Evaluator`;
    ``backend`` ``inprocess`` (default), ``processes`` or ``dask`` (``dask`` = ``local[:W]``
    or ``tcp://host:8786``); ``correlate`` maps pairs of input names to a rank correlation.
    Stored numbers are identical whatever the backend and chunk size.

    Raises :class:`SweepError` for bad input, :class:`SweepInterrupted` on Ctrl-C (after
    marking the run ``interrupted``; continue it with :func:`resume_sweep`).
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if evaluator is None:
        evaluator = default_evaluator(scenario)
    if draws < 1:
        raise SweepError("--draws must be at least 1")
    if not 0 <= seed <= MAX_SEED:
        raise SweepError(f"the seed must be between 0 and {MAX_SEED}")
    if chunk_size < 1:
        raise SweepError("the chunk size must be at least 1")
    ev = make_evaluator(evaluator, settings)
    outputs = list(ev.outputs(scenario))
    inputs = [i.name for i in uncertain_inputs(scenario)]
    pairs = _correlation_pairs(correlate)
    matrix = _matrix(scenario, pairs)
    job = Job(scenario, seed, ev, tuple(outputs), matrix)
    runner = make_backend(backend, workers=workers, dask=dask)
    # one draw here first: an evaluator that cannot handle this scenario (a stochastic model,
    # a missing status quo) fails now, with its own message, before a run is recorded
    compute_chunk(job, 0, 1)
    with Store.open(db) as store, runner:
        run_id = store.create_run(
            scenario_id=scenario.id, scenario_hash=scenario_hash(scenario),
            scenario_json=to_json(scenario), evaluator=ev.name,
            evaluator_settings=_normal(ev.settings), seed=seed, draws=draws,
            chunk_size=chunk_size, correlation=pairs, versions=library_versions(),
            inputs=inputs, outputs=outputs)
        info = store.run(run_id)
        info = _execute(store, info, job, runner, chunk_size, progress)
    return SweepResult(info, store.path)


def resume_sweep(run_id: str, *, db: str | Path | None = None, draws: int | None = None,
                 evaluator: Evaluator | None = None, backend: str | Backend | None = None,
                 workers: int | None = None, dask: str | None = None,
                 chunk_size: int | None = None, scenario: Scenario | str | Path | None = None,
                 progress: Progress | None = None) -> SweepResult:
    """Continue a run that was interrupted, killed or failed: compute only the draws not
    stored, with the stored scenario, seed, evaluator and correlations.

    ``draws`` may raise the target (a run of 10,000 extended to 100,000 equals a fresh run of
    100,000). ``scenario``, if given, must be the one the run used (same hash). An evaluator
    that is not registered by name must be passed again as ``evaluator``. A complete run is
    returned as it is.
    """
    with Store.open(db) as store:
        info = store.run(run_id)
        stored_scenario = loads(store.scenario_json(info.run_id), name=f"run {info.run_id}")
        if scenario is not None:
            given = scenario if isinstance(scenario, Scenario) else load(scenario)
            if scenario_hash(given) != info.scenario_hash:
                raise SweepError(f"scenario {given.id!r} differs from the one run "
                                 f"{info.run_id} used (sha256 {info.scenario_hash[:12]}…); "
                                 "resume without a scenario to use the stored copy")
        if scenario_hash(stored_scenario) != info.scenario_hash:
            raise SweepError(f"the scenario stored with run {info.run_id} no longer hashes to "
                             "its recorded sha256 (the scenario format changed?); start a "
                             "new run")
        target = info.draws if draws is None else draws
        if target < info.draws_done or target < 1:
            raise SweepError(f"run {info.run_id} already stores {info.draws_done:,} draws; "
                             f"--draws {target:,} would drop some")
        ev = _rebuild_evaluator(info, evaluator)
        outputs = list(ev.outputs(stored_scenario))
        inputs = [i.name for i in uncertain_inputs(stored_scenario)]
        if outputs != info.outputs or inputs != info.inputs:
            raise SweepError(f"run {info.run_id}'s columns differ from what this detente "
                             "computes for it (a different version?); start a new run")
        mine = library_versions()
        stored_versions = {k: v for k, v in info.versions.items() if k != "resumed_with"}
        new_versions = None
        if mine != stored_versions:
            diff = ", ".join(f"{k} {stored_versions.get(k)} -> {mine.get(k)}"
                             for k in sorted(set(mine) | set(stored_versions))
                             if mine.get(k) != stored_versions.get(k))
            warnings.warn(f"run {info.run_id} was started with other versions ({diff}); "
                          "draws computed now may differ from the stored ones", SweepWarning,
                          stacklevel=2)
            earlier = list(info.versions.get("resumed_with", []))
            new_versions = {**info.versions, "resumed_with": [*earlier, mine]}
        size = chunk_size or info.chunk_size
        if info.status == "complete" and target == info.draws:
            return SweepResult(info, store.path)
        matrix = _matrix(stored_scenario, info.correlation)
        job = Job(stored_scenario, info.seed, ev, tuple(outputs), matrix)
        runner = make_backend(backend, workers=workers, dask=dask)
        with runner:
            store.update_run(info.run_id, status="running", draws=target, chunk_size=size,
                             versions=new_versions)
            info = store.run(info.run_id)
            info = _execute(store, info, job, runner, size, progress)
    return SweepResult(info, store.path)


def _rebuild_evaluator(info: RunInfo, given: Evaluator | None) -> Evaluator:
    if given is not None:
        if given.name != info.evaluator or _normal(given.settings) != info.evaluator_settings:
            raise SweepError(f"run {info.run_id} used evaluator {info.evaluator!r} with "
                             f"settings {info.evaluator_settings}; the evaluator given differs")
        return given
    if info.evaluator not in EVALUATORS:
        raise SweepError(f"run {info.run_id} used evaluator {info.evaluator!r}, which is not "
                         "registered here; pass it to resume_sweep(evaluator=...)")
    try:
        ev = make_evaluator(info.evaluator, info.evaluator_settings)
    except TypeError as exc:
        raise SweepError(f"cannot rebuild evaluator {info.evaluator!r} from its stored "
                         f"settings {info.evaluator_settings}: {exc}") from None
    if _normal(ev.settings) != info.evaluator_settings:
        raise SweepError(f"evaluator {info.evaluator!r} rebuilt from its stored settings "
                         "reports different settings; start a new run")
    return ev


def _execute(store: Store, info: RunInfo, job: Job, backend: Backend, chunk_size: int,
             progress: Progress | None) -> RunInfo:
    """Compute the missing chunks of ``info`` on ``backend``, storing each as it arrives."""
    store.budget(1 + len(info.inputs) + len(info.outputs))
    todo = plan_chunks(info.draws, store.stored_ranges(info.run_id), chunk_size)
    total = info.draws
    done = total - sum(b - a for a, b in todo)
    if progress is not None:
        progress(done, total)
    t0 = time.perf_counter()
    try:
        with closing(backend.imap(job, todo)) as results:
            for res in results:
                _check_finite_inputs(res.inputs, res.start)
                with _sigint_deferred():
                    store.write_chunk(info, res.start, res.stop, res.inputs, res.outputs)
                done += res.stop - res.start
                if progress is not None:
                    progress(done, total)
    except KeyboardInterrupt:
        store.update_run(info.run_id, status="interrupted",
                         add_seconds=time.perf_counter() - t0)
        raise SweepInterrupted(info.run_id, done, total, store.path) from None
    except BaseException as exc:
        store.update_run(info.run_id, status="failed", add_seconds=time.perf_counter() - t0,
                         error=f"{type(exc).__name__}: {exc}")
        raise
    store.update_run(info.run_id, status="complete", add_seconds=time.perf_counter() - t0)
    return store.run(info.run_id)


@contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold a Ctrl-C that arrives while a chunk is being written until the write is over.

    DuckDB turns a Ctrl-C during a query into a "Query interrupted" error that aborts the
    transaction; holding the signal for the few milliseconds of a write keeps every chunk
    whole and turns the interrupt into the usual KeyboardInterrupt right after it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _check_finite_inputs(values: FloatArray, start: int) -> None:
    """Inputs are drawn from bounded or proper distributions; a NaN means a bug, not data."""
    if values.size and not np.isfinite(values).all():
        bad = int(np.argwhere(~np.isfinite(values))[0][0])
        raise ValueError(f"draw {start + bad} has a non-finite input value")


def open_run(db: str | Path | None, run_id: str) -> SweepResult:
    """A stored run by id (or unique id prefix), for its frame, summary or export."""
    with Store.open(db, read_only=True) as store:
        return SweepResult(store.run(run_id), store.path)


def list_runs(db: str | Path | None = None) -> list[RunInfo]:
    """Every run in the database, newest first (none if the database does not exist)."""
    if not resolve_db(db).exists():
        return []
    with Store.open(db, read_only=True) as store:
        return store.runs()
