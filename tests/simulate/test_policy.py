"""The stage game against the derivations of docs/escalation.md (sections 3 and 4; the
coalition's credibility rule is tested in tests/crisis/test_sanctions_credibility.py):
golden cases computed by hand from the stated thresholds, and a check, independent of the
solver, that every profile it returns is a perfect Bayesian equilibrium."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.simulate.policy import stage_game

# mu = 0.3, b = c = 1 (mu* = 0.5); v_H = 1, w_H = 0.4 (v_H - w_H = 0.6); v_L = 0.5,
# w_L = -0.5 (a* = 0.5).
BASE = {"mu": 0.3, "b": 1.0, "c": 1.0, "v_h": 1.0, "w_h": 0.4, "v_l": 0.5, "w_l": -0.5}


def solve(**changes: float) -> tuple[int, float, float, float, float, float]:
    p = {**BASE, **changes}
    eq = stage_game(p["mu"], p["b"], p["c"], p["k"], p["a"], p["v_h"], p["w_h"], p["v_l"],
                    p["w_l"])
    return (int(eq.case), float(eq.sigma_h), float(eq.sigma_l), float(eq.yield_signal),
            float(eq.yield_none), float(eq.p_war))


def test_receiver_threshold_g1() -> None:
    # docs (G1): mu* = b/(b + c); at mu >= mu* the receiver yields on the prior (case 0)
    assert stage_game(0.5, 1, 1, 0.1, 0, 1, 0.4, 0.5, -0.5).case == 0
    assert stage_game(0.49, 1, 1, 0.1, 0, 1, 0.4, 0.5, -0.5).case != 0
    assert float(stage_game(0.2, 1, 3, 0.1, 0, 1, 0.4, 0.5, -0.5).mu_star) == pytest.approx(0.25)


def test_separating_band_is_v_l_to_gap() -> None:
    # docs section 3: separating iff v_L <= k < v_H - w_H, here [0.5, 0.6)
    assert solve(k=0.5, a=0.0)[:5] == (2, 1.0, 0.0, 1.0, 0.0)
    assert solve(k=0.59, a=0.0)[0] == 2
    assert solve(k=0.6, a=0.0)[0] == 5  # too costly for the resolved type: pooling
    assert solve(k=0.49, a=0.0)[0] == 4  # cheap enough for the bluffer: semi-separating


def test_pooling_on_no_signal_gives_war_with_the_prior() -> None:
    case, sh, sl, _, y0, p_war = solve(k=0.65, a=0.0)
    assert (case, sh, sl, y0) == (5, 0.0, 0.0, 0.0)
    assert p_war == pytest.approx(0.3)


def test_semi_separating_with_bluffs() -> None:
    # rho = (k + a)/(v_L + a) = 0.3/0.7; beta = mu(1 - mu*)/((1 - mu) mu*) = 3/7;
    # P(war) = mu (1 - rho) = 0.3 * 4/7
    case, sh, sl, y1, y0, p_war = solve(k=0.1, a=0.2)
    assert case == 4 and sh == 1.0 and y0 == 0.0
    assert sl == pytest.approx(3 / 7)
    assert y1 == pytest.approx(3 / 7)
    assert p_war == pytest.approx(0.3 * 4 / 7)


def test_audience_cost_credibility_threshold_g2() -> None:
    # docs (G2): a >= a* = -w_L = 0.5 makes the signal a credible threat (yield for sure)
    below = solve(k=0.1, a=0.4999)
    at = solve(k=0.1, a=0.5)
    assert below[0] == 4 and below[3] < 1.0
    assert at[0] == 1 and at[3] == 1.0  # pooling on the credible threat
    assert solve(k=0.55, a=0.5)[0] == 2
    assert solve(k=0.7, a=0.5)[0] == 5


def test_credible_semi_separating() -> None:
    # gap = 1 - 0.8 = 0.2 <= k = 0.3 < v_L = 0.5, a = 0.6 >= a*: beta = 1 - 3/7,
    # y0 = 1 - k/v_L = 0.4, P(war) = mu (1 - y0) = 0.18
    case, sh, sl, y1, y0, p_war = solve(k=0.3, a=0.6, w_h=0.8)
    assert (case, sh, y1) == (3, 0.0, 1.0)
    assert sl == pytest.approx(4 / 7)
    assert y0 == pytest.approx(0.4)
    assert p_war == pytest.approx(0.18)


def test_receiver_that_prefers_war_never_yields() -> None:
    eq = stage_game(0.9, 1.0, -0.1, 0.0, 1.0, 1.0, 0.4, 0.5, -0.5)
    assert float(eq.yield_signal) == 0.0 and float(eq.yield_none) == 0.0


params = st.fixed_dictionaries({
    "mu": st.one_of(st.just(0.0), st.floats(1e-6, 0.99)), "b": st.floats(0.01, 2.0),
    "c": st.floats(0.01, 2.0),
    "k": st.floats(0.0, 1.5), "a": st.floats(0.0, 1.5), "w_h": st.floats(0.01, 1.0),
    "extra_h": st.floats(0.01, 1.0), "w_l": st.floats(-1.0, -0.01), "v_l": st.floats(0.01, 1.0),
})


def _best_response_gaps(p: dict[str, float]) -> None:
    """Check the solver's profile against the definition of a perfect Bayesian equilibrium,
    written out here independently of the solver's case analysis."""
    v_h = p["w_h"] + p["extra_h"]
    eq = stage_game(p["mu"], p["b"], p["c"], p["k"], p["a"], v_h, p["w_h"], p["v_l"], p["w_l"])
    sh, sl = float(eq.sigma_h), float(eq.sigma_l)
    y1, y0 = float(eq.yield_signal), float(eq.yield_none)
    mu, b, c, k, a = p["mu"], p["b"], p["c"], p["k"], p["a"]
    tol = 1e-7
    # the signaller's best responses given the receiver's yields
    for v, w, s in ((v_h, p["w_h"], sh), (p["v_l"], p["w_l"], sl)):
        signal = y1 * v + (1 - y1) * max(w, -a) - k
        quiet = y0 * v + (1 - y0) * max(w, 0.0)
        if s > 1 - tol:
            assert signal >= quiet - tol
        elif s < tol:
            assert signal <= quiet + tol
        else:
            assert signal == pytest.approx(quiet, abs=1e-6)
    # the receiver's best responses given Bayes' rule (prior off the path)
    for mass_h, mass_l, y, locked in ((mu * sh, (1 - mu) * sl, y1, a >= -p["w_l"]),
                                      (mu * (1 - sh), (1 - mu) * (1 - sl), y0, False)):
        post = mass_h / (mass_h + mass_l) if mass_h + mass_l > 1e-12 else mu
        fights = post + (1 - post) * (1.0 if locked else 0.0)
        press = fights * (-c) + (1 - fights) * b
        if press > tol:
            assert y < tol
        elif press < -tol:
            assert y > 1 - tol


@settings(max_examples=300, deadline=None)
@given(params)
def test_every_solution_is_an_equilibrium(p: dict[str, float]) -> None:
    _best_response_gaps(p)


@settings(max_examples=200, deadline=None)
@given(params, st.floats(0.0, 1.0))
def test_higher_audience_costs_never_make_a_threat_less_credible(p: dict[str, float],
                                                                 more: float) -> None:
    # docs section 4: the receiver's probability of yielding to the resolved type's signal
    # does not fall as the audience cost rises
    v_h = p["w_h"] + p["extra_h"]
    args = (p["mu"], p["b"], p["c"], p["k"])
    low = stage_game(*args, p["a"], v_h, p["w_h"], p["v_l"], p["w_l"])
    high = stage_game(*args, p["a"] + more, v_h, p["w_h"], p["v_l"], p["w_l"])
    assert float(high.yield_signal) >= float(low.yield_signal) - 1e-12

