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
from detente.cli.help import SUMMARIES, Command, Group

app = typer.Typer(
    name="detente",
    cls=Group,
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


for _command in (scenario_cmds.scenarios, scenario_cmds.show, scenario_cmds.validate,
                 scenario_cmds.convert, forecast_cmd.forecast, crisis_cmd.crisis,
                 deals_cmd.deals, game_cmd.game, sensitivity_cmd.sensitivity,
                 whatif_cmd.whatif, simulate_cmd.simulate, report_cmd.report, serve_cmd.serve,
                 sweep_cmds.sweep):
    app.command(cls=Command, short_help=SUMMARIES[_command.__name__])(_command)
app.add_typer(sweep_cmds.runs_app, name="runs", cls=Group, short_help=SUMMARIES["runs"])
app.add_typer(backtest_cmd.backtest_app, name="backtest", cls=Group,
              short_help=SUMMARIES["backtest"])

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
