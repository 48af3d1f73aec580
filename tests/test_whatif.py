"""The lever search (detente.whatif, `detente whatif`).

The toy crisis in ``data/whatif-toy.yaml`` has a cheapest bundle known in closed form: the
challenger values an offer x at x and war at 0.6 - c - 0.2 s (its cost of war c uniform on
[0, 0.4], s the sanctions setting), so war happens in a draw when c < 0.6 - x - 0.2 s, and
the defender pays 0.1 s + (x - 0.3). Sanctions cut the threshold at half the price of
concessions, so the cheapest bundle pulls sanctions first (to s = 1), then concedes. On a
finite sample the exact optimum is read off the sorted draws of c, which is what the
optimiser must find.
"""

from __future__ import annotations

import json
import math
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
import yaml
from typer.testing import CliRunner

import detente
from detente.cli.whatif_cmd import whatif as whatif_cmd
from detente.crisis.analysis import crisis_inputs, p_war_batch
from detente.sampling import draw
from detente.scenario import Scenario, load, loads
from detente.whatif import WhatIfError, WhatIfResult, whatif
from detente.whatif.fragility import bundle_evaluator
from detente.whatif.search import nondominated

DATA = Path(__file__).parent / "data"
TOY = DATA / "whatif-toy.yaml"
UKRAINE = "ukraine-2022"
N = 2000


def toy(**lever_changes: Any) -> Scenario:
    """The toy crisis, with changes to its sanctions lever (for example ``steps``)."""
    data = yaml.safe_load(TOY.read_text())
    data["crisis"]["levers"][0].update(lever_changes)
    return loads(yaml.safe_dump(data), "whatif-toy.yaml")


def sorted_costs(s: Scenario, seed: int, n: int = N) -> np.ndarray:
    """The challenger's cost of war in each of the search's draws, sorted."""
    return np.sort(crisis_inputs(draw(s, seed, 0, n)).cost[:, 0])


def threshold(s: Scenario, seed: int, target: float) -> float:
    """The largest war threshold t with at most ``target`` of the draws below it: war in a
    draw iff c < t, so at most m = floor(target N) draws may have c < t, i.e. t <= c_(m+1)."""
    c = sorted_costs(s, seed)
    return float(c[math.floor(target * N + 1e-9)])


@pytest.fixture(scope="module")
def toy_result() -> WhatIfResult:
    return whatif(load(TOY), target=0.10, draws=N, check_draws=0, seed=1)


# -- the known optimum ------------------------------------------------------------------------


def test_one_lever_the_cheapest_setting_is_the_least_that_meets_the_target() -> None:
    """Offer held at the status quo (0.3): war iff c < 0.3 - 0.2 s, so the cheapest bundle
    is the smallest s with P(war) <= target, s* = (0.3 - t) / 0.2 (about 0.5 for 50%)."""
    s = load(TOY)
    r = whatif(s, target=0.5, draws=N, check_draws=0, seed=3, free=["sanctions"],
               effort=0.5)
    exact = (0.3 - threshold(s, 3, 0.5)) / 0.2
    best = r.best
    assert r.recommended is not None and best.meets_target
    assert best.offer == {"x": 0.3}
    assert best.settings["sanctions"] == pytest.approx(exact, abs=2e-3)
    assert best.settings["sanctions"] >= exact - 1e-6, "below s* the target is missed"
    assert best.p_war <= 0.5
    assert best.cost == pytest.approx(0.1 * best.settings["sanctions"], abs=1e-9)
    assert exact == pytest.approx(0.5, abs=0.03)  # and s* is where theory puts it


def test_two_levers_sanctions_first_then_concessions(toy_result: WhatIfResult) -> None:
    """Target 10%: s = 1 and x = 0.4 - t (about 0.36), cost 0.1 + x - 0.3 (about 0.16)."""
    x_exact = 0.4 - threshold(load(TOY), 1, 0.10)
    best = toy_result.best
    assert best.settings["sanctions"] == pytest.approx(1.0, abs=1e-3)
    assert best.offer["x"] == pytest.approx(x_exact, abs=2e-3)
    assert best.cost == pytest.approx(0.1 + x_exact - 0.3, abs=1e-3)
    assert best.p_war <= 0.10
    assert best.cost == min(b.cost for b in toy_result.frontier if b.meets_target)


