"""What a report shows, as typed results: the analyses are run through :mod:`detente.api`
(and :mod:`detente.sensitivity`) and kept as their own result objects; nothing here computes
an answer of its own.

Optional sections (the lever frontier, the sensitivity ranking, and any extra figure a later
analysis provides, such as P(war) by week from a simulation or a backtest's reliability
curve) are ``None`` or empty when not run, and the report leaves them out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from detente.api import ForecastReport, crisis_analysis, forecast, offer_curve, versions
from detente.api import whatif as whatif_search
from detente.crisis.analysis import CrisisResult
from detente.crisis.curve import OfferCurve
from detente.htmlreport.extras import ExtraFigure, reliability_figure, simulation_figure
from detente.models.base import ModelInputError
from detente.sampling import uncertain_inputs
from detente.scenario import Scenario, load
from detente.sensitivity import SensitivityResult
from detente.whatif.result import WhatIfResult

__all__ = ["ExtraFigure", "ReportContent", "ReportOptions", "build", "scenario_hash"]

Progress = Callable[[str], None]


class ReportOptions(BaseModel):
    """How much to compute. Draw counts trade run time for Monte Carlo precision; every
    figure states the counts it rests on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 0
    draws: int = 10_000
    models: str | list[str] = "all"
    offer_model: str = "compromise"
    curve_points: int = 41
    whatif: bool = True
    whatif_draws: int = 1_000
    whatif_target: float = 0.10
    whatif_effort: float = 0.5
    sensitivity: bool = True
    sensitivity_trajectories: int = 40
    simulate: bool = True
    simulate_runs: int = 2_000
    backtest: bool = True


class ReportContent(BaseModel):
    """Everything one report shows, as the analyses' own typed results."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    scenario: Scenario
    scenario_hash: str
    options: ReportOptions
    versions: dict[str, str]
    forecast: ForecastReport
    crisis: CrisisResult | None = None
    curve: OfferCurve | None = None
    whatif: WhatIfResult | None = None
    sensitivity: SensitivityResult | None = None
    extras: list[ExtraFigure] = []
    skipped: dict[str, str] = {}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent, allow_nan=False)


def scenario_hash(scenario: Scenario) -> str:
    """sha256 of the scenario's canonical JSON (the same hash sweeps store)."""
    from detente.sweep.runner import scenario_hash as sha

    return sha(scenario)


def build(scenario: Scenario | str | Path | None = None,
          options: ReportOptions | None = None, *,
          progress: Progress | None = None) -> ReportContent:
    """Run every analysis the report shows on ``scenario`` (a built-in name, a file or a
    :class:`Scenario`), one seed for all of them. ``progress`` is told each step's name."""
    opts = options or ReportOptions()
    s = scenario if isinstance(scenario, Scenario) else load(scenario)
    say = progress or (lambda _step: None)
    say("forecast")
    report = forecast(s, opts.models, seed=opts.seed)
    content: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    if s.crisis is None:
        skipped["crisis"] = "the scenario has no crisis: section"
    else:
        say("crisis")
        content["crisis"] = crisis_analysis(s, model=opts.offer_model, draws=opts.draws,
                                            seed=opts.seed)
        say("offer curve")
        content["curve"] = offer_curve(s, model=opts.offer_model, draws=opts.draws,
                                       seed=opts.seed, points=opts.curve_points)
        if opts.whatif and s.crisis.levers:
            say("whatif")
            content["whatif"] = whatif_search(
                s, target=opts.whatif_target, draws=opts.whatif_draws, seed=opts.seed,
                check_draws=max(opts.whatif_draws, 2_000), effort=opts.whatif_effort,
                sobol_samples=0)
        elif not opts.whatif:
            skipped["whatif"] = "not run (--no-whatif)"
        else:
            skipped["whatif"] = "the scenario has no levers"
    extras: list[ExtraFigure] = []
    if s.crisis is not None and opts.simulate:
        say("simulate")
        try:
            extras.append(_simulation(s, opts))
        except ModelInputError as exc:  # a crisis the simulation cannot play: say why
            skipped["simulate"] = str(exc)
    elif s.crisis is not None:
        skipped["simulate"] = "not run (--no-simulate)"
    if opts.backtest and s.crisis is not None:
        say("backtest")
        figure = _reliability(opts)
        if figure is not None:
            extras.append(figure)
    elif s.crisis is not None:
        skipped["backtest"] = "not run (--no-backtest)"
    if opts.sensitivity and not uncertain_inputs(s):
        skipped["sensitivity"] = "the scenario has no uncertain inputs"
    elif opts.sensitivity:
        say("sensitivity")
        content["sensitivity"] = _sensitivity(s, opts)
    else:
        skipped["sensitivity"] = "not run (--no-sensitivity)"
    return ReportContent(scenario=s, scenario_hash=scenario_hash(s), options=opts,
                         versions=versions("matplotlib", "jinja2", "SALib"), forecast=report,
                         skipped=skipped, extras=extras, **content)


def _simulation(s: Scenario, opts: ReportOptions) -> ExtraFigure:
    """P(war by week) from the escalation simulation (``detente simulate``)."""
    from detente.api import simulate

    return simulation_figure(simulate(s, runs=opts.simulate_runs, seed=opts.seed,
                                      model=opts.offer_model))


def _reliability(opts: ReportOptions) -> ExtraFigure | None:
    """The ICB backtest's reliability curve for the crisis model (``detente backtest icb``);
    it scores the model on history, so it is the same for every scenario."""
    from detente.api import backtest_icb

    return reliability_figure(backtest_icb(seed=opts.seed))


def _sensitivity(s: Scenario, opts: ReportOptions) -> SensitivityResult:
    """Morris screening of every uncertain input: of war (0/1 per draw) for a crisis, else of
    the compromise forecast of each issue. Morris because it ranks many inputs in few runs."""
    from detente.sensitivity import analyse

    if s.crisis is not None:
        return analyse(s, method="morris", evaluator="crisis", outputs=["war"],
                       n=opts.sensitivity_trajectories, seed=opts.seed)
    return analyse(s, method="morris", evaluator="forecast",
                   outputs=["forecast.compromise.*"], n=opts.sensitivity_trajectories,
                   seed=opts.seed)
