"""Sampling of uncertain numbers without scipy.stats (issue #12: a sweep worker no longer pays
for importing it): the triangular inverse CDF in numpy against scipy's own, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from detente.scenario import load
from detente.scenario.values import triangular_ppf


@pytest.mark.parametrize(("low", "mode", "high"), [
    (60.0, 80.0, 95.0), (0.0, 0.0, 1.0), (0.0, 1.0, 1.0), (-3.5, 0.25, 7.0), (0.1, 0.2, 0.3),
    (10.0, 10.0, 30.0), (1e-9, 5e-9, 1e-8)])
def test_triangular_ppf_is_scipys_to_the_last_bit(low: float, mode: float, high: float) -> None:
    u = np.random.default_rng(3).random(20_000)
    u[:6] = [0.0, 1.0, 0.5, np.nextafter(1.0, 0.0), 5e-324, (mode - low) / (high - low)]
    ours = triangular_ppf(u, low, mode, high)
    theirs = stats.triang((mode - low) / (high - low), loc=low, scale=high - low).ppf(u)
    np.testing.assert_array_equal(ours, theirs)
    assert ours[0] == low and ours[1] == high


def test_outside_the_unit_interval_is_not_a_number() -> None:
    assert np.isnan(triangular_ppf(np.array([-0.1, 1.1, np.nan]), 0.0, 1.0, 2.0)).all()


def test_every_builtin_triangular_samples_as_scipy_did() -> None:
    u = np.random.default_rng(8).random(500)
    count = 0
    for name in ("ukraine-2022", "crimea-2014", "georgia-2008", "belarus-2020"):
        for _, q in load(name).quantities():
            if q.triangular is None:
                continue
            lo, mode, hi = q.triangular
            expected = stats.triang((mode - lo) / (hi - lo), loc=lo, scale=hi - lo).ppf(u)
            np.testing.assert_array_equal(q.ppf(u), expected)
            count += 1
    assert count > 50


def test_copula_normals_are_scipy_stats_norms() -> None:
    """sampling.correlate uses scipy.special's ndtri/ndtr as scipy.stats.norm does."""
    from detente.sampling import correlate

    u = np.random.default_rng(4).random((3000, 3))
    u[0] = [0.5, 0.0, 1.0]
    corr = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]])
    chol = np.linalg.cholesky(corr)
    z = stats.norm.ppf(np.clip(u, 1e-16, 1 - 1e-16))
    expected = np.zeros_like(z)
    for j, k in zip(*np.nonzero(chol.T), strict=True):
        expected[:, k] += z[:, j] * chol.T[j, k]
    np.testing.assert_array_equal(correlate(u, corr), stats.norm.cdf(expected))