def test_discrete_levers_take_only_their_steps() -> None:
    """Sanctions in steps of a quarter, offer held: P(war) at s = 0.5 is about 0.5 and at
    0.25 about 0.625, so for a 55% target the answer is the step 0.5."""
    s = toy(steps=[0.0, 0.25, 0.5, 0.75, 1.0])
    r = whatif(s, target=0.55, draws=N, check_draws=0, seed=2, free=["sanctions"],
               effort=0.3)
    assert r.best.settings["sanctions"] == 0.5
    for b in [*r.frontier, r.current]:
        assert b.settings["sanctions"] in (0.0, 0.25, 0.5, 0.75, 1.0)


def test_the_frontier_is_non_dominated_and_sorted(toy_result: WhatIfResult) -> None:
    f = toy_result.frontier
    costs = [b.cost for b in f]
    risks = [b.p_war for b in f]
    assert costs == sorted(costs) and len(set(costs)) == len(costs)
    assert all(a > b for a, b in pairwise(risks)), risks
    assert toy_result.lowest == len(f) - 1 and f[-1].p_war == min(risks)
    # every bundle evaluated is matched or beaten on both counts by a point of the curve
    curve = np.array(toy_result.curve)
    for cost, p in toy_result.cloud:
        assert ((curve[:, 0] <= cost + 1e-12) & (curve[:, 1] <= p + 1e-12)).any()
    cheaper = (curve[:, 0] <= curve[:, 0][:, None]) & (curve[:, 1] <= curve[:, 1][:, None])
    assert (cheaper.sum(axis=1) == 1).all(), "the curve holds no dominated point"
    # the analytic frontier: cost 0.2 (0.75 - P) above P = 0.25, 0.1 + 0.4 (0.25 - P) below
    for b in f:
        floor = 0.2 * (0.75 - b.p_war) if b.p_war >= 0.25 else 0.1 + 0.4 * (0.25 - b.p_war)
        assert b.cost >= floor - 0.02, (b.p_war, b.cost)
        assert b.cost <= floor + 0.02, (b.p_war, b.cost)


def test_nondominated_filter() -> None:
    p = np.array([0.5, 0.4, 0.4, 0.6, 0.1, 0.1])
    c = np.array([1.0, 2.0, 1.5, 0.5, 3.0, 3.0])
    assert nondominated(p, c).tolist() == [3, 0, 2, 4]


# -- the answer in words and its fragility ---------------------------------------------------


def test_words_come_from_the_scenario(toy_result: WhatIfResult) -> None:
    best = toy_result.best
    assert "Offer on the disputed issue at 0.363" in best.words
    assert "'The defender keeps all of it' to 'The challenger takes all of it'" in best.words
    assert "Sanctions against an invasion at 1 (share of the full package)" in best.words
    headline = toy_result.headline
    assert headline.startswith("To bring the risk of war to 10% or below, the cheapest bundle")
    assert "It costs 0.163" in headline


def test_success_hinges_on_the_challengers_cost(toy_result: WhatIfResult) -> None:
    """Only c is uncertain: with c in its lower third every draw is war."""
    best = toy_result.best
    assert best.hinges_on == ["Challenger's cost of war"]
    dep = best.dependence[0]
    assert dep.input == "crisis.war.costs.a" and dep.hinges and dep.dominant
    assert dep.p_war_lower > 0.25 and dep.p_war_upper == 0.0
    assert dep.lower_cut == pytest.approx(0.4 / 3) and dep.upper_cut == pytest.approx(0.8 / 3)
    assert dep.total_index is not None and dep.total_index > 0.5
    assert "hinges on Challenger's cost of war" in toy_result.headline


def test_the_bundle_evaluator_agrees_with_the_batched_model() -> None:
    s = load(UKRAINE)
    inputs = crisis_inputs(draw(s, 4, 0, 500))
    settings = {lid: 0.5 if lid != "sanctions" else 0.75 for lid in inputs.lever_ids}
    offer = {"nato_enlargement": 40.0, "strike_missiles_bases": 60.0,
             "transparency_limits": 55.0, "ukraine_alignment_donbas": 30.0}
    out = bundle_evaluator(settings, offer)(draw(s, 4, 0, 500))
    expected = p_war_batch(inputs, np.array([[settings[i] for i in inputs.lever_ids]]),
                           np.array([[offer[i] for i in inputs.issue_ids]]))
    assert out["war"].mean() == expected[0]


# -- unreachable, budget, fix and free --------------------------------------------------------


