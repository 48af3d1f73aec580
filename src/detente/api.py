"""The Python API; it mirrors the CLI command for command.

>>> import detente
>>> scenario = detente.load("ec-emissions-1994")
>>> report = detente.forecast(scenario, models=["compromise", "median"])
>>> round(report.result("compromise").forecast("emissions_delay"), 6)
7.389956
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from detente.models import registry
from detente.models.base import ForecastResult, ModelInputError, run_model
from detente.models.compare import IssueSpread, issue_spread
from detente.models.registry import make_config
from detente.provenance import versions
from detente.scenario import Scenario, load
from detente.scenario.writer import write

if TYPE_CHECKING:
    from detente.backtest.result import IcbBacktest
    from detente.backtest.scenarios import ScenarioBacktest
    from detente.crisis.analysis import CrisisResult
    from detente.crisis.curve import OfferCurve
    from detente.crisis.game_export import CrisisGame
    from detente.deals import DealsResult
    from detente.simulate import SimulationResult
    from detente.whatif import WhatIfResult
    from detente.whatif.search import Progress

__all__ = ["ForecastReport", "backtest_icb", "backtest_scenarios", "convert", "crisis_analysis",
           "deals", "forecast", "game", "load", "make_config", "offer_curve", "simulate",
           "versions", "whatif"]


class ForecastReport(BaseModel):
    """Every requested model's forecast for one scenario: the `detente forecast` contract.

    JSON shape (stable; JSON Schema in ``detente/schemas/forecast.schema.json``)::

        {"scenario": ID, "seed": INT, "actors": [ACTOR_ID, ...], "issues": [ISSUE_ID, ...],
         "versions": {...}, "results": [{"model": NAME, "config": {...},
         "issues": [{"id": ISSUE_ID, "forecast": NUMBER, "history": [[...], ...],
                     "converged": BOOL | null}], "converged": BOOL | null, ...}],
         "spread": [{"issue": ISSUE_ID, "low": NUMBER, "high": NUMBER, ...}]}
    """

    model_config = ConfigDict(frozen=True)

    scenario: str
    title: str
    seed: int
    actors: list[str]
    issues: list[str]
    versions: dict[str, str]
    results: list[ForecastResult]
    skipped: dict[str, str] = {}
    #: per issue, how far the models' forecasts lie apart (two or more models)
    spread: list[IssueSpread] = []

    def result(self, model: str) -> ForecastResult:
        for r in self.results:
            if r.model == model:
                return r
        raise KeyError(f"no result for model {model!r}")

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> ForecastReport:
        return cls.model_validate_json(text)

    def to_frame(self) -> Any:
        """One row per (model, issue): the forecast."""
        import pandas as pd

        return pd.concat([r.forecast_frame() for r in self.results], ignore_index=True)


def forecast(scenario: Scenario | str | Path | None = None,
             models: str | Sequence[str] = "compromise", *,
             settings: Mapping[str, Mapping[str, Any]] | None = None,
             seed: int = 0) -> ForecastReport:
    """Run one or more negotiation models (``"all"`` for every registered one).

    ``settings`` maps a model name to its config settings. ``seed`` seeds the
    :class:`numpy.random.Generator` each model gets, and is stored in the report. With
    ``"all"``, a model the scenario does not suit (too few actors, no status quo) is listed
    in ``skipped`` with the reason; a model asked for by name raises ``ModelInputError``.
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    names = registry.resolve(models)
    asked = {models} if isinstance(models, str) else set(models)
    results, skipped = [], {}
    for name in names:
        info = registry.get(name)
        config = make_config(name, (settings or {}).get(name))
        rng = np.random.default_rng(seed)
        try:
            results.append(run_model(info, scenario, config=config, rng=rng, seed=seed))
        except ModelInputError as exc:
            if name in asked:
                raise
            skipped[name] = str(exc)
    return ForecastReport(scenario=scenario.id, title=scenario.title, seed=seed,
                          actors=scenario.actor_ids, issues=scenario.issue_ids,
                          versions=versions(), results=results, skipped=skipped,
                          spread=issue_spread(results, scenario))


