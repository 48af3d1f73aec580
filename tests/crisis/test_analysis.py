"""The integrated crisis analysis (detente.crisis.analysis, `detente crisis`).

Golden cases reduce the analysis to the canonical models: Fearon's (1995) complete-information
range (p = .6, c_A = .1, c_B = .05 -> [.50, .65]) and risk-return trade-off, and the
shifting-power equilibrium of Fearon (1995) and Powell (2006). Properties check that levers move
P(war) in the theory's direction; the rest checks attribution, determinism, the JSON contract,
the batched functions the lever search calls, the evaluator, the CLI and ukraine-2022.
"""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import pairwise
from typing import Any

import numpy as np
import pytest
import typer
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import detente
from detente.cli.crisis_cmd import crisis
from detente.crisis import bargaining_range, commitment_war, risk_return
from detente.crisis.analysis import (
    CrisisInputs,
    CrisisResult,
    analyse,
    bargaining_ranges,
    crisis_inputs,
    lever_cost,
    mechanisms,
    optimal_offer,
    p_war_batch,
    point_inputs,
)
from detente.evaluate import EVALUATORS
from detente.sampling import draw
from detente.scenario import Scenario, loads

UKRAINE = "ukraine-2022"
_SLOW_FIXTURE = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


def one_issue(p: Any = 0.6, c_a: Any = 0.1, c_b: Any = 0.05, *, high: float = 1.0,
              divisible: bool = True, shift: dict[str, Any] | None = None,
              levers: list[dict[str, Any]] | None = None) -> Scenario:
    """Fearon's setting: one issue, challenger A at the top, defender B at the bottom, war
    gives the whole issue to the winner."""
    data: dict[str, Any] = {
        "id": "fearon", "title": "Fearon 1995",
        "issues": [{"id": "x", "name": "X", "divisible": divisible,
                    "scale": {"low": 0.0, "high": high}}],
        "actors": [
            {"id": "a", "name": "A", "capability": 50, "positions": {"x": high},
             "salience": {"x": 100}},
            {"id": "b", "name": "B", "capability": 50, "positions": {"x": 0.0},
             "salience": {"x": 100}}],
        "crisis": {"challenger": "a", "defenders": ["b"],
                   "war": {"p_win": p, "costs": {"a": c_a, "b": c_b},
                           "outcomes": {"challenger_wins": {"x": high},
                                        "defenders_win": {"x": 0.0}}}}}
    if shift is not None:
        data["crisis"]["power_shift"] = shift
    if levers is not None:
        data["crisis"]["levers"] = levers
    return loads(yaml.safe_dump(data), "fearon.yaml")


def no_levers(n: int = 1) -> np.ndarray:
    return np.zeros((n, 0))


# -- golden: Fearon's complete-information range ---------------------------------------------------


@pytest.mark.parametrize("high", [1.0, 100.0])
def test_golden_fearon_range(high: float) -> None:
    """p = .6, c_A = .1, c_B = .05: the range is [p - c_A, p + c_B] = [.50, .65] as shares of
    the way from B's ideal to A's (t), and [50, 65] on a 0..100 scale."""
    s = one_issue(high=high)
    ranges = bargaining_ranges(point_inputs(s))
    fearon = bargaining_range(0.6, 0.1, 0.05)
    assert ranges.exists[0]
    assert ranges.lower[0] == pytest.approx(0.50, abs=1e-9) == fearon.lower
    assert ranges.upper[0] == pytest.approx(0.65, abs=1e-9) == fearon.upper
    result = analyse(s, draws=100, seed=0, offer={"x": 0.55 * high})
    assert result.range.lower_t == pytest.approx(0.50, abs=1e-9)
    assert result.range.upper_t == pytest.approx(0.65, abs=1e-9)
    assert result.range.lower_offer is not None and result.range.upper_offer is not None
    assert result.range.lower_offer["x"] == pytest.approx(0.50 * high, abs=1e-7)
    assert result.range.upper_offer["x"] == pytest.approx(0.65 * high, abs=1e-7)
    assert result.p_war == 0.0


