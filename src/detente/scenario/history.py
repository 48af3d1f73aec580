"""The ``history:`` section of a scenario: dated moves that actually happened.

Each entry names a move of the escalation catalogue (``docs/escalation.md``, section 6), the
actor that made it and its date, with the evidence for it. ``detente simulate --history``
plays these moves in order and then simulates onward. The vocabulary of moves, and which side
may make each, lives here so that a scenario file is checked at the edge (file, line and
field in every error); the moves' codes, weights and effects live in the simulation's
catalogue (:mod:`detente.simulate.catalogue`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from detente.scenario.values import Evidence, Text, as_date

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
Path = tuple[str | int, ...]
Side = Literal["challenger", "defenders", "either"]

#: Every move of the escalation catalogue and the side that may make it.
MOVES: dict[str, Side] = {
    "statement": "either",
    "demand": "challenger",
    "talks": "either",
    "offer": "defenders",
    "mobilise": "challenger",
    "exercise": "either",
    "deploy": "defenders",
    "threaten_force": "challenger",
    "threaten_sanctions": "defenders",
    "impose_sanctions": "defenders",
    "lift_sanctions": "defenders",
    "arms_delivery": "defenders",
    "recognise_separatists": "challenger",
    "limited_strike": "challenger",
    "invade": "challenger",
    "use_force": "defenders",
    "ceasefire": "either",
    "settle": "either",
    "demobilise": "challenger",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HistoryEvent(_Frozen):
    """One move that happened: who, what, when, and the evidence.

    ``level`` is the challenger's mobilisation after a ``mobilise``/``demobilise`` move (0 to
    1); ``setting`` the lever's setting after a lever move (``threaten_sanctions``,
    ``lift_sanctions``, ``arms_delivery``, ``deploy``), in the lever's units. Without them the
    catalogue's step applies.
    """

    date: dt.date
    actor: Id
    move: Id
    level: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    setting: float | None = None
    description: Text | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    judgment: Text | None = None


def history_cross_check(data: Any, actors: list[str], sources: list[str],
                        challenger: str | None, defenders: list[str],
                        as_of: Any) -> list[tuple[Path, str]]:
    """Rules relating ``history`` to the rest of the file, on raw data: known moves made by
    the side allowed to make them, dates in order and not after ``as_of``, cited sources."""
    problems: list[tuple[Path, str]] = []
    if not isinstance(data, list):
        return problems
    previous: dt.date | None = None
    limit = as_date(as_of)
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            continue
        root: Path = ("history", i)
        move, actor = item.get("move"), item.get("actor")
        if isinstance(move, str) and move not in MOVES:
            problems.append(((*root, "move"), f"{move!r} is not a move of the catalogue "
                                              f"(moves: {', '.join(MOVES)})"))
        if isinstance(actor, str):
            problems += _actor_problems(root, actor, move, actors, challenger, defenders)
        when = as_date(item.get("date"))
        if when is not None:
            if previous is not None and when < previous:
                problems.append(((*root, "date"), f"{when} is earlier than the move before "
                                                  f"it ({previous}); list moves in date order"))
            if limit is not None and when > limit:
                problems.append(((*root, "date"), f"{when} is after the scenario's as_of "
                                                  f"({limit}); a history ends at as_of"))
            previous = when
        for e, ev in enumerate(item.get("evidence") or []):
            src = ev.get("source") if isinstance(ev, dict) else None
            if isinstance(src, str) and src not in sources:
                problems.append(((*root, "evidence", e, "source"),
                                 f"{src!r} is not a listed source (sources: "
                                 f"{', '.join(sources) or 'none'})"))
    return problems


def _actor_problems(root: Path, actor: str, move: Any, actors: list[str],
                    challenger: str | None, defenders: list[str]) -> list[tuple[Path, str]]:
    if actor not in actors:
        return [((*root, "actor"), f"{actor!r} is not an actor (actors: "
                                   f"{', '.join(actors) or 'none'})")]
    if challenger is None:
        return [((*root, "actor"), "a history needs a crisis: section naming the challenger "
                                   "and the defenders")]
    if actor != challenger and actor not in defenders:
        return [((*root, "actor"), f"{actor!r} is neither the challenger ({challenger}) nor "
                                   f"a defender ({', '.join(defenders)})")]
    side = MOVES.get(move) if isinstance(move, str) else None
    if side == "challenger" and actor != challenger:
        return [((*root, "move"), f"{move!r} is a move of the challenger ({challenger}), "
                                  f"not of {actor!r}")]
    if side == "defenders" and actor == challenger:
        return [((*root, "move"), f"{move!r} is a move of the defending side "
                                  f"({', '.join(defenders)}), not of the challenger")]
    return []

