"""Golden values of the baselines on the EC car-emissions case."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente import forecast, load
from detente.models.median import weighted_median


def test_ec_emissions_round_zero(reference_dir) -> None:  # type: ignore[no-untyped-def]
    """Round-0 baselines of Bueno de Mesquita's EC emissions case (Scholz, Calbert & Smith
    2011, Table 1; reference README: weighted mean 7.389956, weighted median 7.0)."""
    s = load(reference_dir / "eum" / "ExampleActors.csv")
    report = forecast(s, ["compromise", "median", "mean"])
    assert report.result("compromise").forecast("issue") == pytest.approx(7.389956, abs=5e-7)
    assert report.result("median").forecast("issue") == 7.0
    assert report.result("mean").forecast("issue") == pytest.approx(6.7)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.01, 10)), min_size=1, max_size=30))
def test_weighted_median_is_a_condorcet_winner(actors: list[tuple[float, float]]) -> None:
    """Property (Black 1948): no position beats the weighted median by a weighted majority."""
    pos = np.array([[p] for p, _ in actors])
    w = np.array([[wt] for _, wt in actors])
    m = weighted_median(pos, w)[0]
    total = w.sum()
    for challenger in np.linspace(0, 100, 41):
        prefer = np.abs(pos[:, 0] - challenger) < np.abs(pos[:, 0] - m)
        assert w[prefer, 0].sum() <= total / 2 + 1e-9