def test_an_unreachable_target_is_reported_not_crashed() -> None:
    """Sanctions alone bring P(war) no lower than P(c < 0.1) = 1/4."""
    r = whatif(load(TOY), target=0.05, draws=N, check_draws=500, seed=0,
               free=["sanctions"], effort=0.3)
    assert r.recommended is None and not r.reachable
    assert r.reason is not None and "lowest reachable is 0.2" in r.reason
    assert "Sanctions against an invasion" in r.reason  # at the top of its range
    assert r.best is r.frontier[r.lowest]
    assert r.best.settings["sanctions"] == pytest.approx(1.0, abs=1e-3)
    assert r.best.p_war == pytest.approx(0.25, abs=0.03)
    assert r.headline.startswith("No bundle found brings P(war) to 5% or below")


def test_a_budget_caps_the_cost() -> None:
    r = whatif(load(TOY), target=0.10, draws=N, check_draws=0, seed=1, budget=0.12,
               effort=0.3)
    assert all(b.cost <= 0.12 + 1e-12 for b in r.frontier)
    assert r.recommended is None and r.reason is not None and "budget of 0.12" in r.reason
    with pytest.raises(WhatIfError, match="no bundle found costs that little"):
        whatif(load(TOY), draws=200, check_draws=0, budget=-1.0, effort=0.1)


def test_fix_and_free_hold_levers() -> None:
    r = whatif(load(TOY), target=0.3, draws=N, check_draws=0, seed=0,
               fix={"sanctions": 0.5}, effort=0.3)
    assert r.free == ["concede_x"] and r.held == {"sanctions": "fixed"}
    assert all(b.settings["sanctions"] == 0.5 for b in r.frontier)
    r = whatif(load(TOY), target=0.3, draws=N, check_draws=0, seed=0, fix={"x": 0.4},
               effort=0.3)
    assert all(b.offer["x"] == 0.4 for b in r.frontier)


@pytest.mark.parametrize("kwargs, message", [
    ({"fix": {"embargo": 1.0}}, "'embargo' is neither a lever nor an issue"),
    ({"fix": {"sanctions": 2.0}}, "outside its range"),
    ({"fix": {"concede_x": 0.9}}, "outside what the defenders would concede"),
    ({"free": ["sanctions"], "fix": {"sanctions": 0.5}}, "both fixed"),
    ({"target": 1.5}, "--target must be a probability"),
    ({"draws": 10}, "--draws must be between"),
    ({"sobol_samples": 100}, "power of two"),
])
def test_bad_requests_raise_clear_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(WhatIfError, match=message):
        whatif(load(TOY), **{"draws": 200, "check_draws": 0, **kwargs})


def test_a_scenario_without_a_crisis_section_is_refused() -> None:
    with pytest.raises(WhatIfError, match="has no crisis: section"):
        whatif("ec-emissions-1994", draws=200)


# -- reproducibility and the contract --------------------------------------------------------


def test_the_same_seed_gives_the_same_answer() -> None:
    kwargs: dict[str, Any] = {"target": 0.2, "draws": 500, "check_draws": 300, "effort": 0.2,
                              "sobol_samples": 32}
    a = whatif(load(TOY), seed=5, **kwargs)
    b = whatif(load(TOY), seed=5, **kwargs)
    c = whatif(load(TOY), seed=6, **kwargs)
    assert a.model_dump(exclude={"versions"}) == b.model_dump(exclude={"versions"})
    assert a.curve != c.curve


def test_threads_do_not_change_the_answer() -> None:
    kwargs: dict[str, Any] = {"target": 0.2, "draws": 500, "check_draws": 0, "effort": 0.2,
                              "seed": 3, "sobol_samples": 0}
    assert (detente.whatif(TOY, workers=1, **kwargs).to_json()
            == detente.whatif(TOY, workers=2, **kwargs).to_json())


def test_json_round_trip_frame_and_plots(toy_result: WhatIfResult, tmp_path: Path) -> None:
    again = WhatIfResult.from_json(toy_result.to_json())
    assert again == toy_result
    frame = toy_result.to_frame()
    assert len(frame) == len(toy_result.frontier)
    assert {"p_war", "p_war_low", "cost", "sanctions", "offer.x", "recommended"} <= set(frame)
    assert frame["recommended"].sum() == 1
    for name in ("frontier.png", "frontier.svg"):
        path = toy_result.plot(tmp_path / name)
        assert path.stat().st_size > 1000
    with pytest.raises(WhatIfError, match="cannot tell the plot format"):
        toy_result.plot(tmp_path / "frontier.pdf")


def test_the_api_is_exported() -> None:
    assert detente.whatif is detente.api.whatif
    assert "whatif" in detente.__all__


# -- ukraine-2022 ----------------------------------------------------------------------------


