"""Offers: which one is on the table, the bargaining range along the line, the best one.

:func:`resolve_offer` takes the offer from the user, a concession lever or a negotiation
model's forecast. :func:`bargaining_ranges` finds, in every draw, the set of offers on the line
both sides prefer to war (Fearon 1995: ``[p - c_A, p + c_B]`` with one issue, two parties and
point values). :func:`optimal_offer` solves the defending side's risk-return trade-off over the
draws (Fearon 1995; :func:`detente.crisis.risk_return`). See ``docs/crisis-model.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.crisis.bargaining import BoolArray, FloatArray
from detente.crisis.inputs import (
    CrisisInputError,
    CrisisInputs,
    feasible,
    line,
    snap,
    values_at,
)
from detente.crisis.levers import LeverArrays, apply_levers, lever_levels
from detente.crisis.war_values import (
    MARGIN_TOL,
    BundleSummary,
    evaluate_bundles,
    values_of_war,
)
from detente.models import registry
from detente.models.base import run_model
from detente.scenario.offers import Offer, latest
from detente.scenario.schema import Scenario

__all__ = ["Optimum", "Ranges", "bargaining_ranges", "optimal_offer", "resolve_offer",
           "table_offer"]


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
    v = values_at(inputs.position, inputs.weight, x)
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
        ok = f(mid) >= -MARGIN_TOL
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
    w = values_of_war(inputs, applied)[0]
    w_c, w_d = w[:, 0], (w[:, 1:] * inputs.defender_weight).sum(-1)
    n = inputs.n

    def g(t: FloatArray) -> FloatArray:
        mc, md = _line_margins(inputs, t, w_c, w_d)
        return np.minimum(mc, md)

    def g_c(t: FloatArray) -> FloatArray:
        return _line_margin_challenger(inputs, t, w_c)

    t_star, best = _golden_max(g, n)
    exists = best >= -MARGIN_TOL
    lower = np.where(g(np.zeros(n)) >= -MARGIN_TOL, 0.0, _bisect(g, np.zeros(n), t_star))
    neg = _bisect(lambda t: g(1.0 - t), np.zeros(n), 1.0 - t_star)
    upper = np.where(g(np.ones(n)) >= -MARGIN_TOL, 1.0, 1.0 - neg)
    nan = np.full(n, np.nan)

    tc_star, best_c = _golden_max(g_c, n)
    threshold = np.where(g_c(np.zeros(n)) >= -MARGIN_TOL, 0.0, _bisect(g_c, np.zeros(n), tc_star))
    return Ranges(exists=exists, lower=np.where(exists, lower, nan),
                  upper=np.where(exists, upper, nan),
                  challenger_threshold=np.where(best_c >= -MARGIN_TOL, threshold, nan))


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
                  max_thresholds: int = 256,
                  evaluate: Callable[[FloatArray], BundleSummary] | None = None) -> Optimum:
    """Fearon's risk-return trade-off for the defending side, solved over the draws.

    The defenders offer ``x(t)`` (clipped to the concession levers' limits and moved to
    allowed steps) without knowing which draw is true, and maximise ``U(t) = mean_b[V_D,b(x(t))
    if peace else W_D,b]``. A larger concession buys peace in more draws but is worth less in
    each. ``U`` jumps at the challenger's thresholds, so the candidates are a uniform grid in
    ``t``, the thresholds themselves (up to ``max_thresholds`` quantiles of them; all of them
    with few draws, which makes the search exact as in :func:`detente.crisis.risk_return`),
    then a fine grid around the best candidate. Among equally good offers the one with the
    lowest P(war) wins (Fearon: the proposer takes the less risky of equal demands).

    ``evaluate`` (offers -> their summaries over the draws) defaults to
    :func:`detente.crisis.war_values.evaluate_bundles` on ``inputs``; the analysis passes
    one that runs the draws batch by batch (:class:`detente.crisis.batches.DrawBatches`),
    ``ranges`` then being those of every draw.
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
        summary = (evaluate(offers) if evaluate is not None
                   else evaluate_bundles(inputs, s.reshape(1, -1), offers))
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


def resolve_offer(scenario: Scenario, inputs: CrisisInputs, model: str, seed: int,
                  offer: Mapping[str, float] | None, levers: Mapping[str, float] | None, *,
                  offer_id: str | None = None
                  ) -> tuple[FloatArray, list[str], FloatArray, list[str]]:
    """The offer per issue and its source, and the effect levers' settings and sources.

    Order of precedence for an issue: ``offer``, then a concession lever set in ``levers``,
    then the offer on the table (the scenario's offer ``offer_id``, by default its latest
    dated one; :func:`table_offer`), then the concession lever's default, then the
    negotiation ``model``'s forecast at point values (only for a scenario that lists no
    offers: a forecast is where talks might settle, not an offer anyone made).
    """
    crisis = scenario.crisis
    assert crisis is not None
    offer = dict(offer or {})
    chosen = dict(levers or {})
    on_table = table_offer(scenario, offer_id)
    for iid in offer:
        if iid not in scenario.issue_ids:
            raise CrisisInputError(f"--offer: {iid!r} is not an issue of {scenario.id!r} "
                                   f"(issues: {', '.join(scenario.issue_ids)})")
    for lid in chosen:
        if lid not in crisis.lever_ids:
            raise CrisisInputError(f"--lever: {lid!r} is not a lever of {scenario.id!r} "
                                   f"(levers: {', '.join(crisis.lever_ids) or 'none'})")
    forecast = (None if on_table is not None else
                run_model(registry.get(model), scenario, config=registry.make_config(model),
                          rng=np.random.default_rng(seed), seed=seed))
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
        elif on_table is not None:
            value, source = float(on_table.terms[issue.id].point), f"offer {on_table.id}"
        elif lever is not None and lever.default is not None:
            value, source = float(lever.default), f"lever {lever.id} default"
        else:
            assert forecast is not None
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


def table_offer(scenario: Scenario, offer_id: str | None = None) -> Offer | None:
    """The offer on the table: the scenario's offer ``offer_id`` or, by default, its latest
    dated offer (None when it lists none)."""
    if offer_id is None:
        return latest(scenario.offers)
    for o in scenario.offers:
        if o.id == offer_id:
            return o
    listed = ", ".join(o.id for o in scenario.offers) or "none; add an offers: section"
    raise CrisisInputError(f"--offer-id: {offer_id!r} is not an offer of {scenario.id!r} "
                           f"(offers: {listed})")


def _check_setting(lever: LeverArrays, value: float) -> None:
    try:
        lever.check(np.array([value]))
    except ValueError as exc:
        raise CrisisInputError(str(exc)) from None