def test_golden_fearon_war_only_outside_the_range_and_b_proposes_the_lower_end() -> None:
    s = one_issue()
    inputs = point_inputs(s)
    offers = np.array([[0.45], [0.50], [0.60], [0.65], [0.70]])
    assert p_war_batch(inputs, no_levers(5), offers).tolist() == [1.0, 0.0, 0.0, 0.0, 1.0]
    best = optimal_offer(inputs)
    assert best.t == pytest.approx(bargaining_range(0.6, 0.1, 0.05, proposer="B").settlement,
                                   abs=1e-9)
    assert best.p_war == 0.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=st.floats(0.05, 0.95), c_a=st.floats(0.0, 0.5), c_b=st.floats(0.0, 0.5))
def test_range_is_fearons_for_any_point_values(p: float, c_a: float, c_b: float) -> None:
    ranges = bargaining_ranges(point_inputs(one_issue(p, c_a, c_b)))
    fearon = bargaining_range(p, c_a, c_b)
    assert ranges.exists[0]
    assert ranges.lower[0] == pytest.approx(fearon.lower, abs=1e-9)
    assert ranges.upper[0] == pytest.approx(fearon.upper, abs=1e-9)


# -- golden: the risk-return trade-off -------------------------------------------------------------


def test_optimal_offer_is_fearons_risk_return_with_a_private_cost() -> None:
    """Only the challenger's cost is uncertain: the defenders' optimal offer over the draws is
    `risk_return` on the same sampled costs, with roles mirrored (the defenders propose)."""
    p, c_d = 0.6, 0.05
    s = one_issue(p, {"uniform": [0.0, 0.3]}, c_d)
    inputs = crisis_inputs(draw(s, 11, 0, 200))
    costs = inputs.cost[:, 0]
    best = optimal_offer(inputs)
    canonical = risk_return(1.0 - p, c_d, costs)
    assert best.t == pytest.approx(1.0 - canonical.offer, abs=1e-9)
    assert best.p_war == pytest.approx(canonical.p_war, abs=1e-12)


# -- golden: the commitment problem ----------------------------------------------------------------


def test_commitment_war_matches_backward_induction() -> None:
    """With the rising side proposing, the analysis' closed form gives exactly the war
    decision of `commitment_war` on the linear power path (Fearon 1995; Powell 2006), draw by
    draw, with the number of periods itself drawn."""
    s = one_issue({"uniform": [0.3, 0.95]}, {"uniform": [0.0, 0.2]}, 0.05,
                  shift={"p_win_future": {"uniform": [0.0, 0.9]},
                         "periods": {"choice": {"values": [1, 3, 6], "p": [0.3, 0.4, 0.3]}},
                         "discount": {"uniform": [0.5, 0.95]}})
    inputs = crisis_inputs(draw(s, 5, 0, 300))
    code, ev = mechanisms(inputs, np.zeros(0), np.array([0.5]), bargaining_ranges(inputs))
    flags = ev.commitment[0]
    assert 0 < flags.sum() < inputs.n, "the sample should hold both outcomes"
    for b in range(inputs.n):
        p0, c = inputs.p_win[b], inputs.cost[b, 0]
        p_end = min(inputs.p_future[b], p0)
        path = np.linspace(p0, p_end, int(inputs.periods[b]) + 1)
        expected = commitment_war(path, float(inputs.discount[b]), float(c), 0.05).war
        assert bool(flags[b]) == expected, b
    assert np.all(code[flags] == 1)


# -- levers move P(war) the theory's way -----------------------------------------------------------


@pytest.fixture(scope="module")
def ukraine_inputs() -> CrisisInputs:
    return crisis_inputs(draw(detente.load(UKRAINE), 7, 0, 600))


