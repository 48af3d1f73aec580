"""The honest protocol: nothing from a crisis triggered in or after 1980 enters any fit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from detente.backtest import baseline, fitted, structural
from detente.backtest.icb import IcbData, load_icb
from detente.backtest.mapping import FEATURES, TEST_FROM_YEAR, crisis_cases


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return crisis_cases(load_icb())


def test_eras_split_at_1980(cases: pd.DataFrame) -> None:
    assert (cases.loc[cases["era"] == "train", "year"] < TEST_FROM_YEAR).all()
    assert (cases.loc[cases["era"] == "test", "year"] >= TEST_FROM_YEAR).all()
    assert cases["era"].value_counts().to_dict() == {"train": 310, "test": 176}


def test_imputation_slope_ignores_post_1979_actors(cases: pd.DataFrame) -> None:
    data = load_icb()
    actor = data.actor.copy()
    late = actor["yrtrig"] >= TEST_FROM_YEAR
    actor.loc[late, "powdis"] = -actor.loc[late, "powdis"] * 7
    changed = crisis_cases(IcbData(system=data.system, actor=actor, folder=data.folder))
    assert changed.attrs["status_slope"] == cases.attrs["status_slope"]
    train = cases["era"] == "train"
    pd.testing.assert_frame_equal(changed[train], cases[train])


def test_fit_constants_refuses_test_era_rows(cases: pd.DataFrame) -> None:
    noise = structural.Noise.draw(len(cases), 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="outside the training era"):
        structural.fit_constants(cases, noise, max_evaluations=1)


def test_fit_sees_only_pre_1980_crises(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    def spy_constants(train: pd.DataFrame, noise: structural.Noise,
                      **_: Any) -> structural.Constants:
        seen.append(train["year"].to_numpy())
        assert noise.p.shape[0] == len(train)
        return structural.Constants()

    def spy_map(p: Any, outcome: Any) -> fitted.CalibrationMap:
        seen.append(np.asarray(outcome))
        assert len(np.asarray(p)) == 310
        return fitted.CalibrationMap((0.0, 1.0), (0.0, 1.0))

    monkeypatch.setattr(fitted, "fit_constants", spy_constants)
    monkeypatch.setattr(fitted.CalibrationMap, "fit", staticmethod(spy_map))
    fitted.fit(seed=0, draws=3)
    assert (seen[0] < TEST_FROM_YEAR).all() and len(seen[0]) == 310
    assert len(seen) == 3


def test_logistic_regression_ignores_post_1979_outcomes(cases: pd.DataFrame) -> None:
    flipped = cases.copy()
    test = flipped["era"] == "test"
    flipped.loc[test, "war"] = ~flipped.loc[test, "war"]
    np.testing.assert_array_equal(baseline.logistic_forecasts(cases, "war", 0),
                                  baseline.logistic_forecasts(flipped, "war", 0))
    assert baseline.base_rate(cases, "war") == baseline.base_rate(flipped, "war")


def test_the_models_read_only_onset_variables() -> None:
    # Outcome, management and termination variables must never become features.
    ex_post = {"sevviosy", "viol", "crismg", "cenviosy", "timvio", "iwcmb", "outesr",
               "forout", "subout", "exsat", "usinv", "suinv", "sevvio", "majres", "outcom"}
    assert not ex_post & set(FEATURES)