def test_ukraine_answers_quickly_with_small_draws() -> None:
    r = detente.whatif(UKRAINE, target=0.10, draws=300, check_draws=300, seed=0)
    assert r.scenario == UKRAINE and r.draws == 300
    assert set(r.free) == {"sanctions", "defensive_arms", "force_posture",
                           "insurgency_support", "guarantees", "transparency", "concede_nato",
                           "concede_bases", "concede_transparency", "concede_alignment"}
    assert r.recommended is not None
    best = r.best
    assert best.p_war <= 0.10 and best.p_war_check is not None and best.p_war_check <= 0.10
    assert best.offer["nato_enlargement"] in (0.0, 20.0, 40.0, 60.0)
    assert best.settings["sanctions"] in (0.0, 0.25, 0.5, 0.75, 1.0)
    assert best.cost < r.current.cost or best.p_war < r.current.p_war
    assert best.mechanisms is not None
    assert "NATO enlargement" in best.words  # the issue's name, from the scenario
    # offers only concede: from the status quo towards Russia's demand (100 on every scale)
    scenario = load(UKRAINE)
    for b in r.frontier:
        for issue in scenario.issues:
            assert issue.status_quo is not None
            assert b.offer[issue.id] >= issue.status_quo.point - 1e-9


def test_demands_open_the_range_below_the_status_quo() -> None:
    """With demands allowed, the search may ask for more than the status quo."""
    from detente.whatif.space import build_space

    inputs = crisis_inputs(draw(load(UKRAINE), 0, 0, 50))
    conceding = {v.id: v.low for v in build_space(inputs).variables}
    demanding = {v.id: v.low for v in build_space(inputs, demands=True).variables}
    assert conceding["concede_alignment"] == 35.0 and demanding["concede_alignment"] == 0.0
    assert conceding["concede_bases"] == 25.0 and demanding["concede_bases"] == 0.0


# -- the command line ------------------------------------------------------------------------


def _app() -> typer.Typer:
    from detente.cli import app

    if any(c.callback is whatif_cmd for c in app.registered_commands):
        return app
    local = typer.Typer(pretty_exceptions_enable=False, add_completion=False)

    @local.callback()
    def _root() -> None:
        """The command as `detente` registers it."""

    local.command()(whatif_cmd)
    return local


runner = CliRunner()


def test_cli_json(tmp_path: Path) -> None:
    plot = tmp_path / "f.svg"
    out = runner.invoke(_app(), ["whatif", str(TOY), "--target", "0.1", "--draws", "500",
                                 "--check-draws", "0", "--effort", "0.2", "--seed", "4",
                                 "--format", "json", "--plot", str(plot)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["seed"] == 4 and data["draws"] == 500 and data["target"] == 0.1
    assert data["frontier"][data["recommended"]]["p_war"] <= 0.1
    assert plot.exists()


def test_cli_table_reads_as_an_answer(tmp_path: Path) -> None:
    target = tmp_path / "answer.txt"
    out = runner.invoke(_app(), ["whatif", str(TOY), "--draws", "500", "--check-draws", "300",
                                 "--effort", "0.2", "--fix", "x=0.3", "--free", "sanctions",
                                 "--target", "0.6", "--output", str(target)])
    assert out.exit_code == 0, out.output
    text = target.read_text()
    assert "To bring the risk of war to 60% or below, the cheapest bundle found is" in text
    assert "The frontier" in text and "hinges on" in text


@pytest.mark.parametrize("args, message", [
    (["ec-emissions-1994"], "has no crisis: section"),
    ([str(TOY), "--fix", "embargo=1"], "'embargo' is neither a lever nor an issue"),
    ([str(TOY), "--fix", "sanctions=lots"], "is not a number"),
    ([str(TOY), "--fix", "sanctions"], "not of the form name=value"),
    ([str(TOY), "--free", "nothing"], "'nothing' is neither a lever nor an issue"),
    ([str(TOY), "--plot", "f.pdf"], "cannot tell the plot format"),
    ([str(TOY), "--target", "1.5"], ""),
    ([str(TOY), "--draws", "10"], ""),
    (["no-such-scenario"], "no such file"),
])
def test_cli_user_errors_exit_2(args: list[str], message: str) -> None:
    out = runner.invoke(_app(), ["whatif", *args, "--effort", "0.1", "--check-draws", "0"]
                        + ([] if "--draws" in args else ["--draws", "200"]))
    assert out.exit_code == 2, out.output
    assert message in out.output
    assert "Traceback" not in out.output
