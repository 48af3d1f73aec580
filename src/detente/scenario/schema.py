"""The scenario: one crisis, written by an analyst in one YAML (or JSON) file.

A scenario holds metadata and sources, the issues under negotiation (each with its own scale),
and the actors with their capability and, per issue, a position and a salience. Every number is
a :class:`~detente.scenario.values.Quantity` that can be uncertain and carry evidence.

Objects here are frozen and validated once, at the edge (:mod:`detente.scenario.loader`).
Structural rules (types, unknown keys, ranges of single fields) live on the models below;
rules that relate one part of the file to another (an actor's position for an issue that
exists, evidence citing a listed source, a position within its issue's scale) live in
:func:`cross_check`, so every problem in a file is reported together with its location.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detente.scenario.bounds import check_in_bounds, is_number
from detente.scenario.correlations import Correlation, correlations_cross_check
from detente.scenario.crisis import CrisisSection, crisis_cross_check
from detente.scenario.crisis import raw_quantities as crisis_raw_quantities
from detente.scenario.errors import format_path
from detente.scenario.history import HistoryEvent, history_cross_check
from detente.scenario.offers import Offer, offer_quantities, offers_cross_check
from detente.scenario.outcome import Outcome, outcome_cross_check
from detente.scenario.values import Number, Quantity, Text

SCHEMA_VERSION = 1

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Frozen):
    """A document the scenario's evidence quotes."""

    id: Id
    citation: Text
    url: str | None = None
    licence: str | None = None
    file: str | None = None


class Scale(_Frozen):
    """The units of an issue: its bounds and what each end means."""

    low: Number = 0.0
    high: Number = 100.0
    units: Name = "0-100 scale"
    low_means: Text | None = None
    high_means: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.low < self.high:
            raise ValueError(f"low {self.low:g} must be below high {self.high:g}")
        return self

    @property
    def span(self) -> float:
        return self.high - self.low


class Issue(_Frozen):
    """One dimension of the negotiation."""

    id: Id
    name: Name
    description: Text | None = None
    scale: Scale = Scale()
    status_quo: Quantity | None = None
    divisible: bool = True


class Actor(_Frozen):
    """A party: its clout and, for each issue, where it stands and how much it cares."""

    id: Id
    name: Name
    description: Text | None = None
    capability: Quantity
    positions: dict[str, Quantity]
    salience: dict[str, Quantity]


class Scenario(_Frozen):
    """One crisis: sources, issues and actors, and optionally the crisis section (the
    challenger, war, the power shift and the levers; :mod:`detente.scenario.crisis`)."""

    detente: Annotated[int, Field(ge=1, le=SCHEMA_VERSION)] = SCHEMA_VERSION
    id: Id
    title: Name
    as_of: dt.date | None = None
    summary: Text | None = None
    description: Text | None = None
    sources: list[Source] = Field(default_factory=list)
    issues: Annotated[list[Issue], Field(min_length=1)]
    actors: Annotated[list[Actor], Field(min_length=1)]
    crisis: CrisisSection | None = None
    offers: list[Offer] = Field(default_factory=list)
    correlations: list[Correlation] = Field(default_factory=list)
    history: list[HistoryEvent] = Field(default_factory=list)
    outcome: Outcome | None = None  # what happened after as_of; read by no model

    @property
    def actor_ids(self) -> list[str]:
        return [a.id for a in self.actors]

    @property
    def issue_ids(self) -> list[str]:
        return [i.id for i in self.issues]

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id, or else with this id or name in any letter case."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        wanted = actor_id.casefold()
        for a in self.actors:
            if wanted in (a.id.casefold(), a.name.casefold()):
                return a
        raise KeyError(f"no actor {actor_id!r}; actors are {', '.join(self.actor_ids)}")

    def issue(self, issue_id: str) -> Issue:
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(f"no issue {issue_id!r}; issues are {', '.join(self.issue_ids)}")

    def quantities(self) -> Iterator[tuple[tuple[str | int, ...], Quantity]]:
        """Every number in the scenario with its field path, in file order."""
        for i, issue in enumerate(self.issues):
            if issue.status_quo is not None:
                yield ("issues", i, "status_quo"), issue.status_quo
        for a, actor in enumerate(self.actors):
            yield ("actors", a, "capability"), actor.capability
            for key, q in actor.positions.items():
                yield ("actors", a, "positions", key), q
            for key, q in actor.salience.items():
                yield ("actors", a, "salience", key), q
        if self.crisis is not None:
            for path, q in self.crisis.quantities():
                yield ("crisis", *path), q
        yield from offer_quantities(self.offers)

    def to_data(self) -> dict[str, Any]:
        """Plain data in file order, the shortest form of every number."""
        data: dict[str, Any] = _compact(self)
        return data


