"""Correlated uncertainty declared in the scenario, drawn through the Gaussian copula, and
the power shift's number of periods drawn like any other uncertain number."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from detente.sampling import draw
from detente.scenario import ScenarioError, load, loads

DATA = Path(__file__).resolve().parents[1] / "data"
BASE = (DATA / "minimal.yaml").read_text(encoding="utf-8")


def test_ukraine_draws_carry_the_declared_rank_correlations() -> None:
    s = load("ukraine-2022")
    d = draw(s, 0, 0, 20_000)
    p_now = d.column(("crisis", "war", "p_win"))
    p_later = d.column(("crisis", "power_shift", "p_win_future"))
    cost = d.column(("crisis", "levers", 0, "cost"))
    unity = d.column(("crisis", "levers", 0, "effect", "unity"))
    assert p_now is not None and p_later is not None and cost is not None and unity is not None
    # a Gaussian copula with correlation r gives Spearman's rho = (6/pi) asin(r/2)
    for a, b, r in ((p_now, p_later, 0.6), (cost, unity, -0.4)):
        expected = 6.0 / np.pi * np.arcsin(r / 2.0)
        assert stats.spearmanr(a, b).statistic == pytest.approx(expected, abs=0.02)
    periods = d.column(("crisis", "power_shift", "periods"))
    assert periods is not None and set(np.unique(periods)) == {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}


@pytest.mark.parametrize(("block", "message"), [
    ("correlations:\n  - between:\n      - actors[0].capability\n      - actors[9].capability\n"
     "    rho: 0.5\n    judgment: j\n", "'actors[9].capability' is not a number of this file"),
    ("correlations:\n  - between:\n      - actors[0].capability\n      - issues[0].status_quo\n"
     "    rho: 0.5\n    judgment: j\n", "'issues[0].status_quo' is a point value"),
    ("correlations:\n  - between:\n      - actors[0].capability\n      - "
     "actors[1].salience.tariff\n"
     "    rho: 0.5\n", "needs evidence or a judgment"),
    ("correlations:\n  - between:\n      - actors[0].capability\n      - "
     "actors[1].salience.tariff\n"
     "    rho: 1.5\n    judgment: j\n", "correlations[0].rho"),
])
def test_bad_correlations_are_located(block: str, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        loads(BASE.rstrip("\n") + "\n" + block, "c.yaml")
    assert message in str(err.value) and "c.yaml:" in str(err.value)


def test_a_declared_correlation_is_used_by_default() -> None:
    text = BASE.rstrip("\n") + (
        "\ncorrelations:\n  - between:\n      - actors[0].capability\n      - "
     "actors[1].salience.tariff\n"
        "    rho: 0.9\n    judgment: they rise and fall together\n")
    d = draw(loads(text), 3, 0, 5000)
    a = d.column(("actors", 0, "capability"))
    b = d.column(("actors", 1, "salience", "tariff"))
    assert a is not None and b is not None
    assert stats.spearmanr(a, b).statistic > 0.85
    plain = draw(loads(BASE), 3, 0, 5000)
    a0, b0 = plain.column(("actors", 0, "capability")), plain.column(
        ("actors", 1, "salience", "tariff"))
    assert a0 is not None and b0 is not None
    assert abs(stats.spearmanr(a0, b0).statistic) < 0.05
