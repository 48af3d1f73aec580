"""Hostile and oversized inputs (issue #14): how long detente takes to refuse them, and how
much memory the in-memory analyses need at their largest allowed number of draws.

    python benchmarks/bench_hostile_inputs.py            # the refusals (seconds each)
    python benchmarks/bench_hostile_inputs.py --draws    # also crisis at the draw limit

Each case runs in a fresh child process, so the peak resident memory printed is its own.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

CASES = {
    "4 MB YAML, 2M-element list (row 10)":
        "p.write_text('id: x\\nv:\\n' + ''.join('- 1\\n' for _ in range(2_000_000)))",
    "1.5 MB YAML, 500k aliases (row 11)":
        "p.write_text('id: &a x\\nv:\\n' + '- *a\\n' * 500_000)",
    "billion laughs (9 levels of 9 aliases)":
        "p.write_text('a: &a [1,2]\\n' + ''.join(f'{chr(98 + i)}: &{chr(98 + i)} [' + "
        "','.join(['*' + chr(97 + i)] * 9) + ']\\n' for i in range(8)))",
    "10 MB of comments (at the size limit)":
        "p.write_text('#' * (10 * 2**20 - 20) + '\\nid: x\\n')",
}

PROBE = """
import resource, sys, time
from pathlib import Path
from detente.scenario import ScenarioError, load
p = Path(sys.argv[1])
{make}
t = time.perf_counter()
try:
    load(p)
    what = "loaded"
except ScenarioError as exc:
    what = exc.problems[0].message
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{time.perf_counter() - t:6.2f}} s  {{peak:6.0f}} MiB peak  {{what}}")
"""

CRISIS = """
import resource, time
from detente import api
from detente.cli.common import MAX_DRAWS_IN_MEMORY
from detente.scenario import load
s = load({name!r})
t = time.perf_counter()
api.crisis_analysis(s, draws=MAX_DRAWS_IN_MEMORY, seed=0)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{time.perf_counter() - t:6.1f}} s  {{peak:6.0f}} MiB peak  crisis {name} at "
      f"{{MAX_DRAWS_IN_MEMORY:,}} draws")
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for label, make in CASES.items():
            path = Path(folder) / "case.yaml"
            code = textwrap.dedent(PROBE).format(make=make)
            out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                                 text=True, check=True).stdout.strip()
            print(f"{label:42} {out}")
    if "--draws" in sys.argv:
        data = Path(__file__).resolve().parents[1] / "tests" / "data" / "whatif-toy.yaml"
        for name in ("ukraine-2022", str(data)):
            code = textwrap.dedent(CRISIS).format(name=name)
            print(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout.strip())


if __name__ == "__main__":
    main()