@settings(max_examples=30, deadline=None, suppress_health_check=_SLOW_FIXTURE)
@given(data=st.data())
def test_more_sanctions_never_raise_war(ukraine_inputs: CrisisInputs, data: st.DataObject) -> None:
    """Raising sanctions severity never turns peace into war in any draw, whatever the other
    levers and the offer, as long as every threat is credible and unity does not fall with
    severity (ukraine-2022 with its audience cost and unity curve removed; with them, a harsher
    threat can deter less: tests/crisis/test_coercion.py)."""
    inputs = replace(ukraine_inputs, levers=tuple(
        replace(lv, effect={k: v for k, v in lv.effect.items()
                            if k not in ("audience_cost", "unity_at_low")})
        for lv in ukraine_inputs.levers))
    settings_row = np.array([data.draw(st.sampled_from(list(lv.steps)) if lv.steps is not None
                                       else st.floats(lv.low, lv.high)) for lv in inputs.levers])
    offer = np.array([data.draw(st.floats(float(lo), float(hi)))
                      for lo, hi in zip(inputs.lower, inputs.upper, strict=True)])
    j = inputs.lever_ids.index("sanctions")
    steps = list(inputs.levers[j].steps)  # type: ignore[arg-type]
    bundles = np.repeat(settings_row[None], len(steps), axis=0)
    bundles[:, j] = steps
    wars = [mechanisms(inputs, row, offer, bargaining_ranges(inputs, row))[1].war[0]
            for row in bundles]
    for weaker, stronger in pairwise(wars):
        assert not np.any(stronger & ~weaker)
    p = p_war_batch(inputs, bundles, offer)
    assert np.all(np.diff(p) <= 1e-12)


@settings(max_examples=30, deadline=None, suppress_health_check=_SLOW_FIXTURE)
@given(data=st.data())
def test_conceding_more_never_raises_the_challengers_war_preference(
        ukraine_inputs: CrisisInputs, data: st.DataObject) -> None:
    """Moving the offer toward Russia's position on any issue (below 80, where every draw of
    its position lies at or above) never raises its margin for war in any draw."""
    inputs = ukraine_inputs
    offer = np.array([data.draw(st.floats(0.0, 79.0)) for _ in inputs.issue_ids])
    k = data.draw(st.integers(0, len(inputs.issue_ids) - 1))
    more = offer.copy()
    more[k] = data.draw(st.floats(float(offer[k]), 80.0))
    row = inputs.default_settings
    ranges = bargaining_ranges(inputs, row)
    before = mechanisms(inputs, row, offer, ranges)[1].margin[0, :, 0]
    after = mechanisms(inputs, row, more, ranges)[1].margin[0, :, 0]
    assert np.all(after <= before + 1e-12)


def test_guarantees_shrink_the_commitment_problem(ukraine_inputs: CrisisInputs) -> None:
    inputs = ukraine_inputs
    j = inputs.lever_ids.index("guarantees")
    rows = np.repeat(inputs.default_settings[None], 3, axis=0)
    rows[:, j] = [0.0, 0.5, 1.0]
    from detente.crisis.analysis import evaluate_bundles

    commit = evaluate_bundles(inputs, rows, np.array([20.0, 50.0, 50.0, 20.0])).p_commitment
    assert commit[0] > 0 and np.all(np.diff(commit) <= 0)


# -- indivisibility --------------------------------------------------------------------------------


def test_indivisibility_is_attributed_on_a_constructed_case() -> None:
    """p = .5, costs .1 each: the range is [.4, .6] but an indivisible issue takes only its
    ends, so the split offer .5 is applied as 0 and the challenger fights. Made divisible, the
    same offer keeps the peace: all of the war risk is indivisibility."""
    s = one_issue(0.5, 0.1, 0.1, divisible=False)
    result = analyse(s, draws=100, seed=0, offer={"x": 0.5})
    assert result.offer[0].applied == 0.0
    assert result.p_war == 1.0
    assert result.assessment.p_war_if_divisible == 0.0
    shares = {m.mechanism: m.share_of_war for m in result.mechanisms}
    assert shares["indivisibility"] == 1.0
    assert result.optimal.assessment.p_war == 1.0
    assert result.optimal.p_war_if_divisible == 0.0
    assert result.range.exists and result.range.lower_t == pytest.approx(0.4)


