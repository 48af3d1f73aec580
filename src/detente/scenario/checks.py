"""Warnings about scenarios that are valid but degenerate: the models run on them, yet the
answer says little (every capability 0: nobody has any weight; every salience 0 on an issue:
nobody cares, so the weighted models fall back to unweighted rules or divide 0 by 0)."""

from __future__ import annotations

import warnings

from detente.scenario.errors import PathPart, ScenarioWarning
from detente.scenario.schema import Scenario

Lines = dict[tuple[PathPart, ...], int]


def degenerate(scenario: Scenario) -> list[tuple[tuple[PathPart, ...], str]]:
    """``(field path, message)`` for every degenerate part of ``scenario``."""
    found: list[tuple[tuple[PathPart, ...], str]] = []
    if scenario.actors and all(a.capability.point == 0 for a in scenario.actors):
        found.append((("actors",), "every actor's capability is 0, so no actor has any "
                                   "weight; the forecasts are not weighted by clout"))
    for k, issue in enumerate(scenario.issues):
        if scenario.actors and all(a.salience[issue.id].point == 0 for a in scenario.actors):
            found.append((("issues", k), f"every actor's salience on {issue.id!r} is 0, so "
                                         "nobody cares about it; its forecasts are not "
                                         "weighted by anyone's interest"))
    return found


def warn_degenerate(scenario: Scenario, lines: Lines, name: str) -> None:
    """Issue a :class:`ScenarioWarning` (file:line: field: message) for each finding."""
    for path, message in degenerate(scenario):
        line = lines.get(path)
        where = f"{name}:{line}" if line else name
        warnings.warn(f"{where}: {message}", ScenarioWarning, stacklevel=3)
