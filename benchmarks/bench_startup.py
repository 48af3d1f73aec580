"""How long `detente --help` and `import detente` take, and which imports cost the most.

Prints the median wall time of ``repeats`` runs of each command (a fresh interpreter each
time) and the ten modules with the largest cumulative import time (``python -X importtime``).
The target (issue #11) is `detente --help` under 0.5 s.

    python benchmarks/bench_startup.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def wall(cmd: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heaviest(module: str, top: int = 10) -> list[tuple[float, str]]:
    """(cumulative seconds, module) of the costliest imports of ``module``."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         check=True, capture_output=True, text=True).stderr
    rows = []
    for line in err.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or not parts[1].strip().isdigit():
            continue
        rows.append((int(parts[1]) / 1e6, parts[2].strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    detente = str(BIN / "detente")
    for label, code in (("python -c pass", "pass"), ("import typer", "import typer"),
                        ("import detente", "import detente")):
        print(f"{label:22} {wall([sys.executable, '-c', code], args.repeats):6.3f} s")
    print(f"{'detente --help':22} {wall([detente, '--help'], args.repeats):6.3f} s   "
          "(target < 0.5 s)")
    print("costliest imports under detente.cli (cumulative):")
    for seconds, name in heaviest("detente.cli"):
        print(f"  {seconds:6.3f} s  {name}")


if __name__ == "__main__":
    main()
