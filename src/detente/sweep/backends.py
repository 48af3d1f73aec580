"""Where chunks are computed: in this process, in a local process pool, or on a Dask cluster.

Every backend runs the same pure function, :func:`compute_chunk` (scenario, seed, draw range,
evaluator -> inputs and outputs of those draws), and hands the results back to the driver,
which alone writes the database. Because draws are counter-based (draw ``i`` depends only on
the seed and ``i``) and evaluators are deterministic, which process computes a chunk, and how
draws are grouped into chunks, cannot change a stored number.

Backends keep only a few chunks in flight (twice the number of workers) so the driver's
memory does not grow with the number of draws, and yield results as they complete (the
store is keyed by draw index, so order does not matter).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from typing import Any

import numpy as np

from detente.evaluate import Evaluator
from detente.models.base import FloatArray
from detente.sampling import draw
from detente.scenario.schema import Scenario
from detente.sweep.errors import SweepError

Chunk = tuple[int, int]
Results = Generator["ChunkResult", None, None]
BACKENDS = ("inprocess", "processes", "dask")


class SweepWarning(UserWarning):
    """Something that may make a run's numbers differ from a rerun (e.g. library versions)."""


@dataclass(frozen=True)
class Job:
    """What every chunk of a run shares; sent once to each worker, not with every chunk."""

    scenario: Scenario
    seed: int
    evaluator: Evaluator
    outputs: tuple[str, ...]
    correlation: FloatArray | None = None


@dataclass(frozen=True)
class ChunkResult:
    """Draws ``start..stop``: ``inputs[d, j]`` per uncertain input, ``outputs[d, k]`` per
    evaluator output (in the job's order); ``seconds`` of compute, for the curious."""

    start: int
    stop: int
    inputs: FloatArray
    outputs: FloatArray
    seconds: float


def compute_chunk(job: Job, start: int, stop: int) -> ChunkResult:
    """Draw ``start..stop`` and evaluate them: the pure unit of work every backend runs."""
    t0 = time.perf_counter()
    draws = draw(job.scenario, job.seed, start, stop, correlation=job.correlation)
    out = job.evaluator(draws)
    missing = [name for name in job.outputs if name not in out]
    if missing:
        raise ValueError(f"evaluator {job.evaluator.name!r} did not compute "
                         f"{', '.join(missing)} (it declared them)")
    n = stop - start
    outputs = np.empty((n, len(job.outputs)))
    for k, name in enumerate(job.outputs):
        outputs[:, k] = out[name]
    inputs = np.ascontiguousarray(draws.values, dtype=float)
    return ChunkResult(start, stop, inputs, outputs, time.perf_counter() - t0)


