"""`detente game`: a scenario's crisis game at its point values, in Gambit's ``.efg`` format,
with detente's closed-form equilibrium beside it (:mod:`detente.crisis.game_export`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from detente.cli.common import (
    ForceOpt,
    Format,
    FormatOpt,
    OutputOpt,
    ScenarioArg,
    SeedOpt,
    check_output,
    emit,
    number_pairs,
    user_errors,
    write_output,
)


def game(
    scenario: ScenarioArg = None,
    kind: Annotated[str, typer.Option(
        "--kind", "-k", help="The game: deterrence, sanctions or signalling.")] = "deterrence",
    settings: Annotated[list[str] | None, typer.Option(
        "--set", help="A game parameter name=value, repeatable (e.g. p_resolved=0.4).",
        metavar="NAME=VALUE")] = None,
    seed: SeedOpt = 0,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write the scenario's crisis game for Gambit: `-o game.efg` writes the game tree in
    Gambit's extensive-form format; otherwise its parameters and detente's equilibrium."""
    from detente import api
    from detente.scenario import load

    check_output(output, force=force, protect=[scenario])
    with user_errors():
        s = load(scenario)
        result = api.game(s, kind=kind, settings=number_pairs(settings, "--set"), seed=seed)

    def table(console: Console) -> None:
        t = Table(title=f"{result.kind} game of {result.scenario} (point values)",
                  title_justify="left")
        t.add_column("parameter")
        t.add_column("value", justify="right")
        for name, value in result.parameters.items():
            t.add_row(name, f"{value:.4g}")
        console.print(t)
        e = Table(title="detente's equilibrium (closed form)", title_justify="left")
        e.add_column("")
        e.add_column("")
        for name, value in result.equilibrium.items():
            e.add_row(name, f"{value:.4g}" if isinstance(value, float) else str(value))
        if result.seed is not None:
            e.caption = f"seed {result.seed}"
        console.print(e)

    if output is not None and output.suffix.lower() == ".efg":
        write_output(output, result.efg, force=force, protect=[scenario])
        return
    emit(fmt, output, as_json=result.to_json, as_table=table, force=force, protect=[scenario])