def test_declared_steps_make_the_split_feasible() -> None:
    data = yaml.safe_load(yaml.safe_dump(one_issue(0.5, 0.1, 0.1, divisible=False).to_data()))
    data["crisis"]["steps"] = {"x": [0.0, 0.5, 1.0]}
    s = loads(yaml.safe_dump(data), "steps.yaml")
    result = analyse(s, draws=100, seed=0, offer={"x": 0.45})
    assert result.offer[0].applied == 0.5
    assert result.p_war == 0.0


# -- mechanisms, commitment, ranges on ukraine-2022 ------------------------------------------------


def test_mechanisms_partition_the_war_draws(ukraine_inputs: CrisisInputs) -> None:
    inputs = ukraine_inputs
    for offer in ([20.0, 25.0, 15.0, 35.0], [20.0, 50.0, 50.0, 20.0], [60.0, 75.0, 70.0, 50.0]):
        row = inputs.default_settings
        ranges = bargaining_ranges(inputs, row)
        code, ev = mechanisms(inputs, row, np.array(offer), ranges)
        assert np.array_equal(code > 0, ev.war[0])
        assert set(np.unique(code)) <= {0, 1, 2, 3, 4, 5, 6, 7}
    assert np.all((ranges.lower <= ranges.upper) | ~ranges.exists)
    ok = ranges.exists
    assert np.all((ranges.lower[ok] >= 0) & (ranges.upper[ok] <= 1))


# -- the batched core for the lever search ---------------------------------------------------------


def test_p_war_batch_uses_common_random_numbers(ukraine_inputs: CrisisInputs) -> None:
    inputs = ukraine_inputs
    base = inputs.default_settings
    rows = np.stack([base, base, np.where(np.arange(base.size) == 2, 1.0, base), base])
    # (force posture to the top only adds to the cost of war; full sanctions need not deter
    # more than partial ones once the threat may not be carried out)
    offers = np.array([[20.0, 50.0, 50.0, 20.0]] * 4)
    p = p_war_batch(inputs, rows, offers)
    assert p.shape == (4,)
    assert p[0] == p[1] == p[3]
    assert p[2] <= p[0]
    single = p_war_batch(inputs, base, offers[0])
    assert single.shape == (1,) and single[0] == p[0]
    with pytest.raises(ValueError, match="not one of its steps"):
        p_war_batch(inputs, np.where(np.arange(base.size) == 0, 0.3, base), offers[0])
    with pytest.raises(ValueError, match="outside its scale"):
        p_war_batch(inputs, base, [120.0, 50.0, 50.0, 20.0])


def test_lever_cost_counts_pulled_levers_and_the_value_conceded(
        ukraine_inputs: CrisisInputs) -> None:
    inputs = ukraine_inputs
    bottom = np.array([lv.low for lv in inputs.levers])
    top = np.array([lv.high for lv in inputs.levers])
    offer = np.array([20.0, 50.0, 50.0, 20.0])
    costs = lever_cost(inputs, np.stack([bottom, top]), offer)
    assert costs[1] > costs[0]
    generous = lever_cost(inputs, bottom, np.array([60.0, 75.0, 70.0, 50.0]))
    assert generous[0] > costs[0], "conceding more costs the defending side more"
    p = p_war_batch(inputs, top, offer)
    assert lever_cost(inputs, top, offer, p_war=p)[0] == pytest.approx(costs[1])


# -- the result: determinism, JSON, frame ----------------------------------------------------------


@pytest.fixture(scope="module")
def ukraine_result() -> CrisisResult:
    # speed is measured by benchmarks/bench_crisis.py, never asserted here
    return detente.crisis_analysis(UKRAINE, draws=10_000, seed=0)


