"""Evaluators: what a sweep, a sensitivity analysis or a lever search computes per draw.

An evaluator maps a batch of :class:`~detente.sampling.Draws` to named output columns, one
number per draw. Evaluators are deterministic given the draws: all randomness lives in the
draws (seeded, chunk-invariant), which is what makes every backend and chunking give the same
answer.

Registered evaluators (:data:`EVALUATORS`):

``forecast``  each negotiation model's forecast per issue: ``forecast.<model>.<issue>``.
``crisis``    war, its mechanism and each party's war preference per draw
              (:class:`detente.crisis.analysis.CrisisOutputs`).
``all``       both, on the same draws (the default for a scenario with a crisis section).
``crisis``    the integrated crisis analysis at one offer and lever setting
              (:class:`detente.crisis.analysis.CrisisOutputs`): ``war`` (0/1), ``mechanism``,
              ``war_preferred.<party>`` margins, ``p_win``, the challenger's applied costs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.models import registry
from detente.models.base import FloatArray, ModelInputError
from detente.models.registry import make_config
from detente.sampling import Draws
from detente.scenario.schema import Scenario

Outputs = dict[str, FloatArray]


@dataclass(frozen=True)
class Evaluator:
    """A named, picklable computation: draws -> output columns."""

    name: str
    outputs: Callable[[Scenario], list[str]]
    compute: Callable[[Draws], Outputs]
    settings: dict[str, Any] = field(default_factory=dict)
    categories: Callable[[Scenario], dict[str, dict[int, str]]] | None = None

    def nominal(self, scenario: Scenario) -> dict[str, dict[int, str]]:
        """The outputs that are category codes (not quantities), each with its codes' names.
        Their variance means nothing, so analyses report shares per category instead."""
        return {} if self.categories is None else self.categories(scenario)

    def __call__(self, draws: Draws) -> Outputs:
        out = self.compute(draws)
        for key, col in out.items():
            if col.shape != (draws.n,):
                raise ValueError(f"evaluator {self.name!r} output {key!r} has shape "
                                 f"{col.shape}, expected ({draws.n},)")
        return out


@dataclass(frozen=True)
class ForecastOutputs:
    """The negotiation models' forecasts, through their batch axis."""

    models: tuple[str, ...] = ("compromise",)
    settings: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()

    def names(self, scenario: Scenario) -> list[str]:
        return [f"forecast.{m}.{i}" for m in self.models for i in scenario.issue_ids]

    def __call__(self, draws: Draws) -> Outputs:
        arrays = draws.arrays()
        out: Outputs = {}
        chosen = dict(self.settings)
        for m in self.models:
            info = registry.get(m)
            config = make_config(m, dict(chosen.get(m, ())))
            rng = np.random.default_rng(0)  # models used here are deterministic
            if info.stochastic:
                raise ModelInputError(f"model {m!r} is stochastic; sweeps need "
                                      "deterministic models")
            values = info.forecast_batch(arrays, config, rng)
            for k, issue in enumerate(arrays.issue_ids):
                out[f"forecast.{m}.{issue}"] = np.asarray(values[:, k], dtype=float)
        return out


def forecast_evaluator(models: Sequence[str] = ("compromise",),
                       settings: dict[str, dict[str, Any]] | None = None) -> Evaluator:
    for m in models:
        registry.get(m)
    fo = ForecastOutputs(tuple(models), tuple((m, tuple(sorted(s.items())))
                                              for m, s in (settings or {}).items()))
    return Evaluator("forecast", fo.names, fo, {"models": list(models),
                                                "settings": settings or {}})


