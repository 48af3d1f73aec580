"""`detente simulate`: the crisis played week by week, with signals, beliefs and learning
(:mod:`detente.simulate`, ``docs/escalation.md``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    user_errors,
)

if TYPE_CHECKING:
    from detente.simulate import SimulationResult


def simulate(
    scenario: ScenarioArg = None,
    weeks: Annotated[int, typer.Option("--weeks", "-w", help="Weeks to play.", min=1,
                                       max=520)] = 12,
    runs: Annotated[int, typer.Option(
        "--runs", "-n", help="Runs (each one seeded draw of the scenario's uncertain "
                             "numbers, as in `detente crisis`).", min=1,
        max=10_000_000)] = 10_000,
    types: Annotated[int, typer.Option(
        "--types", help="Challenger types in the defending side's belief (the first draws).",
        min=1, max=4096)] = 128,
    opening: Annotated[str, typer.Option(
        "--opening", help="The offer on the table in week 1: 'defenders' (their own terms) "
                          "or 'model' (the offer of `detente crisis`).")] = "defenders",
    mobilisation: Annotated[float, typer.Option(
        "--mobilisation", help="The challenger's readiness at the start, 0 (none) to 1 "
                               "(ready to invade).", min=0.0, max=1.0)] = 0.0,
    no_signals: Annotated[bool, typer.Option(
        "--no-signals", help="No signalling moves (no mobilisation or threats).")] = False,
    catalogue: Annotated[Path | None, typer.Option(
        "--catalogue", help="A catalogue of moves (YAML, the shape of the built-in one).",
        dir_okay=False)] = None,
    history: Annotated[bool, typer.Option(
        "--history", help="Replay the scenario's dated moves first, then simulate "
                          "onward.")] = False,
    start: Annotated[str | None, typer.Option(
        "--from", help="With --history: replay the moves up to this date (YYYY-MM-DD) and "
                       "simulate from there (default: the last move).")] = None,
    calibrated: Annotated[bool, typer.Option(
        "--calibrated", help="Also give the final P(war by week t) through the calibration "
                             "map fitted on ICB crises before 1980 (docs/backtest.md).")] = False,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """Escalation over time: P(war by week t), how runs end, the most common paths of moves,
    the escalation score per week and which signals moved beliefs most."""
    check_output(output, force=force, protect=[scenario, catalogue])
    with user_errors():
        from detente import api
        from detente.scenario import load

        if opening not in ("defenders", "model"):
            from detente.cli.common import fail

            fail(f"--opening must be 'defenders' or 'model'; got {opening!r}")
        s = load(scenario)
        result = api.simulate(s, weeks=weeks, runs=runs, seed=seed, types=types,
                              opening=opening, mobilisation=mobilisation,
                              signals=not no_signals, catalogue=catalogue, history=history,
                              start=start)

    extra = None
    if calibrated:
        from detente.backtest.fitted import calibrated_report

        extra = calibrated_report(result.p_war_by_week[-1], result.p_war_interval[-1])

    def table(console: Console) -> None:
        simulate_tables(result, console)
        if extra is not None:
            lo, hi = extra["p_war_interval"]
            console.print(f"Calibrated on ICB crises 1918-1979: P(war by week {weeks}) "
                          f"{extra['p_war']:.2f} (interval {lo:.2f}-{hi:.2f}); the map was "
                          "fitted on one-shot crisis forecasts, see docs/backtest.md.",
                          soft_wrap=True)

    def as_json() -> str:
        if extra is None:
            return result.to_json()
        return json.dumps({**json.loads(result.to_json()), "calibrated": extra}, indent=2)

    emit(fmt, output, as_json=as_json, as_table=table, force=force,
         protect=[scenario, catalogue])


def _num(x: float | None, fmt: str = "+.2f") -> str:
    return "" if x is None else format(x, fmt)


def simulate_tables(r: SimulationResult, console: Console) -> None:
    """The answer first, then the week-by-week table, the paths and the signals."""
    from detente.report import header

    console.print(Text.assemble((r.title, "bold"), f" ({r.scenario}): {r.runs:,} runs, "
                                f"{r.weeks} weeks, seed {r.seed}"))
    console.print(r.headline)
    console.print()
    if r.history:
        t = Table(title="Replayed history: the defending side's belief that the challenger "
                        "is resolved, and P(war now)", title_justify="left")
        for col in ("date", "actor", "move", "belief", "P(war now)"):
            t.add_column(col, justify="right" if col in ("belief", "P(war now)") else "left")
        for h in r.history:
            t.add_row(h.date, h.actor, h.move, f"{h.belief:.2f}", f"{h.p_war_now:.2f}")
        console.print(t)
        console.print(f"Simulated onward from {r.start_date}.")
    t = Table(title="Week by week (escalation: minus the Goldstein weights of the week's "
                    "moves; belief: P(challenger resolved))", title_justify="left",
              pad_edge=False, collapse_padding=True)  # nine columns fit 80 this way
    cap = r.p_capitulation_by_week
    for col in ("week", "P(war) by", "90% interval", *(["gave way by"] if cap else []),
                "settled by", "wars in week", "settled in week", "escalation", "belief"):
        header(t, col, justify="right")
    for w in range(r.weeks):
        lo, hi = r.p_war_interval[w]
        t.add_row(str(w + 1), f"{r.p_war_by_week[w]:.3f}", f"{lo:.3f}–{hi:.3f}",
                  *([f"{cap[w]:.3f}"] if cap else []),
                  f"{r.p_settled_by_week[w]:.3f}", f"{r.war_in_week[w]:,}",
                  f"{r.settled_in_week[w]:,}", _num(r.escalation_by_week[w], "+.1f"),
                  _num(r.belief_by_week[w], ".2f"))
    console.print(t)
    console.print(f"Still in crisis after week {r.weeks}: {r.ongoing:.1%} of runs.")

    t = Table(title="Most common paths (challenger's move/defending side's move, week by "
                    "week)", title_justify="left")
    t.add_column("share", justify="right")
    t.add_column("outcome")
    t.add_column("path", overflow="fold")
    for p in r.paths:
        t.add_row(f"{p.share:.1%}", p.outcome, " → ".join(p.path) or "(no move)")
    console.print(t)

    t = Table(title="Which of the challenger's moves moved the defending side's belief most",
              title_justify="left")
    for col in ("move", "seen", "mean change", "mean |change|"):
        t.add_column(col, justify="left" if col == "move" else "right")
    for s in r.signals_moved:
        t.add_row(s.move, f"{s.count:,}", f"{s.mean_shift:+.3f}", f"{s.mean_abs_shift:.3f}")
    console.print(t)
    console.print(f"Catalogue: {r.catalogue}. Opening offer: {r.opening}; mobilisation at the "
                  f"start {r.mobilisation:g}; signals {'on' if r.signals else 'off'}; "
                  f"{r.types} types in the defending side's belief.")
