"""The ``crisis:`` section of a scenario: who challenges whom, what war would decide, and the
levers that can change the odds.

The section is optional; a scenario without it is a negotiation scenario only. It feeds the
integrated analysis (:mod:`detente.crisis.analysis`), which maps it onto Fearon's (1995)
bargaining model of war, Powell's (2006) commitment problem and the sanctions threat game
(Whang, McLean and Kuberski 2013). The fields, their units and their effects are documented
in ``docs/crisis-section.md``.

Units. Every cost here is in *units of the stakes*: one unit is, for the party concerned, the
whole of what it has at stake on the scenario's issues, that is the difference in value
between a settlement at its own position on every issue and one a full scale-length away from
it on every issue (the value ``V_i`` of :mod:`detente.crisis.analysis` runs from 0 to 1).
A war cost of 0.2 for Russia means war costs it a fifth of everything it could win or lose at
the table. Lever costs are in units of the defending side's stakes.

Structural rules (types, unknown keys) live on the models below; rules relating the section to
the rest of the file (actor and issue ids, positions within scales, lever effects that fit the
lever's kind) live in :func:`crisis_cross_check`, which :func:`detente.scenario.schema.
cross_check` calls, so every problem is reported with its file, line and field path.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from detente.scenario.bounds import check_in_bounds, numbers_of
from detente.scenario.values import Evidence, Number, Quantity, Text, point

# The same id rule as :mod:`detente.scenario.schema` (kept here to avoid an import cycle).
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Path = tuple[str | int, ...]
Problems = list[tuple[Path, str]]

LeverKind = Literal["sanctions", "defensive_arms", "force_posture", "insurgency_support",
                    "concession", "guarantees", "transparency"]
LEVER_KINDS: tuple[str, ...] = ("sanctions", "defensive_arms", "force_posture",
                                "insurgency_support", "concession", "guarantees",
                                "transparency")

_PROBABILITY = (0.0, 1.0)
_COST = (0.0, float("inf"))

_RESOLVE_EFFECT = ("rise in the challenger's belief that the defending side will resist a "
                   "challenge by force (`war.defenders_resolve`), clipped to 1; needs "
                   "`defenders_resolve` to matter (default 0)")

#: For each lever kind: effect key -> (required?, allowed bounds, meaning). Effects are stated
#: at the top of the lever's range and scale linearly with the setting (see
#: ``docs/crisis-section.md`` and :mod:`detente.crisis.levers`).
LEVER_EFFECTS: dict[str, dict[str, tuple[bool, tuple[float, float], str]]] = {
    "sanctions": {
        "cost_to_challenger": (True, _COST, "the challenger's cost of enduring the full "
                               "sanctions package, in units of its stakes"),
        "unity": (True, _PROBABILITY, "probability that the coalition holds together and "
                  "imposes the package as threatened"),
        "retained_if_split": (False, _PROBABILITY, "share of the package still imposed if the "
                              "coalition splits (default 0)"),
        "unity_at_low": (False, _PROBABILITY, "probability that the coalition holds for the "
                         "mildest package (the bottom of the range); unity runs linearly from "
                         "it to `unity` at the top (default: `unity`, a flat curve)"),
        "audience_cost": (False, _COST, "the senders' cost of backing down from a threat they "
                          "made, in units of the defending side's stakes; a threat whose "
                          "imposition would cost the senders more is not credible and does not "
                          "deter (default: no limit, every threat is credible)"),
    },
    "defensive_arms": {
        "p_win_now": (True, _PROBABILITY, "reduction in the challenger's probability of "
                      "prevailing now"),
        "p_win_future": (True, _PROBABILITY, "reduction in its probability of prevailing "
                         "after the power shift (arms accumulate)"),
        "cost_to_challenger": (False, _COST, "added cost of war to the challenger (default "
                               "0)"),
        "resolve": (False, _PROBABILITY, _RESOLVE_EFFECT),
    },
    "force_posture": {
        "escalation_cost": (True, _COST, "added expected cost to the challenger of "
                            "escalation to a clash with the forces deployed"),
        "resolve": (False, _PROBABILITY, _RESOLVE_EFFECT),
    },
    "insurgency_support": {
        "occupation_cost": (True, _COST, "added cost to the challenger of occupying what it "
                            "wins, borne only if it prevails"),
    },
    "concession": {},
    "guarantees": {
        "shift_reduction": (True, _PROBABILITY, "share of the feared power shift removed"),
    },
    "transparency": {
        "shift_reduction": (True, _PROBABILITY, "share of the feared power shift removed"),
    },
}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WarOutcomes(_Frozen):
    """The positions a victor would impose on each issue, in the issue's own units."""

    challenger_wins: dict[str, Quantity]
    defenders_win: dict[str, Quantity]


