"""The one contract every negotiation model follows.

A model is a module with

* ``INFO``: a :class:`ModelInfo` (name, reference, stochastic or not, inputs it needs, its
  config class);
* ``solve(arrays, config, rng) -> Solution``: pure array code on :class:`ScenarioArrays`;
* it is listed in :mod:`detente.models.registry`.

:func:`run` turns a scenario into arrays, calls the model's ``solve`` and wraps the answer in a
:class:`ForecastResult`, so every model is run, stored and reported the same way.

Positions in arrays are in each issue's own units; saliences are fractions (0..1, the file's
0..100 divided by 100); capabilities are as given.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict

from detente.scenario.arrays import FloatArray as FloatArray
from detente.scenario.arrays import ScenarioArrays as ScenarioArrays
from detente.scenario.arrays import scenario_arrays as scenario_arrays
from detente.scenario.schema import Scenario


class ModelConfig(BaseModel):
    """Base of every model's configuration: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class Solution:
    """What a model's ``solve`` returns, for one scenario (unbatched).

    ``history[k]`` is an array (rounds, n_actors) of positions on issue ``k`` in its units,
    round 0 being the initial positions. ``forecast`` has one number per issue.
    ``converged[k]`` says whether an iterative model met its stopping rule on issue ``k``
    (False: it stopped at its round limit); ``None`` for a model that does not iterate.
    """

    forecast: FloatArray
    history: list[FloatArray]
    stop_reason: str
    rounds: int
    diagnostics: dict[str, Any] = field(default_factory=dict)
    converged: list[bool] | None = None


class Solver(Protocol):
    def __call__(self, arrays: ScenarioArrays, config: Any, rng: np.random.Generator
                 ) -> Solution: ...


class BatchSolver(Protocol):
    def __call__(self, arrays: ScenarioArrays, config: Any, rng: np.random.Generator
                 ) -> FloatArray: ...


@dataclass(frozen=True)
class ModelInfo:
    """Declared metadata of a model, read by tests, the CLI and reports."""

    name: str
    title: str
    reference: str
    stochastic: bool
    config: type[ModelConfig]
    solve: Solver
    # forecast_batch(arrays with a leading batch axis) -> (B, k) forecasts
    forecast_batch: BatchSolver
    needs: tuple[str, ...] = ("capability", "position", "salience")
    issues: Literal["independent", "joint"] = "independent"
    min_actors: int = 1
    max_actors: int | None = None
    readings: tuple[str, ...] = ()


class IssueForecast(BaseModel):
    """One issue's forecast and the round-by-round positions that led to it."""

    model_config = ConfigDict(frozen=True)

    id: str
    forecast: float
    history: list[list[float]]
    #: False when the model stopped at its round limit on this issue without converging;
    #: None for a model that does not iterate (closed forms, optimisers)
    converged: bool | None = None


class ForecastResult(BaseModel):
    """A model's answer on one scenario. Reports, CLI and web only consume this."""

    model_config = ConfigDict(frozen=True)

    model: str
    scenario: str
    seed: int | None
    actors: list[str]
    config: dict[str, Any]
    issues: list[IssueForecast]
    stop_reason: str
    rounds: int
    diagnostics: dict[str, Any] = {}
    #: False when the model stopped at its round limit on at least one issue without
    #: converging (see each issue's ``converged``); None for a model that does not iterate
    converged: bool | None = None

    def unconverged(self) -> list[str]:
        """The issues on which the model stopped at its round limit without converging."""
        return [i.id for i in self.issues if i.converged is False]

    def forecast(self, issue_id: str) -> float:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue.forecast
        raise KeyError(issue_id)

    def to_frame(self) -> Any:
        """Long table: one row per (issue, round, actor) position."""
        import pandas as pd

        rows = [
            (self.model, issue.id, rnd, actor, pos)
            for issue in self.issues
            for rnd, positions in enumerate(issue.history)
            for actor, pos in zip(self.actors, positions, strict=True)
        ]
        return pd.DataFrame(rows, columns=["model", "issue", "round", "actor", "position"])

    def forecast_frame(self) -> Any:
        """One row per issue: the forecast."""
        import pandas as pd

        return pd.DataFrame({"model": self.model, "issue": [i.id for i in self.issues],
                             "forecast": [i.forecast for i in self.issues]})

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> ForecastResult:
        return cls.model_validate_json(text)


