"""The analyses the web app runs, each through :mod:`detente.api` (or the sweep runner) and
handed back as a stored run: a one-line summary and the result's own JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from detente.scenario import Scenario
from detente.web.jobs import Outcome, Task

__all__ = ["KINDS", "LIMITS", "make_task"]

Report = Callable[[str, float | None], None]

KINDS = ("crisis", "forecast", "whatif", "simulate", "sweep", "report")
#: The most draws the app lets a request ask for, per kind (the page says so).
LIMITS = {"crisis": 200_000, "forecast": 0, "whatif": 20_000, "simulate": 50_000,
          "sweep": 100_000, "report": 50_000}


def make_task(kind: str, scenario: Scenario, settings: dict[str, Any], db: Path) -> Task:
    """The job body for ``kind`` on ``scenario``; ``db`` is the sweep database."""
    seed, draws = int(settings["seed"]), int(settings["draws"])

    def crisis(report: Report) -> Outcome:
        from detente import api

        report(f"crisis analysis on {draws:,} draws", None)
        r = api.crisis_analysis(scenario, draws=draws, seed=seed)
        return Outcome(f"P(war) = {r.p_war:.2f} at the offer ({r.model} model); "
                       f"{draws:,} draws, seed {seed}", r.to_json())

    def forecast(report: Report) -> Outcome:
        from detente import api

        report("every negotiation model", None)
        r = api.forecast(scenario, "all", seed=seed)
        first = r.results[0]
        text = ", ".join(f"{i.id} {i.forecast:.1f}" for i in first.issues)
        return Outcome(f"{len(r.results)} models; {first.model}: {text}", r.to_json())

    def whatif(report: Report) -> Outcome:
        from detente import api

        def step(stage: str, done: int, total: int) -> None:
            report(f"lever search: {stage}", done / total if total else None)

        r = api.whatif(scenario, draws=draws, seed=seed, check_draws=max(draws, 2_000),
                       effort=0.5, sobol_samples=0, progress=step)
        return Outcome(r.headline, r.to_json())

    def simulate(report: Report) -> Outcome:
        from detente import api

        report(f"escalation over time: {draws:,} simulated crises", None)
        r = api.simulate(scenario, runs=draws, seed=seed)
        return Outcome(r.headline or f"P(war by week {r.weeks}) = {r.p_war_by_week[-1]:.2f}",
                       r.to_json())

    def sweep(report: Report) -> Outcome:
        from detente.sweep import run_sweep

        def step(done: int, total: int) -> None:
            report(f"sweep: {done:,} of {total:,} draws", done / total if total else None)

        r = run_sweep(scenario, draws=draws, seed=seed, db=db, progress=step)
        rows = r.summary().to_dicts()
        war = next((o for o in rows if o["name"] == "war"), None)
        text = f"sweep run {r.run_id}: {draws:,} draws stored in {db.name}"
        if war is not None:
            text += f"; P(war) = {war['mean']:.2f} over the draws"
        return Outcome(text, json.dumps({"run_id": r.run_id, "summary": rows},
                                        allow_nan=False, default=str))

    def report_html(report: Report) -> Outcome:
        from detente.htmlreport import ReportOptions, build, render

        steps = ["forecast", "crisis", "offer curve", "whatif", "simulate", "backtest",
                 "sensitivity"]
        options = ReportOptions(seed=seed, draws=draws, whatif=bool(settings.get("whatif")),
                                whatif_draws=500, sensitivity_trajectories=10,
                                simulate_runs=500)
        content = build(scenario, options, progress=lambda s: report(
            f"report: {s}", steps.index(s) / len(steps) if s in steps else None))
        report("report: drawing the figures", 0.95)
        html = render(content)
        headline = content.crisis.headline if content.crisis else "negotiation forecasts"
        return Outcome(f"report: {headline}", content.to_json(), report_html=html)

    return {"crisis": crisis, "forecast": forecast, "whatif": whatif, "simulate": simulate,
            "sweep": sweep, "report": report_html}[kind]