class War(_Frozen):
    """War as a costly lottery (Fearon 1995): who prevails, what it decides, what it costs.

    ``p_win`` is the probability that the challenger prevails if war starts now (before any
    lever). ``costs`` maps the challenger and every defender to its cost of war in units of
    its own stakes (see the module docstring); third parties do not fight, their costs belong
    to the levers they pull. ``defenders_resolve`` is ``q``, the challenger's belief that the
    defending side will resist a challenge by force rather than concede the challenger's terms
    (the deterrence game of Morrow 1994, ch. 8, and Fearon 1994); absent, the challenger is sure
    it will be resisted (``q = 1``) and war is the only answer to a challenge.
    """

    description: Text | None = None
    p_win: Quantity
    costs: dict[str, Quantity]
    outcomes: WarOutcomes
    defenders_resolve: Quantity | None = None


class PowerShift(_Frozen):
    """The shift in power the challenger fears (Fearon 1995; Powell 2006).

    Without a settlement the challenger's probability of prevailing falls from ``war.p_win``
    to ``p_win_future`` in equal steps over ``periods`` periods (a quantity >= 1 like any
    other, so it can be uncertain: a ``choice`` of whole numbers); ``discount`` is the
    per-period discount factor, in [0, 1).
    """

    description: Text | None = None
    p_win_future: Quantity
    periods: Quantity = Field(default_factory=lambda: point(1.0))
    discount: Quantity


class Lever(_Frozen):
    """A policy the defenders or third parties can pull, with its range, cost and effect.

    The setting runs over ``range`` (continuous) or takes only ``steps`` (discrete).
    ``default`` is the setting in force at the scenario's date (``None``: the bottom of the
    range; for a concession, the negotiated offer). ``cost`` is the cost of the lever at the top
    of its range, in units of the defending side's stakes, borne by ``paid_by`` either whatever
    happens (``incurred: always``) or only if war breaks out (``incurred: if_war``). A
    ``concession`` lever names the ``issue`` it concedes on and its setting is the offer on
    that issue, in the issue's units. ``effect`` holds the kind's effect parameters
    (:data:`LEVER_EFFECTS`), stated at the top of the range.
    """

    id: Id
    kind: LeverKind
    name: Name
    description: Text | None = None
    issue: Id | None = None
    range: tuple[Number, Number] = (0.0, 1.0)
    units: Name | None = None
    steps: list[Number] | None = None
    default: Number | None = None
    cost: Quantity | None = None
    paid_by: list[Id] = Field(default_factory=list)
    incurred: Literal["always", "if_war"] = "always"
    effect: dict[str, Quantity] = Field(default_factory=dict)
    evidence: list[Evidence] = Field(default_factory=list)
    judgment: Text | None = None

    @property
    def low(self) -> float:
        return self.range[0]

    @property
    def high(self) -> float:
        return self.range[1]

    @property
    def discrete(self) -> bool:
        return self.steps is not None


class CrisisSection(_Frozen):
    """The crisis: the challenger, the defending side and third parties, war, the power shift
    and the levers.

    ``defender_weights`` says how the defending side's values aggregate: ``capability`` (the
    capability-weighted mean of the defenders' values, the default) or ``lead`` (the first
    defender's values). ``steps`` lists, for an issue marked ``divisible: false``, the
    packages an offer can take (default: the scale's two ends).
    """

    description: Text | None = None
    challenger: Id
    defenders: Annotated[list[Id], Field(min_length=1)]
    defender_weights: Literal["capability", "lead"] = "capability"
    third_parties: list[Id] = Field(default_factory=list)
    war: War
    power_shift: PowerShift | None = None
    steps: dict[str, list[Number]] = Field(default_factory=dict)
    levers: list[Lever] = Field(default_factory=list)

    @property
    def lever_ids(self) -> list[str]:
        return [lever.id for lever in self.levers]

    def lever(self, lever_id: str) -> Lever:
        for lever in self.levers:
            if lever.id == lever_id:
                return lever
        raise KeyError(f"no lever {lever_id!r}; levers are {', '.join(self.lever_ids) or 'none'}")

    def quantities(self) -> Iterator[tuple[Path, Quantity]]:
        """Every number of the section with its path below ``crisis``, in file order."""
        war = self.war
        yield ("war", "p_win"), war.p_win
        for key, q in war.costs.items():
            yield ("war", "costs", key), q
        for side in ("challenger_wins", "defenders_win"):
            for key, q in getattr(war.outcomes, side).items():
                yield ("war", "outcomes", side, key), q
        if war.defenders_resolve is not None:
            yield ("war", "defenders_resolve"), war.defenders_resolve
        if self.power_shift is not None:
            yield ("power_shift", "p_win_future"), self.power_shift.p_win_future
            yield ("power_shift", "periods"), self.power_shift.periods
            yield ("power_shift", "discount"), self.power_shift.discount
        for n, lever in enumerate(self.levers):
            if lever.cost is not None:
                yield ("levers", n, "cost"), lever.cost
            for key, q in lever.effect.items():
                yield ("levers", n, "effect", key), q


