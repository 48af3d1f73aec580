"""The ICB backtest end to end: shape of the result, the shipped fit reproduced, the
structural model's own claims (bounds, ordering of the two outcomes), JSON and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from detente.backtest import fitted, structural
from detente.backtest.icb import load_icb
from detente.backtest.mapping import crisis_cases
from detente.backtest.result import FORECASTERS, IcbBacktest
from detente.backtest.run import run_icb_backtest
from detente.cli import app


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> IcbBacktest:
    plot = tmp_path_factory.mktemp("plot") / "reliability.png"
    return run_icb_backtest(seed=0, plot=plot)


def test_scores_cover_both_eras_outcomes_and_forecasters(result: IcbBacktest) -> None:
    s = result.scores
    assert len(s) == 2 * 2 * len(FORECASTERS)
    assert set(s.loc[s["era"] == "train", "n"]) == {310}
    assert set(s.loc[s["era"] == "test", "n"]) == {176}
    # Events per era from the ICB rows: sevviosy 4 and sevviosy >= 3.
    cases = crisis_cases(load_icb())
    for era in ("train", "test"):
        rows = cases[cases["era"] == era]
        assert result.score(era, "war", "structural")["events"] == rows["war"].sum()
        assert result.score(era, "serious", "structural")["events"] == rows["serious"].sum()
    # The base rate has no skill against itself, and no discrimination.
    base = result.score("train", "war", "base rate")
    assert base["brier_skill"] == pytest.approx(0.0, abs=1e-12)
    assert base["roc_auc"] == pytest.approx(0.5)
    assert Path(str(result.plot)).stat().st_size > 10_000


def test_default_run_uses_the_shipped_fit(result: IcbBacktest) -> None:
    assert result.constants == fitted.load_fitted().constants.to_dict()
    assert result.provenance["fit"]["seed"] == 0


def test_forecasts_are_probabilities_and_ordered(result: IcbBacktest) -> None:
    f = result.forecasts
    for col in ("structural_war", "structural_serious", "calibrated_war", "logistic_war"):
        assert f[col].between(0, 1).all()
    # Lower costs never lower P(war) (docs/crisis-model.md, sections 2-3), so the cheaper
    # lottery of serious clashes is at least as likely as war, crisis by crisis.
    assert (f["structural_serious"] >= f["structural_war"] - 1e-12).all()


def test_gravity_never_lowers_the_structural_forecast() -> None:
    # Stakes divide every cost (B2-B4), and cheaper war is never less likely.
    cases = crisis_cases(load_icb()).iloc[:40]
    k = fitted.load_fitted().constants
    noise = structural.Noise.draw(len(cases), 20, np.random.default_rng(1))
    low = structural.forecast(cases.assign(gravity=1.0), k, noise)
    high = structural.forecast(cases.assign(gravity=5.0), k, noise)
    assert (high["war"] >= low["war"] - 1e-12).all()


def test_calibration_map_is_monotone_and_bounded() -> None:
    for outcome in fitted.OUTCOMES:
        out = fitted.calibrate(np.linspace(0, 1, 101), outcome)
        assert (np.diff(out) >= 0).all()
        assert out.min() >= 0 and out.max() <= 1
    with pytest.raises(ValueError, match="outcome must be one of"):
        fitted.calibrate(0.2, "peace")
    with pytest.raises(ValueError, match="probabilities"):
        fitted.calibrate(1.5)


def test_json_round_trip(result: IcbBacktest) -> None:
    d = json.loads(json.dumps(result.to_dict()))
    assert d["command"] == "backtest icb"
    assert len(d["crises"]) == 486
    assert {r["forecaster"] for r in d["scores"]} == set(FORECASTERS)
    assert d["provenance"]["sha256"]["icb1v14.csv"].startswith("f0115d16")
    assert "scikit-learn" in d["provenance"]["versions"]


def test_cli_json_and_refusals(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "scores.json"
    run = runner.invoke(app, ["backtest", "icb", "--format", "json", "-o", str(out)])
    assert run.exit_code == 0, run.output
    data = json.loads(out.read_text())
    frame = pd.DataFrame(data["scores"])
    assert set(frame["era"]) == {"train", "test"}
    again = runner.invoke(app, ["backtest", "icb", "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    bad = runner.invoke(app, ["backtest", "icb", "--plot", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2 and "png or .svg" in bad.output


@pytest.mark.slow
def test_refit_reproduces_the_shipped_fit() -> None:
    """The shipped constants and calibration maps are what `fitted.fit()` produces. An
    optimiser's path can differ across numpy/scipy builds, so (as for the seeded outputs) the
    comparison is made only in the environment the fit was recorded in."""
    from detente.provenance import versions

    shipped = fitted.load_fitted()
    recorded = {k: shipped.provenance["versions"].get(k) for k in ("python", "numpy", "scipy")}
    current = {k: versions().get(k) for k in recorded}
    if recorded != current:
        pytest.skip(f"fit recorded with {recorded}; this environment is {current}")
    refit = fitted.fit()
    for name, value in shipped.constants.to_dict().items():
        assert getattr(refit.constants, name) == pytest.approx(value, rel=1e-6), name
    for outcome, m in shipped.calibration.items():
        np.testing.assert_allclose(refit.calibration[outcome].x, m.x)
        np.testing.assert_allclose(refit.calibration[outcome].y, m.y)
