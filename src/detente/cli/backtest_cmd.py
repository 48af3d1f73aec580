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
)

if TYPE_CHECKING:
    from detente.backtest.result import IcbBacktest

backtest_app = typer.Typer(
    help="Score detente's forecasts against what happened (see docs/backtest.md).",
    no_args_is_help=True)

PlotOpt = Annotated[Path | None, typer.Option(
    "--plot", dir_okay=False, metavar="FILE.png|FILE.svg",
    help="Also draw the reliability diagram to this file.")]


@backtest_app.command("icb")
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
