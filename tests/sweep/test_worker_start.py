"""What a sweep worker loads (issue #12: worker start-up measured and cut; figures from
benchmarks/bench_startup.py, never timed here). A spawned or Dask worker imports the module of
its task, unpickles the job and computes draws; none of that needs scipy.stats (sampling
inverts the distributions in numpy, scipy.special for the copula), pandas, DuckDB, the
summaries' scipy.signal or numba (only SMP runs do)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cloudpickle

from detente.evaluate import default_evaluator
from detente.scenario import load
from detente.sweep import Job, compute_chunk, make_evaluator

HEAVY = ("scipy.stats", "scipy.optimize", "scipy.signal", "pandas", "duckdb", "numba",
         "matplotlib")

_WORKER = """
import json, sys
import cloudpickle
from detente.sweep.backends import compute_chunk
job = cloudpickle.loads(open(sys.argv[1], "rb").read())
res = compute_chunk(job, 0, 3)
print(json.dumps({"modules": sorted(sys.modules), "outputs": res.outputs.tolist(),
                  "inputs": res.inputs.tolist()}))
"""


def test_a_worker_computes_draws_without_the_heavy_libraries(tmp_path: Path) -> None:
    scenario = load("ukraine-2022")  # a crisis section and declared correlations
    ev = make_evaluator(default_evaluator(scenario))
    job = Job(scenario, 4, ev, tuple(ev.outputs(scenario)))
    path = tmp_path / "job.pkl"
    path.write_bytes(cloudpickle.dumps(job))
    out = subprocess.run([sys.executable, "-c", _WORKER, str(path)], check=True,
                         capture_output=True, text=True).stdout
    worker = json.loads(out.splitlines()[-1])
    assert not [m for m in HEAVY if m in worker["modules"]]
    here = compute_chunk(job, 0, 3)  # the same draws as in this (fully loaded) process
    assert worker["outputs"] == here.outputs.tolist()
    assert worker["inputs"] == here.inputs.tolist()