def crisis_analysis(scenario: Scenario | str | Path | None = None, *,
                    offer: Mapping[str, float] | None = None,
                    levers: Mapping[str, float] | None = None, model: str = "compromise",
                    draws: int = 10_000, seed: int = 0,
                    offer_id: str | None = None) -> CrisisResult:
    """Will diplomacy beat war, for whom, through which mechanism, at what offer.

    The integrated analysis of a scenario's ``crisis:`` section (``detente crisis``):
    P(war) at the offer on the table (the scenario's offer ``offer_id``, by default its latest
    dated one; ``offer`` overrides it issue by issue; ``model``'s forecast when the scenario
    lists no offers) with the levers at ``levers`` (lever id -> setting; by default the
    scenario's), over ``draws`` seeded Monte Carlo draws of every uncertain input; P(war) at
    every reference point (status quo, each party's terms, the defenders' best offer, each
    negotiation model's forecast as a counterfactual), the bargaining range, each party's war
    preference and the mechanism behind the residual risk. See :mod:`detente.crisis.analysis`
    and ``docs/crisis-model.md``.

    P(war) is the share of Monte Carlo draws, each drawing every uncertain number of the
    scenario from its stated range while the offer and the lever settings are held fixed, in
    which the challenger or the defending side prefers war to the offer or the challenger
    faces a commitment problem no offer today can fix. It is not a calibrated frequency.
    """
    from detente.crisis.analysis import analyse

    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    return analyse(scenario, offer=offer, levers=levers, model=model, draws=draws, seed=seed,
                   offer_id=offer_id)


def deals(scenario: Scenario | str | Path | None = None, *, rounds: int = 1,
          rate: str = "equal", draws: int = 10_000, seed: int = 0) -> DealsResult:
    """Package deals (``detente deals``): the exchanges the exchange model carries out in its
    first ``rounds`` rounds, each in words, the package of issue outcomes they produce, and
    P(war) at that package and without trades. See :mod:`detente.deals` and
    ``docs/models/exchange.md``."""
    from detente.deals import find_deals

    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if rate not in ("equal", "nash"):
        raise ModelInputError(f"rate must be 'equal' or 'nash', not {rate!r}")
    return find_deals(scenario, rounds=rounds, rate="nash" if rate == "nash" else "equal",
                      draws=draws, seed=seed)


def game(scenario: Scenario | str | Path | None = None, *, kind: str = "deterrence",
         settings: Mapping[str, float] | None = None, seed: int = 0,
         qre: float | None = None) -> CrisisGame:
    """A scenario's crisis game (``deterrence``, ``sanctions`` or ``signalling``) at its point
    values, with detente's closed-form equilibrium and the game in Gambit's ``.efg`` format
    (``detente game``). ``settings`` override parameters by name; ``seed`` draws the
    challenger types behind the signalling game's belief; ``qre`` (lambda >= 0) adds the
    agent logit QRE's choice probabilities (deterrence and sanctions games). See
    ``docs/games.md``."""
    from detente.crisis.game_export import GameInputError, crisis_game

    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if kind == "signalling":
        if qre is not None:
            raise GameInputError("--qre: the logit QRE is offered for the deterrence and "
                                 "sanctions games; the signalling game's would be a fixed "
                                 "point of the receiver's beliefs (docs/games.md)")
        from detente.simulate.signalling import signalling_crisis_game

        return signalling_crisis_game(scenario, settings, seed=seed)
    return crisis_game(scenario, kind, settings, qre=qre)


def offer_curve(scenario: Scenario | str | Path | None = None, *,
                levers: Mapping[str, float] | None = None, model: str = "compromise",
                draws: int = 10_000, seed: int = 0, points: int = 41,
                structural: bool = True) -> OfferCurve:
    """P(war) against the offer along the line from the defending side's terms to the
    challenger's demand, with its Monte Carlo and structural bands and the share of draws
    whose bargaining range holds each offer (see :mod:`detente.crisis.curve`)."""
    from detente.crisis.curve import offer_curve as curve

    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    return curve(scenario, levers=levers, model=model, draws=draws, seed=seed, points=points,
                 structural=structural, versions=versions())


