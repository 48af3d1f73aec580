"""A scenario as form fields and back: every number of the file with its evidence.

Each number is one field named by its path in the file (``actors[0].capability``, the names
every detente command uses). Its value is written as in the scenario file's YAML: a number
(``80``) or a distribution in flow style (``{triangular: [75, 90, 100]}``). Its judgment
note is a second field; its quotations are shown and kept. Changed fields are put back into the
file's data and checked by the same validation as ``detente validate``, so the problems come
back located by field, to be shown beside the field they concern.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from detente.scenario import Scenario, ScenarioError
from detente.scenario.errors import format_path
from detente.scenario.loader import validate
from detente.scenario.values import Quantity

__all__ = ["EditResult", "Field", "apply_edits", "fields", "spec"]

PathT = tuple[str | int, ...]


@dataclass(frozen=True)
class Field:
    """One number of the scenario as the form shows it."""

    name: str
    path: PathT
    group: str
    label: str
    value: str
    judgment: str
    quotes: list[tuple[str, str]]


@dataclass
class EditResult:
    """The scenario after the edits, or the problems: by field name, and those no field owns."""

    scenario: Scenario | None
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


def spec(q: Quantity) -> str:
    """The number part of a quantity as the scenario file writes it (no evidence)."""
    data = q.to_data()
    if isinstance(data, int | float):
        return _number(float(data))
    body = {k: v for k, v in data.items() if k not in ("evidence", "judgment")}
    if set(body) == {"value"}:
        return _number(float(body["value"]))
    return str(yaml.safe_dump(_plain(body), default_flow_style=True, sort_keys=False)).strip()


def _number(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, float) and obj.is_integer():
        return int(obj)
    return obj


def _group(s: Scenario, path: PathT) -> str:
    if path[0] == "actors" and isinstance(path[1], int):
        return f"Actor: {s.actors[path[1]].name}"
    if path[0] == "issues":
        return "Issues: status quo"
    if path[0] == "crisis" and path[1] == "levers" and isinstance(path[2], int):
        return f"Lever: {s.crisis.levers[path[2]].name}" if s.crisis else "Levers"
    return "Crisis: war and the power shift"


def _label(s: Scenario, path: PathT) -> str:
    if path[0] == "actors" and len(path) == 4:
        what = "position" if path[2] == "positions" else "salience"
        return f"{what}: {s.issue(str(path[3])).name}"
    if path[0] == "issues" and isinstance(path[1], int):
        return s.issues[path[1]].name
    names = {a.id: a.name for a in s.actors}
    return " ".join(names.get(str(p), str(p).replace("_", " ")) for p in path[1:]
                    if not isinstance(p, int))


def fields(s: Scenario) -> list[Field]:
    """Every number of ``s`` as a form field, in file order."""
    return [Field(name=format_path(path), path=path, group=_group(s, path),
                  label=_label(s, path), value=spec(q), judgment=q.judgment or "",
                  quotes=[(e.quote, e.source) for e in q.evidence])
            for path, q in s.quantities()]


def apply_edits(s: Scenario, form: Mapping[str, str]) -> EditResult:
    """Put the form's values (``NAME`` -> value text, ``NAME#judgment`` -> note) into ``s``'s
    data and validate it. Fields not in the form keep their values."""
    data = copy.deepcopy(s.to_data())
    result = EditResult(scenario=None)
    for f in fields(s):
        text = form.get(f.name)
        note = form.get(f"{f.name}#judgment")
        if text is None and note is None:
            continue
        result.values[f.name] = f.value if text is None else text
        number = _parse(f.value if text is None else text)
        if isinstance(number, str):
            result.errors.setdefault(f.name, []).append(number)
            continue
        judgment = f.judgment if note is None else note.strip()
        _put(data, f.path, _quantity(number, _at(data, f.path), judgment))
    try:
        checked = validate(data, None, f"{s.id} (edited)")
        result.scenario = None if result.errors else checked
    except ScenarioError as exc:
        names = sorted((f.name for f in fields(s)), key=len, reverse=True)
        for p in exc.problems:
            owner = next((n for n in names if p.path == n or p.path.startswith(n + ".")), None)
            if owner is None:
                result.general.append(str(p))
            else:
                result.errors.setdefault(owner, []).append(
                    p.message if p.path == owner else f"{p.path[len(owner) + 1:]}: {p.message}")
    return result


def _parse(text: str) -> dict[str, Any] | str:
    """The value text as quantity data, or the reason it is not one."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return (f"{text!r} is not a number or a distribution such as "
                "{triangular: [low, mode, high]}")
    if isinstance(value, bool) or value is None:
        return f"{text!r}: give a number or a distribution"
    if isinstance(value, int | float):
        return {"value": value}
    if isinstance(value, dict):
        return value
    return f"{text!r}: give a number or a distribution such as {{uniform: [low, high]}}"


def _quantity(number: dict[str, Any], old: Any, judgment: str) -> Any:
    evidence = old.get("evidence", []) if isinstance(old, dict) else []
    out: dict[str, Any] = dict(number)
    if evidence:
        out["evidence"] = evidence
    if judgment:
        out["judgment"] = judgment
    return out["value"] if set(out) == {"value"} else out


def _at(data: Any, path: PathT) -> Any:
    for part in path:
        data = data[part]
    return data


def _put(data: Any, path: PathT, value: Any) -> None:
    _at(data, path[:-1])[path[-1]] = value
