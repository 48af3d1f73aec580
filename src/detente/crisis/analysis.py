"""The integrated crisis analysis: will diplomacy beat war, for whom, why, and at what offer.

This module maps a scenario's ``crisis:`` section (:mod:`detente.scenario.crisis`) onto the
canonical models of :mod:`detente.crisis` and evaluates them over Monte Carlo draws of every
uncertain input (:func:`detente.sampling.draw`). All core functions are pure array code with a
leading draw axis (and, for the lever search, a leading bundle axis); there is no Python loop
over draws. The equations and their limits are set out in ``docs/crisis-model.md`` ("From a
scenario to the models").

Values. Each party ``i`` (the challenger, then each defender) values a settlement ``x`` (one
position per issue) by its positions ``x_ik`` and saliences ``s_ik``::

    V_i(x) = sum_k s_ik (1 - |x_k - x_ik| / span_k) / sum_k s_ik           (in [0, 1])

so one unit is everything the party has at stake on the issues. War is Fearon's (1995) costly
lottery over the outcomes the victor would impose (``X_c`` if the challenger prevails,
``X_d`` if the defenders do)::

    W_i = p V_i(X_c) + (1 - p) V_i(X_d) - c_i

with ``p`` and the challenger's cost ``c_C`` after the levers (:mod:`detente.crisis.levers`).
The defending side's value is the capability-weighted mean of its members' values (or the lead
defender's): the offer is made by a coalition whose members weigh in with what they bring.

War in a draw. Some party prefers war to the offer (``W_C > V_C(x)``, or the defending side's
``W_D > V_D(x)``), or the challenger faces a commitment problem it cannot be bought out of:
its probability of prevailing is falling and even the whole pie today plus what the rising side
can promise later is worth less than fighting now (Fearon 1995; Powell 2006;
:func:`detente.crisis.commitment_war_two_period` with the rising side proposing).

The offer line. Offers ``x(t) = D + t (C - D)`` run from the defending side's ideal ``D`` to the
challenger's demand ``C`` (point values): ``t`` is the share of the distance conceded, which
plays the role of Fearon's share ``x`` going to the challenger. The bargaining range is the set
of ``t`` both sides prefer to war; with one issue, two parties and point values it is exactly
Fearon's ``[p - c_A, p + c_B]`` (:func:`detente.crisis.bargaining_range`). The defenders'
optimal offer maximises their expected value over the draws, Fearon's risk-return trade-off
solved numerically; with one issue and only the challenger's cost uncertain it coincides with
:func:`detente.crisis.risk_return` on sampled costs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from detente.crisis.bargaining import BoolArray, FloatArray
from detente.crisis.commitment import commitment_war_two_period
from detente.crisis.levers import Applied, LeverArrays, apply_levers, lever_levels
from detente.models.base import ModelInputError
from detente.sampling import Draws, draw, from_matrix
from detente.scenario.schema import Scenario

__all__ = [
    "MECHANISMS",
    "CrisisInputError",
    "CrisisInputs",
    "CrisisOutputs",
    "CrisisResult",
    "analyse",
    "bargaining_ranges",
    "concession_cost",
    "crisis_inputs",
    "evaluate_bundles",
    "lever_cost",
    "optimal_offer",
    "p_war_batch",
]

_TOL = 1e-12  # margins at or below this are peace: an indifferent party settles
_CHUNK = 4_000_000  # elements (bundles x draws x parties x issues) evaluated at once
_Z90 = 1.6448536269514722

#: Mechanism codes, in the order they are attributed (the first that applies wins).
MECHANISMS: dict[int, tuple[str, str]] = {
    1: ("commitment", "commitment problem: the power shift the challenger fears exceeds what "
                      "any settlement today plus what the rising side can promise can cover"),
    2: ("indivisibility", "indivisibility: war here disappears when the indivisible issues "
                          "may take intermediate values"),
    3: ("no_range", "no bargaining range on the offer line: no division along it is preferred "
                    "to war by both sides"),
    4: ("beyond_limits", "the bargaining range lies beyond what the defenders will concede "
                         "(the concession levers' ranges)"),
    5: ("private_information", "private information: a range exists but the offer, made "
                               "without knowing the draw, misses it"),
}


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
    divisible issue).
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
    periods: int
    discount: FloatArray
    has_shift: bool
    levers: tuple[LeverArrays, ...]
    concessions: tuple[LeverArrays, ...]
    line_start: FloatArray
    line_end: FloatArray

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
        periods = shift.periods
    else:
        p_future, discount, periods = p_win.copy(), np.zeros(n), 1

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
        value_cw=_values_at(position, weight, x_cw), value_dw=_values_at(position, weight, x_dw),
        value_sq=_values_at(position, weight, sq),
        value_start=_values_at(position, weight, np.broadcast_to(line_start, (n, k_n))),
        p_win=p_win, p_future=p_future, cost=cost,
        periods=periods, discount=discount, has_shift=shift is not None,
        levers=tuple(effect_levers), concessions=tuple(concessions),
        line_start=line_start, line_end=line_end)


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


def _values_at(position: FloatArray, weight: FloatArray, x: FloatArray) -> FloatArray:
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


# ----------------------------------------------------------------------- offers & the line


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


def _feasible_t(inputs: CrisisInputs) -> tuple[float, float] | None:
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


# ------------------------------------------------------------------------ core evaluation


@dataclass(frozen=True)
class Evaluation:
    """Everything decided per bundle and draw, each ``(n_bundles, B)`` (``margin`` has a
    trailing party axis). A margin is ``W - V``: positive means that party prefers war."""

    margin: FloatArray
    margin_defenders: FloatArray
    value_defenders: FloatArray
    war_value_defenders: FloatArray
    commitment: BoolArray
    commitment_margin: FloatArray
    war: BoolArray
    applied: Applied


def _war_values(inputs: CrisisInputs, applied: Applied) -> FloatArray:
    """``W_i = p V_i(X_c) + (1 - p) V_i(X_d) - c_i``: ``(n_bundles, B, P)``."""
    p = applied.p_now[..., None]
    w = p * inputs.value_cw[None] + (1.0 - p) * inputs.value_dw[None] - inputs.cost[None]
    w[..., 0] = w[..., 0] + inputs.cost[None, :, 0] - applied.cost_challenger
    return np.asarray(w)


def _offer_values(inputs: CrisisInputs, offers: FloatArray) -> FloatArray:
    """``V_i(x)`` of fixed offers ``(n_bundles, K)`` in every draw: ``(n_bundles, B, P)``."""
    v = np.ones((offers.shape[0], inputs.n, len(inputs.party_ids)))
    for k in range(offers.shape[1]):
        v -= inputs.weight[None, :, :, k] * np.abs(offers[:, k, None, None]
                                                   - inputs.position[None, :, :, k])
    return v


def _commitment(inputs: CrisisInputs, applied: Applied) -> FloatArray:
    """Margin of the challenger's preventive war (positive: war), ``(n_bundles, B)``.

    The pie is the offer line: normalised by the challenger's value of the defenders' ideal
    ``v0`` and of its own ideal (1), its costless war payoff is ``p~ = (p V_C(X_c) + (1 - p)
    V_C(X_d) - v0) / (1 - v0)`` and its cost ``c~ = c_C / (1 - v0)``. Power falls from
    ``p~(p_now)`` to ``p~(p_future)`` in ``periods`` equal steps; with the rising side proposing
    (Fearon's preventive-war setting) the first step decides, so the two-period closed form of
    :func:`detente.crisis.commitment_war_two_period` gives the exact equilibrium.
    """
    nb = applied.p_now.shape[0]
    if not inputs.has_shift:
        return np.full((nb, inputs.n), -np.inf)
    v0 = inputs.value_start[:, 0]
    pie = 1.0 - v0
    ok = pie > 1e-9
    safe = np.where(ok, pie, 1.0)

    def tilde(p: FloatArray) -> FloatArray:
        raw = (p * inputs.value_cw[:, 0] + (1.0 - p) * inputs.value_dw[:, 0] - v0) / safe
        return np.asarray(np.clip(raw, 0.0, 1.0))

    p0 = tilde(applied.p_now)
    p_end = np.minimum(tilde(applied.p_future), p0)
    p1 = p0 - (p0 - p_end) / inputs.periods
    cost = applied.cost_challenger / safe
    result = commitment_war_two_period(p0, p1, inputs.discount, cost, 0.0, proposer="rising")
    margin = np.asarray(result.margin, dtype=np.float64)
    return np.where(ok, margin, -np.inf)


def _evaluate(inputs: CrisisInputs, levels: FloatArray, offers: FloatArray) -> Evaluation:
    """The war decision for each bundle (``levels`` ``(nb, L)`` or one row shared by every
    bundle, snapped ``offers`` ``(nb, K)``) in each draw.

    The levers' effects (the war lottery and the commitment problem) do not depend on the
    offer, so a shared row of levels is evaluated once and broadcast over the offers.
    """
    applied = apply_levers(inputs.levers, levels, inputs.p_win, inputs.p_future,
                           inputs.cost[:, 0])
    war_values = _war_values(inputs, applied)
    values = _offer_values(inputs, offers)
    margin = war_values - values
    dw = inputs.defender_weight[None]
    war_d = (war_values[..., 1:] * dw).sum(-1)
    value_d = (values[..., 1:] * dw).sum(-1)
    margin_d = war_d - value_d
    shape = margin_d.shape
    commit_margin = np.broadcast_to(_commitment(inputs, applied), shape)
    commitment = commit_margin > 1e-9
    war = (margin[..., 0] > _TOL) | (margin_d > _TOL) | commitment
    return Evaluation(margin=margin, margin_defenders=margin_d, value_defenders=value_d,
                      war_value_defenders=np.broadcast_to(war_d, shape),
                      commitment=commitment, commitment_margin=commit_margin, war=war,
                      applied=applied)


def _shared(levels: FloatArray) -> FloatArray:
    """One row when every bundle pulls the levers the same way, else the rows as given."""
    if levels.shape[0] > 1 and np.all(levels == levels[:1]):
        return levels[:1]
    return levels


def _chunks(inputs: CrisisInputs, nb: int) -> list[slice]:
    per = max(1, _CHUNK // max(1, inputs.n * len(inputs.party_ids) * len(inputs.issue_ids)))
    return [slice(i, min(i + per, nb)) for i in range(0, nb, per)]


def _check_offers(inputs: CrisisInputs, offers: Any, nb: int) -> FloatArray:
    o = np.atleast_2d(np.asarray(offers, dtype=np.float64))
    if o.shape[-1] != len(inputs.issue_ids):
        raise ValueError(f"offers have {o.shape[-1]} columns but there are "
                         f"{len(inputs.issue_ids)} issues ({', '.join(inputs.issue_ids)})")
    o = np.broadcast_to(o, (nb, o.shape[-1]))
    bad = ~np.isfinite(o) | (o < inputs.lower - 1e-9) | (o > inputs.upper + 1e-9)
    if np.any(bad):
        row, k = np.argwhere(bad)[0]
        raise ValueError(f"offer {o[row, k]:g} on {inputs.issue_ids[k]!r} is outside its "
                         f"scale {inputs.lower[k]:g}..{inputs.upper[k]:g}")
    return np.asarray(o)


def _bundles(inputs: CrisisInputs, settings: Any, offers: Any) -> tuple[FloatArray, FloatArray]:
    """Levels and snapped offers, one row per bundle (a single row of either is repeated)."""
    s = np.asarray(settings, dtype=np.float64)
    s = s.reshape(-1, len(inputs.levers)) if s.size or inputs.levers else np.zeros((1, 0))
    levels = lever_levels(inputs.levers, s)
    n_offers = np.atleast_2d(np.asarray(offers, dtype=np.float64)).shape[0]
    nb = max(levels.shape[0], n_offers)
    if levels.shape[0] not in (1, nb) or n_offers not in (1, nb):
        raise ValueError(f"{levels.shape[0]} lever settings but {n_offers} offers; give one "
                         "of each per bundle, or a single one for every bundle")
    o = _check_offers(inputs, offers, nb)
    return np.ascontiguousarray(np.broadcast_to(levels, (nb, levels.shape[1]))), snap(inputs, o)


@dataclass(frozen=True)
class BundleSummary:
    """Per-bundle summaries over the draws (each ``(n_bundles,)``)."""

    p_war: FloatArray
    p_commitment: FloatArray
    expected_value_defenders: FloatArray
    mean_margin_challenger: FloatArray


def evaluate_bundles(inputs: CrisisInputs, settings: Any, offers: Any) -> BundleSummary:
    """Evaluate many lever bundles and offers on the same draws (common random numbers).

    ``settings`` ``(n_bundles, L)``: one column per effect lever (``inputs.lever_ids``), in the
    levers' own units; ``offers`` ``(n_bundles, K)`` (or ``(K,)`` for one offer for all
    bundles): the offer per issue, in the issues' units, indivisible issues snapped. The
    defending side's expected value is ``E[V_D(x)]`` in peace and ``E[W_D]`` in war.
    """
    levels, snapped = _bundles(inputs, settings, offers)
    nb = levels.shape[0]
    p_war, p_commit = np.empty(nb), np.empty(nb)
    value, margin_c = np.empty(nb), np.empty(nb)
    levels = _shared(levels)
    for sl in _chunks(inputs, nb):
        ev = _evaluate(inputs, levels if levels.shape[0] == 1 else levels[sl], snapped[sl])
        p_war[sl] = ev.war.mean(axis=1)
        p_commit[sl] = ev.commitment.mean(axis=1)
        value[sl] = np.where(ev.war, ev.war_value_defenders, ev.value_defenders).mean(axis=1)
        margin_c[sl] = ev.margin[..., 0].mean(axis=1)
    return BundleSummary(p_war=p_war, p_commitment=p_commit, expected_value_defenders=value,
                         mean_margin_challenger=margin_c)


def p_war_batch(inputs: CrisisInputs, settings: Any, offers: Any) -> FloatArray:
    """P(war) for each bundle: ``(n_bundles, L)`` settings, ``(n_bundles, K)`` offers ->
    ``(n_bundles,)``, every bundle on the same draws (common random numbers).

    Columns of ``settings`` follow ``inputs.lever_ids`` (the effect levers, file order); a
    setting outside its lever's range or off its steps raises ``ValueError``. Offers are in
    the issues' units; indivisible issues are moved to their nearest allowed value.
    """
    return evaluate_bundles(inputs, settings, offers).p_war


def lever_cost(inputs: CrisisInputs, settings: Any, offers: Any,
               p_war: FloatArray | None = None) -> FloatArray:
    """The defending side's cost of each bundle, in units of its stakes, ``(n_bundles,)``.

    ``sum_l lam_l E[k_l] (x P(war) for levers incurred only if war) + E[V_D(sq) - V_D(x)]``:
    the pulled levers' costs (``lam`` the level, ``k`` the cost at the top of the range) plus
    the value the offer concedes relative to the status quo (negative when the offer is better
    for the defenders than the status quo). ``p_war`` may be passed to avoid recomputing it.
    """
    levels, snapped = _bundles(inputs, settings, offers)
    if p_war is None and any(lv.incurred == "if_war" for lv in inputs.levers):
        p_war = p_war_batch(inputs, settings, offers)
    total = np.zeros(levels.shape[0])
    for j, lever in enumerate(inputs.levers):
        share = (np.asarray(p_war, dtype=np.float64) if lever.incurred == "if_war"
                 and p_war is not None else 1.0)
        total += levels[:, j] * float(lever.cost.mean()) * share
    return total + concession_cost(inputs, snapped)


def concession_cost(inputs: CrisisInputs, offers: FloatArray) -> FloatArray:
    """``E[V_D(sq) - V_D(x)]`` for snapped offers ``(n, K)``: the value the defending side
    concedes relative to the status quo, in units of its stakes, ``(n,)``."""
    dw = inputs.defender_weight
    v_sq = (inputs.value_sq[:, 1:] * dw).sum(-1)
    out = np.empty(offers.shape[0])
    for sl in _chunks(inputs, offers.shape[0]):
        v_offer = (_offer_values(inputs, offers[sl])[..., 1:] * dw[None]).sum(-1)
        out[sl] = (v_sq[None] - v_offer).mean(axis=1)
    return out


# ------------------------------------------------------------------ ranges on the line


@dataclass(frozen=True)
class Ranges:
    """Per draw: whether a bargaining range exists on the (divisible) offer line, its ends in
    ``t`` (NaN where none), and the challenger's own threshold (the least ``t`` it accepts;
    NaN if it accepts none)."""

    exists: BoolArray
    lower: FloatArray
    upper: FloatArray
    challenger_threshold: FloatArray


def _line_margins(inputs: CrisisInputs, t: FloatArray, w_c: FloatArray, w_d: FloatArray
                  ) -> tuple[FloatArray, FloatArray]:
    """``V_C(x(t)) - W_C`` and ``V_D(x(t)) - W_D`` for one ``t`` per draw."""
    x = inputs.line_start + t[:, None] * (inputs.line_end - inputs.line_start)
    v = _values_at(inputs.position, inputs.weight, x)
    v_d = (v[:, 1:] * inputs.defender_weight).sum(-1)
    return v[:, 0] - w_c, v_d - w_d


def _line_margin_challenger(inputs: CrisisInputs, t: FloatArray, w_c: FloatArray
                            ) -> FloatArray:
    """``V_C(x(t)) - W_C`` only (the challenger's own threshold needs nothing else)."""
    x = inputs.line_start + t[:, None] * (inputs.line_end - inputs.line_start)
    gap = np.abs(x - inputs.position[:, 0, :])
    return np.asarray(1.0 - (inputs.weight[:, 0, :] * gap).sum(-1) - w_c)


def _golden_max(f: Any, n: int, iterations: int = 64) -> tuple[FloatArray, FloatArray]:
    """Maximiser and maximum of a concave ``f(t)`` on [0, 1], one per draw (golden section)."""
    r = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = np.zeros(n), np.ones(n)
    c, d = b - r * (b - a), a + r * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iterations):
        # keep [a, d] when f(c) >= f(d), else [c, b]; one new evaluation per step and draw
        left = fc >= fd
        a, b = np.where(left, a, c), np.where(left, d, b)
        c_new = np.where(left, b - r * (b - a), d)
        d_new = np.where(left, c, a + r * (b - a))
        f_new = f(np.where(left, c_new, d_new))
        fc, fd = np.where(left, f_new, fd), np.where(left, fc, f_new)
        c, d = c_new, d_new
    t = (a + b) / 2.0
    ends = [np.zeros(n), np.ones(n), t]
    vals = [f(e) for e in ends]
    best = np.argmax(np.stack(vals), axis=0)
    return np.choose(best, ends), np.choose(best, vals)


