"""Comparative statics the theory claims, checked with hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.crisis import (
    commitment_war,
    commitment_war_two_period,
    deterrence,
    power_path,
    risk_return,
    risk_return_uniform,
    sanctions_complete_information,
    sanctions_incomplete_information,
)

probability = st.floats(0.0, 1.0)
cost = st.floats(0.0, 1.0)
fast = settings(max_examples=80, deadline=None)


@fast
@given(probability, cost, cost, st.floats(0.0, 0.5))
def test_risk_return_war_does_not_rise_with_proposer_cost(
    p: float, c_a: float, c_max: float, extra: float
) -> None:
    """Fearon (1995): a proposer that finds war costlier demands less and risks less."""
    low, high = risk_return_uniform(p, c_a, c_max), risk_return_uniform(p, c_a + extra, c_max)
    assert high.p_war <= low.p_war + 1e-12


@fast
@given(probability, cost, st.lists(cost, min_size=1, max_size=10), st.floats(0.0, 0.5))
def test_sampled_costs_war_does_not_rise_with_proposer_cost(
    p: float, c_a: float, costs: list[float], extra: float
) -> None:
    low, high = risk_return(p, c_a, costs), risk_return(p, c_a + extra, costs)
    assert high.p_war <= low.p_war + 1e-12


@fast
@given(probability, cost, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_risk_return_war_rises_weakly_with_uncertainty(
    p: float, c_a: float, narrow_share: float, widen: float
) -> None:
    """Fearon (1995): more uncertainty about B's cost, more risk taken - while the demand is
    interior. Once x <= 1 binds, P(war) = (1 - p)/c_max falls with c_max (see the next test),
    so the wider range is kept inside the region where the cap does not bind."""
    limit = c_a + 2.0 * (1.0 - p)  # the cap binds for c_max above this
    c_narrow = narrow_share * limit
    c_wide = c_narrow + widen * (limit - c_narrow)
    narrow, wide = risk_return_uniform(p, c_a, c_narrow), risk_return_uniform(p, c_a, c_wide)
    assert not wide.capped
    assert wide.p_war >= narrow.p_war - 1e-12


def test_risk_return_war_falls_with_uncertainty_once_the_cap_binds() -> None:
    """Documented limit: widening U[0, c_max] also raises B's mean cost; with A already
    demanding everything, more types accept, so P(war) = (1 - p)/c_max falls."""
    capped = [risk_return_uniform(0.5, 0.0, c) for c in (1.0, 1.5, 2.0)]
    assert all(r.capped for r in capped[1:])
    assert [r.p_war for r in capped] == sorted((r.p_war for r in capped), reverse=True)


@fast
@given(probability, cost, st.floats(0.0, 1.0))
def test_no_war_when_proposer_cost_covers_the_uncertainty(
    p: float, c_max: float, fraction: float
) -> None:
    c_a = c_max + fraction  # c_A >= c_max
    assert risk_return_uniform(p, c_a, c_max).p_war == 0.0


@fast
@given(
    probability,
    probability,
    st.floats(0.0, 1.0),
    st.floats(0.0, 0.99),
    st.floats(0.0, 0.5),
    st.floats(0.0, 0.5),
    st.sampled_from(["rising", "declining"]),
)
def test_larger_shift_never_lowers_war_two_period(
    p0: float, p1: float, more: float, delta: float, c_a: float, c_b: float, role: str
) -> None:
    """Fearon (1995), Powell (2006): holding today's power fixed, a larger shift against the
    declining side never makes peace easier."""
    p_small = min(p0, p1)
    p_large = p_small - more * p_small  # further from p0, same direction (A declining)
    small = commitment_war_two_period(p0, p_small, delta, c_a, c_b, proposer=role)  # type: ignore[arg-type]
    large = commitment_war_two_period(p0, p_large, delta, c_a, c_b, proposer=role)  # type: ignore[arg-type]
    assert large.p_war >= small.p_war


@fast
@given(
    st.floats(0.05, 1.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.integers(2, 6),
    st.floats(0.0, 0.99),
    st.floats(0.0, 0.3),
    st.floats(0.0, 0.3),
    st.sampled_from(["rising", "declining"]),
)
def test_larger_shift_never_lowers_war_multi_period(
    p0: float,
    drop: float,
    more: float,
    periods: int,
    delta: float,
    c_a: float,
    c_b: float,
    role: str,
) -> None:
    end_small = p0 * (1.0 - drop)
    end_large = end_small * (1.0 - more)
    small = commitment_war(power_path(p0, end_small, periods), delta, c_a, c_b, proposer=role)  # type: ignore[arg-type]
    large = commitment_war(power_path(p0, end_large, periods), delta, c_a, c_b, proposer=role)  # type: ignore[arg-type]
    assert large.p_war >= small.p_war


@fast
@given(
    st.floats(0.01, 3.0),
    st.floats(0.0, 3.0),
    st.floats(0.0, 3.0),
    st.floats(0.01, 3.0),
    st.floats(0.0, 3.0),
    st.floats(0.0, 3.0),
    st.floats(0.01, 0.99),
)
def test_higher_target_cost_never_lowers_giving_in_complete_information(
    v_s: float, c_s: float, a: float, v_t: float, c_t: float, extra: float, lam: float
) -> None:
    low = sanctions_complete_information(v_s, c_s, a, v_t, c_t, interim_share=lam)
    high = sanctions_complete_information(v_s, c_s, a, v_t, c_t + extra, interim_share=lam)
    assert high.p_target_gives_in >= low.p_target_gives_in


@fast
@given(
    st.floats(0.01, 3.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 3.0),
    st.floats(0.01, 3.0),
    st.lists(st.floats(0.0, 3.0), min_size=1, max_size=6),
    st.floats(0.0, 2.0),
    st.floats(0.0, 1.0),
    st.floats(0.01, 0.99),
)
def test_higher_target_cost_never_lowers_giving_in_incomplete_information(
    v_s: float,
    c_fraction: float,
    a: float,
    v_t: float,
    costs: list[float],
    extra: float,
    r: float,
    lam: float,
) -> None:
    """Shifting every possible target type's cost of enduring up never lowers P(gives in)."""
    args = (v_s, c_fraction * a, a, v_t)
    low = sanctions_incomplete_information(*args, costs, r, interim_share=lam)
    high = sanctions_incomplete_information(*args, np.asarray(costs) + extra, r, interim_share=lam)
    assert high.p_target_gives_in >= low.p_target_gives_in - 1e-9


@fast
@given(probability, probability, st.floats(-2.0, 2.0), st.floats(-3.0, 0.9))
def test_deterrence_challenge_non_increasing_in_resolve(
    q1: float, q2: float, status_quo: float, war: float
) -> None:
    low, high = sorted((q1, q2))
    p_low = deterrence(low, status_quo=status_quo, war=war).p_challenge
    p_high = deterrence(high, status_quo=status_quo, war=war).p_challenge
    assert p_high <= p_low
