"""`detente backtest`: score the crisis model against history (docs/backtest.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from detente.cli.common import (
    ForceOpt,
    Format,
    FormatOpt,
    OutputOpt,
    SeedOpt,
    check_output,
    emit,
    fail,
    replacing,
    user_errors,
)
from detente.cli.help import SUMMARIES, Command, Group

if TYPE_CHECKING:
    from detente.backtest.result import IcbBacktest
    from detente.backtest.scenarios import ScenarioBacktest

backtest_app = typer.Typer(
    cls=Group,
    help="Score detente's forecasts against what happened (see docs/backtest.md).",
    no_args_is_help=True)

PlotOpt = Annotated[Path | None, typer.Option(
    "--plot", dir_okay=False, metavar="FILE.png|FILE.svg",
    help="Also draw the reliability diagram to this file.")]


@backtest_app.command("icb", cls=Command, short_help=SUMMARIES["backtest icb"])
def icb(
    plot: PlotOpt = None,
    refit: Annotated[bool, typer.Option(
        "--refit", help="Fit the structural constants and calibration maps again from "
                        "--seed and --draws (about half a minute) instead of using the "
                        "shipped fit.")] = False,
    draws: Annotated[int, typer.Option(
        "--draws", "-n", min=1, help="Monte Carlo draws per crisis.")] = 100,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """Backtest on the International Crisis Behavior data (v14, 486 crises 1918-2017): the
    crisis model's P(full-scale war) and P(serious clashes or worse), calibrated and not,
    against a cross-validated logistic regression and the base rate; fitted before 1980,
    scored 1980-2017 out of sample."""
    from dataclasses import replace

    from detente.backtest.run import run_icb_backtest
    from detente.figures import plot_format

    check_output(output, force=force)
    check_output(plot, force=force)
    if plot is not None:
        try:
            plot_format(plot)
        except ValueError as exc:
            fail(str(exc))
    try:
        result = run_icb_backtest(seed=seed, draws=draws, refit=refit)
    except ValueError as exc:
        fail(str(exc))
    if plot is not None:
        with replacing(plot, force=force) as tmp:
            result.write_plot(tmp)
        result = replace(result, plot=str(plot))
    emit(fmt, output, as_json=lambda: json.dumps(result.to_dict(), indent=1),
         as_table=lambda console: render(result, console), force=force)


def render(result: IcbBacktest, console: Console) -> None:
    """One small table per era and outcome, then what they mean."""
    from detente.backtest.fitted import OUTCOME_LABELS
    from detente.backtest.result import ERA_LABELS, FORECASTER_LABELS

    console.print("ICB v14 backtest: forecasts scored against sevviosy (severity of violence)")
    for era in ("train", "test"):
        for outcome in ("war", "serious"):
            rows = result.scores[(result.scores["era"] == era)
                                 & (result.scores["outcome"] == outcome)]
            first = rows.iloc[0]
            t = Table(title=f"{ERA_LABELS[era]}, {OUTCOME_LABELS[outcome]}: "
                            f"{first['events']} of {first['n']} crises",
                      title_justify="left")
            t.add_column("forecaster", no_wrap=True)
            for col in ("Brier", "skill", "log loss", "ROC AUC", "mean P"):
                t.add_column(col, justify="right", no_wrap=True)
            for _, row in rows.iterrows():
                name = FORECASTER_LABELS[row["forecaster"]] + (" *" if row["in_sample"] else "")
                t.add_row(name, f"{row['brier']:.3f}", f"{row['brier_skill']:+.3f}",
                          f"{row['log_loss']:.3f}", _auc(row["roc_auc"]),
                          f"{row['mean_forecast']:.3f}")
            console.print(t)
    console.print("skill: Brier skill score against the pre-1980 base rate (above 0 beats it). "
                  "log loss clips forecasts to [0.001, 0.999]. * scored on the crises it was "
                  "fitted on (in-sample).", soft_wrap=True)
    console.print(_verdict(result), soft_wrap=True)


def _auc(value: float) -> str:
    return "–" if value != value else f"{value:.3f}"


def _verdict(r: IcbBacktest) -> str:
    lines = []
    for outcome, label in (("war", "full-scale war"), ("serious", "serious clashes or worse")):
        model = r.score("test", outcome, "structural")
        cal = r.score("test", outcome, "calibrated")
        lr = r.score("test", outcome, "logistic")
        best = max(("crisis model", model["brier_skill"]), ("calibrated", cal["brier_skill"]),
                   ("logistic regression", lr["brier_skill"]), key=lambda kv: kv[1])
        lines.append(f"1980-2017, {label}: crisis model Brier skill {model['brier_skill']:+.3f} "
                     f"(calibrated {cal['brier_skill']:+.3f}), logistic regression "
                     f"{lr['brier_skill']:+.3f}; best: {best[0]}.")
    return "\n".join(lines)


@backtest_app.command("scenarios", cls=Command, short_help=SUMMARIES["backtest scenarios"])
def scenarios(
    names: Annotated[list[str] | None, typer.Argument(
        help="Built-in scenarios to score (default: every one with an outcome: block).",
        show_default=False)] = None,
    draws: Annotated[int, typer.Option(
        "--draws", "-n", min=100, max=10_000_000,
        help="Monte Carlo draws of each scenario's crisis analysis.")] = 10_000,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """Score every built-in scenario's pre-outcome forecast (P(war) as of its date) against
    what happened (its outcome: block), beside its ICB crisis where it has one."""
    from detente.backtest.scenarios import run_scenario_backtest

    check_output(output, force=force)
    with user_errors():
        try:
            result = run_scenario_backtest(names or None, seed=seed, draws=draws)
        except ValueError as exc:
            fail(str(exc))
    emit(fmt, output, as_json=lambda: json.dumps(result.to_dict(), indent=1),
         as_table=lambda console: render_scenarios(result, console), force=force)


def render_scenarios(result: ScenarioBacktest, console: Console) -> None:
    """One row per scenario, then the ICB crises the outcomes name."""
    t = Table(title=f"Built-in scenarios scored against their outcomes ({result.draws:,} "
                    f"draws, seed {result.seed})", title_justify="left")
    t.add_column("scenario", no_wrap=True)
    t.add_column("war", justify="center")
    for col in ("P(war)", "Brier", "P at SQ", "Brier SQ", "calibr."):
        t.add_column(col, justify="right", no_wrap=True)
    for s in result.scores:
        t.add_row(s.scenario, "yes" if s.war else "no", f"{s.p_war:.2f}", f"{s.brier:.3f}",
                  f"{s.p_war_status_quo:.2f}", f"{s.brier_status_quo:.3f}",
                  f"{s.p_war_calibrated:.2f}")
    t.add_section()
    t.add_row("mean", "", "", f"{result.mean_brier:.3f}", "", f"{result.mean_brier_status_quo:.3f}",
              "")
    console.print(t)
    linked = [s for s in result.scores if s.icb is not None]
    if linked:
        icb = Table(title="The same crises in the ICB backtest", title_justify="left")
        for col in ("scenario", "ICB crisis"):
            icb.add_column(col, no_wrap=True)
        for col in ("severity", "P(serious+)", "calibr."):
            icb.add_column(col, justify="right", no_wrap=True)
        for s in linked:
            assert s.icb is not None
            icb.add_row(s.scenario, f"{s.icb.crisno} {s.icb.crisname.title()}",
                        str(s.icb.sevviosy), f"{s.icb.structural_serious:.2f}",
                        f"{s.icb.calibrated_serious:.2f}")
        console.print(icb)
    console.print("war: force at the scale of serious clashes or worse (ICB sevviosy >= 3) "
                  "after the scenario's date. P(war): the crisis analysis at the offer it "
                  "leads with; P at SQ: at the status quo (no concession). calibr.: through "
                  "the ICB calibration map. A constant 0.5 scores Brier 0.25. ICB severity 1-4; "
                  "P(serious+): the ICB-mapped model. A handful of cases is an illustration, "
                  "not a calibration test (docs/backtest.md).", soft_wrap=True)
