"""The sanctions threat game: complete-information backward induction and the PBE."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from detente.crisis import (
    GAME_OUTCOMES,
    TIES_OUTCOMES,
    sanctions_complete_information,
    sanctions_incomplete_information,
)

positive = st.floats(0.01, 3.0)
nonnegative = st.floats(0.0, 3.0)
share = st.floats(0.01, 0.99)


def test_ties_codes_follow_the_codebook() -> None:
    """Morgan, Bapat and Kobayashi (2014), TIES final-outcome codes used by the game."""
    assert TIES_OUTCOMES[2] == "Complete acquiescence by target to threat"
    assert TIES_OUTCOMES[3] == "Capitulation by sender in threat stage"
    assert TIES_OUTCOMES[7] == "Total acquiescence by target after imposition"
    assert TIES_OUTCOMES[9] == "Stalemate after imposition"
    assert GAME_OUTCOMES == (0, 2, 3, 7, 9)


def test_complete_information_outcomes() -> None:
    """v_S=1, c_S=.2, a=.3, v_T=.5, lam=.25 (give-in threshold .5/.75 = 2/3):
    a target with c_T=.1 would endure, so no threat is made; c_T >= .5 acquiesces."""
    result = sanctions_complete_information(1.0, 0.2, 0.3, 0.5, [0.1, 0.5, 0.8, 2.0])
    assert np.asarray(result.outcome).tolist() == [0, 2, 2, 2]
    assert np.asarray(result.target_gives_in_if_imposed).tolist() == [False, False, True, True]
    assert not np.any(result.imposed)
    # An irresolute sender (imposing costs more than stake + audience cost) is defied.
    empty = sanctions_complete_information(1.0, 2.0, 0.3, 0.5, 2.0)
    assert empty.sender_imposes_if_defied is False
    assert empty.outcome == 0  # threatening would only earn -audience_cost


@settings(max_examples=150, deadline=None)
@given(positive, nonnegative, nonnegative, positive, nonnegative, share)
def test_complete_information_never_imposes_on_the_path(
    v_s: float, c_s: float, a: float, v_t: float, c_t: float, lam: float
) -> None:
    """Drezner (1999); Lacy and Niou (2004): with complete information and costly sanctions,
    sanctions that would work succeed at the threat stage and others are not threatened."""
    result = sanctions_complete_information(v_s, c_s, a, v_t, c_t, interim_share=lam)
    assert result.imposed is False
    assert result.p_imposed == 0.0
    assert result.outcome in (0, 2)


@settings(max_examples=150, deadline=None)
@given(positive, nonnegative, positive, st.floats(0.0, 1.0), share)
def test_a_target_that_would_endure_still_yields_to_a_credible_threat(
    v_s: float, a: float, v_t: float, where: float, lam: float
) -> None:
    """docs/crisis-model.md section 5: a target with v_T <= c_T < v_T / (1 - lam) endures
    sanctions once imposed, yet complies with a threat the sender would carry out."""
    c_t = v_t + where * (v_t / (1.0 - lam) - v_t) * 0.999
    c_s = 0.5 * a  # the sender imposes when defied: -c_S >= -a
    result = sanctions_complete_information(v_s, c_s, a, v_t, c_t, interim_share=lam)
    assert result.target_gives_in_if_imposed is False
    assert result.sender_imposes_if_defied is True
    assert result.outcome == 2


def test_incomplete_information_produces_imposition() -> None:
    result = sanctions_incomplete_information(1.0, 0.2, 0.3, 0.5, stats.uniform(0, 1.5), 0.5)
    assert result.p_imposed > 0.0
    assert result.outcome_probabilities[9] > 0.0  # stalemates happen
    assert result.outcome_probabilities[7] > 0.0  # and so do late capitulations
    assert result.p_imposed == pytest.approx(
        result.outcome_probabilities[7] + result.outcome_probabilities[9]
    )


def test_semi_separating_equilibrium_makes_the_bluffer_indifferent() -> None:
    """In the semi-separating PBE acquiescence equals a / (v_S + a), leaving the irresolute
    sender indifferent; with sampled costs the marginal target type mixes to get there."""
    result = sanctions_incomplete_information(1.0, 0.2, 0.3, 0.5, np.linspace(0, 1.5, 7), 0.3)
    assert result.equilibrium == "semi-separating"
    assert result.p_acquiesce_given_threat == pytest.approx(0.3 / 1.3)
    assert 0.0 < result.p_threat_irresolute < 1.0
    assert result.credibility is not None and result.credibility > 0.3
    assert result.payoff_irresolute_sender == pytest.approx(0.0, abs=1e-12)


def test_equilibrium_types_by_prior() -> None:
    dist = stats.uniform(0, 1.5)
    labels = [
        sanctions_incomplete_information(1.0, 0.2, 0.3, 0.5, dist, r).equilibrium
        for r in (0.0, 0.5, 0.9)
    ]
    assert labels == ["no threat", "semi-separating", "pooling"]
    weak = sanctions_incomplete_information(1.0, 0.2, 3.0, 0.5, [0.1, 0.6], 0.5)
    assert weak.equilibrium == "separating"  # bluffing never pays against these targets


@settings(max_examples=150, deadline=None)
@given(positive, st.floats(0.0, 1.0), positive, nonnegative, share, st.sampled_from([0.0, 1.0]))
def test_known_sender_and_target_reduce_to_complete_information(
    v_s: float, c_fraction: float, v_t: float, c_t: float, lam: float, r: float
) -> None:
    a = 0.5
    c_s = c_fraction * a if r == 1.0 else v_s + a + 1.0  # resolved / irresolute sender
    complete = sanctions_complete_information(v_s, c_s, a, v_t, c_t, interim_share=lam)
    pbe = sanctions_incomplete_information(v_s, min(c_s, a), a, v_t, c_t, r, interim_share=lam)
    for code in GAME_OUTCOMES:
        assert pbe.outcome_probabilities[code] == pytest.approx(
            complete.outcome_probabilities[code]
        )


@settings(max_examples=150, deadline=None)
@given(
    positive,
    st.floats(0.0, 1.0),
    nonnegative,
    positive,
    st.lists(st.floats(0.0, 3.0), min_size=1, max_size=8),
    st.floats(0.0, 1.0),
    share,
)
def test_outcome_probabilities_form_a_distribution(
    v_s: float,
    c_fraction: float,
    a: float,
    v_t: float,
    costs: list[float],
    r: float,
    lam: float,
) -> None:
    result = sanctions_incomplete_information(
        v_s, c_fraction * a, a, v_t, costs, r, interim_share=lam
    )
    probs = np.array(list(result.outcome_probabilities.values()))
    assert np.all(probs >= -1e-12)
    assert probs.sum() == pytest.approx(1.0)
    assert 0.0 <= result.p_imposed <= result.p_threat + 1e-12


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((0.0, 0.2, 0.3, 0.5, 1.0), "stake_sender"),
        ((1.0, -0.2, 0.3, 0.5, 1.0), "cost_sender"),
        ((1.0, 0.2, 0.3, 0.0, 1.0), "cost_compliance"),
        ((1.0, 0.2, 0.3, 0.5, -1.0), "cost_target"),
    ],
)
def test_invalid_inputs_raise(args: tuple[float, ...], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        sanctions_complete_information(*args)


def test_incomplete_information_validation() -> None:
    with pytest.raises(ValueError, match="audience_cost"):
        sanctions_incomplete_information(1.0, 0.5, 0.3, 0.5, [1.0], 0.5)
    with pytest.raises(ValueError, match="p_resolved"):
        sanctions_incomplete_information(1.0, 0.2, 0.3, 0.5, [1.0], 1.5)
    with pytest.raises(ValueError, match="interim_share"):
        sanctions_complete_information(1.0, 0.2, 0.3, 0.5, 1.0, interim_share=1.0)


def test_results_round_trip_through_json() -> None:
    for result in (
        sanctions_complete_information(1.0, 0.2, 0.3, 0.5, [0.1, 2.0]),
        sanctions_incomplete_information(1.0, 0.2, 0.3, 0.5, stats.uniform(0, 1.5), 0.5),
        sanctions_incomplete_information(1.0, 0.2, 0.3, 0.5, [0.1], 0.0),
    ):
        payload = result.to_dict()
        assert json.loads(json.dumps(payload, allow_nan=False)) == payload
