"""`detente crisis --calibrated`: the scenario's P(war) through the shipped ICB map."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from detente.backtest.fitted import calibrate, calibrated_report, load_fitted
from detente.cli import app


def test_crisis_json_carries_the_calibrated_p_war() -> None:
    run = CliRunner().invoke(app, ["crisis", "--calibrated", "-n", "200", "--format", "json"])
    assert run.exit_code == 0, run.output
    d = json.loads(run.stdout)
    assert d["calibrated"]["p_war"] == pytest.approx(float(calibrate(d["p_war"])))
    lo, hi = d["calibrated"]["p_war_interval"]
    assert lo <= d["calibrated"]["p_war"] <= hi
    assert d["calibrated"]["provenance"]["training_era"] == "crises triggered before 1980"


def test_calibrated_probabilities_stay_inside_zero_one() -> None:
    # Laplace smoothing of each isotonic block: never a certain war or a certain peace.
    fitted = load_fitted()
    for outcome, m in fitted.calibration.items():
        assert min(m.y) > 0 and max(m.y) < 1, outcome
    report = calibrated_report(0.0, (0.0, 1.0), fitted)
    assert 0 < report["p_war"] < 1


def test_simulate_json_carries_the_calibrated_p_war() -> None:
    run = CliRunner().invoke(app, ["simulate", "georgia-2008", "--calibrated", "-n", "100",
                                   "-w", "6", "--format", "json"])
    assert run.exit_code == 0, run.output
    d = json.loads(run.stdout)
    final = d["p_war_by_week"][-1]
    assert d["calibrated"]["p_war"] == pytest.approx(float(calibrate(final)))
