"""Range checks on raw quantities, before the file becomes typed objects.

:func:`detente.scenario.schema.cross_check` and the crisis section's checks
(:mod:`detente.scenario.crisis`) both report numbers outside the range a field allows (an
issue's scale, 0..100 for a salience, a probability); the check lives here so neither has to
reach into the other.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Path", "check_in_bounds", "is_number", "numbers_of"]

Path = tuple[str | int, ...]


def is_number(x: Any) -> bool:
    """A plain number in a parsed file (``True``/``False`` are not numbers)."""
    return isinstance(x, int | float) and not isinstance(x, bool)


def numbers_of(q: Any) -> list[float]:
    """The numbers of a raw quantity that must lie within bounds."""
    if is_number(q):
        return [float(q)]
    if not isinstance(q, dict):
        return []
    found: list[float] = []
    if is_number(q.get("value")):
        found.append(float(q["value"]))
    for key in ("uniform", "triangular"):
        if isinstance(q.get(key), list):
            found += [float(x) for x in q[key] if is_number(x)]
    for key in ("truncnormal", "beta"):
        spec = q.get(key)
        if isinstance(spec, dict):
            found += [float(spec[k]) for k in ("low", "high") if is_number(spec.get(k))]
    choice = q.get("choice")
    if isinstance(choice, dict) and isinstance(choice.get("values"), list):
        found += [float(x) for x in choice["values"] if is_number(x)]
    return found


def check_in_bounds(q: Any, bounds: tuple[float, float], path: Path,
                    problems: list[tuple[Path, str]]) -> None:
    """Add a problem at ``path`` if a number of the raw quantity ``q`` lies outside
    ``bounds`` (``high`` may be infinite)."""
    lo, hi = bounds
    bad = [x for x in numbers_of(q) if not lo <= x <= hi]
    if bad:
        allowed = f"{lo:g}..{hi:g}" if hi != float("inf") else f">= {lo:g}"
        problems.append((path, f"{bad[0]:g} is outside {allowed}"))
