"""Honest negotiation output: a model that stops at its round limit says so, per issue, in
the result, the JSON and the forecast table; ``forecast --model all`` shows the spread of the
models' forecasts, one line per issue."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from rich.console import Console

from detente import api
from detente.models import eum, registry, smp
from detente.models.base import ForecastResult, run_model, scenario_arrays
from detente.report import forecast_table
from detente.scenario import Scenario, load
from detente.schemas import shipped


@pytest.fixture(scope="module")
def ec(reference_dir: Path) -> Scenario:
    # Scholz et al. (2011), Table 1: the EC car-emissions case, 10 actors, one issue
    return load(reference_dir / "eum" / "ExampleActors.csv")


@pytest.fixture(scope="module")
def ktab(reference_dir: Path) -> Scenario:
    return load(reference_dir / "ktab" / "dummyData_3Dim.csv")


def _run(name: str, s: Scenario, **settings: object) -> ForecastResult:
    info = registry.get(name)
    return run_model(info, s, config=info.config(**settings), rng=np.random.default_rng(0))


def test_eum_cut_off_after_one_round_says_so(ec: Scenario) -> None:
    # one round cannot settle the EC case: the first round moves six actors (Scholz et al.)
    result = _run("eum", ec, max_rounds=1)
    assert result.converged is False
    assert result.unconverged() == ["issue"]
    assert "1-round limit without converging" in result.stop_reason


def test_eum_that_settles_says_it_converged() -> None:
    same = Scenario.model_validate({
        "id": "agree", "title": "agree", "issues": [{"id": "x", "name": "x"}],
        "actors": [{"id": a, "name": a, "capability": 1, "positions": {"x": 40},
                    "salience": {"x": 50}} for a in ("a", "b", "c")]})
    result = _run("eum", same)
    assert result.converged is True and result.issues[0].converged is True
    assert result.unconverged() == []


def test_eum_convergence_is_per_issue() -> None:
    # ukraine-2022 at the default 10 rounds: eum converges on some issues and not others;
    # the per-issue flags agree with the per-issue stop reasons
    result = _run("eum", load("ukraine-2022"))
    for issue in result.issues:
        said = next(part for part in result.stop_reason.split("; ")
                    if part.startswith(issue.id + ":"))
        assert issue.converged == ("converged" in said and "without" not in said)
    assert result.converged == all(i.converged for i in result.issues)


def test_smp_cut_off_says_so(ktab: Scenario) -> None:
    # KTAB's stopping rule needs the last step's movement below 2 % of the first step's;
    # after 2 iterations of the 3-dimensional test case it is not (smpc --csv runs 10+)
    cut = _run("smp", ktab, min_iterations=1, max_iterations=2)
    assert cut.converged is False
    assert cut.unconverged() == ktab.issue_ids
    assert "2-iteration limit without converging" in cut.stop_reason
    full = _run("smp", ktab)
    assert full.converged is True and full.unconverged() == []
    ratio = full.diagnostics["fractional_change"][-1]
    assert ratio < smp.Config().min_delta_ratio


@pytest.mark.parametrize("name", ["compromise", "median", "mean"])
def test_closed_forms_do_not_claim_convergence(name: str, ktab: Scenario) -> None:
    result = _run(name, ktab)
    assert result.converged is None
    assert all(i.converged is None for i in result.issues)


def test_json_and_table_report_non_convergence(ec: Scenario) -> None:
    report = api.forecast(ec, ["compromise", "eum"], settings={"eum": {"max_rounds": 1}})
    data = json.loads(report.to_json())
    jsonschema.validate(data, shipped("forecast"))
    (eum_json,) = [r for r in data["results"] if r["model"] == "eum"]
    assert eum_json["converged"] is False and eum_json["issues"][0]["converged"] is False
    console = Console(record=True, width=200)
    forecast_table(report, ec, console)
    text = console.export_text()
    assert "eum did not converge on 1 of 1 issues (issue)" in text
    eum_value = report.result("eum").forecast("issue")
    assert f"{eum_value:.2f}*" in text


def test_spread_one_line_per_issue(ktab: Scenario) -> None:
    report = api.forecast(ktab, ["compromise", "median", "mean"])
    assert [s.issue for s in report.spread] == ktab.issue_ids
    for sp in report.spread:
        values = {r.model: r.forecast(sp.issue) for r in report.results}
        assert sp.low == min(values.values()) and sp.high == max(values.values())
        assert values[sp.low_models[0]] == sp.low and values[sp.high_models[0]] == sp.high
        issue = ktab.issue(sp.issue)
        assert sp.share_of_scale == pytest.approx(
            (sp.high - sp.low) / (issue.scale.high - issue.scale.low))
    console = Console(record=True, width=300)
    forecast_table(report, ktab, console)
    lines = console.export_text().splitlines()
    start = lines.index("Spread across models (lowest to highest forecast):")
    assert [ln.split(":")[0].strip() for ln in lines[start + 1:]] == ktab.issue_ids
    # one model: no spread to show
    assert api.forecast(ktab, ["compromise"]).spread == []


def test_eum_batch_and_solve_agree_on_cut_off(ec: Scenario) -> None:
    # the flag is about the run, not the forecast: the cut-off forecast is still reported
    cfg = eum.Config(max_rounds=1)
    result = _run("eum", ec, max_rounds=1)
    arrays = scenario_arrays(ec)
    assert eum.forecast_batch(arrays, cfg, np.random.default_rng(0))[0] == pytest.approx(
        result.forecast("issue"))
