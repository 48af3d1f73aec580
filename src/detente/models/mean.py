"""Unweighted mean of positions: the naive baseline every model should beat.

Reference: used as the reference point in Thomson et al. (2006), *The European Union
Decides*, ch. 10 ("mean of the actors' positions").
"""

from __future__ import annotations

import numpy as np

from detente.models.base import FloatArray, ModelConfig, ModelInfo, ScenarioArrays, Solution


class Config(ModelConfig):
    """The mean has no parameters."""


def forecast_batch(arrays: ScenarioArrays, config: Config, rng: np.random.Generator
                   ) -> FloatArray:
    return np.asarray(arrays.position.mean(axis=-2), dtype=float)


def solve(arrays: ScenarioArrays, config: Config, rng: np.random.Generator) -> Solution:
    return Solution(forecast=forecast_batch(arrays, config, rng),
                    history=[arrays.position[:, [k]].T for k in range(arrays.n_issues)],
                    stop_reason="closed form", rounds=0)


INFO = ModelInfo(
    name="mean",
    title="Unweighted mean of positions",
    reference="Thomson, Stokman, Achen & König (2006), The European Union Decides, ch. 10",
    stochastic=False,
    config=Config,
    solve=solve,
    forecast_batch=forecast_batch,
    needs=("position",),
)
