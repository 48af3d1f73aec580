"""The one sanctions credibility rule, ``pi = u [lam K <= A] + (1 - u) r [r lam K <= A]`` with
``A = a + A_D`` (:func:`detente.crisis.sanctions.sanctions_credibility`), against its source:
step 2 of the sanctions threat game solved by backward induction
(:func:`detente.crisis.sanctions_complete_information`; Lacy and Niou 2004), a defied sender
imposes iff imposing costs it no more than backing down. ``docs/crisis-model.md`` section 5
and the ``sanctions`` lever; ``docs/escalation.md`` section 4 for ``A_D``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.crisis import sanctions_complete_information, sanctions_credibility
from detente.crisis.levers import LeverArrays, apply_levers, sanctions_threat


def _imposes(cost: float, audience: float) -> float:
    """Step 2 of the game for one sender facing a target that endures (``c_T < v_T``): does
    it impose when defied?"""
    game = sanctions_complete_information(1.0, cost, audience, 1.0, 0.5)
    assert not game.target_gives_in_if_imposed  # the endure branch, as at war
    return float(game.sender_imposes_if_defied)


# (lam K, u, r, a, A_D, pi computed by hand)
POINTS = [
    # A_D >= lam K > a: the case simulate declared locked in and the core priced at 0
    (0.06, 0.6, 0.0, 0.04, 0.06, 0.6),
    (0.06, 0.6, 0.5, 0.04, 0.05, 0.6 + 0.4 * 0.5),
    # the same threat with nothing added: only the split coalition's r lam K = 0.03 <= 0.04
    (0.06, 0.6, 0.5, 0.04, 0.0, 0.4 * 0.5),
    (0.06, 0.6, 0.0, 0.04, 0.0, 0.0),
    # a tie goes to imposing: r lam K = 0.03 = 0.01 + 0.02
    (0.06, 0.6, 0.5, 0.01, 0.02, 0.4 * 0.5),
    # credible on the scenario's own audience cost; adding more changes nothing
    (0.05, 0.8, 0.3, 0.1, 0.0, 0.8 + 0.2 * 0.3),
    (0.05, 0.8, 0.3, 0.1, 0.2, 0.8 + 0.2 * 0.3),
    # neither part credible, even with A_D
    (0.2, 0.7, 0.5, 0.01, 0.05, 0.0),
]


@pytest.mark.parametrize(("full", "u", "r", "a", "added", "by_hand"), POINTS)
def test_the_rule_is_step_2_of_the_complete_information_game(
        full: float, u: float, r: float, a: float, added: float, by_hand: float) -> None:
    game = u * _imposes(full, a + added) + (1.0 - u) * r * _imposes(r * full, a + added)
    pi = float(sanctions_credibility(full, u, r, a, added))
    assert pi == pytest.approx(by_hand, abs=1e-12)
    assert pi == pytest.approx(game, abs=1e-12)


def test_no_audience_limit_means_every_threat_is_credible() -> None:
    pi = sanctions_credibility([0.0, 0.5, 10.0], 0.7, 0.4, np.inf)
    np.testing.assert_allclose(pi, 0.7 + 0.3 * 0.4)


def test_a_negative_added_audience_cost_is_an_error() -> None:
    with pytest.raises(ValueError, match="added_audience_cost must be >= 0"):
        sanctions_credibility(0.1, 0.5, 0.5, 0.1, [0.0, -0.01])


def _lever(effect: dict[str, float], cost: float, b: int) -> LeverArrays:
    return LeverArrays(id="sanctions", kind="sanctions", name="sanctions", low=0.0, high=1.0,
                       steps=None, default=None, issue=None, cost=np.full(b, cost),
                       paid_by=("d",), incurred="if_war",
                       effect={k: np.full(b, v) for k, v in effect.items()})


def test_apply_levers_prices_the_added_audience_cost() -> None:
    """The contradicting case through the lever: ``lam K = 0.8 x 0.1 = 0.08 > a = 0.05``, so
    the scenario alone makes the threat incredible (no sanctions cost); ``A_D = 0.029`` leaves
    ``A = 0.079 < 0.08``; with ``A_D = 0.08 >= lam K`` the coalition imposes what it holds
    together for, ``pi = u = 0.6``, and the challenger's cost rises by ``lam c_T pi = 0.8 x
    0.5 x 0.6``. The senders pay ``lam K`` on what they impose and ``A`` on what the
    coalition that holds would back down from (a split one has nothing left, ``r = 0``)."""
    lever = _lever({"unity": 0.6, "audience_cost": 0.05, "cost_to_challenger": 0.5}, 0.1, 3)
    p = np.full(3, 0.5)
    levels = np.array([[0.8]])
    before = apply_levers((lever,), levels, p, p, np.zeros(3))
    after = apply_levers((lever,), levels, p, p, np.zeros(3),
                         added_audience_cost=np.array([[0.0, 0.029, 0.08]]))
    np.testing.assert_array_equal(before.sanctions_credibility, 0.0)
    np.testing.assert_allclose(after.sanctions_credibility, [[0.0, 0.0, 0.6]])
    np.testing.assert_allclose(after.cost_challenger, [[0.0, 0.0, 0.8 * 0.5 * 0.6]])
    # backing down costs what the senders now face, a + A_D
    np.testing.assert_allclose(after.sanctions_sender_cost,
                               [[0.6 * 0.05, 0.6 * 0.079, 0.08 * 0.6]])
    held = apply_levers((lever,), levels, p, p, np.zeros(3),
                        added_audience_cost=np.array([[0.0, 0.0, 0.08]]),
                        coalition_held=np.array([[False, True, True]]))
    np.testing.assert_allclose(held.sanctions_credibility, [[0.0, 0.0, 1.0]])


def test_no_added_audience_cost_is_the_scenario_alone() -> None:
    effect = {"unity": np.array([0.3, 0.9]), "unity_at_low": np.array([0.8, 0.9]),
              "retained_if_split": np.array([0.5, 0.2]), "audience_cost": np.array([0.03, 1.0]),
              "cost_to_challenger": np.array([1.0, 1.0])}
    lam = np.linspace(0.0, 1.0, 9)[:, None]
    cost = np.array([0.1, 0.2])
    base = sanctions_threat(lam, effect, cost)
    zero = sanctions_threat(lam, effect, cost, np.zeros((1, 2)))
    for x, y in zip(base, zero, strict=True):
        np.testing.assert_array_equal(x, y)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0),
       st.floats(0.0, 0.5), st.floats(0.0, 0.5), st.floats(0.0, 0.5), st.floats(0.0, 1.0))
def test_more_accumulated_audience_cost_never_lowers_pi(
        lam: float, unity: float, unity_low: float, kept: float, audience: float,
        added: float, more: float, cost: float) -> None:
    """Tied hands (Fearon 1997): a sender whose backing down costs more is never less likely
    to carry out its threat, so ``pi`` never falls as ``A_D`` rises, nor does the sanctions
    cost the challenger expects."""
    effect = {"unity": np.array([unity]), "unity_at_low": np.array([unity_low]),
              "retained_if_split": np.array([kept]), "audience_cost": np.array([audience]),
              "cost_to_challenger": np.array([1.0])}
    lv = np.array([[lam]])
    low, _ = sanctions_threat(lv, effect, np.array([cost]), np.array([[added]]))
    high, _ = sanctions_threat(lv, effect, np.array([cost]), np.array([[added + more]]))
    assert float(high[0, 0]) >= float(low[0, 0]) - 1e-15
    rule = sanctions_credibility(lam * cost, unity, kept, audience, [added, added + more])
    assert rule[1] >= rule[0]