# ------------------------------------------------------------------------- cross-checks


def crisis_cross_check(data: Any, issue_scales: dict[str, tuple[float, float]],
                       divisible: dict[str, bool], actors: list[str],
                       sources: list[str]) -> Problems:
    """Rules relating the ``crisis`` section to the rest of the file, on raw data.

    ``issue_scales`` maps issue id -> (low, high); ``divisible`` issue id -> flag; ``actors``
    and ``sources`` are the ids listed in the file. Returns ``(path, message)`` pairs with
    paths from the top of the file.
    """
    problems: Problems = []
    if not isinstance(data, dict):
        return problems
    root: Path = ("crisis",)

    def bounds(q: Any, b: tuple[float, float], path: Path) -> None:
        check_in_bounds(q, b, (*root, *path), problems)

    def actor_ref(value: Any, path: Path, what: str) -> bool:
        if isinstance(value, str) and value not in actors:
            problems.append(((*root, *path), f"{value!r} is not an actor ({what}; actors: "
                                             f"{', '.join(actors) or 'none'})"))
            return False
        return isinstance(value, str)

    challenger = data.get("challenger")
    actor_ref(challenger, ("challenger",), "the challenger must be one of the actors")
    defenders = _strings(data.get("defenders"))
    seen: list[str] = []
    listed = data.get("defenders")
    for n, d in enumerate(listed if isinstance(listed, list) else []):
        if not actor_ref(d, ("defenders", n), "defenders must be actors"):
            continue
        if d == challenger:
            problems.append(((*root, "defenders", n),
                             f"{d!r} is the challenger; it cannot also defend"))
        if d in seen:
            problems.append(((*root, "defenders", n), f"{d!r} is listed twice"))
        seen.append(d)
    thirds = data.get("third_parties")
    for n, t in enumerate(thirds if isinstance(thirds, list) else []):
        if not actor_ref(t, ("third_parties", n), "third parties must be actors"):
            continue
        if t == challenger or t in defenders:
            problems.append(((*root, "third_parties", n),
                             f"{t!r} is already the challenger or a defender"))

    parties_ok = (isinstance(challenger, str) and challenger in actors
                  and all(d in actors for d in defenders))
    _check_war(data.get("war"), challenger if parties_ok else None, defenders, issue_scales,
               problems)
    _check_power_shift(data.get("power_shift"), problems)
    _check_steps(data.get("steps"), issue_scales, divisible, problems)
    _check_levers(data.get("levers"), issue_scales, actors, problems, bounds)

    for path, q in raw_quantities(data):
        for e, item in enumerate(q.get("evidence") or [] if isinstance(q, dict) else []):
            _check_source(item, (*root, *path, "evidence", e, "source"), sources, problems)
    levers = data.get("levers")
    for n, lever in enumerate(levers if isinstance(levers, list) else []):
        if isinstance(lever, dict) and isinstance(lever.get("evidence"), list):
            for e, item in enumerate(lever["evidence"]):
                _check_source(item, (*root, "levers", n, "evidence", e, "source"), sources,
                              problems)
    return problems


def _strings(items: Any) -> list[str]:
    return [x for x in items if isinstance(x, str)] if isinstance(items, list) else []


def _check_source(item: Any, path: Path, sources: list[str], problems: Problems) -> None:
    src = item.get("source") if isinstance(item, dict) else None
    if isinstance(src, str) and src not in sources:
        problems.append((path, f"{src!r} is not a listed source (sources: "
                               f"{', '.join(sources) or 'none'})"))


