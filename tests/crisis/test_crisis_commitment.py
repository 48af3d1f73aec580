"""Commitment problems from shifting power (Fearon 1995; Powell 2006)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.crisis import (
    commitment_war,
    commitment_war_two_period,
    powell_condition,
    power_path,
)

probability = st.floats(0.0, 1.0)
discount = st.floats(0.0, 0.99)
cost = st.floats(0.0, 0.5)


def test_preventive_war_golden() -> None:
    """Two-period closed form (docs/crisis-model.md, eq. C2): with the rising side proposing,
    the declining side fights iff delta*shift > (1 - delta)(1 - p0 + c_D). p: .9 -> .3,
    delta=.9, c=.05: .54 > .015, so A fights at once; margin = (.54 - .015)/.1 = 5.25."""
    result = commitment_war([0.9, 0.3], 0.9, 0.05, 0.05)
    assert result.war is True
    assert result.war_period == 0
    assert result.initiator == "A"
    assert result.declining_side == "A"
    assert result.proposer == "B"
    assert result.largest_shift == pytest.approx(0.6)
    assert result.surplus_per_period == pytest.approx(0.1)
    assert result.demands[0] - 1.0 == pytest.approx(5.25)
    closed = commitment_war_two_period(0.9, 0.3, 0.9, 0.05, 0.05)
    assert closed.margin == pytest.approx(5.25)
    assert closed.initiator == "A"


def test_small_shift_is_bought_off() -> None:
    """p: .6 -> .55, delta=.9, c_A=.1: delta*shift = .045 < (1-.9)(1-.6+.1) = .05: peace,
    with B conceding A's demand .95 of today's flow and .45 a period afterwards."""
    result = commitment_war([0.6, 0.55], 0.9, 0.1, 0.1)
    assert result.war is False
    assert result.war_period is None and result.initiator is None
    assert result.offers[0] == pytest.approx(0.95)
    assert result.offers[1] == pytest.approx(0.45)
    assert result.p_war == 0.0
    assert commitment_war_two_period(0.6, 0.55, 0.9, 0.1, 0.1).margin == pytest.approx(-0.05)


def test_war_breaks_out_when_the_shift_arrives() -> None:
    """Flat power, then a collapse between periods 2 and 3: peace until the eve of the shift,
    then preventive war in period 2 (B's offers of .55 keep A at its war value until then)."""
    result = commitment_war([0.6, 0.6, 0.6, 0.2], 0.9, 0.05, 0.05)
    assert result.war_period == 2
    assert result.initiator == "A"
    assert result.offers[:2] == pytest.approx((0.55, 0.55))
    assert result.offers[2:] == (None, None)


def test_declining_side_can_be_b() -> None:
    result = commitment_war([0.1, 0.7], 0.9, 0.05, 0.05)
    assert result.declining_side == "B"
    assert result.proposer == "A"
    assert result.initiator == "B"


def test_no_shift_no_war() -> None:
    result = commitment_war([0.5, 0.5, 0.5], 0.95, 0.0, 0.0)
    assert result.war is False
    assert result.declining_side is None


def test_power_path_shapes() -> None:
    assert np.allclose(power_path(0.8, 0.4, 5), [0.8, 0.7, 0.6, 0.5, 0.4])
    assert np.allclose(power_path(0.8, 0.4, 4, shape="sudden"), [0.8, 0.4, 0.4, 0.4])
    with pytest.raises(ValueError, match="shape"):
        power_path(0.8, 0.4, 4, shape="wavy")  # type: ignore[arg-type]


def test_a_sudden_shift_is_more_dangerous_than_a_gradual_one() -> None:
    gradual = commitment_war(power_path(0.8, 0.4, 6), 0.5, 0.03, 0.03)
    sudden = commitment_war(power_path(0.8, 0.4, 6, shape="sudden"), 0.5, 0.03, 0.03)
    assert sudden.war and not gradual.war


@settings(max_examples=150, deadline=None)
@given(probability, probability, discount, cost, cost, st.sampled_from(["rising", "declining"]))
def test_solver_agrees_with_two_period_closed_form(
    p0: float, p1: float, delta: float, c_a: float, c_b: float, role: str
) -> None:
    solved = commitment_war([p0, p1], delta, c_a, c_b, proposer=role)  # type: ignore[arg-type]
    closed = commitment_war_two_period(p0, p1, delta, c_a, c_b, proposer=role)  # type: ignore[arg-type]
    assert solved.war == closed.war
    assert (solved.initiator or "") == closed.initiator
    # Extending the path with its last value changes nothing: power is constant from T-1 on.
    longer = commitment_war([p0, p1, p1, p1], delta, c_a, c_b, proposer=role)  # type: ignore[arg-type]
    assert longer.war == solved.war and longer.war_period == solved.war_period


@settings(max_examples=150, deadline=None)
@given(probability, probability, discount, cost, cost)
def test_declining_proposer_two_period_war_iff_powell_condition(
    p0: float, p1: float, delta: float, c_a: float, c_b: float
) -> None:
    """Powell (2006): with the declining side making the offers, war in a one-shift world
    occurs exactly when the inefficiency condition holds."""
    solved = commitment_war([p0, p1], delta, c_a, c_b, proposer="declining")
    assert solved.war == any(powell_condition([p0, p1], delta, c_a, c_b).holds)


@settings(max_examples=120, deadline=None)
@given(st.lists(probability, min_size=2, max_size=6), discount, cost, cost)
def test_powell_condition_is_sufficient_for_war_under_either_protocol(
    path: list[float], delta: float, c_a: float, c_b: float
) -> None:
    powell = powell_condition(path, delta, c_a, c_b)
    if powell.first_period is None:
        return
    for role in ("rising", "declining"):
        result = commitment_war(path, delta, c_a, c_b, proposer=role)
        assert result.war
        assert result.war_period is not None and result.war_period <= powell.first_period


def test_powell_decomposition_shift_versus_coverable() -> None:
    """delta*shift vs (1-delta)(1-p_D) + c_D + delta*c_S when both minmax flows are positive."""
    powell = powell_condition([0.8, 0.5], 0.9, 0.05, 0.1)
    assert powell.discounted_shift[0] == pytest.approx(0.27)
    assert powell.coverable[0] == pytest.approx(0.1 * 0.2 + 0.05 + 0.9 * 0.1)
    assert powell.holds == (True,)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"p_path": [0.5, 1.5], "delta": 0.9, "cost_a": 0.1, "cost_b": 0.1}, "p_path"),
        ({"p_path": [0.5, 0.4], "delta": 1.0, "cost_a": 0.1, "cost_b": 0.1}, "delta"),
        ({"p_path": [0.5, 0.4], "delta": 0.9, "cost_a": -0.1, "cost_b": 0.1}, "cost_a"),
        ({"p_path": [], "delta": 0.9, "cost_a": 0.1, "cost_b": 0.1}, "p_path"),
    ],
)
def test_invalid_inputs_raise(kwargs: dict[str, object], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        commitment_war(**kwargs)  # type: ignore[arg-type]


def test_results_round_trip_through_json() -> None:
    for result in (
        commitment_war(power_path(0.8, 0.3, 5), 0.9, 0.05, 0.05),
        commitment_war_two_period([0.9, 0.6], 0.3, 0.9, 0.05, 0.05),
    ):
        payload = result.to_dict()
        assert json.loads(json.dumps(payload, allow_nan=False)) == payload
