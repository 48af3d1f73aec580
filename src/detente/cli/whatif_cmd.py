"""`detente whatif`: what will it take to bring the risk of war under a target? The cheapest
bundles of concessions, sanctions, deterrents and guarantees, and the frontier of cost to the
defending side versus P(war) (:mod:`detente.whatif`)."""

from __future__ import annotations

import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from detente.cli.common import (
    MAX_DRAWS_IN_MEMORY,
    ForceOpt,
    Format,
    FormatOpt,
    OutputOpt,
    ScenarioArg,
    SeedOpt,
    check_output,
    emit,
    err_console,
    number_pairs,
    replacing,
    user_errors,
)

if TYPE_CHECKING:
    from detente.scenario import Scenario
    from detente.whatif import WhatIfResult


def whatif(
    scenario: ScenarioArg = None,
    target: Annotated[float, typer.Option(
        "--target", "-t", help="The risk of war to get under: the largest acceptable P(war).",
        min=0.0, max=0.999)] = 0.10,
    draws: Annotated[int, typer.Option(
        "--draws", "-n", help="Monte Carlo draws shared by every bundle searched.", min=100,
        max=MAX_DRAWS_IN_MEMORY)] = 2_000,
    fix: Annotated[list[str] | None, typer.Option(
        "--fix", help="Hold a lever at a setting (lever=value in its units; an issue id "
                      "fixes the offer on it), repeatable.", metavar="LEVER=VALUE")] = None,
    free: Annotated[list[str] | None, typer.Option(
        "--free", help="Search only these levers (repeatable); the rest stay at the "
                       "scenario's settings, offers at the status quo.",
        metavar="LEVER")] = None,
    budget: Annotated[float | None, typer.Option(
        "--budget", help="The most the defending side will pay, in units of its stakes "
                         "(the cost scale of the frontier).")] = None,
    demands: Annotated[bool, typer.Option(
        "--allow-demands", help="Let offers ask for more than the status quo (down to the "
                                "defending side's own terms), not only concede.")] = False,
    check_draws: Annotated[int, typer.Option(
        "--check-draws", help="Fresh draws to re-check the frontier on (0: no check).",
        min=0, max=MAX_DRAWS_IN_MEMORY)] = 10_000,
    effort: Annotated[float, typer.Option(
        "--effort", help="Scale the optimiser's generations (2 = twice the work).",
        min=0.05, max=20.0)] = 1.0,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Also draw the frontier to this file (.png or .svg).",
        dir_okay=False)] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """What will it take? The cheapest bundles of levers and concessions that bring P(war)
    to the target, the frontier of cost versus risk, and what the answer hinges on."""
    from detente import api
    from detente.scenario import load
    from detente.whatif.result import plot_format

    check_output(output, force=force, protect=[scenario])
    check_output(plot, force=force, protect=[scenario])
    with user_errors():
        if plot is not None:
            plot_format(plot)
        s = load(scenario)
        fixed = number_pairs(fix, "--fix")
        start = time.perf_counter()
        with _Bar(err_console) as bar:
            result = api.whatif(s, target=target, draws=draws, seed=seed, fix=fixed,
                                free=free, budget=budget, check_draws=check_draws,
                                effort=effort, demands=demands, progress=bar)
        err_console.print(f"searched {result.evaluations:,} bundles on {draws:,} draws in "
                          f"{time.perf_counter() - start:.1f} s")
        if plot is not None:
            with replacing(plot, force=force, protect=[scenario]) as tmp:
                result.plot(tmp)
            err_console.print(f"wrote {plot}")

    def table(console: Console) -> None:
        whatif_tables(result, s, console)

    emit(fmt, output, as_json=result.to_json, as_table=table, force=force,
         protect=[scenario])