def _check_war(war: Any, challenger: Any, defenders: list[str],
               scales: dict[str, tuple[float, float]], problems: Problems) -> None:
    if not isinstance(war, dict):
        return
    root: Path = ("crisis", "war")
    for key in ("p_win", "defenders_resolve"):
        if key in war:
            check_in_bounds(war[key], _PROBABILITY, (*root, key), problems)
    costs = war.get("costs")
    if isinstance(costs, dict):
        # with an unknown challenger or defender, only the bounds are checked (no follow-on
        # errors about which parties need a cost)
        parties = [challenger, *defenders] if isinstance(challenger, str) else []
        for key, q in costs.items():
            path = (*root, "costs", key)
            if parties and key not in parties:
                problems.append((path, f"{key!r} is neither the challenger nor a defender "
                                       f"(allowed: {', '.join(parties) or 'none'}); third "
                                       "parties do not fight, their costs belong to levers"))
            else:
                check_in_bounds(q, _COST, path, problems)
        for missing in [p for p in parties if p not in costs]:
            problems.append(((*root, "costs"), f"no cost of war for {missing!r}; the "
                                               "challenger and every defender need one"))
    outcomes = war.get("outcomes")
    if not isinstance(outcomes, dict):
        return
    for side in ("challenger_wins", "defenders_win"):
        given = outcomes.get(side)
        if not isinstance(given, dict):
            continue
        for key, q in given.items():
            path = (*root, "outcomes", side, key)
            if key not in scales:
                problems.append((path, f"{key!r} is not an issue (issues: "
                                       f"{', '.join(scales) or 'none'})"))
            else:
                check_in_bounds(q, scales[key], path, problems)
        for missing in [i for i in scales if i not in given]:
            problems.append(((*root, "outcomes", side),
                             f"no outcome for issue {missing!r}; war decides every issue, so "
                             "give the position the victor would impose on each"))


def _check_power_shift(shift: Any, problems: Problems) -> None:
    if not isinstance(shift, dict):
        return
    root: Path = ("crisis", "power_shift")
    if "p_win_future" in shift:
        check_in_bounds(shift["p_win_future"], _PROBABILITY, (*root, "p_win_future"),
                         problems)
    if "periods" in shift:
        check_in_bounds(shift["periods"], (1.0, 1000.0), (*root, "periods"), problems)
    if "discount" in shift:
        bad = [x for x in numbers_of(shift["discount"]) if not 0.0 <= x < 1.0]
        if bad:
            problems.append(((*root, "discount"), f"{bad[0]:g} is outside 0..1 (a discount "
                                                  "factor must be at least 0 and below 1)"))


def _check_steps(steps: Any, scales: dict[str, tuple[float, float]],
                 divisible: dict[str, bool], problems: Problems) -> None:
    if not isinstance(steps, dict):
        return
    for key, values in steps.items():
        path: Path = ("crisis", "steps", key)
        if key not in scales:
            problems.append((path, f"{key!r} is not an issue (issues: "
                                   f"{', '.join(scales) or 'none'})"))
            continue
        if divisible.get(key, True):
            problems.append((path, f"issue {key!r} is divisible; steps apply only to issues "
                                   "marked divisible: false (mark it so, or drop its steps)"))
        if isinstance(values, list):
            _check_ladder(values, scales[key], path, problems)


def _check_ladder(values: list[Any], bounds: tuple[float, float], path: Path,
                  problems: Problems) -> None:
    numbers = [float(v) for v in values
               if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) != len(values):
        return  # the schema reports non-numbers
    lo, hi = bounds
    out = [v for v in numbers if not lo <= v <= hi]
    if out:
        problems.append((path, f"{out[0]:g} is outside {lo:g}..{hi:g}"))
    if len(numbers) < 2:
        problems.append((path, f"{len(numbers)} step given; give at least two"))
    elif any(b <= a for a, b in pairwise(numbers)):
        problems.append((path, "steps must be strictly increasing, found "
                               f"{', '.join(f'{v:g}' for v in numbers)}"))


def _check_levers(levers: Any, scales: dict[str, tuple[float, float]], actors: list[str],
                  problems: Problems, bounds: Any) -> None:
    if not isinstance(levers, list):
        return
    seen: list[str] = []
    for n, lever in enumerate(levers):
        if not isinstance(lever, dict):
            continue
        root: Path = ("crisis", "levers", n)
        ident = lever.get("id")
        if isinstance(ident, str):
            if ident in seen:
                problems.append(((*root, "id"), f"duplicate lever id {ident!r}"))
            seen.append(ident)
        kind = lever.get("kind")
        if kind not in LEVER_EFFECTS:
            continue  # the schema reports an unknown kind
        issue = lever.get("issue")
        span = _lever_span(lever, kind, issue, scales, root, problems)
        if span is not None:
            _check_setting_space(lever, span, root, problems)
        payers = lever.get("paid_by")
        for p, payer in enumerate(payers if isinstance(payers, list) else []):
            if isinstance(payer, str) and payer not in actors:
                problems.append(((*root, "paid_by", p), f"{payer!r} is not an actor "
                                                        f"(actors: {', '.join(actors)})"))
        if "cost" in lever:
            bounds(lever["cost"], _COST, ("levers", n, "cost"))
        _check_effects(lever.get("effect"), str(kind), n, problems, bounds)