def _compact(obj: Any) -> Any:
    if isinstance(obj, Quantity):
        return obj.to_data()
    if isinstance(obj, BaseModel):
        out: dict[str, Any] = {}
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            default = type(obj).model_fields[name].get_default(call_default_factory=True)
            if value is None or (value == default and name not in ("id", "detente")):
                continue
            out[name] = _compact(value)
        return out
    if isinstance(obj, dict):
        return {k: _compact(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_compact(v) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


Path = tuple[str | int, ...]


def cross_check(data: dict[str, Any]) -> list[tuple[Path, str]]:
    """Rules relating parts of a file, checked on the raw data so they run even when other
    parts fail to parse. Returns ``(path, message)`` pairs."""
    problems: list[tuple[Path, str]] = []
    sources = _ids(data.get("sources"), ("sources",), "source", problems)
    issue_list = _list(data.get("issues"))
    issues = _ids(issue_list, ("issues",), "issue", problems)
    _ids(data.get("actors"), ("actors",), "actor", problems)
    scales = {iid: _scale_bounds(issue) for iid, issue in zip(issues, issue_list, strict=False)}

    for path, q in _raw_quantities(data):
        for e, item in enumerate(q.get("evidence") or [] if isinstance(q, dict) else []):
            src = item.get("source") if isinstance(item, dict) else None
            if isinstance(src, str) and src not in sources:
                problems.append(((*path, "evidence", e, "source"),
                                 f"{src!r} is not a listed source (sources: "
                                 f"{', '.join(sources) or 'none'})"))

    for i, issue in enumerate(issue_list):
        if isinstance(issue, dict) and "status_quo" in issue:
            bounds = _scale_bounds(issue)
            check_in_bounds(issue["status_quo"], bounds, ("issues", i, "status_quo"), problems)

    for a, actor in enumerate(_list(data.get("actors"))):
        if not isinstance(actor, dict):
            continue
        for field in ("positions", "salience"):
            given = actor.get(field)
            if not isinstance(given, dict):
                continue
            for key, q in given.items():
                path = ("actors", a, field, key)
                if key not in scales:
                    problems.append((path, f"{key!r} is not an issue (issues: "
                                           f"{', '.join(issues) or 'none'})"))
                elif field == "positions":
                    check_in_bounds(q, scales[key], path, problems)
                else:
                    check_in_bounds(q, (0.0, 100.0), path, problems)
            for missing in [iid for iid in issues if iid not in given]:
                what = "position" if field == "positions" else "salience"
                problems.append(((("actors", a, field)),
                                 f"no {what} for issue {missing!r}; every actor needs a "
                                 f"{what} on every issue"))
        cap = actor.get("capability")
        check_in_bounds(cap, (0.0, float("inf")), ("actors", a, "capability"), problems)
    if "crisis" in data:
        divisible = {iid: not (isinstance(issue, dict) and issue.get("divisible") is False)
                     for iid, issue in zip(issues, issue_list, strict=False)}
        actor_ids = [a.get("id") for a in _list(data.get("actors")) if isinstance(a, dict)]
        problems += crisis_cross_check(data["crisis"], scales, divisible,
                                       [a for a in actor_ids if isinstance(a, str)], sources)
    if "correlations" in data:
        numbers = {format_path(p): q for p, q in _raw_quantities(data)}
        section = data.get("crisis")
        if isinstance(section, dict):
            numbers |= {format_path(("crisis", *p)): q
                        for p, q in crisis_raw_quantities(section)}
        problems += correlations_cross_check(data["correlations"], numbers, sources)
    if "offers" in data:
        actor_ids = [a.get("id") for a in _list(data.get("actors")) if isinstance(a, dict)]
        problems += offers_cross_check(data["offers"], scales,
                                       [a for a in actor_ids if isinstance(a, str)], sources)
    if "history" in data:
        raw = data.get("crisis")
        crisis: dict[str, Any] = raw if isinstance(raw, dict) else {}
        challenger = crisis.get("challenger")
        defenders = [d for d in _list(crisis.get("defenders")) if isinstance(d, str)]
        known = [str(a["id"]) for a in _list(data.get("actors"))
                 if isinstance(a, dict) and isinstance(a.get("id"), str)]
        problems += history_cross_check(
            data["history"], known,
            sources, challenger if isinstance(challenger, str) else None, defenders,
            data.get("as_of"))
    if "outcome" in data:
        problems += outcome_cross_check(data["outcome"], data.get("as_of"), sources)
    return problems


def _list(items: Any) -> list[Any]:
    return items if isinstance(items, list) else []


def _ids(items: Any, path: Path, kind: str, problems: list[tuple[Path, str]]) -> list[str]:
    seen: list[str] = []
    if not isinstance(items, list):
        return seen
    for n, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str):
            continue
        if ident in seen:
            problems.append(((*path, n, "id"), f"duplicate {kind} id {ident!r}"))
        seen.append(ident)
    return seen


def _scale_bounds(issue: Any) -> tuple[float, float]:
    scale = issue.get("scale") if isinstance(issue, dict) else None
    lo, hi = 0.0, 100.0
    if isinstance(scale, dict):
        lo = scale["low"] if is_number(scale.get("low")) else lo
        hi = scale["high"] if is_number(scale.get("high")) else hi
    return float(lo), float(hi)


def _raw_quantities(data: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    for i, issue in enumerate(_list(data.get("issues"))):
        if isinstance(issue, dict) and "status_quo" in issue:
            yield ("issues", i, "status_quo"), issue["status_quo"]
    for a, actor in enumerate(_list(data.get("actors"))):
        if not isinstance(actor, dict):
            continue
        if "capability" in actor:
            yield ("actors", a, "capability"), actor["capability"]
        for field in ("positions", "salience"):
            given = actor.get(field)
            if isinstance(given, dict):
                for key, q in given.items():
                    yield ("actors", a, field, key), q
