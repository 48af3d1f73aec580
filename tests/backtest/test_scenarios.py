"""`detente backtest scenarios`: the Russia-neighbourhood family scored against outcomes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from detente.backtest.scenarios import (
    ScenarioBacktest,
    run_scenario_backtest,
    scenarios_with_outcomes,
)
from detente.cli import app
from detente.crisis import analyse
from detente.scenario import load

FAMILY = {"georgia-2008": 458, "crimea-2014": 471, "ukraine-spring-2021": None,
          "kazakhstan-2022": None, "belarus-2020": None}


@pytest.fixture(scope="module")
def result() -> ScenarioBacktest:
    return run_scenario_backtest(draws=300)


def test_family_is_built_in_with_dated_outcomes() -> None:
    assert set(FAMILY) <= set(scenarios_with_outcomes())
    for name, crisno in FAMILY.items():
        s = load(name)
        assert s.outcome is not None and s.as_of is not None
        assert s.outcome.date > s.as_of
        assert s.outcome.icb_crisis == crisno


def test_no_model_reads_the_outcome() -> None:
    s = load("georgia-2008")
    without = s.model_copy(update={"outcome": None})
    a, b = analyse(s, draws=200, seed=3), analyse(without, draws=200, seed=3)
    assert a.p_war == b.p_war
    assert a.references == b.references


def test_brier_is_the_squared_miss(result: ScenarioBacktest) -> None:
    for s in result.scores:
        y = 1.0 if s.war else 0.0
        assert s.brier == pytest.approx((s.p_war - y) ** 2)
        assert s.brier_status_quo == pytest.approx((s.p_war_status_quo - y) ** 2)
        assert 0 < s.p_war_calibrated < 1


def test_icb_links_read_the_icb_rows(result: ScenarioBacktest) -> None:
    linked = {s.scenario: s.icb for s in result.scores if s.icb is not None}
    assert {k for k, v in FAMILY.items() if v} <= set(linked)
    # ICB v14 codes both as serious clashes (sevviosy 3).
    georgia, crimea = linked["georgia-2008"], linked["crimea-2014"]
    assert georgia is not None and crimea is not None
    assert (georgia.crisno, georgia.year, georgia.sevviosy) == (458, 2008, 3)
    assert (crimea.crisno, crimea.year, crimea.sevviosy) == (471, 2014, 3)
    assert 0 < georgia.structural_serious < 1


def test_cli_json() -> None:
    run = CliRunner().invoke(app, ["backtest", "scenarios", "georgia-2008", "-n", "200",
                                   "--format", "json"])
    assert run.exit_code == 0, run.output
    d = json.loads(run.stdout)
    assert d["command"] == "backtest scenarios"
    assert [s["scenario"] for s in d["scenarios"]] == ["georgia-2008"]
    assert d["scenarios"][0]["icb"]["crisno"] == 458


def test_cli_scenario_without_outcome_is_refused() -> None:
    run = CliRunner().invoke(app, ["backtest", "scenarios", "ukraine-2022", "-n", "200"])
    assert run.exit_code == 2
    assert "no outcome" in run.output


@pytest.mark.parametrize("name", sorted(FAMILY))
def test_family_runs_through_crisis_and_simulate(name: str) -> None:
    runner = CliRunner()
    for args in (["crisis", name, "-n", "200"], ["simulate", name, "-n", "50", "-w", "4"],
                 ["validate", name, "--strict"]):
        run = runner.invoke(app, args)
        assert run.exit_code == 0, (args, run.output)