def run_model(info: ModelInfo, scenario: Scenario, *, config: ModelConfig | None = None,
              rng: np.random.Generator, seed: int | None = None) -> ForecastResult:
    """Run one model on a scenario's point estimates."""
    cfg = config if config is not None else info.config()
    if not isinstance(cfg, info.config):
        raise TypeError(f"model {info.name!r} takes a {info.config.__name__}, "
                        f"not a {type(cfg).__name__}")
    n = len(scenario.actors)
    if n < info.min_actors or (info.max_actors is not None and n > info.max_actors):
        upper = info.max_actors if info.max_actors is not None else "any number of"
        raise ModelInputError(f"model {info.name!r} needs {info.min_actors} to {upper} actors; "
                              f"scenario {scenario.id!r} has {n}")
    arrays = scenario_arrays(scenario)
    solution = info.solve(arrays, cfg, rng)
    check_finite(info.name, arrays, solution.forecast)
    converged: list[bool | None] = ([None] * arrays.n_issues if solution.converged is None
                                    else list(solution.converged))
    return ForecastResult(
        model=info.name,
        scenario=scenario.id,
        seed=seed,
        actors=list(arrays.actor_ids),
        config=cfg.model_dump(mode="json"),
        issues=[
            IssueForecast(id=iid, forecast=float(solution.forecast[k]),
                          history=np.asarray(solution.history[k], dtype=float).tolist(),
                          converged=converged[k])
            for k, iid in enumerate(arrays.issue_ids)
        ],
        stop_reason=solution.stop_reason,
        rounds=solution.rounds,
        diagnostics=_jsonable(solution.diagnostics),
        converged=None if solution.converged is None else all(solution.converged),
    )


def check_finite(model: str, arrays: ScenarioArrays, forecast: FloatArray) -> None:
    """A forecast that is not a number (0/0, overflow) is the scenario's problem, said so
    with its likely cause, never printed as ``nan`` or ``inf``."""
    bad = [iid for iid, f in zip(arrays.issue_ids, np.asarray(forecast, dtype=float),
                                 strict=True) if not np.isfinite(f)]
    if not bad:
        return
    numbers = np.concatenate([arrays.capability.ravel(), arrays.position.ravel()])
    largest = float(np.max(np.abs(numbers))) if numbers.size else 0.0
    if not np.any(arrays.capability > 0):
        why = "every actor's capability is 0"
    elif largest > 1e100:
        why = (f"numbers as large as {largest:.3g} overflow the arithmetic; rescale them "
               "(only ratios of capabilities matter)")
    elif np.any(np.all(arrays.salience <= 0, axis=0)):
        why = "every actor's salience is 0 on an issue"
    else:
        why = "the inputs leave it undefined"
    raise ModelInputError(f"model {model!r} gives no finite forecast on {', '.join(bad)}: "
                          f"{why}")


class ModelInputError(ValueError):
    """The scenario does not suit the model (too few actors, missing inputs)."""


_PLAIN = (str, float, int, bool, type(None))


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dict):  # plain leaves are kept without a call (long diagnostics)
        return {str(k): v if type(v) in _PLAIN else _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [v if type(v) in _PLAIN else _jsonable(v) for v in obj]
    return obj


def per_issue(solve_one: Callable[[ScenarioArrays, Any, np.random.Generator], Solution]
              ) -> Solver:
    """Make a joint solver out of a one-issue solver, for models that run issue by issue."""

    def solve(arrays: ScenarioArrays, config: Any, rng: np.random.Generator) -> Solution:
        parts = [solve_one(arrays.issue(k), config, rng) for k in range(arrays.n_issues)]
        return Solution(
            forecast=np.array([p.forecast[0] for p in parts]),
            history=[p.history[0] for p in parts],
            stop_reason="; ".join(f"{iid}: {p.stop_reason}"
                                  for iid, p in zip(arrays.issue_ids, parts, strict=True)),
            rounds=max(p.rounds for p in parts),
            diagnostics={iid: p.diagnostics for iid, p in zip(arrays.issue_ids, parts,
                                                                 strict=True)},
            converged=(None if any(p.converged is None for p in parts)
                       else [c for p in parts for c in p.converged or []]),
        )

    return solve
