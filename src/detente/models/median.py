"""Weighted median: the one-dimensional Condorcet winner under salience-weighted voting.

With single-peaked preferences on a line, the position that no majority of votes (weights
c_i × s_i) prefers to move away from is the weighted median (Black 1948, "On the rationale of
group decision-making", J. Political Economy 56(1); the weighting as in Bueno de Mesquita
(1994), "Political forecasting: an expected utility method", where it is the round-0 "median
voter" position; EC emissions: 7.0).

Convention: the median is the smallest position at which the cumulative weight reaches half of
the total. With an exact tie (cumulative weight exactly half) that is the lower of the two
median positions.
"""

from __future__ import annotations

import numpy as np

from detente.models.base import FloatArray, ModelConfig, ModelInfo, ScenarioArrays, Solution
from detente.models.compromise import influence


class Config(ModelConfig):
    """The weighted median has no parameters."""


def weighted_median(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Weighted median over the actor axis (-2) of ``position`` (..., n, k)."""
    order = np.argsort(position, axis=-2, kind="stable")
    pos = np.take_along_axis(position, order, axis=-2)
    cum = np.cumsum(np.take_along_axis(weight, order, axis=-2), axis=-2)
    half = 0.5 * cum[..., -1:, :]
    # the relative tolerance keeps an exact half (up to rounding) on the lower position
    reached = cum >= half * (1 - 1e-12)
    first = np.argmax(reached, axis=-2)[..., None, :]
    return np.take_along_axis(pos, first, axis=-2)[..., 0, :]


def forecast_batch(arrays: ScenarioArrays, config: Config, rng: np.random.Generator
                   ) -> FloatArray:
    weight = influence(arrays)
    # an issue nobody cares about: every vote counts the same
    weight = np.where(weight.sum(axis=-2, keepdims=True) > 0, weight, 1.0)
    return weighted_median(arrays.position, weight)


def solve(arrays: ScenarioArrays, config: Config, rng: np.random.Generator) -> Solution:
    return Solution(forecast=forecast_batch(arrays, config, rng),
                    history=[arrays.position[:, [k]].T for k in range(arrays.n_issues)],
                    stop_reason="closed form", rounds=0)


INFO = ModelInfo(
    name="median",
    title="Weighted median (salience-weighted Condorcet winner)",
    reference="Black (1948), JPE 56(1); Bueno de Mesquita (1994), round-0 median voter",
    stochastic=False,
    config=Config,
    solve=solve,
    forecast_batch=forecast_batch,
)
