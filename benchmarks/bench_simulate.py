"""Wall time of `detente simulate` on ukraine-2022 (issue #9: 10,000 runs x 12 weeks in under
10 s on two cores). Prints the figures; asserts nothing. Run:
``python benchmarks/bench_simulate.py``.
"""

from __future__ import annotations

import os
import resource
import time

import detente


def main() -> None:
    scenario = detente.load("ukraine-2022")
    detente.simulate(scenario, weeks=2, runs=100, seed=0)  # warm imports and caches
    print(f"cores available: {os.cpu_count()}")
    for runs, weeks, types in ((10_000, 12, 128), (10_000, 12, 256), (100_000, 12, 128)):
        start = time.perf_counter()
        r = detente.simulate(scenario, weeks=weeks, runs=runs, seed=0, types=types)
        seconds = time.perf_counter() - start
        print(f"simulate {runs:>7,} runs x {weeks} weeks, {types} types: {seconds:7.2f} s "
              f"({runs * weeks / seconds:,.0f} run-weeks/s); P(war by week {weeks}) = "
              f"{r.p_war_by_week[-1]:.3f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
