"""Nash bargaining solution: closed-form cases of the weighted Nash product (Kalai 1977)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.models.base import ScenarioArrays
from detente.models.nbs import nash_bargain


def _arrays(cap: list[float], pos: list[list[float]], sal: list[list[float]],
            sq: list[float]) -> ScenarioArrays:
    k = len(sq)
    return ScenarioArrays(tuple(f"a{i}" for i in range(len(cap))), tuple(f"i{j}" for j in
                          range(k)), np.array(cap, float), np.array(pos, float),
                          np.array(sal, float), np.zeros(k), np.full(k, 100.0),
                          np.array(sq, float))


@pytest.mark.parametrize("c2, expected", [(1.0, 60.0), (2.0, 80.0)])
def test_one_issue_closed_form(c2: float, expected: float) -> None:
    """Status quo 0, ideals 60 and 100: for x >= 60 the gains are 120 - x and x, so
    argmax log(120 - x) + c2 log x = 120 c2 / (1 + c2), but never below 60."""
    x, why = nash_bargain(_arrays([1.0, c2], [[60], [100]], [[1], [1]], [0.0]))
    assert x[0] == pytest.approx(max(60.0, 120 * c2 / (1 + c2)), abs=1e-5)
    assert x[0] == pytest.approx(expected, abs=1e-5)
    assert why == "Nash product maximised"


def test_status_quo_pareto_optimal() -> None:
    """Actors on both sides of the status quo in one dimension: unanimity moves nothing."""
    x, why = nash_bargain(_arrays([1, 1], [[10], [90]], [[1], [1]], [50.0]))
    assert x[0] == 50.0 and "Pareto-optimal" in why


def test_logroll_across_issues() -> None:
    """Each actor cares mostly about a different issue; jointly both gain by trading, so the
    solution moves both issues towards the actor that cares more about each."""
    x, _ = nash_bargain(_arrays([1, 1], [[100, 0], [0, 100]], [[0.9, 0.1], [0.1, 0.9]],
                                [50.0, 50.0]))
    assert x[0] > 90 and x[1] > 90
