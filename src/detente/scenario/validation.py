"""Validation at the edge: plain data (from YAML, JSON, CSV or XML) -> a frozen
:class:`Scenario`, or a :class:`ScenarioError` listing every problem with its file, line and
field path. The readers (:mod:`detente.scenario.loader`, :mod:`detente.scenario.importers`)
parse a file into plain data and the line of each field (``Lines``), and hand both here."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from detente.scenario.errors import PathPart, Problem, ScenarioError, format_path
from detente.scenario.schema import Scenario, cross_check

__all__ = ["Lines", "validate"]

Lines = dict[tuple[PathPart, ...], int]


def validate(data: Any, lines: Lines | None, name: str) -> Scenario:
    """Check plain data against the schema and the cross-references; every problem at once."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise ScenarioError.single(name, f"the top level must be a mapping of sections "
                                         f"(id, title, issues, actors, ...), found "
                                         f"{type(data).__name__}", lines.get(()))
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += [_problem(err, data, lines, name) for err in exc.errors()]
    problems += [Problem(name, _line(lines, path), format_path(path), msg)
                 for path, msg in cross_check(data)]
    if problems or scenario is None:
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise ScenarioError(_unique(problems))
    from detente.scenario.checks import warn_degenerate

    warn_degenerate(scenario, lines, name)
    return scenario


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def _line(lines: Lines, path: tuple[PathPart, ...]) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _problem(err: Any, data: Any, lines: Lines, name: str) -> Problem:
    loc = _clean_loc(err["loc"])
    kind = err["type"]
    found = err.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        msg = f"unknown key {loc[-1]!r}" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
    elif kind == "missing":
        msg = f"required field {loc[-1]!r} is missing"
        return Problem(name, _line(lines, loc[:-1]), format_path(loc[:-1]), msg)
    else:
        text = err["msg"].removeprefix("Value error, ")
        shown = _short(found)
        msg = f"{shown}: {text}" if shown is not None and kind != "value_error" else text
    return Problem(name, _line(lines, loc), format_path(loc), msg)


# what pydantic inserts into error locations for union branches and validators: exact type
# names or bracketed forms, never a prefix (an issue id may start with "str" or "int")
_PYDANTIC_LOC = re.compile(r"(float|int|str|bool|Quantity|[a-z-]+\[.*\])")


def _clean_loc(loc: tuple[Any, ...]) -> tuple[PathPart, ...]:
    return tuple(p for p in loc if isinstance(p, int) or not _PYDANTIC_LOC.fullmatch(str(p)))


def _short(value: Any) -> str | None:
    if isinstance(value, dict | list):
        return None
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_keys(loc: tuple[PathPart, ...]) -> list[str]:
    """The field names of the schema model found at ``loc``."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(str(part))
        if field is None:
            # a mapping keyed by ids (positions, salience) holds Quantities
            return _quantity_keys()
        model = _model_in(field.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _quantity_keys() -> list[str]:
    from detente.scenario.values import Quantity

    return list(Quantity.model_fields)


def _model_in(annotation: Any) -> Any:
    """The BaseModel class inside ``X``, ``X | None``, ``list[X]`` or ``dict[str, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    if origin is not None:
        return _model_in(origin)
    return None