def crisis_evaluator(offer: Mapping[str, float] | None = None,
                     levers: Mapping[str, float] | None = None, model: str = "compromise",
                     seed: int = 0) -> Evaluator:
    """Per-draw war, its mechanism, each party's war preference and the levers' effects, at
    ``offer`` (default: ``model``'s negotiated forecast) and ``levers`` (default: the
    scenario's settings). Output names: :meth:`detente.crisis.analysis.CrisisOutputs.names`."""
    from detente.crisis.analysis import CrisisOutputs

    registry.get(model)
    co = CrisisOutputs(offer=tuple(sorted((offer or {}).items())),
                       levers=tuple(sorted((levers or {}).items())), model=model, seed=seed)
    return Evaluator("crisis", co.names, co, {"offer": dict(offer or {}),
                                              "levers": dict(levers or {}), "model": model,
                                              "seed": seed}, crisis_categories)


def crisis_categories(scenario: Scenario) -> dict[str, dict[int, str]]:
    """The crisis evaluator's nominal output: ``mechanism`` (0 = peace, then the codes of
    :data:`detente.crisis.analysis.MECHANISMS`; doubted resolve only when the scenario gives
    the defenders' resolve)."""
    from detente.crisis.mechanisms import listed_mechanisms

    resolve = scenario.crisis is not None and scenario.crisis.war.defenders_resolve is not None
    return {"mechanism": {0: "peace", **{c: name for c, (name, _)
                                         in listed_mechanisms(resolve).items()}}}


@dataclass(frozen=True)
class Combined:
    """Several evaluators' outputs side by side, computed on the same draws."""

    parts: tuple[Evaluator, ...]

    def names(self, scenario: Scenario) -> list[str]:
        return [name for part in self.parts for name in part.outputs(scenario)]

    def __call__(self, draws: Draws) -> Outputs:
        out: Outputs = {}
        for part in self.parts:
            out.update(part(draws))
        return out

    def categories(self, scenario: Scenario) -> dict[str, dict[int, str]]:
        return {k: v for part in self.parts for k, v in part.nominal(scenario).items()}


def all_evaluator(models: Sequence[str] = ("compromise",),
                  offer: Mapping[str, float] | None = None,
                  levers: Mapping[str, float] | None = None, model: str = "compromise",
                  seed: int = 0) -> Evaluator:
    """The negotiation forecasts per draw and the crisis analysis per draw, together."""
    parts = (forecast_evaluator(models), crisis_evaluator(offer, levers, model, seed))
    combined = Combined(parts)
    return Evaluator("all", combined.names, combined,
                     {"models": list(models), **parts[1].settings}, combined.categories)


def simulate_evaluator(weeks: int = 12, types: int = 128, opening: str = "defenders",
                       mobilisation: float = 0.0, signals: bool = True,
                       model: str = "compromise", seed: int = 0) -> Evaluator:
    """The escalation simulation per run (:class:`detente.simulate.evaluator.SimulateOutputs`):
    how and when each run ended, its escalation score and the last belief."""
    from detente.simulate.evaluator import SimulateOutputs

    registry.get(model)
    so = SimulateOutputs(weeks=weeks, types=types, opening=opening, mobilisation=mobilisation,
                         signals=signals, model=model, seed=seed)
    return Evaluator("simulate", so.names, so,
                     {"weeks": weeks, "types": types, "opening": opening,
                      "mobilisation": mobilisation, "signals": signals, "model": model,
                      "seed": seed}, so.categories)


EVALUATORS: dict[str, Callable[..., Evaluator]] = {"forecast": forecast_evaluator,
                                                   "crisis": crisis_evaluator,
                                                   "all": all_evaluator,
                                                   "simulate": simulate_evaluator}


def category_shares(codes: FloatArray, names: dict[int, str]) -> dict[str, float]:
    """The share of runs in each category of a nominal output, every named category listed
    (unknown codes by their number; NaN runs count in no category)."""
    values, counts = np.unique(codes[np.isfinite(codes)], return_counts=True)
    found = {names.get(int(v), f"{v:g}"): int(c) for v, c in zip(values, counts, strict=True)}
    shares = {name: found.get(name, 0) / codes.size for name in names.values()}
    return shares | {k: c / codes.size for k, c in found.items() if k not in shares}


def default_evaluator(scenario: Scenario) -> str:
    """``all`` for a scenario with a crisis section, else ``forecast``."""
    return "all" if scenario.crisis is not None else "forecast"
