"""How the command line presents itself in ``--help``.

Two conventions, checked by ``tests/cli/test_help.py`` for every command at 80 columns:

* Each command and command group is listed in its parent's Commands panel by a one-sentence
  ``short_help`` (:data:`SUMMARIES`, one line at 80 columns); its docstring, the full text,
  is what ``detente CMD --help`` shows.
* A flag (an option that takes no value, ``--force``, ``--help``) shows no type in the
  Options panel: typer 0.2x writes ``<bool>`` there, which reads as if the flag wanted a
  value. :class:`Command` and :class:`Group` give every flag an empty metavar.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup

#: The line each command shows in its parent's Commands panel, by command path.
SUMMARIES: dict[str, str] = {
    "scenarios": "List the built-in scenarios.",
    "show": "Print a scenario: actors, issues, levers and evidence.",
    "validate": "Check a scenario file and report every problem in it.",
    "convert": "Convert a KTAB or expected-utility file to a detente file.",
    "forecast": "Forecast where negotiations settle on every issue.",
    "crisis": "Will diplomacy beat war? P(war) at the offer and why.",
    "deals": "Package deals: who could trade concessions across issues.",
    "game": "The crisis game: its equilibrium, or a file for Gambit.",
    "sensitivity": "Rank the uncertain inputs by how much each drives results.",
    "whatif": "The cheapest levers and concessions that meet a P(war) target.",
    "simulate": "Escalation over time: P(war by week t) and how runs end.",
    "report": "Write an HTML report: the answer, its figures and evidence.",
    "serve": "Start the local web app.",
    "sweep": "Run a Monte Carlo sweep and store its draws.",
    "runs": "Stored sweep runs: list them, show one, export its draws.",
    "runs list": "List the runs in the database, newest first.",
    "runs show": "Show a run: its settings, status and output summaries.",
    "runs export": "Export a run's draws to Parquet or CSV.",
    "backtest": "Score detente's forecasts against what happened.",
    "backtest icb": "Backtest the crisis model on the ICB crises, 1918-2017.",
    "backtest scenarios": "Score each built-in scenario against its outcome.",
}


def _bare_flags(params: list[Any]) -> list[Any]:
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    """A typer command whose flags show no ``<bool>`` type in ``--help``."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _bare_flags(list(super().get_params(ctx)))


class Group(TyperGroup):
    """A typer command group whose flags show no ``<bool>`` type in ``--help``."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _bare_flags(list(super().get_params(ctx)))