def test_ukraine_2022_answers(ukraine_result: CrisisResult) -> None:
    result = ukraine_result
    assert result.scenario == UKRAINE and result.draws == 10_000
    assert 0.0 <= result.p_war <= 1.0
    assert result.p_war_interval[0] <= result.p_war <= result.p_war_interval[1]
    assert result.headline.startswith("At the offer on the table (the U.S. offer at the "
                                      "January talks: United States, 2022-01-10), war is")
    assert {p.party for p in result.parties} == {"russia", "united_states", "ukraine",
                                                 "defenders"}
    war_shares = sum(m.share_of_war for m in result.mechanisms)
    assert war_shares == pytest.approx(1.0) or result.p_war == 0.0
    assert sum(m.p for m in result.mechanisms) == pytest.approx(result.p_war)
    labels = [r.label for r in result.references]
    assert labels[0] == "status quo" and "the offer" not in labels  # the offer is one made
    refs = {r.label: r for r in result.references}
    made = refs["offer made: us-geneva-2022-01 (United States, 2022-01-10)"]
    assert made.kind == "offer made" and made.p_war == result.p_war
    assert refs["status quo"].p_war > made.p_war, "conceding beyond the status quo buys peace"
    assert result.offer[0].applied in (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)


def test_results_are_deterministic_given_the_seed() -> None:
    a = detente.crisis_analysis(UKRAINE, draws=400, seed=3)
    b = detente.crisis_analysis(UKRAINE, draws=400, seed=3)
    c = detente.crisis_analysis(UKRAINE, draws=400, seed=4)
    assert a.to_json() == b.to_json()
    assert a.parties[0].mean_margin != c.parties[0].mean_margin


def test_json_round_trip_and_frame(ukraine_result: CrisisResult) -> None:
    result = ukraine_result
    text = result.to_json()
    data = json.loads(text)
    assert data["scenario"] == UKRAINE and "optimal" in data and "mechanisms" in data
    assert CrisisResult.from_json(text) == result
    frame = result.to_frame()
    assert list(frame.columns) == ["section", "item", "metric", "value"]
    assert frame.query("section == 'p_war' and item == 'offer' and metric == 'p_war'")[
        "value"].iloc[0] == result.p_war


def test_offer_and_levers_can_be_set(ukraine_result: CrisisResult) -> None:
    base = ukraine_result
    tough = detente.crisis_analysis(UKRAINE, draws=2000, seed=0,
                                    offer={"nato_enlargement": 20, "strike_missiles_bases": 50,
                                           "transparency_limits": 50,
                                           "ukraine_alignment_donbas": 20},
                                    levers={"sanctions": 1.0, "guarantees": 1.0})
    assert tough.offer[0].source == "offer"
    assert {lv.id: lv.setting for lv in tough.levers}["sanctions"] == 1.0
    assert tough.headline.startswith("At the offer given")
    assert tough.offer_on_table is None
    assert "the offer" in [r.label for r in tough.references]
    assert tough.p_commitment < base.p_commitment


def test_the_answer_leads_with_the_offer_on_the_table(ukraine_result: CrisisResult) -> None:
    """The CFR In Brief's U.S. offer is the scenario's only (so latest) offer; the analysis
    leads with it, defines P(war) where it is shown, and lists every negotiation model's
    forecast as a counterfactual reference point on the same draws."""
    from detente.crisis.result import P_WAR_DEFINITION
    from detente.models import registry

    r = ukraine_result
    assert r.offer_on_table is not None and r.offer_on_table.id == "us-geneva-2022-01"
    assert [o.source for o in r.offer] == ["offer us-geneva-2022-01"] * 4
    assert [o.proposed for o in r.offer] == [20.0, 50.0, 50.0, 35.0]
    assert r.p_war_definition == P_WAR_DEFINITION
    assert r.headline.endswith(P_WAR_DEFINITION[1:])
    assert "not a calibrated frequency" in P_WAR_DEFINITION
    counterfactual = [ref for ref in r.references if ref.kind == "counterfactual"]
    assert [ref.label for ref in counterfactual] == [
        f"if talks settled where {m} says (counterfactual)" for m in registry.names()]
    spread = sorted(ref.p_war for ref in counterfactual)
    assert f"from {spread[0]:.2f}" in r.headline and f"to {spread[-1]:.2f}" in r.headline
    kinds = {ref.kind for ref in r.references}
    assert {"status quo", "offer made", "terms", "optimum", "counterfactual"} <= kinds
    terms = [ref.label for ref in r.references if ref.kind == "terms"]
    assert terms[:3] == ["Russia's terms", "United States' terms", "Ukraine's terms"]
    # the model's forecast is the offer only when asked for issue by issue, or when the
    # scenario lists no offers
    fed = detente.crisis_analysis(UKRAINE, draws=300, seed=0, offer={
        r.offer[k].issue: ref_value for k, ref_value in enumerate(
            counterfactual[0].offer.values())})
    assert fed.offer_on_table is None


