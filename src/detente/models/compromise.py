"""Compromise model: the capability × salience weighted mean of positions.

Reference: the "compromise model" of van den Bos (1991) and Achen (2006), "Institutional
realism and bargaining models", in Thomson, Stokman, Achen & König (eds.), *The European Union
Decides*, eq. (2.1): x* = Σ c_i s_i x_i / Σ c_i s_i. It is also the "Mean position" that
Bueno de Mesquita's expected-utility model prints in round 0 (EC emissions: 7.389956).
"""

from __future__ import annotations

import numpy as np

from detente.models.base import (
    FloatArray,
    ModelConfig,
    ModelInfo,
    ScenarioArrays,
    Solution,
)


class Config(ModelConfig):
    """The compromise model has no parameters."""


def weighted_mean(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Weighted mean over the actor axis (-2) of ``position`` (..., n, k).

    Issues on which every weight is zero fall back to the unweighted mean.
    """
    total = weight.sum(axis=-2)
    plain = position.mean(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (weight * position).sum(axis=-2) / total
    return np.asarray(np.where(total > 0, mean, plain), dtype=float)


def influence(arrays: ScenarioArrays) -> FloatArray:
    """Capability × salience, shaped like ``position``."""
    return arrays.capability[..., :, None] * arrays.salience


def forecast_batch(arrays: ScenarioArrays, config: Config, rng: np.random.Generator
                   ) -> FloatArray:
    return weighted_mean(arrays.position, influence(arrays))


def solve(arrays: ScenarioArrays, config: Config, rng: np.random.Generator) -> Solution:
    forecast = forecast_batch(arrays, config, rng)
    return Solution(forecast=forecast, history=[arrays.position[:, [k]].T
                                                for k in range(arrays.n_issues)],
                    stop_reason="closed form", rounds=0)


INFO = ModelInfo(
    name="compromise",
    title="Compromise (capability × salience weighted mean)",
    reference="Achen (2006), The European Union Decides, ch. 4, eq. 2.1; van den Bos (1991)",
    stochastic=False,
    config=Config,
    solve=solve,
    forecast_batch=forecast_batch,
)
