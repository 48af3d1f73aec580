"""Wall time, CPU time and peak memory of KTAB's Spatial Model of Politics (detente.models.smp).

Cases: KTAB's SOE-Competitive (34 actors), dummyData-a080 and -a160 (KTAB's scaling inputs,
``examples/smp/doc``), a synthetic 480-actor issue (seeded; beyond KTAB's own 250-actor
limit, so run through ``solve`` rather than ``run_model``) and a batch of 16 draws of
SOE-Competitive with capabilities perturbed by ±20 % through ``forecast_batch``. Every case runs
KTAB's CSV defaults to KTAB's stopping rule, so the number of turns differs between cases.

``wall`` and ``cpu`` are the fastest of ``runs`` runs of the whole ``run_model``/``solve``
path (the machine is shared, so the fastest run is the one least disturbed); ``peak`` is the
largest memory numpy and Python allocated during a separate run (tracemalloc), ``maxrss`` the
process's resident-set high-water mark so far. The compiled kernels' one-off costs are printed
first and kept out of the table: compiling them from scratch (a new process with an empty numba
cache: what the first SMP run on a machine pays), loading them from the cache (what the first
SMP run of every later process pays) and the first call in this process. For comparison,
KTAB's C++ (release build, 2 cores, no SQLite) needs 9.0 s for SOE-Competitive and 90 s for
dummyData-a080 (reference README). No assertions: this only prints. Usage::

    python benchmarks/bench_smp.py [path/to/reference]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from _cases import reference_dir, synthetic

from detente.models import smp
from detente.models.base import ScenarioArrays, run_model, scenario_arrays
from detente.scenario import load


def perturbed(arrays: ScenarioArrays, draws: int, seed: int = 1) -> ScenarioArrays:
    """``draws`` copies of ``arrays`` with capabilities scaled by U(0.8, 1.2)."""
    rng = np.random.default_rng(seed)
    n, k = arrays.n_actors, arrays.n_issues
    return ScenarioArrays(
        arrays.actor_ids, arrays.issue_ids,
        capability=arrays.capability[None, :] * rng.uniform(0.8, 1.2, (draws, n)),
        position=np.broadcast_to(arrays.position, (draws, n, k)).copy(),
        salience=np.broadcast_to(arrays.salience, (draws, n, k)).copy(),
        lower=arrays.lower, upper=arrays.upper, status_quo=arrays.status_quo)


def measure(fn: Callable[[], Any], runs: int = 1) -> tuple[Any, float, float, float]:
    """Result, wall seconds, CPU seconds (fastest of ``runs``), peak traced MB."""
    wall, cpu = float("inf"), float("inf")
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, wall, cpu, peak


_WARM_UP = ("import time; t = time.perf_counter(); import numba; i = time.perf_counter() - t; "
            "from detente.models import _smp_kernels as k; k.warm_up(); "
            "print(i, time.perf_counter() - t - i)")


def jit_costs() -> None:
    """Print the kernels' one-off costs: import numba, compile (empty cache), load (cache)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for what in ("compile (empty cache)", "load from the cache"):
            out = subprocess.run([sys.executable, "-c", _WARM_UP], env=env, check=True,
                                 capture_output=True, text=True).stdout.split()
            print(f"JIT, new process: import numba {float(out[0]):.2f} s, {what} "
                  f"{float(out[1]):.2f} s", flush=True)
    from detente.models import _smp_kernels

    t = time.perf_counter()
    _smp_kernels.warm_up()
    print(f"JIT, this process (the cache at its usual place): first call "
          f"{time.perf_counter() - t:.2f} s", flush=True)


def main() -> None:
    jit_costs()
    ref = reference_dir() / "ktab"
    cfg = smp.Config()
    rng = np.random.default_rng(0)
    print(f"{'case':<34} {'actors':>6} {'turns':>5} {'wall s':>8} {'cpu s':>8} "
          f"{'peak MB':>8} {'maxrss MB':>9}")

    def report(case: str, n: int, turns: int | str, wall: float, cpu: float,
               peak: float) -> None:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{case:<34} {n:>6} {turns:>5} {wall:>8.2f} {cpu:>8.2f} {peak:>8.1f} {rss:>9.0f}",
              flush=True)

    for name in ("SOE-Competitive", "dummyData-a080", "dummyData-a160"):
        scenario = load(ref / f"{name}.csv")
        res, wall, cpu, peak = measure(partial(run_model, smp.INFO, scenario, rng=rng), runs=5)
        report(f"{name} (run_model)", len(scenario.actors), res.rounds + 1, wall, cpu, peak)

    big = synthetic(480)
    sol, wall, cpu, peak = measure(lambda: smp.solve(big, cfg, rng))
    report("synthetic, 1 issue (solve)", 480, sol.rounds + 1, wall, cpu, peak)

    draws = 16
    batch = perturbed(scenario_arrays(load(ref / "SOE-Competitive.csv")), draws)
    out, wall, cpu, peak = measure(lambda: smp.forecast_batch(batch, cfg, rng), runs=3)
    report(f"SOE-Competitive, {draws} draws (batch)", batch.n_actors, "-", wall, cpu, peak)
    print(f"  batch forecasts: mean {out.mean():.2f}, sd {out.std():.2f} "
          f"({wall / draws:.2f} s per draw)")


if __name__ == "__main__":
    main()
