"""Deterrence with one-sided incomplete information about the defender's resolve."""

from __future__ import annotations

import json

import numpy as np
import pytest

from detente.crisis import deterrence


def test_threshold_golden() -> None:
    """Morrow (1994, ch. 8): challenge iff (1 - q) win + q war >= status quo, so
    q* = (win - sq) / (win - war); win=1, sq=0, war=-.5 gives q* = 2/3."""
    result = deterrence(0.5)
    assert result.threshold == pytest.approx(2 / 3)
    assert result.challenges is True
    assert result.p_war == pytest.approx(0.5)  # P(challenge) * q
    assert result.p_defender_concedes == pytest.approx(0.5)
    deterred = deterrence(0.7)
    assert deterred.deterred is True
    assert deterred.p_war == 0.0 and deterred.p_status_quo == 1.0


def test_tie_at_threshold_counts_as_a_challenge() -> None:
    """Deterrence holds iff q > q*; at q = q* the challenger is indifferent and challenges."""
    result = deterrence(2 / 3)
    assert result.indifferent is True
    assert result.challenges is True and result.deterred is False


def test_irresolute_defender_never_deters_by_bluffing() -> None:
    """Sequential rationality: with q = 0 every defender concedes, so any challenger that
    prefers winning to the status quo challenges, whatever the defender 'threatens'."""
    result = deterrence(0.0, war=-100.0)
    assert result.challenges is True
    assert result.p_war == 0.0
    assert result.p_defender_concedes == 1.0


def test_back_down_lets_the_irresolute_defender_bluff() -> None:
    """A challenger that prefers backing down (-.2) to war (-.5) retreats whenever resisted,
    so resisting costs the irresolute defender nothing and it resists too (it prefers the
    challenger's retreat to conceding): challenging then earns -.2 < 0 at every q, and the
    challenger is deterred whatever it believes. Gambit finds the same equilibrium
    (tests/crisis/test_games_gambit.py); an earlier closed form had the irresolute type
    concede and gave q* = 1/1.2."""
    result = deterrence([0.0, 0.5, 0.9], back_down=-0.2)
    assert np.asarray(result.irresolute_resists).tolist() == [True, True, True]
    assert np.asarray(result.fights_if_resisted).tolist() == [False, False, False]
    assert np.asarray(result.deterred).tolist() == [True, True, True]
    assert np.all(np.isneginf(result.threshold))
    assert np.allclose(result.expected_utility_challenge, -0.2)
    assert np.allclose(result.p_war, 0.0) and np.allclose(result.p_status_quo, 1.0)


def test_a_called_bluff_needs_a_challenger_content_to_back_down() -> None:
    """If backing down still beats the status quo (-.2 > -.3), the challenger challenges at
    every q, every defender resists, and the challenger backs down: no war, no concession."""
    result = deterrence([0.0, 0.5, 1.0], status_quo=-0.3, back_down=-0.2)
    assert np.asarray(result.challenges).tolist() == [True, True, True]
    assert np.all(np.isposinf(result.threshold))
    assert np.allclose(result.p_challenger_backs_down, 1.0)
    assert np.allclose(result.p_defender_concedes, 0.0) and np.allclose(result.p_war, 0.0)


def test_a_challenger_that_would_fight_makes_back_down_irrelevant() -> None:
    """With war (-.5) preferred to backing down (-1) the game is the one without the option:
    the irresolute defender concedes and q* = 2/3 (Morrow 1994, ch. 8)."""
    with_option = deterrence([0.5, 0.7], back_down=-1.0)
    without = deterrence([0.5, 0.7])
    assert np.asarray(with_option.irresolute_resists).tolist() == [False, False]
    for field in ("threshold", "p_war", "p_defender_concedes", "p_status_quo"):
        assert np.allclose(getattr(with_option, field), getattr(without, field)), field


def test_bluffing_result_round_trips_through_json() -> None:
    payload = deterrence(np.linspace(0, 1, 3), back_down=-0.2).to_dict()
    assert payload["threshold"] == [None, None, None]  # -inf is not JSON
    assert json.loads(json.dumps(payload, allow_nan=False)) == payload


def test_threshold_outside_unit_interval() -> None:
    never = deterrence(0.0, status_quo=1.5)
    assert never.threshold < 0 and never.deterred is True
    always = deterrence(1.0, war=0.2)
    assert always.threshold > 1 and always.challenges is True


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"p_resolved": 1.1}, "p_resolved"), ({"p_resolved": 0.5, "war": 2.0}, "win")],
)
def test_invalid_inputs_raise(kwargs: dict[str, float], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        deterrence(**kwargs)


def test_result_round_trips_through_json() -> None:
    payload = deterrence(np.linspace(0, 1, 5)).to_dict()
    assert json.loads(json.dumps(payload, allow_nan=False)) == payload
