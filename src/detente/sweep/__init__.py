"""Monte Carlo sweeps: many seeded draws of a scenario's uncertain inputs, evaluated,
stored, summarised; on one core, all local cores or a Dask cluster, with the same numbers.

>>> from detente.sweep import run_sweep, open_run
>>> result = run_sweep("ukraine-2022", draws=20_000, seed=1, db="runs.duckdb")  # doctest: +SKIP
>>> result.summary().warnings()                                                  # doctest: +SKIP
>>> open_run("runs.duckdb", result.run_id).to_frame()                           # doctest: +SKIP

The command line mirrors it: ``detente sweep`` and ``detente runs list|show|export``. See
``docs/sweeps.md``.
"""

from detente.sweep.backends import (
    Backend,
    ChunkResult,
    DaskBackend,
    InProcessBackend,
    Job,
    ProcessBackend,
    SweepWarning,
    compute_chunk,
    make_backend,
)
from detente.sweep.runner import (
    DEFAULT_CHUNK,
    DEFAULT_DRAWS,
    SweepInterrupted,
    SweepResult,
    list_runs,
    make_evaluator,
    open_run,
    plan_chunks,
    resume_sweep,
    run_sweep,
    scenario_hash,
)
from detente.sweep.store import DEFAULT_DB, ENV_DB, RunInfo, Store, SweepError, resolve_db
from detente.sweep.summary import Bimodality, Camp, OutputSummary, Summary, bimodality, summarize

__all__ = [
    "DEFAULT_CHUNK",
    "DEFAULT_DB",
    "DEFAULT_DRAWS",
    "ENV_DB",
    "Backend",
    "Bimodality",
    "Camp",
    "ChunkResult",
    "DaskBackend",
    "InProcessBackend",
    "Job",
    "OutputSummary",
    "ProcessBackend",
    "RunInfo",
    "Store",
    "Summary",
    "SweepError",
    "SweepInterrupted",
    "SweepResult",
    "SweepWarning",
    "bimodality",
    "compute_chunk",
    "list_runs",
    "make_backend",
    "make_evaluator",
    "open_run",
    "plan_chunks",
    "resolve_db",
    "resume_sweep",
    "run_sweep",
    "scenario_hash",
    "summarize",
]
