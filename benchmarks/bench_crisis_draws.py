"""Peak memory and wall time of `detente crisis` as --draws grows (issue #14 row 21).

Before the analysis ran its draws in batches, `crisis --draws 10000000` tried to allocate
9.8 GiB for one array. Now memory should grow by only the few numbers kept of every draw
(about 32 bytes), over a working set set by the batch size (50,000 draws). Each run is a
fresh `detente crisis ... -f json` process; its peak resident set size is read from the
kernel (``ru_maxrss`` of the finished child, as ``/usr/bin/time -v`` reports it).

Run: ``python benchmarks/bench_crisis_draws.py [scenario] [draws ...]``; by default the
whatif toy scenario of the tests at 1,000, 100,000, 1,000,000 and 10,000,000 draws (the last
takes several minutes on a 2-core machine; ukraine-2022 is about 20 times slower a draw).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOY = Path(__file__).resolve().parents[1] / "tests" / "data" / "whatif-toy.yaml"
DRAWS = (1_000, 100_000, 1_000_000, 10_000_000)


def run(scenario: str, draws: int) -> tuple[float, float]:
    """Seconds and peak MiB of one `detente crisis` process."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "crisis.json")
        start = time.perf_counter()
        with open(os.path.join(folder, "stderr"), "w+") as err:
            pid = subprocess.Popen([sys.executable, "-m", "detente", "crisis", scenario,
                                    "--draws", str(draws), "-f", "json", "-o", out],
                                   stdout=subprocess.DEVNULL, stderr=err).pid
            _, status, usage = os.wait4(pid, 0)
            seconds = time.perf_counter() - start
            if os.waitstatus_to_exitcode(status) != 0:
                err.seek(0)
                raise SystemExit(f"detente crisis --draws {draws} failed:\n{err.read()}")
    return seconds, usage.ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    scenario = sys.argv[1] if len(sys.argv) > 1 else str(TOY)
    counts = [int(a) for a in sys.argv[2:]] or list(DRAWS)
    print(f"detente crisis {Path(scenario).name} -f json  (peak RSS of the process)")
    for n in counts:
        seconds, peak = run(scenario, n)
        print(f"{n:>12,} draws  {seconds:8.1f} s  {peak:8.0f} MiB peak")


if __name__ == "__main__":
    main()
