"""The typed catalogue of moves: CAMEO code, Goldstein weight and effect of every move.

The vocabulary of moves (and which side may make each) is
:data:`detente.scenario.history.MOVES`; this module reads a catalogue file that gives each of
those moves its CAMEO event code (Schrodt 2012), its Goldstein (1992) conflict-cooperation
weight and its effect on the state of the crisis (``docs/escalation.md``, section 6). The
built-in catalogue is ``catalogue.yaml`` beside this module; ``--catalogue FILE`` reads
another of the same shape. Every problem in a file is reported with its file, line and field
(:class:`detente.scenario.errors.ScenarioError`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from detente.scenario.crisis import LEVER_KINDS
from detente.scenario.errors import PathPart, Problem, ScenarioError, format_path
from detente.scenario.history import MOVES
from detente.scenario.loader import decode, parse_yaml, read_bytes

__all__ = ["BUILTIN_CATALOGUE", "Catalogue", "Effect", "Move", "load_catalogue"]

BUILTIN_CATALOGUE = Path(__file__).parent / "catalogue.yaml"
_CAMEO = re.compile(r"^(0[1-9]|1[0-9]|20)[0-9]{0,2}$")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Effect(_Frozen):
    """What a move does to the state (``docs/escalation.md``, sections 1 and 6)."""

    mobilisation: Annotated[float, Field(ge=-1.0, le=1.0)] = 0.0
    sunk_cost: Annotated[float, Field(ge=0.0, le=10.0)] = 0.0
    audience_cost: Annotated[float, Field(ge=0.0, le=10.0)] = 0.0
    lever: str | None = None
    lever_step: Annotated[float, Field(ge=-1.0, le=1.0)] = 0.0
    offer_step: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    credible: bool = False
    ends: Literal["war", "settlement"] | None = None


class Move(_Frozen):
    """One catalogue entry. ``dyad`` says whether the event is addressed to the adversary
    (it counts in the escalation score) or to a third party (arms to Ukraine, recognition of
    the separatist entities)."""

    cameo: str
    cameo_event: Annotated[str, Field(min_length=1, max_length=200)]
    goldstein: Annotated[float, Field(ge=-10.0, le=10.0)]
    dyad: Literal["adversary", "third_party"] = "adversary"
    effect: Effect = Effect()
    judgment: str | None = None


class Catalogue(_Frozen):
    """The whole catalogue: every move of the vocabulary, the challenger's signalling ladder
    and the defending side's lever moves."""

    catalogue: Literal[1] = 1
    ladder: list[str]
    defender_levers: list[str]
    moves: dict[str, Move]
    source: str = "built-in"

    @property
    def names(self) -> list[str]:
        return list(self.moves)

    def move(self, name: str) -> Move:
        return self.moves[name]

    def escalation_weight(self, name: str) -> float:
        """Minus the Goldstein weight for a move toward the adversary, 0 for a third-party
        move: the move's term in the weekly escalation score (E1)."""
        m = self.moves[name]
        return -m.goldstein if m.dyad == "adversary" else 0.0


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The built-in catalogue, or the one in ``path``; every problem located in the file."""
    file = BUILTIN_CATALOGUE if path is None else Path(path)
    name = str(file) if path is not None else "catalogue.yaml (built-in)"
    data, lines = parse_yaml(decode(read_bytes(file), file), str(file))
    problems: list[Problem] = []
    catalogue: Catalogue | None = None
    if not isinstance(data, dict):
        raise ScenarioError.single(name, "the top level must be a mapping (catalogue, ladder, "
                                         "defender_levers, moves)", lines.get(()))
    try:
        catalogue = Catalogue.model_validate({**data, "source": name})
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if isinstance(p, int | str))
            problems.append(Problem(name, _line(lines, loc), format_path(loc),
                                    _message(err)))
    problems += [Problem(name, _line(lines, p), format_path(p), m) for p, m in _check(data)]
    if problems or catalogue is None:
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise ScenarioError(problems)
    return catalogue


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key {err['loc'][-1]!r}"
    if kind == "missing":
        return f"required field {err['loc'][-1]!r} is missing"
    found = err.get("input")
    text = str(err["msg"]).removeprefix("Value error, ")
    return f"{found!r}: {text}" if isinstance(found, str | int | float) else text


def _line(lines: dict[tuple[PathPart, ...], int], path: tuple[PathPart, ...]) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _check(data: dict[str, Any]) -> list[tuple[tuple[PathPart, ...], str]]:
    """Rules across entries: the whole vocabulary and nothing else, valid CAMEO codes, lever
    kinds that exist, a ladder of challenger moves and defender lever moves."""
    out: list[tuple[tuple[PathPart, ...], str]] = []
    moves = data.get("moves")
    if not isinstance(moves, dict):
        return out
    for key, entry in moves.items():
        if key not in MOVES:
            out.append((("moves", key), f"{key!r} is not a move of the vocabulary (moves: "
                                        f"{', '.join(MOVES)})"))
        if not isinstance(entry, dict):
            continue
        code = entry.get("cameo")
        if code is not None and not (isinstance(code, str) and _CAMEO.match(code)):
            out.append((("moves", key, "cameo"), f"{code!r} is not a CAMEO event code: give "
                                                 "it as a quoted string of 2 to 4 digits, "
                                                 "01 to 20 first (e.g. \"0871\")"))
        effect = entry.get("effect")
        lever = effect.get("lever") if isinstance(effect, dict) else None
        if lever is not None and lever not in LEVER_KINDS:
            out.append((("moves", key, "effect", "lever"),
                        f"{lever!r} is not a lever kind ({', '.join(LEVER_KINDS)})"))
    for missing in [m for m in MOVES if m not in moves]:
        out.append((("moves",), f"move {missing!r} is missing; the catalogue must give every "
                                "move of the vocabulary"))
    for field, side in (("ladder", "challenger"), ("defender_levers", "defenders")):
        listed = data.get(field)
        for i, name in enumerate(listed if isinstance(listed, list) else []):
            if not isinstance(name, str) or MOVES.get(name) not in (side, "either"):
                out.append(((field, i), f"{name!r} is not a move of the {side} (its moves: "
                                        f"{', '.join(m for m, s in MOVES.items() if s == side)})"))
            elif field == "defender_levers" and not _lever_of(moves.get(name)):
                out.append(((field, i), f"{name!r} moves no lever (give it effect.lever)"))
    return out


def _lever_of(entry: Any) -> bool:
    effect = entry.get("effect") if isinstance(entry, dict) else None
    return isinstance(effect, dict) and effect.get("lever") is not None
