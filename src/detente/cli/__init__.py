"""The ``detente`` command line. Each command lives in a module beside this one; this file
only assembles them and guards the process boundary (exit codes, no tracebacks)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from detente import __version__
from detente.cli import (
    backtest_cmd,
    crisis_cmd,
    deals_cmd,
    forecast_cmd,
    game_cmd,
    report_cmd,
    scenario_cmds,
    sensitivity_cmd,
    serve_cmd,
    simulate_cmd,
    sweep_cmds,
    whatif_cmd,
)
from detente.cli.common import EXIT_FAILURE, internal_error

app = typer.Typer(
    name="detente",
    help="Model an international crisis: who wants what, where talks settle, whether "
         "diplomacy beats war, and what it would take. Default scenario: ukraine-2022.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"detente {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool | None, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")
        ] = False) -> None:
    """detente: inspectable, rerunnable models of international crises."""


app.command()(scenario_cmds.scenarios)
app.command()(scenario_cmds.show)
app.command()(scenario_cmds.validate)
app.command()(scenario_cmds.convert)
app.command()(forecast_cmd.forecast)
app.command()(crisis_cmd.crisis)
app.command()(deals_cmd.deals)
app.command()(game_cmd.game)
app.command()(sensitivity_cmd.sensitivity)
app.command()(whatif_cmd.whatif)
app.command()(simulate_cmd.simulate)
app.command()(report_cmd.report)
app.command()(serve_cmd.serve)
app.command()(sweep_cmds.sweep)
app.add_typer(sweep_cmds.runs_app, name="runs")
app.add_typer(backtest_cmd.backtest_app, name="backtest")


def main() -> None:
    """Console entry point: run the app; an unexpected error is one line, not a traceback."""
    try:
        app()
    except Exception as exc:  # the last guard at the process boundary
        if "--debug" in sys.argv or _env_debug():
            raise
        internal_error(exc)
        sys.exit(EXIT_FAILURE)


def _env_debug() -> bool:
    import os

    return os.environ.get("DETENTE_DEBUG", "") not in ("", "0")
