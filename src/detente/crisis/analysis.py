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

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.crisis.assessment import assess_offer, headline
from detente.crisis.bargaining import FloatArray
from detente.crisis.batches import BATCH_DRAWS, DrawBatches, ranges_at
from detente.crisis.costs import concession_cost, lever_cost
from detente.crisis.inputs import (
    CrisisInputError,
    CrisisInputs,
    crisis_inputs,
    feasible,
    feasible_t,
    line,
    point_inputs,
    snap,
)
from detente.crisis.levers import lever_levels
from detente.crisis.mechanisms import MECHANISMS, mechanisms
from detente.crisis.offers import (
    Optimum,
    Ranges,
    bargaining_ranges,
    optimal_offer,
    resolve_offer,
    table_offer,
)
from detente.crisis.result import (
    CrisisResult,
    IssueOffer,
    LeverReport,
    MechanismShare,
    OfferAssessment,
    OfferOnTable,
    OptimalOffer,
    PartyPreference,
    RangeReport,
    ReferenceOffer,
)
from detente.crisis.uncertainty import STRUCTURAL_DRAWS, structural_spread, wilson
from detente.crisis.war_values import (
    MARGIN_TOL,
    BundleSummary,
    Evaluation,
    evaluate_bundles,
    p_war_batch,
    war_decisions,
)
from detente.models import registry
from detente.models.base import ModelInputError, run_model
from detente.provenance import versions
from detente.sampling import Draws
from detente.scenario.schema import Scenario
from detente.scenario.wording import possessive

__all__ = [
    "MECHANISMS",
    "BundleSummary",
    "CrisisInputError",
    "CrisisInputs",
    "CrisisOutputs",
    "CrisisResult",
    "Evaluation",
    "IssueOffer",
    "LeverReport",
    "MechanismShare",
    "OfferAssessment",
    "OptimalOffer",
    "Optimum",
    "PartyPreference",
    "RangeReport",
    "Ranges",
    "ReferenceOffer",
    "analyse",
    "bargaining_ranges",
    "concession_cost",
    "crisis_inputs",
    "evaluate_bundles",
    "feasible",
    "feasible_t",
    "headline",
    "lever_cost",
    "line",
    "mechanisms",
    "optimal_offer",
    "p_war_batch",
    "point_inputs",
    "resolve_offer",
    "snap",
    "structural_spread",
    "war_decisions",
    "wilson",
]


