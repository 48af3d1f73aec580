"""Both readings of the expected-utility model against Scholz et al. (2011) Table 2.

Scholz, Calbert & Smith (2011), "Unravelling Bueno De Mesquita's group decision model",
J. Theoretical Politics 23(4), Table 2: the median and mean voter positions of rounds 1..8 of
their replication of Bueno de Mesquita's (1994) EC car-emissions case (Table 1), Q = 1. Also
the largest deviation of the ``scholz-code`` reading from ``Example.log`` (the public Python
replication of Scholz's program, dmasad/bdm-scholz-expected-utility-model d7c7bbab).

Prints Markdown (the tables of docs/models/eum.md). Usage::

    python benchmarks/eum_table2.py [path/to/reference]
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from _cases import reference_dir

from detente.models import eum
from detente.models.base import ForecastResult, run_model
from detente.scenario import load

TABLE2_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
TABLE2_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
ROUNDS = len(TABLE2_MEDIAN)




def run(reading: str, ref: Path) -> ForecastResult:
    scenario = load(ref / "eum" / "ExampleActors.csv")
    return run_model(eum.INFO, scenario, config=eum.Config(reading=reading),
                     rng=np.random.default_rng(0))


def log_deviation(result: ForecastResult, ref: Path) -> tuple[int, float]:
    """Moves compared and the largest |difference| of any printed number of Example.log."""
    numbers = re.compile(r"^\t(\S+) vs (\S+)\n\tnew_pos = (\S+)$", re.MULTILINE)
    heads = re.compile(r"^(.+?) (?:compromises with|loses confrontation to|capitulates to) ",
                       re.MULTILINE)
    text = (ref / "eum" / "Example.log").read_text()
    logged = [tuple(float(v) for v in m.groups()) for m in numbers.finditer(text)]
    actors = heads.findall(text)
    offers = result.diagnostics[result.issues[0].id]["offers"]
    if [o["actor"] for o in offers] != actors:
        raise SystemExit("the moves differ from Example.log")
    worst = max(abs(a - b) for o, row in zip(offers, logged, strict=True)
                for a, b in zip((o["eu_actor"], o["eu_other"], o["to"]), row, strict=True))
    return len(offers), worst


def table(results: dict[str, ForecastResult]) -> str:
    head = ["round", "Table 2 median"]
    for name in results:
        head += [f"`{name}` median", "diff"]
    head += ["Table 2 mean"]
    for name in results:
        head += [f"`{name}` mean", "diff"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    diags = {name: r.diagnostics[r.issues[0].id] for name, r in results.items()}
    for t in range(1, ROUNDS + 1):
        row = [str(t), f"{TABLE2_MEDIAN[t - 1]:.1f}"]
        for d in diags.values():
            m = d["median"][t]
            row += [f"{m:.3f}", f"{m - TABLE2_MEDIAN[t - 1]:+.2f}"]
        row.append(f"{TABLE2_MEAN[t - 1]:.1f}")
        for d in diags.values():
            m = d["mean"][t]
            row += [f"{m:.3f}", f"{m - TABLE2_MEAN[t - 1]:+.2f}"]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def summary(results: dict[str, ForecastResult]) -> str:
    out = []
    for name, r in results.items():
        d = r.diagnostics[r.issues[0].id]
        med = np.array(d["median"][1:ROUNDS + 1])
        mean = np.array(d["mean"][1:ROUNDS + 1])
        med_gap = np.abs(med - TABLE2_MEDIAN)
        mean_gap = np.abs(mean - TABLE2_MEAN)
        trunc = np.floor(med * 10 + 1e-9) / 10
        agree_med = [t + 1 for t in range(ROUNDS) if med_gap[t] <= 0.05]
        agree_trunc = [t + 1 for t in range(ROUNDS) if np.isclose(trunc[t], TABLE2_MEDIAN[t])]
        agree_mean = [t + 1 for t in range(ROUNDS) if mean_gap[t] <= 0.05]
        out.append(
            f"- `{name}`: median within 0.05 of the table in rounds {agree_med or 'none'}, "
            f"equal after truncation to one decimal in rounds {agree_trunc or 'none'}, largest "
            f"gap {med_gap.max():.2f}; mean within 0.05 in rounds {agree_mean or 'none'}, "
            f"largest gap {mean_gap.max():.2f}; forecast after 10 rounds "
            f"{r.issues[0].forecast:.3f}.")
    return "\n".join(out)


def main() -> None:
    ref = reference_dir()
    results = {reading: run(reading, ref) for reading in ("paper", "scholz-code")}
    moves, worst = log_deviation(results["scholz-code"], ref)
    print(f"`scholz-code` vs Example.log: {moves} moves, same actors, kinds, partners and "
          f"order; largest deviation of a printed number {worst:.1e}.\n")
    print(table(results))
    print()
    print(summary(results))


if __name__ == "__main__":
    main()
