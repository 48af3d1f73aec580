"""Fearon (1995) bargaining range and risk-return trade-off: golden cases and routes."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from detente.crisis import bargaining_range, risk_return, risk_return_uniform


def test_bargaining_range_golden() -> None:
    """Fearon (1995), Figure 1: the range is [p - c_A, p + c_B]; p=.6, c_A=.1, c_B=.05."""
    result = bargaining_range(0.6, 0.1, 0.05)
    assert result.lower == pytest.approx(0.50)
    assert result.upper == pytest.approx(0.65)
    assert result.offer_if_a_proposes == pytest.approx(0.65)  # A keeps .65
    assert result.offer_if_b_proposes == pytest.approx(0.50)
    assert result.settlement == pytest.approx(0.65)
    assert bargaining_range(0.6, 0.1, 0.05, proposer="B").settlement == pytest.approx(0.50)
    assert result.p_war == 0.0
    assert result.clipped is False
    assert result.surplus == pytest.approx(0.15)


def test_bargaining_range_clips_to_issue_space_and_says_so() -> None:
    result = bargaining_range([0.95, 0.05, 0.5], [0.0, 0.2, 0.1], [0.2, 0.0, 0.1])
    assert np.allclose(result.upper, [1.0, 0.05, 0.6])
    assert np.allclose(result.lower, [0.95, 0.0, 0.4])
    assert np.allclose(result.upper_unclipped, [1.15, 0.05, 0.6])
    assert np.allclose(result.lower_unclipped, [0.95, -0.15, 0.4])
    assert np.asarray(result.clipped).tolist() == [True, True, False]


def test_bargaining_range_broadcasts_scalars_against_arrays() -> None:
    result = bargaining_range(np.array([0.2, 0.4, 0.6]), 0.1, 0.1)
    assert np.allclose(result.lower, [0.1, 0.3, 0.5])
    assert np.allclose(result.p_war, 0.0)


def test_risk_return_uniform_golden() -> None:
    """Fearon (1995), private information: x* = p + (c_max - c_A)/2, P(war) =
    (c_max - c_A)/(2 c_max); p=.5, c_A=.1, c_max=.3 gives x*=.6 and P(war)=1/3."""
    result = risk_return_uniform(0.5, 0.1, 0.3)
    assert result.offer == pytest.approx(0.6)
    assert result.p_war == pytest.approx(1 / 3)
    assert result.capped is False


def test_risk_return_uniform_no_war_when_proposer_cost_covers_uncertainty() -> None:
    result = risk_return_uniform(0.5, 0.3, 0.3)
    assert result.p_war == 0.0
    assert result.offer == pytest.approx(0.5)


def test_risk_return_uniform_boundary_caps_demand_at_whole_issue() -> None:
    """p + c_max > 1: the demand is capped at x = 1 (derivation in docs/crisis-model.md);
    p=.9, c_A=.1, c_max=.5: interior premium .2 > 1 - p, so x* = 1 and P(war) = .1/.5."""
    result = risk_return_uniform(0.9, 0.1, 0.5)
    assert result.offer == pytest.approx(1.0)
    assert result.p_war == pytest.approx(0.2)
    assert result.capped is True
    # p + c_max > 1 but the interior optimum still fits: no cap.
    inside = risk_return_uniform(0.6, 0.2, 0.5)
    assert inside.offer == pytest.approx(0.75)
    assert inside.capped is False


def test_risk_return_uniform_complete_information_limit() -> None:
    result = risk_return_uniform(0.4, 0.1, 0.0)
    assert result.p_war == 0.0
    assert result.offer == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("p", "c_a", "c_max"),
    [(0.5, 0.1, 0.3), (0.2, 0.05, 0.6), (0.9, 0.1, 0.5), (0.7, 0.0, 0.5), (0.3, 0.4, 0.3)],
)
def test_numeric_route_matches_closed_form_on_uniform(p: float, c_a: float, c_max: float) -> None:
    closed = risk_return_uniform(p, c_a, c_max)
    numeric = risk_return(p, c_a, stats.uniform(loc=0.0, scale=c_max))
    assert numeric.offer == pytest.approx(closed.offer, abs=1e-6)
    assert numeric.p_war == pytest.approx(closed.p_war, abs=1e-6)
    assert numeric.expected_utility_a == pytest.approx(closed.expected_utility_a, abs=1e-9)


def test_sample_route_is_exact_for_a_discrete_distribution() -> None:
    """Two types: c_B = 0.05 (prob .5) or 0.4. Demanding p + .05 is accepted by both
    (EU = .55); p + .4 only by the high type (EU = .5*.9 + .5*(.5 - .1) = .65): A gambles."""
    result = risk_return(0.5, 0.1, [0.05, 0.4])
    assert result.offer == pytest.approx(0.9)
    assert result.p_war == pytest.approx(0.5)
    assert result.expected_utility_a == pytest.approx(0.65)
    weighted = risk_return(0.5, 0.1, [0.05, 0.4], weights=[0.9, 0.1])
    assert weighted.offer == pytest.approx(0.55)
    assert weighted.p_war == 0.0


def test_sample_route_approaches_uniform_closed_form() -> None:
    costs = (np.arange(20_000) + 0.5) / 20_000 * 0.3
    result = risk_return(0.5, 0.1, costs)
    assert result.offer == pytest.approx(0.6, abs=1e-3)
    assert result.p_war == pytest.approx(1 / 3, abs=1e-3)


def test_numeric_route_handles_a_skewed_distribution() -> None:
    dist = stats.lognorm(s=0.8, scale=0.1)
    result = risk_return(0.5, 0.05, dist)
    grid = np.linspace(0.0, 0.5, 200_001)
    eu = (0.5 + grid) * dist.sf(grid) + (0.5 - 0.05) * dist.cdf(grid)
    assert result.expected_utility_a == pytest.approx(eu.max(), abs=1e-9)
    assert result.premium == pytest.approx(grid[np.argmax(eu)], abs=1e-4)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: bargaining_range(1.2, 0.1, 0.1), "p_win"),
        (lambda: bargaining_range(0.5, -0.1, 0.1), "cost_a"),
        (lambda: bargaining_range(0.5, 0.1, float("nan")), "cost_b"),
        (lambda: risk_return_uniform(0.5, 0.1, -0.3), "cost_b_max"),
        (lambda: risk_return(0.5, 0.1, [0.1, -0.2]), "cost_b"),
        (lambda: risk_return(0.5, 0.1, stats.norm(0.2, 0.1)), "cost_b"),
        (lambda: risk_return(-0.5, 0.1, [0.1]), "p_win"),
    ],
)
def test_invalid_inputs_raise_value_error_naming_parameter(call: object, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()  # type: ignore[operator]


def test_discrete_scipy_distribution_is_refused_with_advice() -> None:
    with pytest.raises(TypeError, match="weights"):
        risk_return(0.5, 0.1, stats.poisson(1.0))


def test_results_round_trip_through_json() -> None:
    for result in (
        bargaining_range([0.6, 0.7], 0.1, 0.05),
        risk_return_uniform(0.5, 0.1, 0.3),
        risk_return(0.5, 0.1, stats.uniform(0, 0.3)),
    ):
        payload = result.to_dict()
        assert json.loads(json.dumps(payload, allow_nan=False)) == payload
