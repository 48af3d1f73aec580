"""Analyses run in the background while the page shows their progress.

One worker thread runs the jobs one at a time (the analyses already use the machine's cores);
each job reports its steps, and when it ends its result is stored as a run in the data
directory. A job that fails with a user error keeps the message to show; anything else is
kept as an internal error.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Job", "Jobs", "Outcome", "Task"]


@dataclass(frozen=True)
class Outcome:
    """What a finished task hands back: the run to store."""

    summary: str
    result_json: str
    report_html: str | None = None


Task = Callable[[Callable[[str, float | None], None]], Outcome]


@dataclass
class Job:
    """One analysis: its state, progress (0 to 1, None when unknown), step and outcome."""

    id: str
    kind: str
    scenario: str
    settings: dict[str, Any]
    state: str = "queued"  # queued, running, done, failed
    step: str = "waiting for the worker"
    progress: float | None = 0.0
    run_id: str | None = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "scenario": self.scenario,
                "state": self.state, "step": self.step, "progress": self.progress,
                "run": self.run_id, "error": self.error,
                "seconds": round(time.monotonic() - self.started, 1)}


class Jobs:
    """The queue of jobs and the one worker thread."""

    def __init__(self, store_run: Callable[[Job, Outcome], str],
                 user_errors: tuple[type[Exception], ...]):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detente-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._store_run = store_run
        self._user_errors = user_errors

    def submit(self, kind: str, scenario: str, settings: dict[str, Any], task: Task) -> Job:
        job = Job(id=secrets.token_hex(8), kind=kind, scenario=scenario, settings=settings)
        with self._lock:
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, task)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: Job, task: Task) -> None:
        def report(step: str, progress: float | None) -> None:
            job.step, job.progress = step, progress

        job.state, job.step = "running", "starting"
        try:
            outcome = task(report)
            job.run_id = self._store_run(job, outcome)
            job.state, job.step, job.progress = "done", "done", 1.0
        except self._user_errors as exc:
            job.state, job.error = "failed", str(exc)
        except Exception as exc:  # kept for the page; the server carries on
            job.state, job.error = "failed", f"internal error: {type(exc).__name__}: {exc}"

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
