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
    qre: Annotated[float | None, typer.Option(
        "--qre", metavar="LAMBDA", min=0.0, show_default=False,
        help="Also the logit quantal-response equilibrium at this lambda (>= 0; 0 is uniform "
             "play, large values approach the equilibrium): each choice's probability "
             "beside the equilibrium's (deterrence and sanctions games).")] = None,
    seed: SeedOpt = 0,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write the scenario's crisis game for Gambit: `-o game.efg` writes the game tree in
    Gambit's extensive-form format; otherwise its parameters and detente's equilibrium (with
    `--qre LAMBDA`, also the logit quantal-response equilibrium's choice probabilities)."""
    from detente import api
    from detente.scenario import load

    check_output(output, force=force, protect=[scenario])
    with user_errors():
        s = load(scenario)
        result = api.game(s, kind=kind, settings=number_pairs(settings, "--set"), seed=seed,
                          qre=qre)

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
        if result.qre is not None and result.equilibrium_choices is not None:
            console.print(qre_table(result.kind, result.qre_lambda, result.qre,
                                    result.equilibrium_choices))

    if output is not None and output.suffix.lower() == ".efg":
        write_output(output, result.efg, force=force, protect=[scenario])
        return
    emit(fmt, output, as_json=result.to_json, as_table=table, force=force, protect=[scenario])


def qre_table(kind: str, lam: float | None, qre: dict[str, float],
              equilibrium: dict[str, float]) -> Table:
    """The QRE's choice probabilities beside the equilibrium's (docs/games.md)."""
    from detente.crisis.game_export import CHOICES

    t = Table(title=f"Logit QRE at lambda = {lam:g} (McKelvey and Palfrey 1998): "
                    "probability of each choice", title_justify="left")
    t.add_column("choice")
    t.add_column("QRE", justify="right")
    t.add_column("equilibrium", justify="right")
    for name, label in CHOICES[kind].items():
        t.add_row(label, f"{qre[name]:.4f}", f"{equilibrium[name]:.4g}")
    return t
