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


def _scipy_nash(arrays: ScenarioArrays) -> float:
    """An independent check: the Nash log-product maximised by Nelder-Mead from many
    starting points inside the box (the best value found)."""
    from scipy.optimize import minimize

    span = arrays.upper - arrays.lower
    w = arrays.salience / span
    base = (w * np.abs(arrays.status_quo - arrays.position)).sum(-1)

    def neg(x: np.ndarray) -> float:
        gain = base - (w * np.abs(x - arrays.position)).sum(-1)
        return float(-(arrays.capability * np.log(np.maximum(gain, 1e-300))).sum())

    rng = np.random.default_rng(0)
    best = np.inf
    for start in rng.uniform(arrays.lower, arrays.upper, size=(12, arrays.n_issues)):
        res = minimize(neg, start, method="Nelder-Mead",
                       options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20_000})
        best = min(best, float(res.fun))
    return -best


def test_batch_equals_one_draw_at_a_time_and_beats_a_multistart_search() -> None:
    """forecast_batch solves every draw together; each draw's outcome equals the one-draw
    solution to 1e-9, and its Nash log-product is at least what a 12-start Nelder-Mead search
    on the same objective finds (so the barrier method reaches the maximum)."""
    from detente.models import nbs
    from detente.models._nbs_batch import _Problem, nash_log_product
    from detente.sampling import draw
    from detente.scenario import load

    arrays = draw(load("ukraine-2022"), 3, 0, 3).arrays()
    batch = nbs.forecast_batch(arrays, nbs.Config(), np.random.default_rng(0))
    for b in range(arrays.capability.shape[0]):
        one = arrays.draw(b)
        x, _ = nash_bargain(one)
        assert np.abs(batch[b] - x).max() < 1e-9
        span = one.upper - one.lower
        w = one.salience / span
        pr = _Problem(w=w[None], a=one.position[None], c=one.capability[None],
                      base=(w * np.abs(one.status_quo - one.position)).sum(-1)[None],
                      lo=one.lower, hi=one.upper)
        assert float(nash_log_product(pr, x[None])[0]) >= _scipy_nash(one) - 1e-9
