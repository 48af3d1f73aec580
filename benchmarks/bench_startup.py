"""How long `detente --help`, `import detente` and a sweep worker's start take, and which
imports cost the most.

Prints the median wall time of ``repeats`` runs of each command (a fresh interpreter each
time) and the ten modules with the largest cumulative import time (``python -X importtime``).
The target (issue #11) is `detente --help` under 0.5 s.

A sweep worker (issue #12) is timed as a spawned or Dask worker starts: a fresh interpreter
imports ``detente.sweep.backends`` (what the task function lives in), unpickles the job (the
default sweep of ukraine-2022: every evaluator output of its crisis section) and computes its
first draw. Local process pools fork their workers from a server that has done the first step
once; Dask workers and spawned ones pay all of it. Also listed: which heavy libraries the
worker ended up importing.

    python benchmarks/bench_startup.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def wall(cmd: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heaviest(module: str, top: int = 10) -> list[tuple[float, str]]:
    """(cumulative seconds, module) of the costliest imports of ``module``."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         check=True, capture_output=True, text=True).stderr
    return _parse_importtime(err)[:top]


_WORKER = """
import sys, time
t0 = time.perf_counter()
import cloudpickle
from detente.sweep.backends import compute_chunk
t1 = time.perf_counter()
job = cloudpickle.loads(open(sys.argv[1], "rb").read())
compute_chunk(job, 0, 1)
t2 = time.perf_counter()
heavy = ("scipy.stats", "scipy.optimize", "scipy.signal", "pandas", "duckdb", "numba",
         "matplotlib", "sklearn")
print(t1 - t0, t2 - t1, " ".join(m for m in heavy if m in sys.modules) or "none")
"""


def sweep_job(path: Path, scenario: str = "ukraine-2022") -> None:
    """Pickle the default sweep job of ``scenario`` to ``path``, as the pool does."""
    import cloudpickle

    from detente.evaluate import default_evaluator
    from detente.scenario import load
    from detente.sweep import Job, make_evaluator

    sc = load(scenario)
    ev = make_evaluator(default_evaluator(sc))
    path.write_bytes(cloudpickle.dumps(Job(sc, 0, ev, tuple(ev.outputs(sc)))))


def worker_startup(repeats: int) -> None:
    """Median seconds of a fresh worker's imports and first draw; its costliest imports."""
    with tempfile.TemporaryDirectory() as tmp:
        job = Path(tmp) / "job.pkl"
        sweep_job(job)
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", _WORKER, str(job)], check=True,
                                 capture_output=True, text=True).stdout.split(maxsplit=2)
            runs.append((time.perf_counter() - start, float(out[0]), float(out[1]), out[2]))
        total, imports, first = (statistics.median(r[k] for r in runs) for k in range(3))
        print(f"{'sweep worker start':22} {total:6.3f} s   (import detente.sweep.backends "
              f"{imports:.3f} s, unpickle the job and compute its first draw {first:.3f} s)")
        print(f"  heavy libraries in the worker: {runs[0][3].strip()}")
        err = subprocess.run([sys.executable, "-X", "importtime", "-c", _WORKER, str(job)],
                             check=True, capture_output=True, text=True).stderr
    print("costliest imports in a sweep worker (cumulative):")
    for seconds, name in _parse_importtime(err)[:10]:
        print(f"  {seconds:6.3f} s  {name}")


def _parse_importtime(err: str) -> list[tuple[float, str]]:
    rows = []
    for line in err.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or not parts[1].strip().isdigit():
            continue
        rows.append((int(parts[1]) / 1e6, parts[2].strip()))
    return sorted(rows, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    detente = str(BIN / "detente")
    for label, code in (("python -c pass", "pass"), ("import typer", "import typer"),
                        ("import detente", "import detente")):
        print(f"{label:22} {wall([sys.executable, '-c', code], args.repeats):6.3f} s")
    print(f"{'detente --help':22} {wall([detente, '--help'], args.repeats):6.3f} s   "
          "(target < 0.5 s)")
    print("costliest imports under detente.cli (cumulative):")
    for seconds, name in heaviest("detente.cli"):
        print(f"  {seconds:6.3f} s  {name}")
    worker_startup(args.repeats)


if __name__ == "__main__":
    main()
