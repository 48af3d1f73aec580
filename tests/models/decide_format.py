"""The ``decide-exchange-model`` package's input format, read and written for the golden tests,
and the package itself run round by round (when it is installed).

Format (the package's ``decide/data/reader.py`` and ``docs/inputfiles.md``): tab-separated,
fields quoted with single quotes; ``#A`` actor id, name, comment; ``#P`` issue id, name,
description; ``#M`` issue, a scale end (the lower one first); ``#D`` actor, issue, position,
salience (0..1), power.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from detente.models.base import ScenarioArrays


def read(path: Path) -> ScenarioArrays:
    """A Decide input file as detente arrays (actors and issues in file order)."""
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t",
                           quotechar="'"))
    actors = [r[1] for r in rows if r and r[0] == "#A"]
    issues = [r[1] for r in rows if r and r[0] == "#P"]
    ends: dict[str, list[float]] = {i: [] for i in issues}
    for r in rows:
        if r and r[0] == "#M":
            ends[r[1]].append(float(r[2]))
    n, k = len(actors), len(issues)
    x, s, c = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k))
    for r in rows:
        if r and r[0] == "#D":
            a, i = actors.index(r[1]), issues.index(r[2])
            x[a, i], s[a, i], c[a, i] = float(r[3]), float(r[4]), float(r[5])
    if not np.allclose(c, c[:, :1]):
        raise ValueError(f"{path}: detente needs one power per actor across issues")
    return ScenarioArrays(
        actor_ids=tuple(actors), issue_ids=tuple(issues), capability=c[:, 0], position=x,
        salience=s, lower=np.array([min(ends[i] or [0.0]) for i in issues]),
        upper=np.array([max(ends[i] or [100.0]) for i in issues]),
        status_quo=np.full(k, np.nan))


def write(arrays: ScenarioArrays, path: Path) -> Path:
    """``arrays`` (unbatched) as a Decide input file, actors in the order of their ids.

    The package accepts powers up to 100 only (``types.ActorIssue``); larger capabilities are
    scaled to a maximum of 100, which changes nothing in the model (only ratios of
    capability × salience on an issue enter it)."""
    order = np.argsort(np.array(arrays.actor_ids), kind="stable")
    top = float(np.max(arrays.capability))
    power = arrays.capability * (100.0 / top) if top > 100 else arrays.capability
    lines = [["#A", arrays.actor_ids[a], arrays.actor_ids[a], ""] for a in order]
    for k, iid in enumerate(arrays.issue_ids):
        lines += [["#P", iid, iid, iid], ["#M", iid, repr(float(arrays.lower[k]))],
                  ["#M", iid, repr(float(arrays.upper[k]))]]
    for a in order:
        for k, iid in enumerate(arrays.issue_ids):
            lines.append(["#D", arrays.actor_ids[a], iid, repr(float(arrays.position[a, k])),
                          repr(float(arrays.salience[a, k])),
                          repr(float(power[a]))])
    path.write_text("\n".join("\t".join(f"'{v}'" for v in row) for row in lines) + "\n",
                    encoding="utf-8")
    return path


def run_package(path: Path, rounds: int) -> dict[str, Any]:
    """Run the package's equal-gain model for ``rounds`` rounds on a Decide input file, its
    random tie-breaking switched off (``EqualGainModel.ALLOW_RANDOM``): every round's
    exchanges in the order carried out (actor, supply issue, from, to on 0..100, for both
    sides, and the gain) and the outcome after the round (its "nbs" of the votes)."""
    from decide.data.modelfactory import ModelFactory
    from decide.data.reader import InputDataFile
    from decide.model import equalgain
    from decide.model.utils import ModelLoop

    equalgain.EqualGainModel.ALLOW_RANDOM = False
    source = InputDataFile.open(str(path))
    if source.errors:
        raise ValueError(f"{path}: the package refuses rows {source.errors}")
    model = ModelFactory(source)(
        model_klass=equalgain.EqualGainModel, randomized_value=None)
    issues = [i.name for i in model.issues]
    carried: list[Any] = []

    class Events:
        """The observer the package's ModelLoop calls; only carried-out exchanges matter."""

        def execute_exchange(self, exchange: Any) -> None:
            carried.append(exchange)

        def __getattr__(self, name: str) -> Any:
            return lambda *args, **kwargs: None

    loop = ModelLoop(model, Events(), 0)
    actors = list(model.actors)
    out: list[dict[str, Any]] = []
    for _ in range(rounds):
        carried.clear()
        start = [[float(model.actor_issues[i][a].position) for i in model.issues]
                 for a in actors]
        loop.loop()
        out.append({
            "start": start,
            "exchanges": [[_side(e.i), _side(e.j), float(e.gain)] for e in carried],
            "outcome": [float(model.nbs[i]) for i in model.issues],
        })
    return {"package": "decide-exchange-model", "actors": [a.actor_id for a in actors],
            "issues": issues, "rounds": out}


def _side(side: Any) -> list[Any]:
    return [side.actor.actor_id, side.supply.issue.name, float(side.supply.position),
            float(side.y)]


def dump(data: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")


#: the golden cases: name -> how to get its arrays (see tests/data/reference/README.md)
GOLDEN_ROUNDS = 10


def golden_inputs(reference_dir: Path) -> dict[str, ScenarioArrays]:
    """The package's sample data and two detente scenarios (ukraine-2022; KTAB's 7-actor,
    3-issue test case as detente loads it)."""
    from detente.models.base import scenario_arrays
    from detente.scenario import load

    return {
        "sample_data": read(reference_dir / "decide" / "sample_data.txt"),
        "ukraine-2022": scenario_arrays(load("ukraine-2022")),
        "dummyData_3Dim": scenario_arrays(load(reference_dir / "ktab" / "dummyData_3Dim.csv")),
    }


def main() -> None:
    """Regenerate ``tests/data/reference/decide/*.golden.json`` (needs the package)."""
    here = Path(__file__).resolve().parents[1] / "data" / "reference"
    for name, arrays in golden_inputs(here).items():
        source = write(arrays, here / "decide" / f"{name}.decide.txt")
        dump(run_package(source, GOLDEN_ROUNDS), here / "decide" / f"{name}.golden.json")
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
