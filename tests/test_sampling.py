"""Joint sampling: draws are reproducible under any chunking, stay within their ranges, and
follow their distributions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.sampling import correlation_matrix, draw, uncertain_inputs
from detente.scenario import Scenario, load
from tests.strategies import scenarios


def test_chunks_reproduce_one_run() -> None:
    s = load("ukraine-2022")
    whole = draw(s, 11, 0, 1000).values
    parts = np.vstack([draw(s, 11, a, b).values for a, b in [(0, 1), (1, 377), (377, 1000)]])
    assert np.array_equal(whole, parts)
    assert not np.array_equal(whole, draw(s, 12, 0, 1000).values)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32))
def test_draws_stay_in_range(s: Scenario, seed: int) -> None:
    d = draw(s, seed, 0, 64)
    for j, inp in enumerate(d.inputs):
        col = d.values[:, j]
        assert (col >= inp.quantity.low - 1e-9).all() and (col <= inp.quantity.high + 1e-9).all()
    arrays = d.arrays()
    assert arrays.capability.shape == (64, len(s.actors))
    assert arrays.salience.max() <= 1.0 + 1e-12


def test_distributions_have_their_moments() -> None:
    s = load("ukraine-2022")
    d = draw(s, 0, 0, 40_000)
    for j, inp in enumerate(d.inputs):
        q = inp.quantity
        if q.triangular is not None:
            lo, mode, hi = q.triangular
            assert d.values[:, j].mean() == pytest.approx((lo + mode + hi) / 3, abs=0.15 *
                                                          max(hi - lo, 1e-9) / 3)


def test_correlation_is_imposed() -> None:
    s = load("ukraine-2022")
    inputs = uncertain_inputs(s)
    a, b = inputs[0].name, inputs[1].name
    corr = correlation_matrix(inputs, {(a, b): 0.8})
    d = draw(s, 3, 0, 20_000, correlation=corr)
    ranks = np.argsort(np.argsort(d.values[:, :2], axis=0), axis=0)
    rho = np.corrcoef(ranks.T)[0, 1]
    assert rho == pytest.approx(0.8, abs=0.03)
    with pytest.raises(ValueError, match="positive definite"):
        correlation_matrix(inputs, {(a, b): 0.9, (a, inputs[2].name): 0.9,
                                    (b, inputs[2].name): -0.9})
