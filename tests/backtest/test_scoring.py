"""Scoring functions on cases computed by hand (the arithmetic is in each comment)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from detente.backtest.scoring import (
    EPS,
    brier,
    brier_skill,
    log_loss,
    reliability_table,
    roc_auc,
    score,
)

P = [0.9, 0.2, 0.6, 0.4]
Y = [1, 0, 0, 1]


def test_brier_by_hand() -> None:
    # (0.1² + 0.2² + 0.6² + 0.6²) / 4 = (0.01 + 0.04 + 0.36 + 0.36) / 4 = 0.1925
    assert brier(P, Y) == pytest.approx(0.1925)


def test_brier_skill_by_hand() -> None:
    # Reference 0.5 on every case: Brier 0.25, so skill = 1 - 0.1925 / 0.25 = 0.23.
    assert brier_skill(P, Y, 0.5) == pytest.approx(0.23)
    # Reference 0.25: (0.75² + 0.25² + 0.25² + 0.75²) / 4 = 0.3125; 1 - 0.1925/0.3125 = 0.384
    assert brier_skill(P, Y, 0.25) == pytest.approx(0.384)
    # The reference scored against itself has no skill.
    assert brier_skill([0.3] * 4, Y, 0.3) == pytest.approx(0.0)


def test_log_loss_by_hand() -> None:
    # -(ln .9 + ln .8 + ln .4 + ln .4) / 4
    expected = -(math.log(0.9) + math.log(0.8) + 2 * math.log(0.4)) / 4
    assert log_loss(P, Y) == pytest.approx(expected)
    # A certain miss costs -ln(EPS), not infinity.
    assert log_loss([0.0], [1]) == pytest.approx(-math.log(EPS))


def test_roc_auc_by_hand() -> None:
    # Positives {0.9, 0.4}, negatives {0.2, 0.6}: pairs won (0.9>0.2), (0.9>0.6), (0.4>0.2),
    # lost (0.4<0.6): 3/4.
    assert roc_auc(P, Y) == pytest.approx(0.75)
    # A tie counts one half: positive 0.5 vs negative 0.5.
    assert roc_auc([0.5, 0.5], [1, 0]) == pytest.approx(0.5)
    assert math.isnan(roc_auc([0.1, 0.2], [1, 1]))


def test_reliability_table_by_hand() -> None:
    t = reliability_table([0.05, 0.15, 0.12, 0.95, 1.0], [0, 1, 0, 1, 1], bins=10)
    assert t["n"].tolist() == [1, 2, 0, 0, 0, 0, 0, 0, 0, 2]
    assert t.loc[1, "mean_forecast"] == pytest.approx(0.135)
    assert t.loc[1, "observed"] == pytest.approx(0.5)
    assert t.loc[9, "mean_forecast"] == pytest.approx(0.975)  # 1.0 falls in the last bin
    assert np.isnan(t.loc[2, "observed"])


def test_score_collects_everything() -> None:
    s = score(P, Y, 0.5)
    assert (s.n, s.events) == (4, 2)
    assert s.brier == pytest.approx(0.1925)
    assert s.mean_forecast == pytest.approx(0.525)


@pytest.mark.parametrize(("p", "y", "message"), [
    ([0.5, 1.2], [0, 1], "probabilities"),
    ([0.5, 0.5], [0, 2], "0 or 1"),
    ([0.5], [0, 1], "equal-length"),
])
def test_bad_input_is_named(p: list[float], y: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        brier(p, y)
