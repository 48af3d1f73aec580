"""The ``offers:`` section of a scenario: the offers actually put on the table.

A negotiation model's forecast is where talks might settle; an offer is what a party said it
would accept, on a date, with the evidence that it said so. ``detente crisis`` leads with
P(war) at the latest offer (``--offer-id`` picks another), so the headline rests on what was
offered rather than on a model's prediction fed back in as if it had been.

Each offer gives one value per issue, in the issue's units (``terms``). A term is a point
value: the offer is what was said, and any doubt about how to read it belongs in the term's
``judgment``. Terms carry evidence or judgment like every number of the file; ``detente
validate --strict`` flags a term with neither. The rules relating offers to the rest of the
file (actors, issues, scales, sources, unique ids) are in :func:`offers_cross_check`. The
fields are documented in ``docs/crisis-section.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from detente.scenario.values import Evidence, Quantity, Text

# The same id rule as :mod:`detente.scenario.schema` (kept here to avoid an import cycle).
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Path = tuple[str | int, ...]
Problems = list[tuple[Path, str]]

_DISTRIBUTIONS = ("uniform", "triangular", "truncnormal", "beta", "choice")

__all__ = ["Offer", "latest", "offer_quantities", "offers_cross_check"]


class Offer(BaseModel):
    """An offer put on the table: who made it (``who``), to whom (``to``, optional), when,
    and its value on every issue (``terms``, in the issues' units), with evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    name: Name | None = None
    who: Annotated[list[Id], Field(min_length=1)]
    to: Id | None = None
    date: dt.date
    description: Text | None = None
    terms: dict[str, Quantity]
    evidence: list[Evidence] = Field(default_factory=list)
    judgment: Text | None = None

    def values(self, issue_ids: list[str]) -> dict[str, float]:
        """The offer per issue, in the issues' units."""
        return {iid: float(self.terms[iid].point) for iid in issue_ids}


def latest(offers: list[Offer]) -> Offer | None:
    """The offer on the table: the latest dated (the last listed among equal dates)."""
    best: Offer | None = None
    for offer in offers:
        if best is None or offer.date >= best.date:
            best = offer
    return best


def offer_quantities(offers: list[Offer]) -> Iterator[tuple[Path, Quantity]]:
    """Every term of every offer with its path from the top of the file."""
    for n, offer in enumerate(offers):
        for key, q in offer.terms.items():
            yield ("offers", n, "terms", key), q


def offers_cross_check(data: Any, issue_scales: dict[str, tuple[float, float]],
                       actors: list[str], sources: list[str]) -> Problems:
    """Rules relating ``offers`` to the rest of the file, on raw data: unique ids, actors
    that exist, a term for every issue and only for issues, point values within each issue's
    scale, evidence citing listed sources. Paths are from the top of the file."""
    problems: Problems = []
    if not isinstance(data, list):
        return problems
    seen: list[str] = []
    for n, offer in enumerate(data):
        if not isinstance(offer, dict):
            continue
        root: Path = ("offers", n)
        ident = offer.get("id")
        if isinstance(ident, str):
            if ident in seen:
                problems.append(((*root, "id"), f"duplicate offer id {ident!r}"))
            seen.append(ident)
        who = offer.get("who")
        for w, actor in enumerate(who if isinstance(who, list) else []):
            _actor(actor, (*root, "who", w), actors, problems)
        _actor(offer.get("to"), (*root, "to"), actors, problems)
        terms = offer.get("terms")
        if isinstance(terms, dict):
            for key, q in terms.items():
                path = (*root, "terms", key)
                if key not in issue_scales:
                    problems.append((path, f"{key!r} is not an issue (issues: "
                                           f"{', '.join(issue_scales) or 'none'})"))
                    continue
                _check_term(q, issue_scales[key], path, problems)
                for e, item in enumerate(_evidence(q)):
                    _source(item, (*path, "evidence", e, "source"), sources, problems)
            for missing in [iid for iid in issue_scales if iid not in terms]:
                problems.append(((*root, "terms"), f"no term for issue {missing!r}; an offer "
                                                   "needs a value on every issue (the status "
                                                   "quo where it is silent, said so in a "
                                                   "judgment)"))
        for e, item in enumerate(_evidence(offer)):
            _source(item, (*root, "evidence", e, "source"), sources, problems)
    return problems


def _check_term(q: Any, bounds: tuple[float, float], path: Path, problems: Problems) -> None:
    if isinstance(q, dict) and any(k in q for k in _DISTRIBUTIONS):
        problems.append((path, "an offer's term is the value put on the table: give one "
                               "value (value: or a number) and put any doubt about reading "
                               "it in its judgment"))
        return
    value = q.get("value") if isinstance(q, dict) else q
    lo, hi = bounds
    if isinstance(value, int | float) and not isinstance(value, bool) and not lo <= value <= hi:
        problems.append((path, f"{value:g} is outside {lo:g}..{hi:g} (the issue's scale)"))


def _evidence(q: Any) -> list[Any]:
    found = q.get("evidence") if isinstance(q, dict) else None
    return found if isinstance(found, list) else []


def _actor(value: Any, path: Path, actors: list[str], problems: Problems) -> None:
    if isinstance(value, str) and value not in actors:
        problems.append((path, f"{value!r} is not an actor (actors: "
                               f"{', '.join(actors) or 'none'})"))


def _source(item: Any, path: Path, sources: list[str], problems: Problems) -> None:
    src = item.get("source") if isinstance(item, dict) else None
    if isinstance(src, str) and src not in sources:
        problems.append((path, f"{src!r} is not a listed source (sources: "
                               f"{', '.join(sources) or 'none'})"))
