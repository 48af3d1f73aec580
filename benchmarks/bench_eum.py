"""Wall time and peak memory of the expected-utility model (Scholz et al. 2011 reconstruction).

Cases: the EC car-emissions case (10 actors; Scholz et al. Table 1), KTAB's SOE-Competitive
(34 actors), dummyData-a080 and -a160, a synthetic 480-actor issue (seeded) and a batch of
1000 perturbed draws of the EC case through ``forecast_batch``. Each case runs 10 rounds (the
convergence test is switched off so that every case does the same work) in both readings.

``time`` is the best of several runs of ``solve`` without diagnostics (the forecast path);
``+diag`` the same with the diagnostics the model records by default (dyadic arrays up to 100
actors, a summary beyond). ``peak`` is the largest memory numpy and Python allocated during
one run without diagnostics (tracemalloc, measured in a separate run). The last lines time
the whole ``run_model`` path (result object, JSON-ready diagnostics) on the EC case. Usage::

    python benchmarks/bench_eum.py [path/to/reference]
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from _cases import reference_dir, synthetic

from detente.models import eum
from detente.models.base import ScenarioArrays, run_model, scenario_arrays
from detente.scenario import load

READINGS = ("paper", "scholz-code")






def batch_of(arrays: ScenarioArrays, draws: int, seed: int = 1) -> ScenarioArrays:
    """``draws`` perturbed copies: capabilities and saliences x U(0.8, 1.2), positions
    x U(0.95, 1.05)."""
    rng = np.random.default_rng(seed)
    n, k = arrays.position.shape
    return ScenarioArrays(
        arrays.actor_ids, arrays.issue_ids,
        capability=arrays.capability * rng.uniform(0.8, 1.2, (draws, n)),
        position=arrays.position * rng.uniform(0.95, 1.05, (draws, n, k)),
        salience=np.clip(arrays.salience * rng.uniform(0.8, 1.2, (draws, n, k)), 0, 1),
        lower=arrays.lower, upper=arrays.upper, status_quo=arrays.status_quo)


def best_time(fn: Callable[[], Any], budget: float = 1.0, most: int = 50) -> float:
    """Best wall time of repeated calls, within about ``budget`` seconds."""
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < most and (not times or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_memory(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms" if seconds < 10 else f"{seconds:9.1f} s "


def fmt_bytes(n: float) -> str:
    return f"{n / 1e6:7.1f} MB" if n >= 1e6 else f"{n / 1e3:7.0f} kB"


def main() -> None:
    ref = reference_dir()
    cases = {
        "EC emissions (10)": scenario_arrays(load(ref / "eum" / "ExampleActors.csv")),
        "SOE-Competitive (34)": scenario_arrays(load(ref / "ktab" / "SOE-Competitive.csv")),
        "dummyData-a080 (80)": scenario_arrays(load(ref / "ktab" / "dummyData-a080.csv")),
        "dummyData-a160 (160)": scenario_arrays(load(ref / "ktab" / "dummyData-a160.csv")),
        "synthetic (480)": synthetic(480, capability=(1.0, 100.0), decimals=None),
    }
    rng = np.random.default_rng(0)
    print(f"{'case':28s} {'reading':12s} {'time':>12s} {'+diag':>12s} {'peak':>10s}")
    for name, arrays in cases.items():
        for reading in READINGS:
            bare = eum.Config(reading=reading, tol=0.0, diagnostics="none")
            diag = bare.model_copy(update={"diagnostics": "auto"})
            t_bare = best_time(partial(eum.solve, arrays, bare, rng))
            t_diag = best_time(partial(eum.solve, arrays, diag, rng))
            peak = peak_memory(partial(eum.solve, arrays, bare, rng))
            print(f"{name:28s} {reading:12s} {fmt_time(t_bare)} {fmt_time(t_diag)} "
                  f"{fmt_bytes(peak)}")
    ec = batch_of(cases["EC emissions (10)"], 1000)
    for reading in READINGS:
        config = eum.Config(reading=reading, tol=0.0)
        t = best_time(partial(eum.forecast_batch, ec, config, rng), budget=3.0)
        peak = peak_memory(partial(eum.forecast_batch, ec, config, rng))
        print(f"{'EC batch, 1000 draws':28s} {reading:12s} {fmt_time(t)} {'':>12s} "
              f"{fmt_bytes(peak)}   ({t / 1000 * 1e6:.0f} us a draw)")
    scenario = load(ref / "eum" / "ExampleActors.csv")
    for reading in READINGS:
        config = eum.Config(reading=reading)
        t = best_time(partial(run_model, eum.INFO, scenario, config=config, rng=rng))
        print(f"{'EC via run_model, defaults':28s} {reading:12s} {fmt_time(t)}")


if __name__ == "__main__":
    main()
