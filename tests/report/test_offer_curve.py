"""P(war) along the offer line (detente.crisis.curve) against closed forms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente import api
from detente.crisis.analysis import CrisisInputError
from detente.scenario import load

DATA = Path(__file__).parents[1] / "data"


def test_toy_curve_is_the_closed_form() -> None:
    """The toy crisis (tests/data/whatif-toy.yaml, derivation in its summary): offers x = t
    from the defender's 0 to the challenger's 1, the challenger's cost of war c ~ U[0, 0.4],
    no sanctions pulled, so the challenger fights when c < 0.6 - t; the defender fights when
    t > 0.65 (p = 0.6 plus its cost 0.05; Fearon 1995). So P(war | t) = clip((0.6 - t) / 0.4,
    0, 1) up to 0.65 and 1 beyond, and the share of draws whose range holds t is
    1 - P(war | t) up to 0.65 and 0 beyond."""
    curve = api.offer_curve(DATA / "whatif-toy.yaml", draws=20_000, seed=3, points=21,
                            structural=False)
    t = np.array(curve.t)
    challenger = np.clip((0.6 - t) / 0.4, 0.0, 1.0)
    expected = np.where(t <= 0.65 + 1e-9, challenger, 1.0)
    assert np.allclose(curve.p_war, expected, atol=0.015)
    in_range = np.where(t <= 0.65 + 1e-9, 1.0 - challenger, 0.0)
    assert np.allclose(curve.in_range, in_range, atol=0.015)
    assert all(lo - 1e-12 <= p <= hi + 1e-12 for lo, p, hi in
               zip(curve.p_war_low, curve.p_war, curve.p_war_high, strict=True))
    assert curve.structural_low is None
    assert curve.t_of({"x": 0.3}) == pytest.approx(0.3)


def test_curve_agrees_with_the_analysis_on_the_same_draws() -> None:
    """At t = 0 the curve and the crisis analysis evaluate the same offer on the same seeded
    draws, so they must give the same P(war) exactly."""
    s = load("ukraine-2022")
    curve = api.offer_curve(s, draws=2_000, seed=5, points=11, structural=False)
    result = api.crisis_analysis(s, draws=2_000, seed=5)
    own = next(r for r in result.references if r.t == 0.0)
    assert curve.p_war[0] == own.p_war
    assert curve.offer_at(0.0) == {o.issue: o.defenders_ideal for o in result.offer}
    assert curve.offer_at(1.0) == {o.issue: o.challenger_demand for o in result.offer}


def test_curve_without_a_crisis_is_a_clear_error() -> None:
    with pytest.raises(CrisisInputError, match="no crisis"):
        api.offer_curve(DATA / "minimal.yaml")
