"""Sweep throughput and memory: draws per second, wall time and peak RSS per backend.

    python benchmarks/bench_sweep.py                      # 100,000 draws of ukraine-2022
    python benchmarks/bench_sweep.py --evaluate all        # forecast + crisis analysis
    python benchmarks/bench_sweep.py --only inprocess processes:2

Each configuration runs in a fresh Python process, so its peak RSS is its own: the driver's,
and separately the largest seen of any process it started (sampled every 0.1 s). Wall time
counts everything a user waits for: starting workers or a cluster, drawing, evaluating,
storing in DuckDB. Chunks are streamed to the database, so the driver's peak memory should
not grow with the number of draws: the in-process run is repeated at twice the draws to show
it (``--no-memory-check`` skips that).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIGS = {
    "inprocess": {"backend": "inprocess"},
    "processes:1": {"backend": "processes", "workers": 1},
    "processes:2": {"backend": "processes", "workers": 2},
    "dask:2": {"backend": "dask", "dask": "local:2"},
}


def child(spec: dict[str, object]) -> None:
    """Run one sweep and print its measurements as JSON (the benchmark's worker process)."""
    import resource
    import threading

    import psutil

    from detente.sweep import run_sweep

    # workers may not be our children (a forkserver's, a Dask nanny's), so their memory is
    # sampled: the largest resident size seen of any process descended from this one
    peak_worker = [0.0]
    running = threading.Event()
    running.set()

    def sample() -> None:
        me = psutil.Process()
        while running.is_set():
            for proc in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):  # a worker that just exited
                    peak_worker[0] = max(peak_worker[0], proc.memory_info().rss / 2**20)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    result = run_sweep(spec["scenario"], draws=spec["draws"], seed=1,  # type: ignore[arg-type]
                       evaluator=spec["evaluate"], settings=spec["settings"],  # type: ignore[arg-type]
                       chunk_size=spec["chunk_size"], db=spec["db"],  # type: ignore[arg-type]
                       **spec["options"])  # type: ignore[arg-type]
    wall = time.perf_counter() - t0
    running.clear()
    sampler.join()
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = max(peak_worker[0], resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    print(json.dumps({"wall": wall, "sweep": result.info.seconds,
                      "done": result.info.draws_done, "rss_driver": me, "rss_worker": kids,
                      "inputs": len(result.info.inputs), "outputs": len(result.info.outputs)}))


def measure(name: str, draws: int, args: argparse.Namespace, folder: Path) -> dict[str, float]:
    settings = {"models": args.model} if args.model else {}
    spec = {"scenario": args.scenario, "draws": draws, "evaluate": args.evaluate,
            "settings": settings, "chunk_size": args.chunk_size,
            "db": str(folder / f"{name.replace(':', '-')}-{draws}.duckdb"),
            "options": CONFIGS[name]}
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
    out: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ukraine-2022")
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--evaluate", default="forecast",
                        help="evaluator name (forecast, crisis, all, ...)")
    parser.add_argument("--model", action="append",
                        help="model(s) for the evaluator's models setting, repeatable")
    parser.add_argument("--chunk-size", type=int, default=10_000,
                        help="draws per chunk (default: detente sweep's)")
    parser.add_argument("--only", nargs="*", choices=list(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--no-memory-check", dest="memory_check", action="store_false",
                        help="skip the in-process run at twice the draws")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return

    import os

    print(f"{args.scenario}: {args.draws:,} draws, evaluator {args.evaluate}, chunks of "
          f"{args.chunk_size:,}, {os.cpu_count()} cores")
    head = (f"{'backend':<13}{'draws':>9}{'wall s':>9}{'sweep s':>9}{'draws/s':>10}"
            f"{'driver MB':>11}{'worker MB':>11}")
    print(head)
    print("-" * len(head))
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        folder = Path(tmp)
        runs = [(name, args.draws) for name in args.only]
        if "inprocess" in args.only and args.memory_check:
            runs.insert(1, ("inprocess", 2 * args.draws))
        for name, n in runs:
            m = measure(name, n, args, folder)
            worker = f"{m['rss_worker']:>11.0f}" if name != "inprocess" else f"{'-':>11}"
            print(f"{name:<13}{n:>9,}{m['wall']:>9.1f}{m['sweep']:>9.1f}"
                  f"{n / m['wall']:>10,.0f}{m['rss_driver']:>11.0f}{worker}", flush=True)
    print("wall: all a user waits for (workers/cluster start-up included); sweep: the "
          "run's recorded compute-and-store time; MB: peak RSS.")


if __name__ == "__main__":
    main()