def analyse(scenario: Scenario, *, offer: Mapping[str, float] | None = None,
            levers: Mapping[str, float] | None = None, model: str = "compromise",
            draws: int = 10_000, seed: int = 0, offer_id: str | None = None,
            batch_size: int = BATCH_DRAWS) -> CrisisResult:
    """Run the integrated analysis (see the module docstring); the API's
    :func:`detente.crisis_analysis` and ``detente crisis`` call this. The offer analysed is
    the offer on the table (``offer_id``, by default the latest the scenario lists), with
    ``offer`` and concession ``levers`` overriding it issue by issue; without listed offers,
    ``model``'s forecast. The draws are evaluated ``batch_size`` at a time, so memory does
    not grow with ``draws`` beyond four numbers a draw; the result does not depend on the
    batch size (:mod:`detente.crisis.batches`)."""
    if scenario.crisis is None:
        raise CrisisInputError(f"scenario {scenario.id!r} has no crisis: section, so there is "
                               "no war to weigh against diplomacy; add one "
                               "(docs/crisis-section.md)")
    if not 100 <= draws <= 10_000_000:
        raise CrisisInputError(f"--draws must be between 100 and 10,000,000; got {draws}")
    batches = DrawBatches(scenario, seed, draws, batch_size)
    inputs = batches.first  # what does not vary by draw: scales, steps, line, lever ranges
    proposed, sources, settings, setting_sources = resolve_offer(
        scenario, inputs, model, seed, offer, levers, offer_id=offer_id)
    on_table = table_offer(scenario, offer_id)
    if on_table is not None and f"offer {on_table.id}" not in sources:
        on_table = None
    applied_offer = snap(inputs, proposed.reshape(1, -1))[0]
    ranges = batches.ranges(settings)
    best = optimal_offer(inputs, settings, ranges=ranges, evaluate=batches.evaluator(settings))
    divisible = inputs.with_divisible()
    best_div = optimal_offer(divisible, settings, ranges=ranges,
                             evaluate=batches.evaluator(settings, divisible=True))

    spread = structural_spread(batches.sample(STRUCTURAL_DRAWS), settings,
                               np.stack([proposed, best.offer]))

    reference_rows = _reference_rows(scenario, inputs, applied_offer, best, seed)

    def per_batch(inp: CrisisInputs, where: slice) -> tuple[Any, ...]:
        at = ranges_at(ranges, where)
        levels = lever_levels(inp.levers, settings.reshape(1, -1))
        return (assess_offer(inp, settings, proposed, at, tuple(spread[0])),
                assess_offer(inp, settings, best.offer, at, tuple(spread[1])),
                float(concession_cost(inp, applied_offer.reshape(1, -1))[0]),
                float(war_decisions(inp, levels, applied_offer.reshape(1, -1))
                      .commitment.mean()),
                _reference_p_war(inp, settings, reference_rows),
                float((inp.p_future > inp.p_win).mean()))

    at_offer, at_best, concession, p_commitment, references, rising = batches.mean(per_batch)

    def costs(inp: CrisisInputs, where: slice) -> tuple[Any, ...]:
        # at P(war) over all draws: the costs incurred only if war are linear in it
        return (lever_cost(inp, settings.reshape(1, -1), proposed,
                           p_war=np.array([at_offer.p_war])),
                _lever_rows(inp, settings, setting_sources, at_offer.p_war, proposed, sources))

    cost_levers, lever_rows = batches.mean(costs)
    central = bargaining_ranges(point_inputs(scenario), settings)

    issues = scenario.issues
    sq = [None if i.status_quo is None else float(i.status_quo.point) for i in issues]
    offer_rows = [IssueOffer(issue=i.id, proposed=float(proposed[k]),
                             applied=float(applied_offer[k]), source=sources[k],
                             divisible=i.divisible, status_quo=sq[k],
                             defenders_ideal=float(inputs.line_start[k]),
                             challenger_demand=float(inputs.line_end[k]),
                             optimal=float(best.offer[k]))
                  for k, i in enumerate(issues)]
    window = feasible_t(inputs)
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
    notes = _notes(scenario, inputs, proposed, applied_offer, rising, draws)
    result = CrisisResult(
        scenario=scenario.id, title=scenario.title, seed=seed, draws=draws, model=model,
        versions=versions(), challenger=scenario.crisis.challenger,
        defenders=list(scenario.crisis.defenders),
        defender_weights=scenario.crisis.defender_weights, offer=offer_rows,
        offer_on_table=None if on_table is None else OfferOnTable(
            id=on_table.id, name=on_table.name, who=list(on_table.who),
            date=on_table.date.isoformat()),
        levers=lever_rows,
        range=range_report, p_war=at_offer.p_war, p_war_interval=at_offer.p_war_interval,
        p_war_structural=at_offer.p_war_structural, parties=at_offer.parties,
        mechanisms=at_offer.mechanisms, assessment=at_offer, optimal=optimal,
        references=references, p_commitment=p_commitment, lever_cost=float(cost_levers[0]),
        concession_cost=concession, headline="", notes=notes,
        p_capitulation=at_offer.p_capitulation)
    return result.model_copy(update={"headline": headline(result, scenario)})


_Row = tuple[str, str, float | None, FloatArray]


def _reference_rows(scenario: Scenario, inputs: CrisisInputs, offer: FloatArray,
                    best: Optimum, seed: int) -> list[_Row]:
    """The reference points (see :class:`ReferenceOffer` for the kinds): label, kind, ``t``
    on the line, snapped offer. They come from point values and the models' forecasts, so
    they are the same in every batch of draws; :func:`_reference_p_war` evaluates them on the
    same draws and levers as the offer analysed."""
    names = {a.id: a.name for a in scenario.actors}
    ids = scenario.issue_ids
    rows: list[_Row] = []

    def add(label: str, kind: str, t: float | None, x: FloatArray) -> None:
        rows.append((label, kind, t, snap(inputs, np.asarray(x, dtype=np.float64)
                                          .reshape(1, -1))[0]))

    def on_line(t: float) -> FloatArray:
        return np.asarray(feasible(inputs, line(inputs, np.array([t])))[0])

    if all(i.status_quo is not None for i in scenario.issues):
        add("status quo", "status quo", None,
            np.array([i.status_quo.point for i in scenario.issues if i.status_quo]))
    made = []
    for o in scenario.offers:
        who = ", ".join(names.get(w, w) for w in o.who)
        add(f"offer made: {o.id} ({who}, {o.date.isoformat()})", "offer made", None,
            np.array([o.terms[i].point for i in ids]))
        made.append(rows[-1][3])
    for pid in inputs.party_ids:
        actor = scenario.actor(pid)
        add(f"{possessive(actor.name)} terms", "terms", None,
            np.array([actor.positions[i].point for i in ids]))
    add("defending side's own terms (t = 0)", "terms", 0.0, on_line(0.0))
    if not any(np.allclose(offer, x) for x in made):
        add("the offer", "analysed", None, offer)
    window = feasible_t(inputs)
    if inputs.concessions and window is not None:
        add(f"most the defenders would concede on the line (t = {window[1]:.2f})", "landmark",
            window[1], on_line(window[1]))
    add("least concession for the lowest risk on the line", "landmark", best.t_least_risk,
        on_line(best.t_least_risk))
    add("the defenders' optimal offer", "optimum", best.t, best.offer)
    for model in registry.names():
        try:
            forecast = run_model(registry.get(model), scenario,
                                 config=registry.make_config(model),
                                 rng=np.random.default_rng(seed), seed=seed)
        except ModelInputError:  # a model this scenario cannot feed (e.g. no status quo)
            continue
        add(f"if talks settled where {model} says (counterfactual)", "counterfactual", None,
            np.array([forecast.forecast(i) for i in ids]))
    return rows


