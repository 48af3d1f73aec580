"""`detente deals`: the trades across issues that the exchange model finds, in words, and the
risk of war at the package they produce (:mod:`detente.deals`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from detente.cli.common import (
    ForceOpt,
    Format,
    FormatOpt,
    OutputOpt,
    ScenarioArg,
    SeedOpt,
    check_output,
    emit,
    fail,
    user_errors,
)


def deals(
    scenario: ScenarioArg = None,
    rounds: Annotated[int, typer.Option(
        "--rounds", help="Rounds of trading: 1 lists the deals open now; more rounds let "
                         "actors trade on from where the last round left them.",
        min=1, max=1000)] = 1,
    rate: Annotated[str, typer.Option(
        "--rate", help="Exchange rate: equal (both gain the same) or nash (the product of "
                       "their gains is largest).")] = "equal",
    draws: Annotated[int, typer.Option(
        "--draws", "-n", help="Monte Carlo draws for P(war).", min=100,
        max=10_000_000)] = 10_000,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """Package deals: who could trade concessions across issues (Stokman's exchange model),
    and P(war) at the package those trades produce."""
    from detente import api
    from detente.scenario import load

    check_output(output, force=force, protect=[scenario])
    if rate not in ("equal", "nash"):
        fail(f"--rate must be equal or nash, not {rate!r}")
    with user_errors():
        s = load(scenario)
        result = api.deals(s, rounds=rounds, rate=rate, draws=draws, seed=seed)

    def table(console: Console) -> None:
        names = {a.id: a.name for a in s.actors}
        console.print(Text.assemble((result.title, "bold"),
                                    f": {len(result.deals)} exchanges in {result.rounds} "
                                    f"round{'s' if result.rounds != 1 else ''} "
                                    f"({result.rate} exchange rate, seed {result.seed})"))
        t = Table(title="Exchanges, largest gain first within a round", title_justify="left")
        for col in ("round", "exchange", "moves", "gains"):
            t.add_column(col, overflow="fold")
        for d in result.deals:
            a, b = d.moves
            t.add_row(str(d.round), d.text,
                      f"{names[a.actor]}: {a.start:.1f} → {a.end:.1f}\n"
                      f"{names[b.actor]}: {b.start:.1f} → {b.end:.1f}",
                      f"{a.gain:.3f}\n{b.gain:.3f}")
        console.print(t)
        p = Table(title="The package", title_justify="left")
        for col in ("issue", "without trades", "package"):
            p.add_column(col, justify="left" if col == "issue" else "right")
        for row in result.package:
            p.add_row(row.issue, f"{row.without_trades:.2f}", f"{row.package:.2f}")
        console.print(p)
        if result.p_war_package is not None and result.p_war_without_trades is not None:
            lo, hi = result.p_war_package_interval or (0.0, 0.0)
            lo0, hi0 = result.p_war_without_trades_interval or (0.0, 0.0)
            console.print(f"P(war) at the package: {result.p_war_package:.3f} "
                          f"({lo:.3f}-{hi:.3f}); without trades (compromise): "
                          f"{result.p_war_without_trades:.3f} ({lo0:.3f}-{hi0:.3f}); "
                          f"{result.draws} draws.", soft_wrap=True)
        if result.note:
            console.print(result.note, soft_wrap=True)
        if not result.converged:
            console.print("Trading had not run out after these rounds: more rounds find "
                          "more exchanges (--rounds).", style="dim")

    emit(fmt, output, as_json=result.to_json, as_table=table, force=force,
         protect=[scenario])
