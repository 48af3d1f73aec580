"""`detente report`: one self-contained HTML file a reader can open offline and share."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import (
    MAX_DRAWS_IN_MEMORY,
    ForceOpt,
    ScenarioArg,
    SeedOpt,
    check_output,
    err_console,
    fail,
    replacing,
    user_errors,
)


class ReportFormat(enum.StrEnum):
    html = "html"
    json = "json"


def report(
    scenario: ScenarioArg = None,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The file to write.", dir_okay=False)] = Path("report.html"),
    fmt: Annotated[ReportFormat, typer.Option(
        "--format", "-f", help="html: the report; json: the typed results it shows.")
        ] = ReportFormat.html,
    draws: Annotated[int, typer.Option(
        "--draws", "-n", help="Monte Carlo draws of the crisis analysis and the offer curve.",
        min=100, max=MAX_DRAWS_IN_MEMORY)] = 10_000,
    no_whatif: Annotated[bool, typer.Option(
        "--no-whatif", help="Leave out the lever frontier (the slowest part).")] = False,
    whatif_draws: Annotated[int, typer.Option(
        "--whatif-draws", help="Draws shared by every bundle of the lever search.", min=100,
        max=1_000_000)] = 1_000,
    no_sensitivity: Annotated[bool, typer.Option(
        "--no-sensitivity", help="Leave out the sensitivity ranking.")] = False,
    trajectories: Annotated[int, typer.Option(
        "--trajectories", help="Morris trajectories of the sensitivity ranking.", min=2,
        max=10_000)] = 40,
    no_simulate: Annotated[bool, typer.Option(
        "--no-simulate", help="Leave out P(war by week) from the escalation simulation.")
        ] = False,
    no_backtest: Annotated[bool, typer.Option(
        "--no-backtest", help="Leave out the backtest's reliability curve.")] = False,
    seed: SeedOpt = 0,
    force: ForceOpt = False,
) -> None:
    """Write an HTML report: the question and the answer in plain words, the figures
    (positions by round, the offer line, P(war) against the offer, why war happens, the lever
    frontier, what matters most), every number with its evidence, and provenance."""
    from detente.htmlreport import ReportOptions, build, render
    from detente.sensitivity import SensitivityError

    if output.suffix.lower() not in (f".{fmt.value}", ".htm" if fmt is ReportFormat.html
                                     else ".json"):
        fail(f"{output}: write the {fmt.value} report to a file ending in .{fmt.value}")
    check_output(output, force=force, protect=[scenario])
    options = ReportOptions(seed=seed, draws=draws, whatif=not no_whatif,
                            whatif_draws=whatif_draws, sensitivity=not no_sensitivity,
                            sensitivity_trajectories=trajectories, simulate=not no_simulate,
                            backtest=not no_backtest)
    with user_errors(), err_console.status("running the analyses") as status:
        try:
            content = build(scenario, options,
                            progress=lambda step: status.update(f"running: {step}"))
        except SensitivityError as exc:
            fail(str(exc))
        text = render(content) if fmt is ReportFormat.html else content.to_json()
    with replacing(output, force=force, protect=[scenario]) as tmp:
        tmp.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {output} ({len(text.encode('utf-8')) / 1e6:.1f} MB)")
