"""A scenario's crisis as arrays, one row per draw, and the line of offers between the sides.

:func:`crisis_inputs` turns the ``crisis:`` section (:mod:`detente.scenario.crisis`) and the
Monte Carlo draws of every uncertain input (:func:`detente.sampling.draw`) into the arrays the
rest of the analysis reads: each party's positions and salience weights, the value
``V_i(x) = sum_k s_ik (1 - |x_k - x_ik| / span_k) / sum_k s_ik`` of the outcomes a war would
impose, the probability of prevailing and the costs of war (Fearon 1995), the power shift
(Powell 2006) and the levers. The offer line ``x(t) = D + t (C - D)`` runs from the defending
side's ideal ``D`` to the challenger's demand ``C``; :func:`snap` and :func:`feasible` keep
offers on what the issues' steps and the concession levers allow. Equations and limits:
``docs/crisis-model.md`` ("From a scenario to the models").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from detente.crisis.bargaining import FloatArray
from detente.crisis.levers import LeverArrays
from detente.models.base import ModelInputError
from detente.sampling import Draws, from_matrix
from detente.scenario.schema import Scenario

__all__ = ["CrisisInputError", "CrisisInputs", "crisis_inputs", "feasible", "feasible_t", "line",
           "point_inputs", "snap", "values_at"]


class CrisisInputError(ModelInputError):
    """A crisis analysis cannot run as asked (no crisis section, a bad offer or lever)."""


# ------------------------------------------------------------------------------ inputs


@dataclass(frozen=True)
class CrisisInputs:
    """A scenario's crisis as arrays, one row per draw (``B`` draws, ``P`` parties, ``K``
    issues). Parties are the challenger, then the defenders in file order.

    ``weight[b, i, k] = s_ik / sum_k s_ik / span_k`` so that ``V_i(x) = 1 - sum_k
    weight_ik |x_k - x_ik|``. ``defender_weight[b, j]`` aggregates the defenders' values
    (sums to 1). ``value_cw``/``value_dw``/``value_sq`` are each party's value of the
    challenger's victory, the defenders' victory and the status quo, ``value_start`` of the
    defending side's ideal (the start of the offer line). ``levers`` are the effect
    levers (in file order, the columns of a settings matrix); ``concessions`` the concession
    levers. ``line_start``/``line_end`` are the defending side's ideal and the challenger's
    demand at point values; ``steps[k]`` the values an indivisible issue can take (None for a
    divisible issue). ``resolve`` is ``q``, the challenger's belief that the defending side
    will resist a challenge by force (``crisis.war.defenders_resolve``), or None when the
    scenario does not give it (the challenger is sure of resistance, ``q = 1``).
    """

    scenario: Scenario
    issue_ids: tuple[str, ...]
    party_ids: tuple[str, ...]
    lower: FloatArray
    upper: FloatArray
    steps: tuple[FloatArray | None, ...]
    position: FloatArray
    weight: FloatArray
    defender_weight: FloatArray
    value_cw: FloatArray
    value_dw: FloatArray
    value_sq: FloatArray
    value_start: FloatArray
    p_win: FloatArray
    p_future: FloatArray
    cost: FloatArray
    periods: FloatArray
    discount: FloatArray
    has_shift: bool
    levers: tuple[LeverArrays, ...]
    concessions: tuple[LeverArrays, ...]
    line_start: FloatArray
    line_end: FloatArray
    resolve: FloatArray | None = None

    @property
    def n(self) -> int:
        return int(self.p_win.shape[0])

    @property
    def lever_ids(self) -> tuple[str, ...]:
        return tuple(lv.id for lv in self.levers)

    @property
    def default_settings(self) -> FloatArray:
        """The effect levers' settings in force at the scenario's date, ``(L,)``."""
        return np.array([lv.low if lv.default is None else lv.default for lv in self.levers],
                        dtype=np.float64)

    def with_divisible(self) -> CrisisInputs:
        """The same crisis with every issue divisible (for the indivisibility attribution):
        indivisible issues lose their packages, and so do concession levers on them."""
        lumpy = {iid for iid, ladder in zip(self.issue_ids, self.steps, strict=True)
                 if ladder is not None}
        concessions = tuple(_replace_lever(c) if c.issue in lumpy else c
                            for c in self.concessions)
        return _replace(self, steps=tuple(None for _ in self.steps), concessions=concessions)


def _replace(inputs: CrisisInputs, **changes: Any) -> CrisisInputs:
    return replace(inputs, **changes)


def _replace_lever(lever: LeverArrays) -> LeverArrays:
    return replace(lever, steps=None)


def crisis_inputs(draws: Draws) -> CrisisInputs:
    """Arrays of the crisis section for every draw (point values where not drawn)."""
    s = draws.scenario
    crisis = s.crisis
    if crisis is None:
        raise CrisisInputError(f"scenario {s.id!r} has no crisis: section, so there is no war "
                               "to weigh against diplomacy; add one (docs/crisis-section.md)")
    n, get = draws.n, draws.get
    issues = s.issues
    issue_ids = tuple(i.id for i in issues)
    k_n = len(issues)
    index = {a.id: i for i, a in enumerate(s.actors)}
    parties = (crisis.challenger, *crisis.defenders)
    lower = np.array([i.scale.low for i in issues], dtype=np.float64)
    upper = np.array([i.scale.high for i in issues], dtype=np.float64)
    span = upper - lower

    position = np.empty((n, len(parties), k_n))
    salience = np.empty((n, len(parties), k_n))
    for p, aid in enumerate(parties):
        a = index[aid]
        actor = s.actors[a]
        for k, iid in enumerate(issue_ids):
            position[:, p, k] = get(("actors", a, "positions", iid), actor.positions[iid])
            salience[:, p, k] = get(("actors", a, "salience", iid), actor.salience[iid])
    weight = _salience_weights(salience) / span

    defender_weight = _defender_weights(
        crisis.defender_weights,
        np.stack([get(("actors", index[d], "capability"), s.actors[index[d]].capability)
                  for d in crisis.defenders], axis=-1))

    outcomes = crisis.war.outcomes
    x_cw = np.stack([get(("crisis", "war", "outcomes", "challenger_wins", iid),
                         outcomes.challenger_wins[iid]) for iid in issue_ids], axis=-1)
    x_dw = np.stack([get(("crisis", "war", "outcomes", "defenders_win", iid),
                         outcomes.defenders_win[iid]) for iid in issue_ids], axis=-1)
    line_start, line_end = _line_ends(s)
    sq = np.stack([get(("issues", k, "status_quo"), i.status_quo) if i.status_quo is not None
                   else np.full(n, line_start[k]) for k, i in enumerate(issues)], axis=-1)

    p_win = get(("crisis", "war", "p_win"), crisis.war.p_win)
    cost = np.stack([get(("crisis", "war", "costs", pid), crisis.war.costs[pid])
                     for pid in parties], axis=-1)
    shift = crisis.power_shift
    if shift is not None:
        p_future = get(("crisis", "power_shift", "p_win_future"), shift.p_win_future)
        discount = get(("crisis", "power_shift", "discount"), shift.discount)
        periods = get(("crisis", "power_shift", "periods"), shift.periods)
    else:
        p_future, discount, periods = p_win.copy(), np.zeros(n), np.ones(n)

    effect_levers: list[LeverArrays] = []
    concessions: list[LeverArrays] = []
    for m, lever in enumerate(crisis.levers):
        cost_draws = (get(("crisis", "levers", m, "cost"), lever.cost) if lever.cost is not None
                      else np.zeros(n))
        arrays = LeverArrays(
            id=lever.id, kind=lever.kind, name=lever.name, low=lever.low, high=lever.high,
            steps=None if lever.steps is None else np.asarray(lever.steps, dtype=np.float64),
            default=lever.default, issue=lever.issue, cost=cost_draws,
            paid_by=tuple(lever.paid_by), incurred=lever.incurred,
            effect={key: get(("crisis", "levers", m, "effect", key), q)
                    for key, q in lever.effect.items()})
        (concessions if lever.kind == "concession" else effect_levers).append(arrays)

    steps = tuple(None if i.divisible else np.asarray(
        crisis.steps.get(i.id, [i.scale.low, i.scale.high]), dtype=np.float64) for i in issues)
    return CrisisInputs(
        scenario=s, issue_ids=issue_ids, party_ids=parties, lower=lower, upper=upper,
        steps=steps, position=position, weight=weight, defender_weight=defender_weight,
        value_cw=values_at(position, weight, x_cw), value_dw=values_at(position, weight, x_dw),
        value_sq=values_at(position, weight, sq),
        value_start=values_at(position, weight, np.broadcast_to(line_start, (n, k_n))),
        p_win=p_win, p_future=p_future, cost=cost,
        periods=periods, discount=discount, has_shift=shift is not None,
        levers=tuple(effect_levers), concessions=tuple(concessions),
        line_start=line_start, line_end=line_end,
        resolve=None if crisis.war.defenders_resolve is None else get(
            ("crisis", "war", "defenders_resolve"), crisis.war.defenders_resolve))


def point_inputs(scenario: Scenario) -> CrisisInputs:
    """The crisis at the analyst's point values: one 'draw'."""
    return crisis_inputs(from_matrix(scenario, [], np.empty((1, 0))))