class Backend:
    """Runs chunks of a job. ``start`` acquires workers, ``imap`` streams results as they
    complete, ``close`` releases everything; use it as a context manager."""

    name = "backend"

    def start(self) -> None:
        """Acquire workers (start a pool or cluster, connect to a scheduler)."""

    def imap(self, job: Job, chunks: Sequence[Chunk]) -> Results:
        """Compute ``chunks``; yield each result as it completes. Closing the iterator early
        (an interrupt, a failed write) cancels the chunks not yet started."""
        raise NotImplementedError

    def close(self) -> None:
        """Release workers."""

    @property
    def workers(self) -> int:
        return 1

    def describe(self) -> str:
        return self.name

    def __enter__(self) -> Backend:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcessBackend(Backend):
    """In this process, vectorised within each chunk, no start-up cost. The next chunk is
    computed on a helper thread while the driver stores the last one: NumPy, SciPy and DuckDB
    release the interpreter lock in their inner loops, so the two overlap on a second core.
    (The helper computes one chunk at a time, so numbers cannot depend on it.)"""

    name = "inprocess"

    def imap(self, job: Job, chunks: Sequence[Chunk]) -> Results:
        if not chunks:
            return
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detente-chunk")
        todo = iter(chunks)
        try:
            ahead = pool.submit(compute_chunk, job, *next(todo))
            for start, stop in todo:
                result = ahead.result()
                ahead = pool.submit(compute_chunk, job, start, stop)
                yield result
            yield ahead.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _children_ignore_sigint() -> Iterator[None]:
    """Start worker processes deaf to Ctrl-C, which a terminal sends to the whole process
    group: only the driver should act on it (mark the run interrupted, shut the workers
    down), not every worker with a traceback of its own.

    While workers start, SIGINT is blocked in this thread (children inherit the blocked mask
    through fork and exec; threads started meanwhile, such as a pool's manager or Dask's
    event loop, which spawns Dask's workers, keep it) and a Ctrl-C that reaches another
    thread is only recorded: an exception in the middle of starting processes would leave
    the pool half-built and its shutdown hanging. The recorded Ctrl-C is raised once the
    workers are up, so it is not lost.
    """
    if (not hasattr(signal, "pthread_sigmask")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    # multiprocessing starts its resource tracker with the first spawned process and then
    # *unblocks* SIGINT in the spawning thread; start it first so it leaves the mask alone
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


_WORKER_JOB: Job | None = None


def _init_worker(payload: bytes, driver: int | None = None, tempdir: str | None = None
                 ) -> None:
    """Pool worker start-up: ignore Ctrl-C (the driver handles it and shuts the pool down;
    otherwise every worker would print its own traceback), die with the driver, and unpack
    the job once."""
    import cloudpickle

    global _WORKER_JOB
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if driver is not None:
        _exit_with(driver, tempdir)
    _WORKER_JOB = cloudpickle.loads(payload)


def _exit_with(driver: int, tempdir: str | None) -> None:
    """End this worker when the driver process ends, however it ends. A driver killed with
    SIGKILL cannot shut its pool down: its workers (children of the forkserver, not of the
    driver) would compute on, and keep the forkserver and the resource tracker alive, which
    stay while any worker does. A thread waits on the driver (a pidfd on Linux, else a
    one-second poll); then removes the driver's multiprocessing folder (the forkserver's
    socket), which the killed driver could not, and exits."""
    import select
    import shutil

    try:
        handle: int | None = os.pidfd_open(driver)
    except (AttributeError, OSError):  # not Linux >= 5.3, or the driver is already gone
        handle = None

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while _alive(driver):
                time.sleep(1.0)
        if tempdir:
            shutil.rmtree(tempdir, ignore_errors=True)
        os._exit(1)

    threading.Thread(target=watch, name="detente-driver-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else (pid reused): stop watching it
        return False
    return True


def _pool_chunk(start: int, stop: int) -> ChunkResult:
    if _WORKER_JOB is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker has no job")
    return compute_chunk(_WORKER_JOB, start, stop)


class ProcessBackend(Backend):
    """A local pool of processes (default: one per core) via ``ProcessPoolExecutor``.

    Workers are not forked from the driver, which holds DuckDB and BLAS threads (forking a
    threaded process can deadlock). Where available they fork from a fresh "forkserver"
    process that has imported detente once, so each worker starts in milliseconds instead of
    importing NumPy, SciPy and detente itself (seconds each); elsewhere they are spawned. The
    job is pickled with cloudpickle so that evaluators defined in a script or notebook travel
    too.
    """

    name = "processes"

    def __init__(self, workers: int | None = None):
        self._workers = workers or os.cpu_count() or 1

    @property
    def workers(self) -> int:
        return self._workers

    def describe(self) -> str:
        return f"processes ({self._workers} workers)"

    def imap(self, job: Job, chunks: Sequence[Chunk]) -> Results:
        import cloudpickle

        if not chunks:
            return
        todo = iter(chunks)
        pending: set[Future[ChunkResult]] = set()
        limit = 2 * self._workers
        pool: ProcessPoolExecutor | None = None
        try:
            # the pool spawns a process per submit until it has them all: start them all
            # inside the window that keeps them deaf to Ctrl-C
            with _children_ignore_sigint():
                pool = ProcessPoolExecutor(max_workers=min(self._workers, len(chunks)),
                                           mp_context=_pool_context(),
                                           initializer=_init_worker,
                                           initargs=(cloudpickle.dumps(job), os.getpid(),
                                                     _mp_tempdir()))
                for start, stop in _take(todo, limit):
                    pending.add(pool.submit(_pool_chunk, start, stop))
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for start, stop in _take(todo, limit - len(pending)):
                    pending.add(pool.submit(_pool_chunk, start, stop))
                for fut in sorted(done, key=lambda f: f.result().start):
                    yield fut.result()
        finally:
            for fut in pending:
                fut.cancel()
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)


def _mp_tempdir() -> str | None:
    """The driver's multiprocessing folder (where the forkserver listens)."""
    from multiprocessing import util

    try:
        return util.get_temp_dir()
    except OSError:
        return None


# A Unix socket's path (sun_path) holds 108 bytes on Linux, 104 on macOS and the BSDs,
# including the final NUL (Linux unix(7); macOS/FreeBSD unix(4)).
_SOCKET_PATH_MAX = 107 if sys.platform.startswith("linux") else 103
# the forkserver listens on <multiprocessing folder>/listener-XXXXXXXX
# (multiprocessing.connection.arbitrary_address: tempfile names have 8 random characters)
_LISTENER_NAME = len("/listener-") + 8


def _pool_context() -> BaseContext:
    """Forkserver where it exists and its socket fits, else spawn.

    The forkserver listens on a Unix socket inside the multiprocessing folder, which lives
    under ``$TMPDIR``; a long ``$TMPDIR`` (pytest's per-test folders under xdist, a cluster's
    job folder) makes that path longer than the kernel allows, and the pool then dies with
    "AF_UNIX path too long" (CPython issue 132124, fixed only from 3.14 on, by moving the
    folder to /tmp). Spawned workers talk over pipes and need no socket, so they start
    (slower: each imports detente) while still honouring the user's ``$TMPDIR``."""
    tempdir = _mp_tempdir()
    if "forkserver" in get_all_start_methods() and tempdir is not None \
            and len(os.fsencode(tempdir)) + _LISTENER_NAME <= _SOCKET_PATH_MAX:
        ctx = get_context("forkserver")
        ctx.set_forkserver_preload([__name__])  # no effect once the server runs
        return ctx
    if "forkserver" in get_all_start_methods():
        logging.getLogger(__name__).info(
            "multiprocessing folder %s is too long for the forkserver's socket: spawning "
            "workers instead", tempdir)
    return get_context("spawn")


def _versions() -> dict[str, str]:
    from detente.provenance import versions

    return versions()


class DaskBackend(Backend):
    """Dask distributed: ``local[:W]`` starts a ``LocalCluster`` of W single-threaded worker
    processes (default: one per core); ``tcp://host:8786`` connects to a running scheduler,
    whose workers must have detente installed (the same version, for the same numbers).

    The job is scattered to every worker once; each chunk is a task ``compute_chunk(job,
    start, stop)`` whose result returns to the driver.
    """

    name = "dask"

    def __init__(self, address: str = "local", workers: int | None = None,
                 connect_timeout: float = 10.0):
        self.address = address.strip() or "local"
        self._workers = workers
        self.connect_timeout = connect_timeout
        self._client: Any = None
        self._cluster: Any = None
        if self.local:
            _, _, count = self.address.partition(":")
            if count:
                if not count.isdigit() or int(count) < 1:
                    raise SweepError(f"--dask {self.address!r}: expected local or local:N "
                                     "with N a positive number of workers")
                if workers is not None and workers != int(count):
                    raise SweepError(f"--dask {self.address} and --workers {workers} disagree")
                self._workers = int(count)
        elif workers is not None:
            raise SweepError("--workers applies to a local cluster (--dask local:N); a running "
                             "scheduler has the workers it has")
        elif "://" not in self.address and ":" not in self.address:
            raise SweepError(f"--dask {self.address!r}: expected local[:N] or a scheduler "
                             "address such as tcp://host:8786")

    @property
    def local(self) -> bool:
        return self.address == "local" or self.address.startswith("local:")

    @property
    def workers(self) -> int:
        if self._client is not None:
            return max(1, int(sum(self._client.nthreads().values())))
        return self._workers or os.cpu_count() or 1

    @property
    def scheduler_address(self) -> str:
        """The scheduler's address once started (a LocalCluster's is chosen at start)."""
        if self._client is None:
            return self.address
        return str(self._client.scheduler.address)

    def describe(self) -> str:
        where = "LocalCluster" if self.local else self.address
        return f"dask ({where}, {self.workers} worker threads)"

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self) -> None:
        dist: Any = import_module("distributed")  # untyped; imported only when used
        if self.local:
            with _children_ignore_sigint():
                self._cluster = dist.LocalCluster(
                    n_workers=self._workers or os.cpu_count() or 1, threads_per_worker=1,
                    processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
            self._client = dist.Client(self._cluster)
        else:
            try:
                self._client = dist.Client(self.address, timeout=self.connect_timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                raise SweepError(f"cannot reach the Dask scheduler at {self.address}: "
                                 f"{exc}") from None
        try:
            self._client.wait_for_workers(1, timeout=self.connect_timeout)
        except TimeoutError:
            raise SweepError(f"the Dask scheduler at {self.address} has no workers (start "
                             "some with `dask worker ADDRESS`)") from None
        self._check_versions()

    def _check_versions(self) -> None:
        """Warn when a worker's libraries differ from the driver's: numbers may then differ
        from a run elsewhere. A worker without detente fails here with a clear message."""
        mine = _versions()
        try:
            theirs: dict[str, dict[str, str]] = self._client.run(_versions)
        except (ImportError, AttributeError) as exc:
            raise SweepError(f"the Dask workers cannot run detente ({exc}); install detente "
                             "(the same version) on every worker") from None
        for worker, found in sorted(theirs.items()):
            if found != mine:
                diff = ", ".join(f"{k} {found.get(k)} (here {mine.get(k)})"
                                 for k in sorted(set(mine) | set(found))
                                 if found.get(k) != mine.get(k))
                warnings.warn(f"Dask worker {worker} runs different versions: {diff}; "
                              "its numbers may differ", SweepWarning, stacklevel=2)

    def imap(self, job: Job, chunks: Sequence[Chunk]) -> Results:
        dist: Any = import_module("distributed")
        if self._client is None:
            raise RuntimeError("DaskBackend.imap before start()")
        if not chunks:
            return
        client = self._client
        shared = client.scatter(job, broadcast=True, hash=False)
        todo = iter(chunks)
        limit = 2 * self.workers
        running = [client.submit(compute_chunk, shared, a, b, pure=False)
                   for a, b in _take(todo, limit)]
        queue = dist.as_completed(running)
        live = set(running)
        try:
            for fut in queue:
                live.discard(fut)
                result: ChunkResult = fut.result()
                for a, b in _take(todo, 1):
                    nxt = client.submit(compute_chunk, shared, a, b, pure=False)
                    live.add(nxt)
                    queue.add(nxt)
                yield result
        finally:
            if live:
                client.cancel(list(live))
            client.cancel(shared)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def _take(it: Iterator[Chunk], n: int) -> list[Chunk]:
    out: list[Chunk] = []
    for item in it:
        out.append(item)
        if len(out) >= n:
            break
    return out


def make_backend(name: str | Backend | None = None, *, workers: int | None = None,
                 dask: str | None = None) -> Backend:
    """A backend by name: ``inprocess`` (the default), ``processes`` (``workers`` processes,
    default one per core) or ``dask`` (``dask`` = ``local[:W]`` or a scheduler address;
    default ``local``). Giving ``dask`` without a name implies the dask backend."""
    if isinstance(name, Backend):
        return name
    if name is None:
        name = "dask" if dask is not None else "inprocess"
    if dask is not None and name != "dask":
        raise SweepError(f"--dask needs --backend dask (not {name})")
    if name == "inprocess":
        if workers not in (None, 1):
            raise SweepError("--workers needs --backend processes or dask")
        return InProcessBackend()
    if name == "processes":
        if workers is not None and workers < 1:
            raise SweepError("--workers must be at least 1")
        return ProcessBackend(workers)
    if name == "dask":
        return DaskBackend(dask or "local", workers)
    raise SweepError(f"unknown backend {name!r}; backends: {', '.join(BACKENDS)}")