def whatif(scenario: Scenario | str | Path | None = None, *, target: float = 0.10,
           draws: int = 2_000, seed: int = 0, fix: Mapping[str, float] | None = None,
           free: Sequence[str] | None = None, budget: float | None = None,
           check_draws: int = 10_000, effort: float = 1.0, frontier_size: int = 15,
           sobol_samples: int = 256, workers: int | None = None, demands: bool = False,
           progress: Progress | None = None) -> WhatIfResult:
    """What will it take to bring the risk of war to ``target`` or below (``detente whatif``)?

    Searches every lever and concession of the scenario's ``crisis:`` section (differential
    evolution on ``draws`` seeded draws shared by every bundle) for the cheapest bundles, and
    returns the frontier of cost to the defending side versus P(war), the cheapest bundle
    meeting the target (checked on ``check_draws`` fresh draws), what it hinges on, and why
    war still happens. ``fix`` holds levers (lever or issue id -> value), ``free`` limits the
    search to the levers named, ``budget`` caps the cost. Offers only concede, from the
    status quo towards the challenger's demand, unless ``demands`` is true.
    ``frontier_size`` bundles are reported along the frontier; ``sobol_samples`` (a power
    of two, 0 to skip) sizes the recommended bundle's fragility analysis. ``workers``
    threads share each batch (default: up to 2; the answer does not depend on it). See
    ``docs/whatif.md``.
    """
    import os

    from detente.whatif.core import whatif as search

    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    return search(scenario, target=target, draws=draws, seed=seed, fix=fix, free=free,
                  budget=budget, check_draws=check_draws, effort=effort,
                  frontier_size=frontier_size, sobol_samples=sobol_samples, workers=workers,
                  demands=demands, progress=progress)


def simulate(scenario: Scenario | str | Path | None = None, *, weeks: int = 12,
             runs: int = 10_000, seed: int = 0, types: int = 128, opening: str = "defenders",
             mobilisation: float = 0.0, signals: bool = True, model: str = "compromise",
             catalogue: str | Path | None = None, history: bool = False,
             start: str | None = None) -> SimulationResult:
    """Escalation over time (``detente simulate``): the crisis played week by week.

    Each week the challenger signals (mobilisation, threats) or settles or invades, and the
    defending side concedes or pulls a lever, by the expected values of the crisis core of
    :func:`crisis_analysis` under its belief, which it updates by Bayes' rule from costly
    signals. Returns P(war by week t) with intervals, when runs end, the most common paths,
    the escalation score per week and which signals moved beliefs most. ``history`` replays
    the scenario's dated moves first (up to ``start``, an ISO date; default the last move)
    and reports the belief and P(war) along the real path. See :mod:`detente.simulate` and
    ``docs/escalation.md``.
    """
    from detente.simulate import simulate as run

    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    return run(scenario, weeks=weeks, runs=runs, seed=seed, types=types, opening=opening,
               mobilisation=mobilisation, signals=signals, model=model, catalogue=catalogue,
               versions=versions(), history=history, start=start)


def convert(source: Scenario | str | Path, target: str | Path) -> Path:
    """Write any scenario detente reads (or a built-in, by name) as a detente YAML/JSON file."""
    scenario = source if isinstance(source, Scenario) else load(source)
    return write(scenario, target)


def backtest_icb(*, seed: int = 0, draws: int = 100, refit: bool = False,
                 plot: str | Path | None = None) -> IcbBacktest:
    """The ICB backtest (`detente backtest icb`): the crisis model's P(full-scale war) and
    P(serious clashes or worse) on 486 ICB v14 crises, calibrated and not, against a
    cross-validated logistic regression and the base rate; fitted on crises before 1980,
    scored 1980-2017 out of sample. ``plot`` writes the reliability diagram (png or svg).
    See ``docs/backtest.md``."""
    from detente.backtest.run import run_icb_backtest

    return run_icb_backtest(seed=seed, draws=draws, refit=refit,
                            plot=Path(plot) if plot is not None else None)


def backtest_scenarios(names: Sequence[str] | None = None, *, seed: int = 0,
                       draws: int = 10_000) -> ScenarioBacktest:
    """The built-in scenarios' pre-outcome forecasts scored against their ``outcome:``
    blocks (`detente backtest scenarios`); ``names`` defaults to every built-in scenario with
    an outcome. See ``docs/backtest.md``."""
    from detente.backtest.scenarios import run_scenario_backtest

    return run_scenario_backtest(list(names) if names is not None else None, seed=seed,
                                 draws=draws)