def test_a_scenario_without_offers_uses_the_model_and_says_so() -> None:
    r = detente.crisis_analysis(one_issue(), draws=200, seed=0)
    assert r.offer_on_table is None
    assert r.headline.startswith("At the compromise model's forecast, used as the offer "
                                 "because the scenario lists no offers made")


def test_offer_id_picks_an_offer_and_unknown_ids_are_refused() -> None:
    from detente.crisis.analysis import CrisisInputError

    s = detente.load(UKRAINE)
    data = s.to_data()
    extra = dict(data["offers"][0], id="earlier", date="2021-12-15")
    extra["terms"] = {**extra["terms"], "nato_enlargement": 40}
    data["offers"] = [extra, data["offers"][0]]
    two = loads(yaml.safe_dump(data, allow_unicode=True))
    latest = detente.crisis_analysis(two, draws=200, seed=0)
    assert latest.offer_on_table is not None and latest.offer_on_table.id == "us-geneva-2022-01"
    earlier = detente.crisis_analysis(two, draws=200, seed=0, offer_id="earlier")
    assert earlier.offer_on_table is not None and earlier.offer[0].proposed == 40.0
    with pytest.raises(CrisisInputError, match="'later' is not an offer"):
        detente.crisis_analysis(two, draws=200, seed=0, offer_id="later")


# -- the evaluator ---------------------------------------------------------------------------------


def test_the_crisis_evaluator_is_deterministic_and_chunk_invariant() -> None:
    s = detente.load(UKRAINE)
    ev = EVALUATORS["crisis"]()
    names = ev.outputs(s)
    assert {"war", "mechanism", "war_preferred.russia", "war_preferred.defenders", "p_win",
            "cost.russia", "sanctions_cost"} <= set(names)
    whole = ev(draw(s, 9, 0, 300))
    assert set(whole) == set(names)
    parts = [ev(draw(s, 9, 0, 120)), ev(draw(s, 9, 120, 300))]
    for key in names:
        joined = np.concatenate([part[key] for part in parts])
        assert np.array_equal(whole[key], joined, equal_nan=True), key
    # war is the draw's probability of war: 0, 1, or q after the levers where the challenger,
    # doubting the defenders' resolve, challenges (docs/crisis-model.md, (R3))
    doubted = (whole["war"] > 0) & (whole["war"] < 1)
    assert np.allclose(whole["war"][doubted], whole["resolve"][doubted])
    assert np.array_equal(whole["war"] > 0, whole["mechanism"] > 0)
    again = ev(draw(s, 9, 0, 300))
    assert all(np.array_equal(whole[k], again[k], equal_nan=True) for k in names)
    result = analyse(s, draws=300, seed=9)
    assert whole["war"].mean() == pytest.approx(result.p_war)


# -- the command line ------------------------------------------------------------------------------


def _app() -> typer.Typer:
    from detente.cli import app

    if any(c.name == "crisis" or (c.callback is crisis) for c in app.registered_commands):
        return app
    local = typer.Typer(pretty_exceptions_enable=False, add_completion=False)

    @local.callback()
    def _root() -> None:
        """The command as `detente` registers it."""

    local.command()(crisis)
    return local


runner = CliRunner()


