"""Wall time and peak memory of every registered negotiation model on the issue's cases.

Cases (issue "Negotiation models", section 5): EC emissions (10 actors), KTAB's
SOE-Competitive (34), dummyData-a080 (80) and -a160 (160), a synthetic 480-actor issue
(seeded; beyond KTAB's 250-actor limit, so every model runs through its ``solve``), and a
batch of 1,000 joint draws of ``ukraine-2022`` through ``forecast_batch``. One run per cell
(the models are deterministic); ``peak`` is tracemalloc's high-water mark of a second run.
Prints only; nothing here asserts on time. Usage::

    python benchmarks/bench_models.py [path/to/reference] [--models MODEL ...]
                                      [--skip-batch MODEL ...]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _cases import SHIPPED_REFERENCE, synthetic

from detente.models import MODELS
from detente.models.base import ModelInfo, ScenarioArrays, scenario_arrays
from detente.sampling import draw
from detente.scenario import load


def measure(fn: Callable[[], Any]) -> tuple[float, float]:
    start = time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return wall, peak


def cases(reference: Path) -> dict[str, ScenarioArrays]:
    ktab = reference / "ktab"
    out = {}
    for name, source in [("EC emissions (10)", "ec-emissions-1994"),
                         ("SOE-Competitive (34)", ktab / "SOE-Competitive.csv"),
                         ("dummyData-a080 (80)", ktab / "dummyData-a080.csv"),
                         ("dummyData-a160 (160)", ktab / "dummyData-a160.csv")]:
        arrays = scenario_arrays(load(source))
        # these files give no status quo; the scale's midpoint lets nbs run too
        out[name] = ScenarioArrays(arrays.actor_ids, arrays.issue_ids, arrays.capability,
                                   arrays.position, arrays.salience, arrays.lower,
                                   arrays.upper, (arrays.lower + arrays.upper) / 2)
    out["synthetic (480)"] = synthetic(480, status_quo=50.0)
    return out


def run_case(info: ModelInfo, arrays: ScenarioArrays) -> str:
    rng = np.random.default_rng(0)
    config = info.config()
    if arrays.n_actors < 3 and info.name == "smp":
        return "n/a"
    wall, peak = measure(lambda: info.solve(arrays, config, rng))
    return f"{wall * 1e3:10.1f} ms {peak:8.2f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reference", nargs="?",
                        default=SHIPPED_REFERENCE,
                        type=Path)
    parser.add_argument("--models", nargs="*", default=None,
                        help="only these models (default: every registered one)")
    parser.add_argument("--skip-batch", nargs="*", default=[],
                        help="models to leave out of the 1,000-draw batch")
    args = parser.parse_args()
    table = cases(args.reference)
    batch = draw(load("ukraine-2022"), 0, 0, 1_000).arrays()
    print(f"{'model':<11} {'case':<22} {'wall':>13} {'peak':>11}")
    for info in MODELS.values():
        if args.models is not None and info.name not in args.models:
            continue
        for name, arrays in table.items():
            print(f"{info.name:<11} {name:<22} {run_case(info, arrays)}", flush=True)
        if info.name in args.skip_batch:
            continue
        rng = np.random.default_rng(0)
        wall, peak = measure(lambda info=info, rng=rng: info.forecast_batch(
            batch, info.config(), rng))
        print(f"{info.name:<11} {'ukraine-2022 x 1,000':<22} {wall * 1e3:10.1f} ms "
              f"{peak:8.2f} MB", flush=True)


if __name__ == "__main__":
    main()