class _Bar:
    """Progress on stderr: a live bar on a terminal, one line per finished stage elsewhere."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self.progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                                 transient=True, disable=not self.live)
        self.task: TaskID | None = None
        self.stage = ""
        self.reported: set[str] = set()
        self.start = time.perf_counter()

    def __enter__(self) -> _Bar:
        self.progress.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.progress.__exit__(kind, exc, tb)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.stage = stage
            if self.task is None:
                self.task = self.progress.add_task(stage, total=total)
            self.progress.reset(self.task, total=total, description=stage)
        assert self.task is not None
        self.progress.update(self.task, completed=done)
        if not self.live and done >= total and stage not in self.reported:
            self.reported.add(stage)
            self.console.print(f"{time.perf_counter() - self.start:6.1f} s  {stage}",
                               style="dim")


# ------------------------------------------------------------------------------ tables


def _fmt(v: float) -> str:
    return f"{v:.2g}" if abs(v) < 1 else f"{v:.3g}"


def whatif_tables(r: WhatIfResult, s: Scenario, console: Console) -> None:
    """The answer first, then the frontier it is read from, then the recommended bundle."""
    check = f" (+{r.check_draws:,} fresh to check)" if r.check_draws else ""
    console.print(Text.assemble(
        (r.title, "bold"), f" ({r.scenario}): what would bring P(war) to {r.target:.0%} or "
        f"below? {r.draws:,} draws{check}, seed {r.seed}; {r.evaluations:,} bundles searched."))
    console.print(r.headline)
    console.print()

    t = Table(title="The frontier: the cheapest bundle found for each level of risk (cost in "
                    "units of the defending side's stakes)", title_justify="left")
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("P(war)", justify="right", no_wrap=True)
    t.add_column("90%", justify="right", no_wrap=True)
    if r.check_draws:
        t.add_column("fresh", justify="right", no_wrap=True)
    t.add_column("cost", justify="right", no_wrap=True)
    t.add_column("what changes from today (levers in their units, offers in the issues')",
                 overflow="fold", ratio=1)
    today = {lv.lever: lv.value for lv in r.current.levers}
    rows = [*r.frontier, r.current]
    for i, b in enumerate(rows):
        is_current = i == len(r.frontier)
        mark = "now" if is_current else ("★" if i == r.recommended else str(i))
        lo, hi = b.p_war_interval
        cells = [mark, f"{b.p_war:.3f}", f"{lo:.3f}–{hi:.3f}"]
        if r.check_draws:
            cells.append("" if b.p_war_check is None else f"{b.p_war_check:.3f}")
        cells.append(f"{b.cost:+.3f}")
        if is_current:
            cells.append(", ".join(f"{lv.issue or lv.lever} {_fmt(lv.value)}"
                                   for lv in b.levers if lv.pulled or lv.kind == "concession"))
        else:
            changed = [f"{lv.issue or lv.lever} {_fmt(lv.value)}" for lv in b.levers
                       if abs(lv.value - today[lv.lever]) > 1e-9]
            cells.append(", ".join(changed) or "(today's bundle)")
        style = ("bold" if i == r.recommended else "dim" if is_current
                 else "green" if b.meets_target else None)
        t.add_row(*cells, style=style,
                  end_section=i == len(r.frontier) - 1)
    console.print(t)
    console.print("★ the cheapest bundle meeting the target on the search's draws and on "
                  "fresh ones; green: meets the target; now: today's bundle (the scenario's "
                  "settings, offers at the status quo; its row lists them). fresh: P(war) on "
                  "draws the search never saw.", style="dim")

    b = r.best
    label = "recommended bundle" if r.recommended is not None else "lowest-risk bundle"
    t = Table(title=f"The {label}, lever by lever", title_justify="left")
    t.add_column("lever", no_wrap=True)
    t.add_column("value", justify="right")
    t.add_column("today", justify="right")
    t.add_column("in words", overflow="fold")
    today = {lv.lever: lv.value for lv in r.current.levers}
    for lv in b.levers:
        name = lv.lever + ("" if lv.free else " (held)")
        t.add_row(name, _fmt(lv.value), _fmt(today[lv.lever]), lv.words)
    console.print(t)
    console.print(f"Cost: {b.cost:+.3f} = levers {b.lever_cost:.3f} + value conceded against "
                  f"the status quo {b.concession_cost:+.3f}; P(war) from the commitment "
                  f"problem alone: {b.p_commitment:.3f}.")

    if b.dependence:
        t = Table(title=f"What the {label} hinges on: P(war) with each uncertain input in its "
                        "lower and upper third (the third's bound in brackets)",
                  title_justify="left")
        t.add_column("input", overflow="fold", ratio=1, min_width=20)
        for col in ("lower third", "upper third", "Sobol ST"):
            t.add_column(col, justify="right", no_wrap=True)
        for d in b.dependence:
            flags = [f for f, on in (("hinges", d.hinges), ("dominant", d.dominant)) if on]
            st = ("" if d.total_index is None else f"{d.total_index:.2f}"
                  + ("" if d.total_index_conf is None else f"±{d.total_index_conf:.2f}"))
            t.add_row(d.label + (f" [{', '.join(flags)}]" if flags else ""),
                      f"{d.p_war_lower:.3f} (≤{d.lower_cut:.3g})",
                      f"{d.p_war_upper:.3f} (≥{d.upper_cut:.3g})", st,
                      style="bold" if flags else None)
        console.print(t)
        console.print(f"hinges: the target ({r.target:.0%}) is missed in one third of "
                      "the input, beyond Monte Carlo noise; dominant: its Sobol total-order "
                      "index (share of the variance of war at this bundle) is at least 0.5.",
                      style="dim")

    if b.mechanisms:
        t = Table(title=f"Why war still happens at the {label}", title_justify="left")
        t.add_column("mechanism", overflow="fold")
        t.add_column("share of war draws", justify="right")
        t.add_column("P", justify="right")
        for m in b.mechanisms:
            if m.p > 0:
                t.add_row(m.description, f"{m.share_of_war:.0%}", f"{m.p:.3f}")
        console.print(t)
    if r.reason:
        console.print(Text.assemble(("Target out of reach:", "bold"), f" {r.reason}."))
    for note in r.notes:
        console.print(f"note: {note}", style="dim")
