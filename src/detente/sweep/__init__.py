"""Monte Carlo sweeps: many seeded draws of a scenario's uncertain inputs, evaluated,
stored, summarised; on one core, all local cores or a Dask cluster, with the same numbers.

>>> from detente.sweep import run_sweep, open_run
>>> result = run_sweep("ukraine-2022", draws=20_000, seed=1, db="runs.duckdb")  # doctest: +SKIP
>>> result.summary().warnings()                                                  # doctest: +SKIP
>>> open_run("runs.duckdb", result.run_id).to_frame()                           # doctest: +SKIP

The command line mirrors it: ``detente sweep`` and ``detente runs list|show|export``. See
``docs/sweeps.md``.

The names below are loaded on first use (PEP 562): a sweep worker imports
:mod:`detente.sweep.backends`, which holds the task it runs, and with it this package; loading
the run store (DuckDB), the runner and the summaries (scipy.signal) only when they are used
keeps them out of every worker's start.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from detente.sweep.errors import SweepError
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
    from detente.sweep.store import DEFAULT_DB, ENV_DB, RunInfo, Store, resolve_db
    from detente.sweep.summary import (
        Bimodality,
        Camp,
        OutputSummary,
        Summary,
        bimodality,
        summarize,
    )

#: where each public name lives
_HOMES: dict[str, str] = {
    **dict.fromkeys(("Backend", "ChunkResult", "DaskBackend", "InProcessBackend", "Job",
                     "ProcessBackend", "SweepWarning", "compute_chunk", "make_backend"),
                    "backends"),
    **dict.fromkeys(("DEFAULT_CHUNK", "DEFAULT_DRAWS", "SweepInterrupted", "SweepResult",
                     "list_runs", "make_evaluator", "open_run", "plan_chunks", "resume_sweep",
                     "run_sweep", "scenario_hash"), "runner"),
    **dict.fromkeys(("DEFAULT_DB", "ENV_DB", "RunInfo", "Store", "resolve_db"), "store"),
    "SweepError": "errors",
    **dict.fromkeys(("Bimodality", "Camp", "OutputSummary", "Summary", "bimodality",
                     "summarize"), "summary"),
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'detente.sweep' has no attribute {name!r}")
    value = getattr(import_module(f"detente.sweep.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
