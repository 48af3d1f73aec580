"""Wall time of the backtests: `detente backtest icb` with the shipped fit and with a refit,
and `detente backtest scenarios` at the default 10,000 draws. No target: the figures say what
a user waits for. Run: ``python benchmarks/bench_backtest.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from detente import api


def measure(label: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    out = fn()
    print(f"{label:<58} {time.perf_counter() - start:8.2f} s")
    return out


def main() -> None:
    measure("backtest icb, shipped fit (486 crises x 100 draws)", api.backtest_icb)
    measure("backtest icb --refit (Nelder-Mead on 310 crises)",
            lambda: api.backtest_icb(refit=True))
    result = measure("backtest scenarios (5 scenarios x 10,000 draws)", api.backtest_scenarios)
    print(f"scenarios scored: {len(result.scores)}, mean Brier {result.mean_brier:.3f}")


if __name__ == "__main__":
    main()
