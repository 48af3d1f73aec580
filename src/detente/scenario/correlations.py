"""Correlated uncertainty declared in the scenario: ``correlations:``.

Some uncertain numbers move together: the challenger's chance of prevailing now and after the
power shift it fears (a stronger army today is a stronger army tomorrow), or what sanctions
cost the senders and how likely the coalition is to hold (the allies who would pay most are
the likeliest to break). A scenario says so in a top-level list::

    correlations:
      - between: [crisis.war.p_win, crisis.power_shift.p_win_future]
        rho: 0.6
        judgment: "..."

``between`` names two uncertain numbers by their field paths (as ``detente sensitivity``
lists them); ``rho`` is their rank correlation, imposed through the Gaussian copula of
:func:`detente.sampling.correlate` on every draw unless a caller passes its own matrix. Each
correlation carries evidence or a judgment like any number. The rules relating the list to the
rest of the file (both names uncertain numbers of the file, no pair twice) are in
:func:`correlations_cross_check`; a matrix that is not positive definite is refused when the
scenario is drawn.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from detente.scenario.values import Evidence, Text

Path = tuple[str | int, ...]
Problems = list[tuple[Path, str]]

__all__ = ["Correlation", "correlations_cross_check"]

_DISTRIBUTIONS = ("uniform", "triangular", "truncnormal", "beta", "choice")


class Correlation(BaseModel):
    """A rank correlation ``rho`` between two uncertain numbers, named by field path."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    between: Annotated[list[Annotated[str, Field(min_length=1, max_length=300)]],
                       Field(min_length=2, max_length=2)]
    rho: Annotated[float, Field(gt=-1.0, lt=1.0)]
    evidence: list[Evidence] = Field(default_factory=list)
    judgment: Text | None = None


def correlations_cross_check(data: Any, quantities: dict[str, Any],
                             sources: list[str]) -> Problems:
    """Problems with a raw ``correlations`` list: ``quantities`` maps the file's numbers (by
    field path as text) to their raw values, and ``sources`` lists the source ids."""
    problems: Problems = []
    if not isinstance(data, list):
        return problems
    seen: set[frozenset[str]] = set()
    for n, item in enumerate(data):
        if not isinstance(item, dict):
            continue
        root: Path = ("correlations", n)
        names = item.get("between")
        if isinstance(names, list) and len(names) == 2:
            for m, name in enumerate(names):
                if not isinstance(name, str):
                    continue
                raw = quantities.get(name)
                if name not in quantities:
                    problems.append(((*root, "between", m), f"{name!r} is not a number of "
                                     "this file (name it by its field path, e.g. "
                                     "crisis.war.p_win or actors[0].capability)"))
                elif not (isinstance(raw, dict) and any(k in raw for k in _DISTRIBUTIONS)):
                    problems.append(((*root, "between", m), f"{name!r} is a point value; only "
                                     "uncertain numbers (a distribution) can be correlated"))
            pair = frozenset(x for x in names if isinstance(x, str))
            if len(pair) == 1:
                problems.append(((*root, "between"), "a number cannot be correlated with "
                                                     "itself"))
            elif pair in seen:
                problems.append(((*root, "between"), "this pair is correlated twice"))
            seen.add(pair)
        if not item.get("evidence") and not item.get("judgment"):
            problems.append((root, "a correlation needs evidence or a judgment saying what "
                                   "it rests on"))
        evidence = item.get("evidence")
        for e, ev in enumerate(evidence if isinstance(evidence, list) else []):
            src = ev.get("source") if isinstance(ev, dict) else None
            if isinstance(src, str) and src not in sources:
                problems.append(((*root, "evidence", e, "source"), f"{src!r} is not a listed "
                                 f"source (sources: {', '.join(sources) or 'none'})"))
    return problems
