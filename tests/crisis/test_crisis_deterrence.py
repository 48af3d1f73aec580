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


def test_back_down_option_removes_war() -> None:
    """A challenger that prefers backing down (-.2) to war (-.5) probes: q* = 1/1.2."""
    result = deterrence([0.5, 0.9], back_down=-0.2)
    assert result.threshold == pytest.approx([1 / 1.2, 1 / 1.2])
    assert np.allclose(result.p_war, 0.0)
    assert np.allclose(result.p_challenger_backs_down, [0.5, 0.0])
    assert np.asarray(result.fights_if_resisted).tolist() == [False, False]


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
