"""Coercion inside the crisis analysis: the sanctions lever plays the threat game.

References: docs/crisis-model.md section 5 (the sanctions threat game; Lacy and Niou 2004;
Whang, McLean and Kuberski 2013) and "Levers: what each one changes"; the closed forms are
computed independently by :mod:`detente.crisis.sanctions`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.crisis import sanctions_complete_information
from detente.crisis.analysis import crisis_inputs, lever_cost, p_war_batch
from detente.crisis.levers import sanctions_threat
from detente.sampling import draw
from detente.scenario import load, loads

DATA = Path(__file__).resolve().parents[1] / "data"
TOY = DATA / "coercion-toy.yaml"
TEXT = TOY.read_text(encoding="utf-8")


def _toy(*, cost: float = 0.2, audience: float = 0.1, c_target: float = 0.4,
         unity: float = 1.0, unity_low: float | None = None, war_cost: str = "0.1",
         interim_free: bool = True) -> str:
    text = (TEXT.replace("      cost: 0.2\n", f"      cost: {cost:.6f}\n")
            .replace("audience_cost: 0.1", f"audience_cost: {audience:.6f}")
            .replace("cost_to_challenger: 0.4", f"cost_to_challenger: {c_target:.6f}")
            .replace("        unity: 1\n", f"        unity: {unity}\n"
                     + (f"        unity_at_low: {unity_low}\n" if unity_low is not None
                        else "")))
    return text.replace("""      a:
        uniform: [0.0, 0.4]
        judgment: the only uncertain number""", f"      a: {war_cost}")


def _p_war(text: str, level: float, offer: float = 0.3, n: int = 200) -> float:
    inputs = crisis_inputs(draw(loads(text), 0, 0, n))
    return float(p_war_batch(inputs, np.array([[level]]), np.array([offer]))[0])


@pytest.mark.parametrize("level", [0.0, 0.25, 0.5, 0.75, 1.0])
@pytest.mark.parametrize(("war_cost", "audience"), [
    (0.1, 0.11), (0.1, 0.04), (0.2, 0.09), (0.25, 0.3), (0.05, 0.16)])
def test_the_lever_reproduces_the_complete_information_game(level: float, war_cost: float,
                                                           audience: float) -> None:
    """With point values and a united coalition, the challenger goes to war iff the threat
    game of section 5 (``sanctions_complete_information``) does not end in acquiescence.

    The mapping: the target's cost of complying is its gain from war over the offer without
    sanctions, ``v_T = p - c - x = 0.6 - c - 0.3``; its cost of enduring is ``c_T = 0.4 s``;
    imposing costs the senders ``c_S = 0.2 s`` and backing down ``a``. A target at war
    endures, so the game is played with a late give-in share near 1 (the endure branch)."""
    v_t = 0.6 - war_cost - 0.3
    game = sanctions_complete_information(1.0, 0.2 * level, audience, v_t, 0.4 * level,
                                          interim_share=0.999)
    expected_war = 0.0 if game.outcome == 2 else 1.0
    text = _toy(audience=audience, war_cost=str(war_cost))
    assert _p_war(text, level) == expected_war


@pytest.mark.parametrize(("unity", "c_target", "war_cost"), [
    (0.5, 0.4, 0.1), (0.8, 0.3, 0.1), (0.3, 0.9, 0.05), (0.6, 0.5, 0.0)])
def test_an_uncertain_coalition_deters_as_the_target_rule_says(unity: float, c_target: float,
                                                              war_cost: float) -> None:
    """Section 5, the target's rule: facing a threat carried out with probability ``pi`` (here
    the coalition's unity, nothing imposed if it splits), a target that endures acquiesces
    iff ``c_T >= t(pi) = v_T / pi``."""
    v_t = 0.6 - war_cost - 0.3
    text = _toy(unity=unity, c_target=c_target, war_cost=str(war_cost), audience=10.0)
    for level in (0.25, 0.5, 1.0):
        acquiesces = c_target * level >= v_t / unity
        assert _p_war(text, level) == (0.0 if acquiesces else 1.0), level


def test_the_lowest_risk_threat_on_the_toy_is_the_partial_one() -> None:
    """The toy's summary: P(war) 0.75, 0.5, 0.25, 0.75, 0.75 at s = 0, .25, .5, .75, 1
    (c uniform on [0, 0.4]; war iff c < 0.3 - 0.4 s when the threat is credible)."""
    inputs = crisis_inputs(draw(load(TOY), 0, 0, 20_000))
    levels = np.array([[0.0], [0.25], [0.5], [0.75], [1.0]])
    p = p_war_batch(inputs, levels, np.array([0.3]))
    assert p == pytest.approx([0.75, 0.5, 0.25, 0.75, 0.75], abs=0.015)


def test_lever_search_chooses_a_partial_sanctions_threat() -> None:
    """The what-if search, free to set only sanctions, settles on s = 0.5: the harshest
    threat the senders would carry out. Full sanctions are not credible and deter nothing."""
    from detente.whatif import whatif

    r = whatif(load(TOY), target=0.05, draws=2000, check_draws=0, seed=1,
               free=["sanctions"], effort=0.3, sobol_samples=0)
    assert r.best.settings["sanctions"] == 0.5
    assert r.best.p_war == pytest.approx(0.25, abs=0.03)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.05, 1.0), st.floats(0.01, 0.5), st.floats(0.01, 1.0), st.floats(0.05, 1.0))
def test_a_threat_too_costly_to_carry_out_is_not_worth_making(
        level: float, audience: float, c_target: float, cost: float) -> None:
    """Sequential rationality (section 5, step 2): when imposing the package would cost the
    senders more than backing down (``s K > a``), the threat deters nothing, so P(war) is
    what it is without any threat, while the senders pay the audience cost in war: the
    threat costs more than no threat and buys nothing."""
    if level * cost <= audience + 1e-9:
        return
    # a continuous lever, so that any level can be tried
    text = _toy(cost=cost, audience=audience, c_target=c_target, war_cost="0.1").replace(
        "      steps: [0, 0.25, 0.5, 0.75, 1]\n", "")
    if level * round(cost, 6) <= round(audience, 6) + 1e-9:
        return
    inputs = crisis_inputs(draw(loads(text), 0, 0, 100))
    levels = np.array([[0.0], [level]])
    p = p_war_batch(inputs, levels, np.array([0.3]))
    assert p[1] == p[0] == 1.0
    costs = lever_cost(inputs, levels, np.array([0.3]), p_war=p)
    assert costs[1] > costs[0]


def test_unity_falling_with_severity_makes_the_expected_pressure_peak_inside() -> None:
    """``pi(s) = u_0 + (u_1 - u_0) s`` with no audience limit: the expected cost to the
    target ``s C pi(s)`` with ``u_0 = 1``, ``u_1 = 0.2`` peaks at ``s = 1 / 1.6 = 0.625``."""
    lam = np.linspace(0.0, 1.0, 1601)[:, None]
    effect = {"unity": np.array([0.2]), "unity_at_low": np.array([1.0]),
              "cost_to_challenger": np.array([1.0])}
    pi, _ = sanctions_threat(lam, effect, np.array([0.1]))
    pressure = (lam * pi)[:, 0]
    assert lam[np.argmax(pressure), 0] == pytest.approx(0.625, abs=1e-3)


def test_the_senders_pay_imposition_or_audience_costs() -> None:
    """Credible: ``s K`` times the share imposed; not credible: the audience cost."""
    effect = {"unity": np.array([1.0]), "audience_cost": np.array([0.1]),
              "cost_to_challenger": np.array([1.0])}
    pi, paid = sanctions_threat(np.array([[0.0], [0.4], [0.8]]), effect, np.array([0.2]))
    assert pi[:, 0].tolist() == [1.0, 1.0, 0.0]
    assert paid[:, 0] == pytest.approx([0.0, 0.08, 0.1])
