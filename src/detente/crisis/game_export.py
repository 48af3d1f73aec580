"""A scenario's crisis game at its point values, ready for Gambit (``detente game``).

:mod:`detente.crisis.games` builds the trees; this module reads their parameters off the
scenario's ``crisis:`` section at the analyst's point values (:func:`point_inputs`), solves
them with detente's closed forms and returns both, so that the exported ``.efg`` file and the
closed-form answer can be compared (``tests/crisis/test_games_gambit.py`` does so with
pygambit on a grid of parameters). Payoffs are in units of the stakes, as everywhere in the
crisis model (``docs/crisis-section.md``).

Deterrence (challenger = the scenario's challenger): ``win`` is its value of its own terms,
``status_quo`` its value of the status quo, ``war = p_win * win + (1 - p_win) * v(defenders'
terms) - cost``; ``p_resolved``, its belief that the defenders are resolved, is the
scenario's ``war.defenders_resolve`` at its point value (0.5 when the scenario has none; set
it). Sanctions (sender = the defending side, weighted as the scenario says; target = the
challenger): ``stake_sender`` is what the defenders lose if the challenger gets its terms
rather than the status quo, ``cost_compliance`` what the challenger gives up by complying,
and the sanctions lever gives ``cost_sender`` (its cost), ``cost_target``
(``cost_to_challenger``) and ``audience_cost``; the complete-information game has no
coalition split (the lever's ``unity`` is not used).

With ``qre=lam`` (``detente game --qre LAMBDA``) the result also holds the agent logit
quantal-response equilibrium of the same tree (:mod:`detente.crisis.qre`; McKelvey and Palfrey
1998): each agent's probability of its first action, beside the same choices in detente's
equilibrium (0 or 1), under the names and labels of :data:`CHOICES`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from detente.crisis.deterrence import deterrence
from detente.crisis.games import deterrence_game, sanctions_game, to_efg
from detente.crisis.inputs import point_inputs
from detente.crisis.qre import deterrence_qre, sanctions_qre
from detente.crisis.sanctions import TIES_OUTCOMES, sanctions_complete_information
from detente.models.base import ModelInputError
from detente.provenance import versions
from detente.scenario import Scenario

Kind = Literal["deterrence", "sanctions", "signalling"]
KINDS: tuple[str, ...] = ("deterrence", "sanctions")
#: every kind of ``detente game``; the signalling game is the simulation's stage game, set up
#: by :mod:`detente.simulate.signalling`
ALL_KINDS: tuple[str, ...] = (*KINDS, "signalling")


class CrisisGame(BaseModel):
    """One crisis game: its parameters, detente's closed-form equilibrium, its ``.efg``."""

    model_config = ConfigDict(frozen=True)

    scenario: str
    kind: str
    parameters: dict[str, float]
    equilibrium: dict[str, Any]
    efg: str
    seed: int | None = None  # the seed of the draws the game depends on (signalling only)
    #: the logit QRE's lambda and choice probabilities (:data:`CHOICES`), when asked for
    qre_lambda: float | None = None
    qre: dict[str, float] | None = None
    #: detente's equilibrium as probabilities of the same choices (0 or 1; P(...) as solved)
    equilibrium_choices: dict[str, float] | None = None
    versions: dict[str, str] = Field(default_factory=dict)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent, allow_nan=False)


class GameInputError(ModelInputError):
    """The scenario or the settings do not give a game of this kind."""


#: each game's choices in the QRE, in the order of play: name -> what it is the probability of
CHOICES: dict[str, dict[str, str]] = {
    "deterrence": {"p_challenge": "the challenger challenges",
                   "p_resist_resolved": "a resolved defender resists",
                   "p_resist_irresolute": "an irresolute defender resists",
                   "p_war": "P(war)"},
    "sanctions": {"p_threaten": "the sender threatens",
                  "p_acquiesce": "the target acquiesces if threatened",
                  "p_impose": "the sender imposes if defied",
                  "p_give_in": "the target gives in if sanctioned",
                  "p_sanctions_imposed": "P(sanctions imposed)"},
}


def parameters(scenario: Scenario, kind: str) -> dict[str, float]:
    """The game's parameters at the scenario's point values (module docstring)."""
    if kind not in KINDS:
        raise GameInputError(f"--kind must be one of {', '.join(ALL_KINDS)}, not {kind!r}")
    if scenario.crisis is None:
        raise GameInputError(f"scenario {scenario.id!r} has no crisis: section, so it has no "
                             "crisis game (docs/crisis-section.md)")
    inp = point_inputs(scenario)
    cw, dw, sq = inp.value_cw[0], inp.value_dw[0], inp.value_sq[0]
    if kind == "deterrence":
        p = float(inp.p_win[0])
        q = 0.5 if inp.resolve is None else float(inp.resolve[0])
        return {"p_resolved": q, "win": float(cw[0]), "status_quo": float(sq[0]),
                "war": float(p * cw[0] + (1 - p) * dw[0] - inp.cost[0, 0])}
    levers = [lever for lever in inp.levers if lever.kind == "sanctions"]
    if not levers:
        raise GameInputError(f"scenario {scenario.id!r} has no sanctions lever, so it has no "
                             "sanctions game")
    lever = levers[0]
    w = inp.defender_weight[0]
    effect = {k: float(v[0]) for k, v in lever.effect.items()}
    return {"stake_sender": float(w @ (sq[1:] - cw[1:])),
            "cost_sender": float(lever.cost[0]),
            "audience_cost": effect.get("audience_cost", float(lever.cost[0]) + 1.0),
            "cost_compliance": float(cw[0] - sq[0]),
            "cost_target": effect.get("cost_to_challenger", 0.0),
            "interim_share": 0.25}