def test_cli_json_runs_on_ukraine() -> None:
    out = runner.invoke(_app(), ["crisis", UKRAINE, "--draws", "1000", "--seed", "2",
                                 "--format", "json", "--offer", "nato_enlargement=40",
                                 "--lever", "sanctions=1"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["seed"] == 2 and data["draws"] == 1000
    assert data["offer"][0]["proposed"] == 40.0
    assert "not a calibrated frequency" in data["p_war_definition"]
    assert any(ref["kind"] == "counterfactual" for ref in data["references"])


def test_cli_table_reads_as_an_answer() -> None:
    out = runner.invoke(_app(), ["crisis", UKRAINE, "--draws", "500"])
    assert out.exit_code == 0, out.output
    assert "war is" in out.stdout and "Why war happens" in out.stdout
    assert "P(war) at every reference point" in out.stdout


@pytest.mark.parametrize("args, message", [
    (["ec-emissions-1994"], "has no crisis: section"),
    ([UKRAINE, "--offer", "nato=40"], "'nato' is not an issue"),
    ([UKRAINE, "--offer", "nato_enlargement=much"], "is not a number"),
    ([UKRAINE, "--offer", "nato_enlargement=140"], "outside its scale"),
    ([UKRAINE, "--lever", "embargo=1"], "'embargo' is not a lever"),
    ([UKRAINE, "--lever", "sanctions=0.3"], "not one of its steps"),
    ([UKRAINE, "--lever", "defensive_arms=2"], "outside its range"),
    ([UKRAINE, "--model", "oracle"], "unknown model 'oracle'"),
    ([UKRAINE, "--offer", "nato_enlargement=40", "--lever", "concede_nato=20"],
     "given twice"),
    ([UKRAINE, "--draws", "10"], ""),
    ([UKRAINE, "--offer-id", "yalta"], "'yalta' is not an offer"),
    (["no-such-scenario"], "no such file"),
])
def test_cli_user_errors_exit_2(args: list[str], message: str) -> None:
    out = runner.invoke(_app(), ["crisis", *args, "--draws", "200"]
                        if "--draws" not in args else ["crisis", *args])
    assert out.exit_code == 2, out.output
    assert message in out.output
    assert "Traceback" not in out.output


def test_an_offer_beyond_the_defenders_own_limits_is_named_as_such() -> None:
    """eum's forecast for ukraine-2022 puts enlargement at 100 and alignment at 90, beyond the
    defenders' concession limits (60 and 50). The war it brings is the defending side refusing
    an offer it would never make, not private information; shares still sum to one."""
    eum = {"nato_enlargement": 100.0, "strike_missiles_bases": 30.0,
           "transparency_limits": 55.0, "ukraine_alignment_donbas": 90.0}
    r = detente.crisis_analysis(UKRAINE, draws=2000, seed=0, offer=eum)
    by = {m.mechanism: m for m in r.mechanisms}
    side = next(p for p in r.parties if p.role == "defending side")
    assert by["outside_own_limits"].p == pytest.approx(side.share_prefers_war, abs=0.06)
    assert by["outside_own_limits"].share_of_war > by["private_information"].share_of_war
    assert sum(m.share_of_war for m in r.mechanisms) == pytest.approx(1.0)
    assert sum(m.p for m in r.mechanisms) == pytest.approx(r.p_war)
    within = detente.crisis_analysis(UKRAINE, draws=500, seed=0)
    assert {m.mechanism: m.p for m in within.mechanisms}["outside_own_limits"] == 0.0


def test_a_rare_rising_power_is_counted_not_rounded_to_zero(ukraine_result: CrisisResult
                                                             ) -> None:
    """ukraine-2022 at seed 0 has 2 of 10,000 draws where Russia's future chance exceeds
    today's; the note gave "in 0% of draws", which reads as none."""
    notes = ukraine_result.notes
    rising = [n for n in notes if "future chance exceeds today's" in n]
    assert rising and not any(" 0% of draws" in n for n in rising)
    assert rising[0].startswith("in 2 of 10,000 draws")