def _lever_span(lever: dict[str, Any], kind: str, issue: Any,
                scales: dict[str, tuple[float, float]], root: Path,
                problems: Problems) -> tuple[float, float] | None:
    """The lever's range if it is well formed (and within its issue's scale)."""
    if kind == "concession":
        if issue is None:
            problems.append((root, "a concession lever needs the issue it concedes on "
                                   f"(issue: one of {', '.join(scales) or 'none'})"))
        elif isinstance(issue, str) and issue not in scales:
            problems.append(((*root, "issue"), f"{issue!r} is not an issue (issues: "
                                               f"{', '.join(scales) or 'none'})"))
    elif issue is not None:
        problems.append(((*root, "issue"), f"only concession levers name an issue; this is "
                                           f"a {kind} lever"))
    rng = lever.get("range", [0.0, 1.0])
    if not (isinstance(rng, list | tuple) and len(rng) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng)):
        return None
    lo, hi = float(rng[0]), float(rng[1])
    if not lo < hi:
        problems.append(((*root, "range"), f"low {lo:g} must be below high {hi:g}"))
        return None
    if kind == "concession" and isinstance(issue, str) and issue in scales:
        s_lo, s_hi = scales[issue]
        if not (s_lo <= lo and hi <= s_hi):
            problems.append(((*root, "range"), f"{lo:g}..{hi:g} is outside issue {issue!r}'s "
                                               f"scale {s_lo:g}..{s_hi:g}"))
    return lo, hi


def _check_setting_space(lever: dict[str, Any], span: tuple[float, float], root: Path,
                         problems: Problems) -> None:
    steps = lever.get("steps")
    if isinstance(steps, list):
        _check_ladder(steps, span, (*root, "steps"), problems)
    default = lever.get("default")
    if isinstance(default, int | float) and not isinstance(default, bool):
        lo, hi = span
        if not lo <= default <= hi:
            problems.append(((*root, "default"), f"{default:g} is outside the lever's range "
                                                 f"{lo:g}..{hi:g}"))
        elif isinstance(steps, list) and all(isinstance(s, int | float) for s in steps) \
                and not any(abs(default - s) <= 1e-9 for s in steps):
            problems.append(((*root, "default"), f"{default:g} is not one of the lever's "
                                                 f"steps ({', '.join(f'{s:g}' for s in steps)})"))


def _check_effects(effect: Any, kind: str, n: int, problems: Problems, bounds: Any) -> None:
    spec = LEVER_EFFECTS[kind]
    path: Path = ("crisis", "levers", n, "effect")
    if not isinstance(effect, dict):
        effect = {}
    for key, q in effect.items():
        if key not in spec:
            allowed = ", ".join(spec) or "none (a concession's effect is its offer)"
            problems.append(((*path, key), f"unknown effect {key!r} for a {kind} lever; "
                                           f"allowed: {allowed}"))
        else:
            bounds(q, spec[key][1], ("levers", n, "effect", key))
    for key, (required, _, meaning) in spec.items():
        if required and key not in effect:
            problems.append((path, f"a {kind} lever needs effect {key!r} ({meaning})"))


def raw_quantities(data: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """The raw numbers of the section (paths below ``crisis``), for the evidence check."""
    war = data.get("war")
    if isinstance(war, dict):
        if "p_win" in war:
            yield ("war", "p_win"), war["p_win"]
        if isinstance(war.get("costs"), dict):
            for key, q in war["costs"].items():
                yield ("war", "costs", key), q
        outcomes = war.get("outcomes")
        if isinstance(outcomes, dict):
            for side in ("challenger_wins", "defenders_win"):
                if isinstance(outcomes.get(side), dict):
                    for key, q in outcomes[side].items():
                        yield ("war", "outcomes", side, key), q
        if "defenders_resolve" in war:
            yield ("war", "defenders_resolve"), war["defenders_resolve"]
    shift = data.get("power_shift")
    if isinstance(shift, dict):
        for key in ("p_win_future", "periods", "discount"):
            if key in shift:
                yield ("power_shift", key), shift[key]
    levers = data.get("levers")
    for n, lever in enumerate(levers if isinstance(levers, list) else []):
        if not isinstance(lever, dict):
            continue
        if "cost" in lever:
            yield ("levers", n, "cost"), lever["cost"]
        if isinstance(lever.get("effect"), dict):
            for key, q in lever["effect"].items():
                yield ("levers", n, "effect", key), q