def _bisect(f: Any, lo: FloatArray, hi: FloatArray, iterations: int = 60) -> FloatArray:
    """Per draw, the boundary between ``f < 0`` at ``lo`` and ``f >= 0`` at ``hi``; returns
    the ``f >= 0`` side."""
    for _ in range(iterations):
        mid = (lo + hi) / 2.0
        ok = f(mid) >= -_TOL
        hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
    return hi


def bargaining_ranges(inputs: CrisisInputs, settings: Any = None) -> Ranges:
    """The bargaining range along the divisible offer line in every draw, at one lever setting.

    Both values along the line are concave in ``t`` (sums of ``-|affine|``), so the set each
    side accepts is an interval and so is their intersection: its existence is decided by the
    maximum of ``g(t) = min(V_C - W_C, V_D - W_D)`` (golden-section search) and its ends by
    bisection either side of the maximiser. Fearon (1995): with one issue, two parties and
    point values this is ``[p - c_A, p + c_B]`` clipped to [0, 1].
    """
    s = inputs.default_settings if settings is None else np.asarray(settings, dtype=np.float64)
    levels = lever_levels(inputs.levers, s.reshape(1, -1))
    applied = apply_levers(inputs.levers, levels, inputs.p_win, inputs.p_future,
                           inputs.cost[:, 0])
    w = _war_values(inputs, applied)[0]
    w_c, w_d = w[:, 0], (w[:, 1:] * inputs.defender_weight).sum(-1)
    n = inputs.n

    def g(t: FloatArray) -> FloatArray:
        mc, md = _line_margins(inputs, t, w_c, w_d)
        return np.minimum(mc, md)

    def g_c(t: FloatArray) -> FloatArray:
        return _line_margin_challenger(inputs, t, w_c)

    t_star, best = _golden_max(g, n)
    exists = best >= -_TOL
    lower = np.where(g(np.zeros(n)) >= -_TOL, 0.0, _bisect(g, np.zeros(n), t_star))
    neg = _bisect(lambda t: g(1.0 - t), np.zeros(n), 1.0 - t_star)
    upper = np.where(g(np.ones(n)) >= -_TOL, 1.0, 1.0 - neg)
    nan = np.full(n, np.nan)

    tc_star, best_c = _golden_max(g_c, n)
    threshold = np.where(g_c(np.zeros(n)) >= -_TOL, 0.0, _bisect(g_c, np.zeros(n), tc_star))
    return Ranges(exists=exists, lower=np.where(exists, lower, nan),
                  upper=np.where(exists, upper, nan),
                  challenger_threshold=np.where(best_c >= -_TOL, threshold, nan))