def _reference_p_war(inputs: CrisisInputs, settings: FloatArray, rows: list[_Row]
                     ) -> list[ReferenceOffer]:
    """P(war) and the rest at each reference point, over the draws of ``inputs``."""
    ids = inputs.issue_ids
    offers = np.stack([r[3] for r in rows])
    levels = lever_levels(inputs.levers, settings.reshape(1, -1))
    ev = war_decisions(inputs, levels, offers)
    value = ev.value_expected_defenders().mean(axis=1)
    cap = None if ev.p_capitulation is None else ev.p_capitulation.mean(axis=1)
    return [ReferenceOffer(
        label=label, kind=kind, t=t,
        offer={iid: float(v) for iid, v in zip(ids, x, strict=True)},
        p_war=float(ev.p_war[r].mean()), p_commitment=float(ev.commitment[r].mean()),
        share_challenger_prefers_war=float((ev.margin[r, :, 0] > MARGIN_TOL).mean()),
        share_defending_side_prefers_war=float((ev.margin_defenders[r] > MARGIN_TOL).mean()),
        expected_value_defenders=float(value[r]),
        p_capitulation=None if cap is None else float(cap[r]))
        for r, (label, kind, t, x) in enumerate(rows)]


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
           applied: FloatArray, rising: float, draws: int) -> list[str]:
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
    if rising > 0:
        share = (f"{rising:.0%} of draws" if rising >= 0.01  # a count where 0% would mislead
                 else f"{round(rising * draws):,} of {draws:,} draws")
        notes.append(f"in {share} the challenger's future chance exceeds today's; "
                     "no preventive motive is counted there.")
    if draws < 1000:
        notes.append(f"only {draws} draws: treat shares as rough.")
    return notes


# --------------------------------------------------------------------------- evaluator


@dataclass(frozen=True)
class CrisisOutputs:
    """The ``crisis`` evaluator: per-draw outputs of the analysis at one offer and lever
    setting, deterministic given the draws.

    Outputs: ``war`` (0/1; with ``war.defenders_resolve``, the draw's probability of war),
    ``mechanism`` (code of :data:`MECHANISMS`, 0 = peace; the cause if war happens),
    ``commitment`` (0/1) and ``commitment_margin``, ``war_preferred.<party>`` (the margin
    ``W - V``, positive = prefers war; parties are the challenger, each defender and
    ``defenders``, the defending side), ``p_win`` and ``p_win_future`` after the levers,
    ``cost.<challenger>`` (its cost of war with the levers), ``sanctions_cost``,
    ``escalation_cost``, ``occupation_cost``, ``range.exists`` and ``range.lower``/
    ``range.upper`` (``t`` on the offer line; NaN where there is no range); with
    ``war.defenders_resolve`` also ``capitulation`` (the draw's probability that the
    challenger uses force and the defenders concede) and ``resolve`` (``q`` after the levers).
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
                   "range.upper"]
                + (["capitulation", "resolve"] if crisis.war.defenders_resolve is not None
                   else []))

    def __call__(self, draws: Draws) -> dict[str, FloatArray]:
        inputs = crisis_inputs(draws)
        proposed, _, settings, _ = resolve_offer(draws.scenario, inputs, self.model, self.seed,
                                                 dict(self.offer), dict(self.levers))
        ranges = bargaining_ranges(inputs, settings)
        code, ev = mechanisms(inputs, settings, proposed, ranges)
        crisis = draws.scenario.crisis
        assert crisis is not None
        out: dict[str, FloatArray] = {
            "war": ev.p_war[0], "mechanism": code,
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
        if ev.p_capitulation is not None and a.resolve is not None:
            out.update({"capitulation": ev.p_capitulation[0], "resolve": a.resolve[0]})
        return out