def _salience_weights(salience: FloatArray) -> FloatArray:
    """Saliences normalised to sum to 1 over issues (equal weights if all are zero)."""
    total = salience.sum(axis=-1, keepdims=True)
    equal = np.full_like(salience, 1.0 / salience.shape[-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, salience / np.where(total > 0, total, 1.0), equal)


def _defender_weights(rule: str, capability: FloatArray) -> FloatArray:
    if rule == "lead":
        w = np.zeros_like(capability)
        w[..., 0] = 1.0
        return w
    total = capability.sum(axis=-1, keepdims=True)
    equal = np.full_like(capability, 1.0 / capability.shape[-1])
    return np.where(total > 0, capability / np.where(total > 0, total, 1.0), equal)


def values_at(position: FloatArray, weight: FloatArray, x: FloatArray) -> FloatArray:
    """``V_i`` of one outcome per draw: ``x`` ``(B, K)`` -> ``(B, P)``."""
    return np.asarray(1.0 - (weight * np.abs(x[:, None, :] - position)).sum(axis=-1))


def _line_ends(s: Scenario) -> tuple[FloatArray, FloatArray]:
    """The defending side's ideal (the maximiser of its aggregate value: a weighted median per
    issue) and the challenger's demand, at point values."""
    crisis = s.crisis
    assert crisis is not None
    ids = [i.id for i in s.issues]
    demand = np.array([s.actor(crisis.challenger).positions[i].point for i in ids])
    defenders = [s.actor(d) for d in crisis.defenders]
    pos = np.array([[d.positions[i].point for i in ids] for d in defenders])
    sal = _salience_weights(np.array([[d.salience[i].point for i in ids] for d in defenders]))
    dw = _defender_weights(crisis.defender_weights,
                           np.array([d.capability.point for d in defenders]))
    ideal = np.array([_weighted_median(pos[:, k], dw * sal[:, k]) for k in range(len(ids))])
    return ideal, demand


def _weighted_median(values: FloatArray, weights: FloatArray) -> float:
    if weights.sum() <= 0:
        return float(values.mean())
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    return float(values[order][int(np.searchsorted(cum, 0.5 * cum[-1] - 1e-12))])


# ----------------------------------------------------------------------- the offer line


def snap(inputs: CrisisInputs, offers: FloatArray) -> FloatArray:
    """Offers ``(..., K)`` with each indivisible issue moved to its nearest allowed value
    (its declared steps, or its scale's two ends); ties go to the lower value."""
    out = np.array(offers, dtype=np.float64, copy=True)
    for k, ladder in enumerate(inputs.steps):
        if ladder is not None:
            idx = np.argmin(np.abs(out[..., k, None] - ladder), axis=-1)
            out[..., k] = ladder[idx]
    return out


def line(inputs: CrisisInputs, t: FloatArray) -> FloatArray:
    """``x(t) = D + t (C - D)``: ``t`` ``(T,)`` -> offers ``(T, K)``."""
    tt = np.asarray(t, dtype=np.float64)[..., None]
    return np.asarray(inputs.line_start + tt * (inputs.line_end - inputs.line_start))


def feasible(inputs: CrisisInputs, offers: FloatArray) -> FloatArray:
    """Offers clipped to the concession levers' ranges and moved to their steps."""
    out = np.array(offers, dtype=np.float64, copy=True)
    for lever in inputs.concessions:
        k = inputs.issue_ids.index(str(lever.issue))
        out[..., k] = np.clip(out[..., k], lever.low, lever.high)
        if lever.steps is not None:
            idx = np.argmin(np.abs(out[..., k, None] - lever.steps), axis=-1)
            out[..., k] = lever.steps[idx]
    return out


def feasible_t(inputs: CrisisInputs) -> tuple[float, float] | None:
    """The ``t`` interval of the (unclipped) line inside every concession limit."""
    lo, hi = 0.0, 1.0
    delta = inputs.line_end - inputs.line_start
    for lever in inputs.concessions:
        k = inputs.issue_ids.index(str(lever.issue))
        start, d = inputs.line_start[k], delta[k]
        if abs(d) < 1e-12:
            if not lever.low - 1e-9 <= start <= lever.high + 1e-9:
                return None
            continue
        a, b = sorted(((lever.low - start) / d, (lever.high - start) / d))
        lo, hi = max(lo, a), min(hi, b)
    return (lo, hi) if lo <= hi + 1e-12 else None
