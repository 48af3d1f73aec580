"""Worker start-up: how long a sweep waits before its workers compute.

Measures, each in a fresh interpreter (so nothing is imported or started beforehand):

* ``import``: importing what a worker needs to run a chunk (``detente.sweep.backends``);
* ``dask local:2``: from a driver that has imported detente, starting a two-worker
  ``LocalCluster`` until both workers have returned a one-draw chunk of ``ukraine-2022``;
* ``processes:2``: the same with the process-pool backend.

Median of ``--repeat`` runs. Prints only; nothing here asserts on time. Usage::

    python benchmarks/bench_workers.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

IMPORT = "import detente.sweep.backends"
FIRST_CHUNKS = """
import time
from detente.scenario import load
from detente.sweep.backends import Job, make_backend
from detente.sweep.runner import make_evaluator
scenario = load("ukraine-2022")
ev = make_evaluator("all")
job = Job(scenario, 0, ev, tuple(ev.outputs(scenario)))
backend = make_backend({backend!r}, workers=2, dask={dask!r})
t0 = time.perf_counter()  # the driver has imported detente: what follows is the workers
with backend:
    results = list(backend.imap(job, [(0, 1), (1, 2)]))
print(time.perf_counter() - t0)
"""


def fresh(code: str) -> float:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout.strip()
    return float(out) if out else time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cases = {
        "import (a worker's modules)": IMPORT,
        "dask local:2, first chunks": FIRST_CHUNKS.format(backend="dask", dask="local:2"),
        "processes:2, first chunks": FIRST_CHUNKS.format(backend="processes", dask=None),
    }
    print(f"{'case':<30}{'median s':>10}{'runs':>24}")
    for name, code in cases.items():
        runs = [fresh(code) for _ in range(args.repeat)]
        shown = " ".join(f"{r:.2f}" for r in runs)
        print(f"{name:<30}{statistics.median(runs):>10.2f}{shown:>24}", flush=True)


if __name__ == "__main__":
    main()