# ---------------------------------------------------------------------- optimal offer


@dataclass(frozen=True)
class Optimum:
    """The defending side's best offer on the (feasible) line: ``t``, the offer, P(war) and
    its expected value there."""

    t: float
    offer: FloatArray
    p_war: float
    value: float
    t_least_risk: float
    p_war_least_risk: float


def optimal_offer(inputs: CrisisInputs, settings: Any = None, *,
                  ranges: Ranges | None = None, grid: int = 101,
                  max_thresholds: int = 256) -> Optimum:
    """Fearon's risk-return trade-off for the defending side, solved over the draws.

    The defenders offer ``x(t)`` (clipped to the concession levers' limits and moved to
    allowed steps) without knowing which draw is true, and maximise ``U(t) = mean_b[V_D,b(x(t))
    if peace else W_D,b]``. A larger concession buys peace in more draws but is worth less in
    each. ``U`` jumps at the challenger's thresholds, so the candidates are a uniform grid in
    ``t``, the thresholds themselves (up to ``max_thresholds`` quantiles of them; all of them
    with few draws, which makes the search exact as in :func:`detente.crisis.risk_return`),
    then a fine grid around the best candidate. Among equally good offers the one with the
    lowest P(war) wins (Fearon: the proposer takes the less risky of equal demands).
    """
    s = inputs.default_settings if settings is None else np.asarray(settings, dtype=np.float64)
    rng = ranges if ranges is not None else bargaining_ranges(inputs, s)
    thr = rng.challenger_threshold[np.isfinite(rng.challenger_threshold)]
    thr = np.unique(np.clip(thr, 0.0, 1.0))
    if thr.size > max_thresholds:
        thr = np.unique(np.quantile(thr, np.linspace(0.0, 1.0, max_thresholds),
                                    method="inverted_cdf"))
    candidates = np.unique(np.concatenate((np.linspace(0.0, 1.0, grid), thr)))

    def score(ts: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        offers = feasible(inputs, line(inputs, ts))
        summary = evaluate_bundles(inputs, s.reshape(1, -1), offers)
        return summary.expected_value_defenders, summary.p_war, offers

    value, p_war, _ = score(candidates)
    # the least concession that brings P(war) within half a point of its minimum on the line
    least = int(np.argmax(p_war <= p_war.min() + 0.005))
    i = _best(value, p_war, candidates)
    lo = candidates[max(i - 1, 0)]
    hi = candidates[min(i + 1, candidates.size - 1)]
    fine = np.unique(np.concatenate((np.linspace(lo, hi, 41), [candidates[i]])))
    value_f, p_war_f, offers_f = score(fine)
    j = _best(value_f, p_war_f, fine)
    offer = snap(inputs, offers_f[j])
    return Optimum(t=float(fine[j]), offer=offer, p_war=float(p_war_f[j]),
                   value=float(value_f[j]), t_least_risk=float(candidates[least]),
                   p_war_least_risk=float(p_war[least]))


def _best(value: FloatArray, p_war: FloatArray, t: FloatArray) -> int:
    top = value >= value.max() - 1e-12
    order = np.lexsort((-t, np.where(top, p_war, np.inf)))
    return int(order[0])


# -------------------------------------------------------------------------- mechanisms


def mechanisms(inputs: CrisisInputs, settings: FloatArray, offer: FloatArray,
               ranges: Ranges) -> tuple[FloatArray, Evaluation]:
    """Per draw, the mechanism behind war at ``offer`` (codes of :data:`MECHANISMS`, 0 for
    peace), attributed in order: commitment, indivisibility, no range on the line, range
    beyond the concession limits, private information. Also returns the evaluation."""
    levels = lever_levels(inputs.levers, settings.reshape(1, -1))
    raw = _check_offers(inputs, offer.reshape(1, -1), 1)
    ev = _evaluate(inputs, levels, snap(inputs, raw))
    war = ev.war[0]
    war_div = _evaluate(inputs.with_divisible(), levels, raw).war[0]
    window = _feasible_t(inputs)
    if window is None:
        beyond = np.ones(inputs.n, dtype=bool)
    else:
        beyond = (ranges.upper < window[0] - 1e-12) | (ranges.lower > window[1] + 1e-12)
    code = np.select(
        [~war, ev.commitment[0], ~war_div, ~ranges.exists, ranges.exists & beyond],
        [0, 1, 2, 3, 4], default=5)
    return code.astype(np.float64), ev


# ------------------------------------------------------------------------- intervals


def wilson(p: float, n: int, z: float = _Z90) -> tuple[float, float]:
    """Wilson score interval for a proportion ``p`` observed in ``n`` draws (90% by default):
    the Monte Carlo precision of P(war), not the uncertainty about the crisis."""
    if n <= 0:
        return (0.0, 1.0)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def private_paths(scenario: Scenario) -> set[tuple[str | int, ...]]:
    """Inputs that are the challenger's private information: its positions and saliences, its
    probability of prevailing (now and after the shift), its cost of war and its cost of
    enduring sanctions. Everything else is structural (knowable in principle)."""
    crisis = scenario.crisis
    assert crisis is not None
    a = scenario.actor_ids.index(crisis.challenger)
    paths: set[tuple[str | int, ...]] = set()
    for iid in scenario.issue_ids:
        paths.add(("actors", a, "positions", iid))
        paths.add(("actors", a, "salience", iid))
    paths |= {("crisis", "war", "p_win"), ("crisis", "war", "costs", crisis.challenger),
              ("crisis", "power_shift", "p_win_future")}
    for m, lever in enumerate(crisis.levers):
        if lever.kind == "sanctions":
            paths.add(("crisis", "levers", m, "effect", "cost_to_challenger"))
    return paths


def structural_spread(draws: Draws, settings: FloatArray, offers: FloatArray, *,
                      outer: int = 200, inner: int = 1000) -> FloatArray:
    """5th and 95th percentiles of P(war | structure) for each offer ``(n_offers, K)``.

    P(war) over all draws mixes two uncertainties: the challenger's private information (which
    no analyst or defender can know; see :func:`private_paths`) and the structural inputs
    (which better analysis could pin down). For ``outer`` draws of the structural inputs,
    P(war) is averaged over ``inner`` draws of the private ones (a nested Monte Carlo on the
    same seeded draws); the spread of these conditional probabilities is how much the answer
    depends on what could be learnt. Returns ``(n_offers, 2)``.
    """
    private = private_paths(draws.scenario)
    keep = [j for j, inp in enumerate(draws.inputs) if _used(draws.scenario, inp.path)]
    cols = [draws.inputs[j] for j in keep]
    values = draws.values[:, keep]
    is_private = np.array([inp.path in private for inp in cols], dtype=bool)
    m, i_n = min(outer, draws.n), min(inner, draws.n)
    inner_private = values[:i_n, is_private]
    probs = np.empty((len(offers), m))
    step = max(1, 40_000 // i_n)
    for start in range(0, m, step):
        stop = min(start + step, m)
        block = np.empty((stop - start, i_n, len(cols)))
        block[:] = values[start:stop, None, :]
        block[:, :, is_private] = inner_private[None]
        nested = crisis_inputs(from_matrix(draws.scenario, cols,
                                           block.reshape((stop - start) * i_n, len(cols))))
        probs[:, start:stop] = _nested_p_war(nested, settings, offers, stop - start, i_n)
    return np.asarray(np.quantile(probs, [0.05, 0.95], axis=1).T)


def _used(scenario: Scenario, path: tuple[str | int, ...]) -> bool:
    """Whether the crisis analysis reads the input at ``path`` (actors outside the crisis do
    not enter it)."""
    crisis = scenario.crisis
    if path[0] != "actors" or crisis is None:
        return True
    actor = scenario.actors[int(path[1])].id
    if actor == crisis.challenger:
        return path[2] != "capability"
    return actor in crisis.defenders


def _nested_p_war(nested: CrisisInputs, settings: FloatArray, offers: FloatArray, m: int,
                  i_n: int) -> FloatArray:
    levels = lever_levels(nested.levers, settings.reshape(1, -1))
    out = np.empty((len(offers), m))
    for r, offer in enumerate(offers):
        ev = _evaluate(nested, levels, snap(nested, offer.reshape(1, -1)))
        out[r] = ev.war[0].reshape(m, i_n).mean(axis=1)
    return out


# ---------------------------------------------------------------------- typed result


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class IssueOffer(_Model):
    """The offer on one issue: as proposed and as applied (indivisible issues move to their
    nearest allowed value), beside the status quo, the line's ends and the optimal offer."""

    issue: str
    proposed: float
    applied: float
    source: str
    divisible: bool
    status_quo: float | None
    defenders_ideal: float
    challenger_demand: float
    optimal: float


class LeverReport(_Model):
    """One lever as applied: its setting, where it came from, and its expected cost to the
    defending side (units of its stakes)."""

    id: str
    kind: str
    name: str
    setting: float
    low: float
    high: float
    steps: list[float] | None
    source: str
    paid_by: list[str]
    incurred: str
    expected_cost: float


class RangeReport(_Model):
    """The bargaining range on the divisible offer line, as shares ``t`` of the way from the
    defending side's ideal (0) to the challenger's demand (1), like Fearon's interval, and as
    offers in the issues' units. ``central``: at the analyst's point values. Across draws:
    the share of draws with a range and the medians of its ends among them."""

    exists: bool
    lower_t: float | None
    upper_t: float | None
    lower_offer: dict[str, float] | None
    upper_offer: dict[str, float] | None
    share_of_draws: float
    median_lower_t: float | None
    median_upper_t: float | None
    feasible_t: tuple[float, float] | None


class PartyPreference(_Model):
    """How often and by how much a party prefers war to the offer (margin ``W - V`` in units
    of its stakes). ``decides``: whether this party's preference enters P(war) (the challenger
    and the defending side do; individual defenders are shown for who would be overruled)."""

    party: str
    name: str
    role: Literal["challenger", "defender", "defending side"]
    share_prefers_war: float
    mean_margin: float
    mean_margin_when_war: float | None
    decides: bool


class MechanismShare(_Model):
    """A mechanism's share of the war draws and its contribution to P(war)."""

    mechanism: str
    share_of_war: float
    p: float
    description: str


class OfferAssessment(_Model):
    """P(war) at one offer: the estimate, its 90% Monte Carlo interval (Wilson), the 5-95%
    spread across structural uncertainty, per-party preferences and the mechanisms."""

    p_war: float
    p_war_interval: tuple[float, float]
    p_war_structural: tuple[float, float] | None
    p_war_if_divisible: float
    expected_value_defenders: float
    parties: list[PartyPreference]
    mechanisms: list[MechanismShare]


class ReferenceOffer(_Model):
    """P(war) at a landmark offer, to read the answer against: the status quo, the defending
    side's own terms (``t = 0``), the most it says it would concede, the least concession that
    reaches the lowest P(war) on the line (within 0.005), the offer, the optimum."""

    label: str
    t: float | None
    offer: dict[str, float]
    p_war: float
    p_commitment: float
    share_challenger_prefers_war: float
    share_defending_side_prefers_war: float
    expected_value_defenders: float


class OptimalOffer(_Model):
    """The defending side's best offer under its uncertainty (Fearon's risk-return
    trade-off): where on the feasible line, the offer, and its assessment; and the optimum
    if the indivisible issues were divisible."""

    t: float
    offer: dict[str, float]
    assessment: OfferAssessment
    t_if_divisible: float
    p_war_if_divisible: float


class CrisisResult(_Model):
    """The integrated crisis analysis of one scenario: the `detente crisis` contract."""

    scenario: str
    title: str
    seed: int
    draws: int
    model: str
    versions: dict[str, str]
    challenger: str
    defenders: list[str]
    defender_weights: str
    offer: list[IssueOffer]
    levers: list[LeverReport]
    range: RangeReport
    p_war: float
    p_war_interval: tuple[float, float]
    p_war_structural: tuple[float, float] | None
    parties: list[PartyPreference]
    mechanisms: list[MechanismShare]
    assessment: OfferAssessment
    optimal: OptimalOffer
    references: list[ReferenceOffer]
    p_commitment: float
    lever_cost: float  # the bundle's cost to the defending side, as :func:`lever_cost`
    concession_cost: float  # of which the value the offer concedes versus the status quo
    headline: str
    notes: list[str] = []

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> CrisisResult:
        return cls.model_validate_json(text)

    def to_frame(self) -> Any:
        """A long table: one row per reported number (``section``, ``item``, ``metric``,
        ``value``)."""
        import pandas as pd

        rows: list[tuple[str, str, str, float | None]] = [
            ("p_war", "offer", "p_war", self.p_war),
            ("p_war", "offer", "low_90", self.p_war_interval[0]),
            ("p_war", "offer", "high_90", self.p_war_interval[1]),
            ("p_war", "optimal", "p_war", self.optimal.assessment.p_war),
            ("p_war", "commitment", "p", self.p_commitment),
            ("cost", "levers", "lever_cost", self.lever_cost),
            ("cost", "offer", "concession_cost", self.concession_cost),
        ]
        for o in self.offer:
            rows += [("offer", o.issue, "proposed", o.proposed),
                     ("offer", o.issue, "applied", o.applied),
                     ("offer", o.issue, "optimal", o.optimal)]
        for p in self.parties:
            rows += [("party", p.party, "share_prefers_war", p.share_prefers_war),
                     ("party", p.party, "mean_margin", p.mean_margin)]
        for mech in self.mechanisms:
            rows.append(("mechanism", mech.mechanism, "share_of_war", mech.share_of_war))
        for lv in self.levers:
            rows += [("lever", lv.id, "setting", lv.setting),
                     ("lever", lv.id, "expected_cost", lv.expected_cost)]
        rows += [("range", "central", "lower_t", self.range.lower_t),
                 ("range", "central", "upper_t", self.range.upper_t),
                 ("range", "draws", "share", self.range.share_of_draws)]
        return pd.DataFrame(rows, columns=["section", "item", "metric", "value"])


# ---------------------------------------------------------------------- orchestration


def resolve_offer(scenario: Scenario, inputs: CrisisInputs, model: str, seed: int,
                  offer: Mapping[str, float] | None, levers: Mapping[str, float] | None
                  ) -> tuple[FloatArray, list[str], FloatArray, list[str]]:
    """The offer per issue and its source, and the effect levers' settings and sources.

    Order of precedence for an issue: ``offer``, then a concession lever set in ``levers``,
    then that lever's default, then the negotiation ``model``'s forecast at point values.
    """
    from detente import api

    crisis = scenario.crisis
    assert crisis is not None
    offer = dict(offer or {})
    chosen = dict(levers or {})
    for iid in offer:
        if iid not in scenario.issue_ids:
            raise CrisisInputError(f"--offer: {iid!r} is not an issue of {scenario.id!r} "
                                   f"(issues: {', '.join(scenario.issue_ids)})")
    for lid in chosen:
        if lid not in crisis.lever_ids:
            raise CrisisInputError(f"--lever: {lid!r} is not a lever of {scenario.id!r} "
                                   f"(levers: {', '.join(crisis.lever_ids) or 'none'})")
    report = api.forecast(scenario, model, seed=seed)
    forecast = report.result(model)
    values, sources = [], []
    for k, issue in enumerate(scenario.issues):
        lever = next((c for c in inputs.concessions if c.issue == issue.id), None)
        if issue.id in offer:
            if lever is not None and lever.id in chosen:
                raise CrisisInputError(f"the offer on {issue.id!r} is given twice: by --offer "
                                       f"and by --lever {lever.id}")
            value, source = float(offer[issue.id]), "offer"
        elif lever is not None and lever.id in chosen:
            value, source = float(chosen[lever.id]), f"lever {lever.id}"
            _check_setting(lever, value)
        elif lever is not None and lever.default is not None:
            value, source = float(lever.default), f"lever {lever.id} default"
        else:
            value, source = float(forecast.forecast(issue.id)), f"model {model}"
        if not (math.isfinite(value) and inputs.lower[k] - 1e-9 <= value
                <= inputs.upper[k] + 1e-9):
            raise CrisisInputError(f"offer {value:g} on {issue.id!r} is outside its scale "
                                   f"{inputs.lower[k]:g}..{inputs.upper[k]:g}")
        values.append(value)
        sources.append(source)
    settings, setting_sources = [], []
    for lever in inputs.levers:
        if lever.id in chosen:
            value = float(chosen[lever.id])
            _check_setting(lever, value)
            settings.append(value)
            setting_sources.append("set")
        else:
            settings.append(lever.low if lever.default is None else float(lever.default))
            setting_sources.append("scenario default" if lever.default is not None
                                   else "not pulled (bottom of range)")
    return (np.array(values), sources, np.array(settings, dtype=np.float64), setting_sources)


def _check_setting(lever: LeverArrays, value: float) -> None:
    try:
        lever.check(np.array([value]))
    except ValueError as exc:
        raise CrisisInputError(str(exc)) from None


def analyse(scenario: Scenario, *, offer: Mapping[str, float] | None = None,
            levers: Mapping[str, float] | None = None, model: str = "compromise",
            draws: int = 10_000, seed: int = 0) -> CrisisResult:
    """Run the integrated analysis (see the module docstring); the API's
    :func:`detente.crisis_analysis` and ``detente crisis`` call this."""
    if scenario.crisis is None:
        raise CrisisInputError(f"scenario {scenario.id!r} has no crisis: section, so there is "
                               "no war to weigh against diplomacy; add one "
                               "(docs/crisis-section.md)")
    if not 100 <= draws <= 10_000_000:
        raise CrisisInputError(f"--draws must be between 100 and 10,000,000; got {draws}")
    from detente import api

    sample = draw(scenario, seed, 0, draws)
    inputs = crisis_inputs(sample)
    proposed, sources, settings, setting_sources = resolve_offer(
        scenario, inputs, model, seed, offer, levers)
    applied_offer = snap(inputs, proposed.reshape(1, -1))[0]
    ranges = bargaining_ranges(inputs, settings)
    best = optimal_offer(inputs, settings, ranges=ranges)
    divisible = inputs.with_divisible()
    best_div = optimal_offer(divisible, settings, ranges=ranges)

    spread = structural_spread(sample, settings, np.stack([proposed, best.offer]))
    at_offer = _assess(inputs, settings, proposed, ranges, tuple(spread[0]))
    at_best = _assess(inputs, settings, best.offer, ranges, tuple(spread[1]))

    central = bargaining_ranges(point_inputs(scenario), settings)
    cost_levers = lever_cost(inputs, settings.reshape(1, -1), proposed,
                             p_war=np.array([at_offer.p_war]))
    concession = float(concession_cost(inputs, applied_offer.reshape(1, -1))[0])

    issues = scenario.issues
    sq = [None if i.status_quo is None else float(i.status_quo.point) for i in issues]
    offer_rows = [IssueOffer(issue=i.id, proposed=float(proposed[k]),
                             applied=float(applied_offer[k]), source=sources[k],
                             divisible=i.divisible, status_quo=sq[k],
                             defenders_ideal=float(inputs.line_start[k]),
                             challenger_demand=float(inputs.line_end[k]),
                             optimal=float(best.offer[k]))
                  for k, i in enumerate(issues)]
    lever_rows = _lever_rows(inputs, settings, setting_sources, at_offer.p_war, proposed,
                             sources)
    window = _feasible_t(inputs)
    range_report = RangeReport(
        exists=bool(central.exists[0]),
        lower_t=_num(central.lower[0]), upper_t=_num(central.upper[0]),
        lower_offer=_offer_at(inputs, central.lower[0]),
        upper_offer=_offer_at(inputs, central.upper[0]),
        share_of_draws=float(ranges.exists.mean()),
        median_lower_t=_median(ranges.lower), median_upper_t=_median(ranges.upper),
        feasible_t=None if window is None else (float(window[0]), float(window[1])))
    optimal = OptimalOffer(
        t=best.t, offer={iid: float(v) for iid, v in zip(inputs.issue_ids, best.offer,
                                                          strict=True)},
        assessment=at_best, t_if_divisible=best_div.t, p_war_if_divisible=best_div.p_war)
    p_commitment = float(_evaluate(inputs, lever_levels(inputs.levers, settings.reshape(1, -1)),
                                   applied_offer.reshape(1, -1)).commitment.mean())
    notes = _notes(scenario, inputs, proposed, applied_offer, ranges, sample)
    references = _references(scenario, inputs, settings, applied_offer, best)
    result = CrisisResult(
        scenario=scenario.id, title=scenario.title, seed=seed, draws=draws, model=model,
        versions=api.versions(), challenger=scenario.crisis.challenger,
        defenders=list(scenario.crisis.defenders),
        defender_weights=scenario.crisis.defender_weights, offer=offer_rows, levers=lever_rows,
        range=range_report, p_war=at_offer.p_war, p_war_interval=at_offer.p_war_interval,
        p_war_structural=at_offer.p_war_structural, parties=at_offer.parties,
        mechanisms=at_offer.mechanisms, assessment=at_offer, optimal=optimal,
        references=references, p_commitment=p_commitment, lever_cost=float(cost_levers[0]),
        concession_cost=concession, headline="", notes=notes)
    return result.model_copy(update={"headline": headline(result, scenario)})


def _references(scenario: Scenario, inputs: CrisisInputs, settings: FloatArray,
                offer: FloatArray, best: Optimum) -> list[ReferenceOffer]:
    rows: list[tuple[str, float | None, FloatArray]] = []
    if all(i.status_quo is not None for i in scenario.issues):
        sq = np.array([i.status_quo.point for i in scenario.issues if i.status_quo is not None])
        rows.append(("status quo", None, snap(inputs, sq.reshape(1, -1))[0]))
    rows.append(("defending side's own terms (t = 0)", 0.0,
                 snap(inputs, feasible(inputs, line(inputs, np.array([0.0]))))[0]))
    window = _feasible_t(inputs)
    if inputs.concessions and window is not None:
        t_max = window[1]
        rows.append((f"most the defenders would concede on the line (t = {t_max:.2f})", t_max,
                     snap(inputs, feasible(inputs, line(inputs, np.array([t_max]))))[0]))
    rows.append(("least concession for the lowest risk on the line", best.t_least_risk,
                 snap(inputs, feasible(inputs, line(inputs, np.array([best.t_least_risk]))))[0]))
    rows.append(("the offer", None, offer))
    rows.append(("the defenders' optimal offer", best.t, best.offer))
    offers = np.stack([r[2] for r in rows])
    levels = lever_levels(inputs.levers, settings.reshape(1, -1))
    ev = _evaluate(inputs, levels, offers)
    value = np.where(ev.war, ev.war_value_defenders, ev.value_defenders).mean(axis=1)
    return [ReferenceOffer(
        label=label, t=t, offer={iid: float(v) for iid, v in zip(inputs.issue_ids, x,
                                                                  strict=True)},
        p_war=float(ev.war[r].mean()), p_commitment=float(ev.commitment[r].mean()),
        share_challenger_prefers_war=float((ev.margin[r, :, 0] > _TOL).mean()),
        share_defending_side_prefers_war=float((ev.margin_defenders[r] > _TOL).mean()),
        expected_value_defenders=float(value[r]))
        for r, (label, t, x) in enumerate(rows)]


def _num(x: Any) -> float | None:
    v = float(x)
    return v if math.isfinite(v) else None


def _median(a: FloatArray) -> float | None:
    finite = a[np.isfinite(a)]
    return float(np.median(finite)) if finite.size else None


def _offer_at(inputs: CrisisInputs, t: float) -> dict[str, float] | None:
    if not math.isfinite(float(t)):
        return None
    x = line(inputs, np.array([t]))[0]
    return {iid: float(v) for iid, v in zip(inputs.issue_ids, x, strict=True)}


def _assess(inputs: CrisisInputs, settings: FloatArray, offer: FloatArray, ranges: Ranges,
            structural: tuple[float, ...] | None) -> OfferAssessment:
    code, ev = mechanisms(inputs, settings, offer, ranges)
    n = inputs.n
    war = ev.war[0]
    p_war = float(war.mean())
    levels = lever_levels(inputs.levers, settings.reshape(1, -1))
    div = _evaluate(inputs.with_divisible(), levels, offer.reshape(1, -1))
    s = inputs.scenario
    names = {a.id: a.name for a in s.actors}
    single = len(inputs.party_ids) == 2
    parties = [_preference(pid, names[pid], "challenger" if p == 0 else "defender",
                           ev.margin[0, :, p], decides=p == 0 or single)
               for p, pid in enumerate(inputs.party_ids)]
    if not single:
        rule = s.crisis.defender_weights if s.crisis is not None else "capability"
        label = ("capability-weighted" if rule == "capability"
                 else f"lead defender, {names[inputs.party_ids[1]]}")
        parties.append(_preference("defenders", f"Defending side ({label})", "defending side",
                                   ev.margin_defenders[0], decides=True))
    mechs = []
    for c, (name, text) in MECHANISMS.items():
        count = int((code == c).sum())
        mechs.append(MechanismShare(mechanism=name, share_of_war=count / war.sum()
                                    if war.any() else 0.0, p=count / n, description=text))
    value = float(np.where(war, ev.war_value_defenders[0], ev.value_defenders[0]).mean())
    return OfferAssessment(
        p_war=p_war, p_war_interval=wilson(p_war, n),
        p_war_structural=None if structural is None else (float(structural[0]),
                                                           float(structural[1])),
        p_war_if_divisible=float(div.war.mean()), expected_value_defenders=value,
        parties=parties, mechanisms=mechs)


def _preference(pid: str, name: str, role: Literal["challenger", "defender", "defending side"],
                margin: FloatArray, *, decides: bool) -> PartyPreference:
    prefers = margin > _TOL
    return PartyPreference(
        party=pid, name=name, role=role, share_prefers_war=float(prefers.mean()),
        mean_margin=float(margin.mean()),
        mean_margin_when_war=float(margin[prefers].mean()) if prefers.any() else None,
        decides=decides)


def _lever_rows(inputs: CrisisInputs, settings: FloatArray, sources: list[str],
                p_war: float, proposed: FloatArray, offer_sources: list[str]
                ) -> list[LeverReport]:
    rows = []
    for j, lever in enumerate(inputs.levers):
        lam = float(np.clip(lever.level(settings[j]), 0.0, 1.0))
        share = p_war if lever.incurred == "if_war" else 1.0
        rows.append(LeverReport(
            id=lever.id, kind=lever.kind, name=lever.name, setting=float(settings[j]),
            low=lever.low, high=lever.high,
            steps=None if lever.steps is None else [float(v) for v in lever.steps],
            source=sources[j], paid_by=list(lever.paid_by), incurred=lever.incurred,
            expected_cost=lam * float(lever.cost.mean()) * share))
    for lever in inputs.concessions:
        k = inputs.issue_ids.index(str(lever.issue))
        rows.append(LeverReport(
            id=lever.id, kind=lever.kind, name=lever.name, setting=float(proposed[k]),
            low=lever.low, high=lever.high,
            steps=None if lever.steps is None else [float(v) for v in lever.steps],
            source=offer_sources[k], paid_by=list(lever.paid_by), incurred=lever.incurred,
            expected_cost=0.0))
    return rows


def _notes(scenario: Scenario, inputs: CrisisInputs, proposed: FloatArray,
           applied: FloatArray, ranges: Ranges, sample: Draws) -> list[str]:
    notes = []
    for k, iid in enumerate(inputs.issue_ids):
        if abs(proposed[k] - applied[k]) > 1e-9:
            notes.append(f"{iid} is indivisible: the offer {proposed[k]:g} is applied as the "
                         f"nearest package, {applied[k]:g}.")
    for lever in inputs.concessions:
        k = inputs.issue_ids.index(str(lever.issue))
        if not lever.low - 1e-9 <= proposed[k] <= lever.high + 1e-9:
            notes.append(f"the offer on {lever.issue} ({proposed[k]:g}) lies outside what the "
                         f"defenders say they would concede ({lever.low:g}..{lever.high:g}, "
                         f"lever {lever.id}).")
    if not scenario.crisis or scenario.crisis.power_shift is None:
        notes.append("no power_shift in the scenario: the commitment problem is not modelled.")
    rising = float((inputs.p_future > inputs.p_win).mean())
    if rising > 0:
        notes.append(f"in {rising:.0%} of draws the challenger's future chance exceeds today's; "
                     "no preventive motive is counted there.")
    if sample.n < 1000:
        notes.append(f"only {sample.n} draws: treat shares as rough.")
    return notes


def _likelihood(p: float) -> str:
    if p < 0.05:
        return "very unlikely"
    if p < 0.2:
        return "unlikely"
    if p < 0.4:
        return "a serious risk"
    if p < 0.6:
        return "a toss-up"
    if p < 0.85:
        return "likely"
    return "very likely"


def headline(result: CrisisResult, scenario: Scenario) -> str:
    """A short answer in words: how likely war is at the offer, who prefers it, why, and what
    the defending side's own terms and its best offer would give."""
    names = {a.id: a.name for a in scenario.actors}
    challenger = names[result.challenger]
    where = (f"the negotiated offer ({result.model} model)"
             if all(o.source.startswith("model") for o in result.offer) else "the offer given")
    lo, hi = result.p_war_interval
    text = (f"At {where}, war is {_likelihood(result.p_war)}: P = {result.p_war:.2f} (90% "
            f"interval {lo:.2f}–{hi:.2f}")
    if result.p_war_structural is not None:
        s_lo, s_hi = result.p_war_structural
        text += f"; {s_lo:.2f}–{s_hi:.2f} across what could be learnt about the structure"
    ch = result.parties[0]
    text += (f"). {challenger} prefers war to this offer in {ch.share_prefers_war:.0%} of "
             "draws")
    side = next((p for p in result.parties if p.role == "defending side"), None)
    if side is not None:
        text += f" and the defending side in {side.share_prefers_war:.0%}"
    main = [m for m in sorted(result.mechanisms, key=lambda m: -m.p) if m.p > 0][:2]
    if main:
        text += "; the risk comes mainly from " + " and ".join(
            f"{_MECH_WORDS[m.mechanism]} ({m.share_of_war:.0%} of war draws)" for m in main)
    text += "."
    refs = {r.label: r for r in result.references}
    own = refs.get("defending side's own terms (t = 0)")
    sq = refs.get("status quo")
    opt = result.optimal
    parts = []
    if sq is not None:
        parts.append(f"at the status quo P(war) = {sq.p_war:.2f}")
    if own is not None:
        parts.append(f"at the defending side's own terms {own.p_war:.2f}")
    if parts:
        text += " For comparison, " + ", ".join(parts) + "."
    text += (f" The defenders' best offer under their uncertainty concedes t = {opt.t:.2f} of "
             f"the way from their terms to {challenger}'s demand, for P(war) = "
             f"{opt.assessment.p_war:.2f}")
    if result.range.exists and result.range.lower_t is not None:
        text += (f"; at the point values the bargaining range is t = "
                 f"{result.range.lower_t:.2f}–{result.range.upper_t:.2f}")
    else:
        text += "; at the point values there is no bargaining range on the offer line"
    return text + "."


_MECH_WORDS = {"commitment": "the commitment problem", "indivisibility": "indivisibility",
               "no_range": "the absence of a bargaining range on the line",
               "beyond_limits": "a range beyond what the defenders will concede",
               "private_information": "private information"}


# --------------------------------------------------------------------------- evaluator


@dataclass(frozen=True)
class CrisisOutputs:
    """The ``crisis`` evaluator: per-draw outputs of the analysis at one offer and lever
    setting, deterministic given the draws.

    Outputs: ``war`` (0/1), ``mechanism`` (code of :data:`MECHANISMS`, 0 = peace),
    ``commitment`` (0/1) and ``commitment_margin``, ``war_preferred.<party>`` (the margin
    ``W - V``, positive = prefers war; parties are the challenger, each defender and
    ``defenders``, the defending side), ``p_win`` and ``p_win_future`` after the levers,
    ``cost.<challenger>`` (its cost of war with the levers), ``sanctions_cost``,
    ``escalation_cost``, ``occupation_cost``, ``range.exists`` and ``range.lower``/
    ``range.upper`` (``t`` on the offer line; NaN where there is no range).
    """

    offer: tuple[tuple[str, float], ...] = ()
    levers: tuple[tuple[str, float], ...] = ()
    model: str = "compromise"
    seed: int = 0

    def names(self, scenario: Scenario) -> list[str]:
        crisis = scenario.crisis
        if crisis is None:
            raise CrisisInputError(f"scenario {scenario.id!r} has no crisis: section")
        parties = [crisis.challenger, *crisis.defenders, "defenders"]
        return (["war", "mechanism", "commitment", "commitment_margin"]
                + [f"war_preferred.{p}" for p in parties]
                + ["p_win", "p_win_future", f"cost.{crisis.challenger}", "sanctions_cost",
                   "escalation_cost", "occupation_cost", "range.exists", "range.lower",
                   "range.upper"])

    def __call__(self, draws: Draws) -> dict[str, FloatArray]:
        inputs = crisis_inputs(draws)
        proposed, _, settings, _ = resolve_offer(draws.scenario, inputs, self.model, self.seed,
                                                 dict(self.offer), dict(self.levers))
        ranges = bargaining_ranges(inputs, settings)
        code, ev = mechanisms(inputs, settings, proposed, ranges)
        crisis = draws.scenario.crisis
        assert crisis is not None
        out: dict[str, FloatArray] = {
            "war": ev.war[0].astype(np.float64), "mechanism": code,
            "commitment": ev.commitment[0].astype(np.float64),
            "commitment_margin": ev.commitment_margin[0]}
        for p, pid in enumerate(inputs.party_ids):
            out[f"war_preferred.{pid}"] = ev.margin[0, :, p]
        out["war_preferred.defenders"] = ev.margin_defenders[0]
        a = ev.applied
        out.update({"p_win": a.p_now[0], "p_win_future": a.p_future[0],
                    f"cost.{crisis.challenger}": a.cost_challenger[0],
                    "sanctions_cost": a.sanctions_cost[0],
                    "escalation_cost": a.escalation_cost[0],
                    "occupation_cost": a.occupation_cost[0],
                    "range.exists": ranges.exists.astype(np.float64),
                    "range.lower": ranges.lower, "range.upper": ranges.upper})
        return out

