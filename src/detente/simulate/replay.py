"""Replay: the scenario's dated history played as given, the same in every run
(``docs/escalation.md``, section 8).

Levers that the history moves start at the bottom of their range and take the settings the
history gives; the challenger starts unmobilised. After each move the defending side updates
its belief by Bayes' rule, exactly as in a simulated week: types that would have gone to war
in this state are ruled out (no war happened), and a costly move by the challenger is read
with the likelihoods of the stage game's equilibrium (a free move tells nothing).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputError
from detente.scenario.history import HistoryEvent
from detente.scenario.schema import Scenario
from detente.simulate import beliefs
from detente.simulate.catalogue import Catalogue
from detente.simulate.engine import Game
from detente.simulate.policy import stage_game
from detente.simulate.result import ReplayStep
from detente.simulate.state import TOL

__all__ = ["played", "replay", "replay_settings"]


def played(scenario: Scenario, start: str | None) -> tuple[list[HistoryEvent], dt.date]:
    """The history's moves up to ``start`` (an ISO date; default the last move) and the
    date the simulation continues from."""
    if not scenario.history:
        raise CrisisInputError(f"scenario {scenario.id!r} has no history: section to replay "
                               "(docs/escalation.md, section 8)")
    if start is None:
        when = scenario.history[-1].date
    else:
        try:
            when = dt.date.fromisoformat(start)
        except ValueError:
            raise CrisisInputError(f"--from {start!r} is not a date (give YYYY-MM-DD)") from None
    events = [e for e in scenario.history if e.date <= when]
    if not events:
        raise CrisisInputError(f"--from {when}: the history starts on "
                               f"{scenario.history[0].date}; nothing to replay before it")
    return events, when


def replay_settings(scenario: Scenario, catalogue: Catalogue, settings: FloatArray,
                    lever_kinds: list[str]) -> FloatArray:
    """The lever settings before the history: levers that the history moves start at the
    bottom of their range, the others at the scenario's settings."""
    out = np.array(settings, dtype=np.float64, copy=True)
    crisis = scenario.crisis
    assert crisis is not None
    effect_levers = [lv for lv in crisis.levers if lv.kind != "concession"]
    moved = {catalogue.move(e.move).effect.lever for e in scenario.history}
    for kind in moved:
        if kind in lever_kinds:
            j = lever_kinds.index(kind)
            out[j] = effect_levers[j].low
    return out


def replay(game: Game, events: list[HistoryEvent]) -> list[ReplayStep]:
    """Play ``events`` in every run; the belief and P(war now) after each."""
    st, cat = game.state, game.setup.catalogue
    crisis = game.setup.scenario.crisis
    assert crisis is not None
    steps = []
    for event in events:
        rows = np.flatnonzero(st.status == 0)
        if rows.size == 0:
            break
        challenger = event.actor == crisis.challenger
        effect = cat.move(event.move).effect
        if challenger:
            _learn(game, rows, event.move)
        game.apply(rows, event.move, by="challenger" if challenger else "defenders",
                   level=event.level, setting=event.setting)
        if effect.ends is not None:
            game.end(rows, 1 if effect.ends == "war" else 2, 0)
        core = game.core(rows)
        types = game.type_core(rows)
        resolved = (types.m_c > TOL) | (types.kappa > 1e-9)
        steps.append(ReplayStep(
            date=event.date.isoformat(), actor=event.actor, move=event.move,
            belief=float(beliefs.resolved_share(st.weights[rows], resolved).mean()),
            p_war_now=float(core.p_war_now.mean())))
    return steps


def _learn(game: Game, rows: np.ndarray, move: str) -> None:
    """The defending side's update on seeing the challenger's move (B2)."""
    st, cat = game.state, game.setup.catalogue
    effect = cat.move(move).effect
    ready = st.mobilisation[rows] >= 1.0 - 1e-9
    types = game.type_core(rows)
    margin = np.where(types.kappa > 1e-9, np.maximum(types.m_c, 1e-9), types.m_c)
    fight = (margin > TOL) & ready[:, None]
    weights = beliefs.condition(st.weights[rows], (~fight).astype(np.float64))
    costly = effect.sunk_cost > 0 or effect.audience_cost > 0 or effect.mobilisation > 0
    if costly:
        core = game.core(rows)
        x_next = game.next_offer(rows)
        gain = types.m_c - game.type_core(rows, offer=x_next).m_c
        proj = beliefs.project(weights, np.where(fight, 0.0, margin), gain)
        v_next = game.defender_value(rows, x_next)
        b = np.asarray(core.v_d) - v_next
        c = v_next - np.asarray(core.w_d)
        eq = stage_game(proj.mu, b, c, effect.sunk_cost, effect.audience_cost, proj.v_h,
                        proj.w_h, proj.v_l, proj.w_l)
        sigma_h = np.where(ready, eq.sigma_h, 1.0)
        weights = beliefs.update(weights, (margin > TOL) & ~fight, sigma_h, eq.sigma_l,
                                 np.ones(rows.size, dtype=bool))
    st.weights[rows] = weights
