"""Wall time and peak memory of `detente crisis` and `detente whatif` on ukraine-2022.

Targets from the issues: the crisis analysis answers in under 10 s; the lever search with
default settings in under 2 minutes on a 2-core machine. Run:
``python benchmarks/bench_crisis.py``.
"""

from __future__ import annotations

import resource
import time
import tracemalloc

import detente


def measure(label: str, fn: object) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{label:<48} {seconds:8.2f} s   peak traced {peak:8.1f} MB")


def main() -> None:
    scenario = detente.load("ukraine-2022")
    detente.crisis_analysis(scenario, draws=100, seed=0)  # warm imports
    for n in (10_000, 100_000):
        measure(f"crisis analysis, {n:,} draws",
                lambda n=n: detente.crisis_analysis(scenario, draws=n, seed=0))
    measure("whatif, default settings (2,000 draws + 10,000 check)",
            lambda: detente.whatif(scenario, target=0.10, seed=0))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
