"""Summaries: quantiles right on known distributions; two camps flagged, one hump not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from detente.sweep import bimodality, summarize


def test_quantiles_of_a_known_sample_are_exact() -> None:
    x = np.arange(101, dtype=float)  # 0..100: the p-quantile is 100 p exactly
    (s,) = summarize({"x": x})
    assert (s.q05, s.q25, s.q50, s.q75, s.q95) == (5.0, 25.0, 50.0, 75.0, 95.0)
    assert s.mean == 50.0 and s.n == 101 and s.missing == 0


def test_quantiles_of_a_known_distribution() -> None:
    # a normal sample through its exact quantiles: the sample quantiles match to sampling error
    rng = np.random.default_rng(0)
    x = rng.normal(10.0, 2.0, 200_000)
    s = summarize({"x": x})["x"]
    for q, got in zip((0.05, 0.25, 0.5, 0.75, 0.95), (s.q05, s.q25, s.q50, s.q75, s.q95),
                      strict=True):
        assert got == pytest.approx(stats.norm(10, 2).ppf(q), abs=0.03)
    assert s.mean == pytest.approx(10, abs=0.02) and s.std == pytest.approx(2, abs=0.02)
    assert s.bimodal is None


def test_nan_draws_are_counted_not_summarised() -> None:
    x = np.array([1.0, 2.0, 3.0, np.nan])
    s = summarize({"x": x, "none": np.full(3, np.nan)})
    assert s["x"].missing == 1 and s["x"].q50 == 2.0
    assert s["none"].n == 0 and s["none"].to_dict()["mean"] is None


def test_two_camps_are_flagged_with_modes_and_shares() -> None:
    rng = np.random.default_rng(1)
    n = 20_000
    camp = rng.random(n) < 0.3
    x = np.where(camp, rng.normal(80, 4, n), rng.normal(25, 6, n))
    b = bimodality(x)
    assert b is not None
    (low, high) = b.camps
    assert low.mode == pytest.approx(25, abs=1.5) and high.mode == pytest.approx(80, abs=1.5)
    assert low.share == pytest.approx(0.7, abs=0.01) and high.share == pytest.approx(0.3, abs=0.01)
    assert 40 < b.antimode < 70
    summary = summarize({"forecast.x": x})
    (message,) = summary.warnings()
    assert "70% of draws near" in message and "30% near" in message
    assert "a median between two camps describes neither" in message


@pytest.mark.parametrize("make", [
    lambda r, n: r.normal(0, 1, n),
    lambda r, n: r.random(n),                          # flat: no camps, just no peak
    lambda r, n: r.lognormal(0, 1, n),                 # skewed
    lambda r, n: r.standard_t(3, n),                   # heavy tails
    lambda r, n: r.triangular(0, 20, 100, n),
    lambda r, n: np.where(r.random(n) < 0.5, 5.0, r.normal(5, 2, n)),  # a point mass
    lambda r, n: (r.random(n) < 0.4).astype(float),    # an indicator: its mean is the answer
], ids=["normal", "uniform", "lognormal", "t3", "triangular", "pointmass", "indicator"])
def test_one_hump_is_not_flagged(make) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(7)
    for n in (500, 5_000, 50_000):
        assert bimodality(make(rng, n)) is None


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(500, 5_000),
       scale=st.floats(0.01, 1e4))
def test_normal_samples_are_never_bimodal(seed: int, n: int, scale: float) -> None:
    x = np.random.default_rng(seed).normal(3 * scale, scale, n)
    assert bimodality(x) is None


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), share=st.floats(0.15, 0.85),
       gap=st.floats(6, 20))
def test_separated_camps_are_always_bimodal(seed: int, share: float, gap: float) -> None:
    rng = np.random.default_rng(seed)
    n = 4_000
    x = np.where(rng.random(n) < share, rng.normal(0, 1, n), rng.normal(gap, 1.5, n))
    b = bimodality(x)
    assert b is not None
    assert b.camps[0].share == pytest.approx(float(np.mean(x < b.antimode)))
    assert b.camps[0].share == pytest.approx(share, abs=0.05)