def crisis_game(scenario: Scenario, kind: str,
                settings: Mapping[str, float] | None = None, *,
                qre: float | None = None) -> CrisisGame:
    """The game of ``kind`` at the scenario's point values, ``settings`` overriding any
    parameter by name; with ``qre`` the agent logit QRE at that lambda (module docstring)."""
    if qre is not None and not (math.isfinite(qre) and qre >= 0):
        raise GameInputError(f"--qre: lambda must be a finite number >= 0, not {qre!r} "
                             "(0 is uniform play; large values approach the equilibrium)")
    params = parameters(scenario, kind)
    unknown = sorted(set(settings or {}) - set(params))
    if unknown:
        raise GameInputError(f"unknown setting {', '.join(unknown)} for the {kind} game; "
                             f"settings: {', '.join(params)}")
    params.update({k: float(v) for k, v in (settings or {}).items()})
    try:
        if kind == "deterrence":
            eq = _deterrence(params)
            tree = deterrence_game(params["p_resolved"], win=params["win"],
                                   status_quo=params["status_quo"], war=params["war"])
        else:
            eq = _sanctions(params)
            tree = sanctions_game(params["stake_sender"], params["cost_sender"],
                                  params["audience_cost"], params["cost_compliance"],
                                  params["cost_target"], interim_share=params["interim_share"])
    except ValueError as exc:
        raise GameInputError(f"{kind} game of scenario {scenario.id!r}: {exc}") from None
    extra: dict[str, Any] = {}
    if qre is not None:
        extra = {"qre_lambda": float(qre), "qre": _qre(kind, params, float(qre)),
                 "equilibrium_choices": _pure_choices(kind, eq)}
    return CrisisGame(scenario=scenario.id, kind=kind, parameters=params, equilibrium=eq,
                      efg=to_efg(tree), versions=versions(), **extra)


def _qre(kind: str, p: dict[str, float], lam: float) -> dict[str, float]:
    """The agent logit QRE's choice probabilities (:mod:`detente.crisis.qre`)."""
    if kind == "deterrence":
        q: Any = deterrence_qre(lam, p["p_resolved"], win=p["win"],
                                status_quo=p["status_quo"], war=p["war"])
    else:
        q = sanctions_qre(lam, p["stake_sender"], p["cost_sender"], p["audience_cost"],
                          p["cost_compliance"], p["cost_target"],
                          interim_share=p["interim_share"])
    return {name: float(np.asarray(getattr(q, name))) for name in CHOICES[kind]}


def _pure_choices(kind: str, eq: dict[str, Any]) -> dict[str, float]:
    """detente's equilibrium as probabilities of the QRE's choices."""
    if kind == "deterrence":
        return {"p_challenge": float(eq["challenges"]),
                "p_resist_resolved": float(eq["resolved_resists"]),
                "p_resist_irresolute": float(not eq["irresolute_concedes"]),
                "p_war": float(eq["p_war"])}
    out = {"p_threaten": float(eq["threatens"]),
           "p_acquiesce": float(eq["target_acquiesces_if_threatened"]),
           "p_impose": float(eq["sender_imposes_if_defied"]),
           "p_give_in": float(eq["target_gives_in_if_imposed"])}
    out["p_sanctions_imposed"] = out["p_threaten"] * (1 - out["p_acquiesce"]) * out["p_impose"]
    return out


def _deterrence(p: dict[str, float]) -> dict[str, Any]:
    r = deterrence(p["p_resolved"], win=p["win"], status_quo=p["status_quo"], war=p["war"])
    return {"threshold": float(np.asarray(r.threshold)),
            "challenges": bool(r.challenges), "resolved_resists": True,
            "irresolute_concedes": not bool(r.irresolute_resists),
            "p_war": float(np.asarray(r.p_war))}


def _sanctions(p: dict[str, float]) -> dict[str, Any]:
    r = sanctions_complete_information(p["stake_sender"], p["cost_sender"],
                                       p["audience_cost"], p["cost_compliance"],
                                       p["cost_target"], interim_share=p["interim_share"])
    return {"threatens": bool(r.threatens),
            "target_acquiesces_if_threatened": bool(r.target_acquiesces_if_threatened),
            "sender_imposes_if_defied": bool(r.sender_imposes_if_defied),
            "target_gives_in_if_imposed": bool(r.target_gives_in_if_imposed),
            "outcome": TIES_OUTCOMES.get(int(r.outcome), "no threat")}
