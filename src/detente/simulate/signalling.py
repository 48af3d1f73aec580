"""A scenario's signalling game: the stage game ``detente simulate`` plays in week 1, ready
for Gambit (``detente game --kind signalling``, ``docs/games.md``).

The week-by-week simulation (``docs/escalation.md``) solves a two-type costly-signal game
every week (:func:`detente.simulate.policy.stage_game`, section 3). This module sets up week 1
as ``detente simulate`` does - the defending side at the scenario's point values, its belief
spread evenly over ``types`` seeded draws of the challenger, the offer on the table its own
terms, the challenger's next signal on the catalogue's ladder (``mobilise`` while it is not
ready) - reads the stage game's parameters off it (:meth:`Game.stage_inputs`), solves it with
the closed form and writes the tree with :func:`detente.crisis.games.signalling_game`.

Parameters (``docs/escalation.md``, section 3): ``mu`` the belief that the challenger is
resolved (it prefers war to the offer), ``b`` what the next concession step costs the
defending side, ``c`` what war costs it beyond that step, ``k`` and ``a`` the signal's sunk
and audience costs, ``v_h``/``v_l`` what the concession step brings each class of challenger
and ``w_h``/``w_l`` each class's mean war margin.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from detente.crisis.analysis import CrisisInputError
from detente.crisis.game_export import CrisisGame, GameInputError
from detente.crisis.games import signalling_game, to_efg
from detente.crisis.inputs import point_inputs
from detente.provenance import versions
from detente.scenario.schema import Scenario
from detente.simulate.catalogue import load_catalogue
from detente.simulate.engine import Game, prepare
from detente.simulate.policy import CASES, stage_game

__all__ = ["signalling_crisis_game", "signalling_parameters"]

PARAMETERS = ("mu", "b", "c", "k", "a", "v_h", "w_h", "v_l", "w_l")


def signalling_parameters(scenario: Scenario, *, seed: int = 0, types: int = 128,
                          mobilisation: float = 0.0) -> dict[str, float]:
    """The week-1 stage game's parameters (module docstring)."""
    if scenario.crisis is None:
        raise GameInputError(f"scenario {scenario.id!r} has no crisis: section, so it has no "
                             "crisis game (docs/crisis-section.md)")
    if not 1 <= types <= 4096:
        raise GameInputError(f"types must be between 1 and 4096; got {types}")
    if not 0.0 <= mobilisation <= 1.0:
        raise GameInputError(f"mobilisation must be in [0, 1]; got {mobilisation:g}")
    try:
        setup = prepare(scenario, load_catalogue(), seed=seed, start=0, stop=1, weeks=1,
                        types=types)
    except (CrisisInputError, ValueError) as exc:
        raise GameInputError(f"signalling game of scenario {scenario.id!r}: {exc}") from None
    setup = dataclasses.replace(setup, runs=point_inputs(scenario))
    game = Game.start(setup, mobilisation=mobilisation)
    rows = np.array([0])
    s = game.stage_inputs(rows, game.core(rows), np.array([True]))
    if int(s.rung[0]) < 0:
        raise GameInputError(f"scenario {scenario.id!r}: the challenger has no signal left "
                             "on the catalogue's ladder, so there is no signalling game")
    proj = s.projection
    values = (proj.mu, s.b, s.c, s.k, s.a, proj.v_h, proj.w_h, proj.v_l, proj.w_l)
    return {name: float(np.asarray(v)[0]) for name, v in zip(PARAMETERS, values, strict=True)}


def signalling_crisis_game(scenario: Scenario, settings: Mapping[str, float] | None = None, *,
                           seed: int = 0, types: int = 128,
                           mobilisation: float = 0.0) -> CrisisGame:
    """The week-1 signalling game with its closed-form equilibrium and its ``.efg`` text;
    ``settings`` override parameters by name."""
    params = signalling_parameters(scenario, seed=seed, types=types, mobilisation=mobilisation)
    unknown = sorted(set(settings or {}) - set(params))
    if unknown:
        raise GameInputError(f"unknown setting {', '.join(unknown)} for the signalling game; "
                             f"settings: {', '.join(params)}")
    params.update({k: float(v) for k, v in (settings or {}).items()})
    bad = [k for k, v in params.items() if not math.isfinite(v)]
    if bad:
        raise GameInputError(f"signalling game of scenario {scenario.id!r}: {', '.join(bad)} "
                             "must be finite")
    try:
        tree = signalling_game(**params)
    except ValueError as exc:
        raise GameInputError(f"signalling game of scenario {scenario.id!r}: {exc}") from None
    return CrisisGame(scenario=scenario.id, kind="signalling", parameters=params,
                      equilibrium=_equilibrium(params), efg=to_efg(tree), seed=seed,
                      versions=versions())


def _equilibrium(p: dict[str, float]) -> dict[str, Any]:
    eq = stage_game(**p)

    def num(x: Any) -> float:
        return float(np.asarray(x))

    mu_star = num(eq.mu_star)  # infinite: the defending side never yields (c <= 0)
    return {"case": CASES[int(np.asarray(eq.case))],
            "mu_star": mu_star if math.isfinite(mu_star) else None,
            "credible": bool(np.asarray(eq.credible)),
            "resolved_signals": num(eq.sigma_h), "unresolved_signals": num(eq.sigma_l),
            "yield_after_signal": num(eq.yield_signal),
            "yield_after_no_signal": num(eq.yield_none), "p_war": num(eq.p_war)}
