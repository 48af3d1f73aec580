"""Terminal tables for scenarios and results. Reports only consume typed results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from detente.scenario import Scenario
from detente.scenario.errors import format_path
from detente.scenario.values import Quantity

if TYPE_CHECKING:
    from detente.api import ForecastReport
    from detente.models.base import ForecastResult


_BREAK_AFTER = "._]/"


def id_lines(text: str, width: int) -> str:
    """An identifier or field name broken into lines of at most ``width`` characters after a
    separator (``.``, ``_``, ``]``, ``/``), never inside a word: ``ukraine_alignment_donbas``
    at 13 is ``ukraine_`` / ``alignment_`` / ``donbas``. A part longer than ``width`` stays
    whole (the column grows rather than cut it)."""
    parts, current = [], ""
    for ch in text:
        current += ch
        if ch in _BREAK_AFTER or ch == "_":
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    lines, line = [], ""
    for part in parts:
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
    if line:
        lines.append(line)
    return "\n".join(lines)


def word_width(label: str) -> int:
    """The width a column needs so that no word of ``label`` is cut."""
    return max((len(w) for w in label.split()), default=1)


def header(table: Table, label: str, **options: Any) -> None:
    """A column whose header wraps between words, never inside one."""
    table.add_column(label.replace(" ", "\n"), min_width=word_width(label), **options)


def _cell(q: Quantity) -> Text:
    # styling as Text, never markup: the console prints strings literally (text is data)
    out = Text(f"{q.point:g}")
    if q.is_uncertain:
        out.append(f" {q.low:g}–{q.high:g}", style="dim")
    if q.evidence:
        out.append(" §", style="dim")
    if not q.is_supported:
        out.append(" ?", style="red")
    return out


def scenario_tables(s: Scenario, console: Console, *, evidence: bool = False) -> None:
    """Issues, then actors × issues (position / salience), then optionally the evidence."""
    head = Text.assemble((s.title, "bold"), f" ({s.id})")
    if s.as_of:
        head.append(f", as of {s.as_of.isoformat()}")
    console.print(head)
    if s.summary:
        console.print(s.summary, style="dim")

    issues = Table(title="Issues", title_justify="left")
    for col in ("issue", "scale", "low end means", "high end means", "status quo"):
        issues.add_column(col, overflow="fold")
    for i in s.issues:
        issues.add_row(i.id if i.name == i.id else Text.assemble(i.name, "\n", (i.id, "dim")),
                       f"{i.scale.low:g}..{i.scale.high:g} {i.scale.units}",
                       i.scale.low_means or "", i.scale.high_means or "",
                       _cell(i.status_quo) if i.status_quo else "")
    console.print(issues)

    actors = Table(title=Text.assemble("Actors: position / salience per issue (range; § cites "
                                       "a source, ", ("?", "red"), " unsupported)"),
                   title_justify="left")
    actors.add_column("actor", min_width=min(14, max(word_width(a.name) for a in s.actors)))
    actors.add_column("capability", min_width=len("capability"))
    for i in s.issues:
        actors.add_column(id_lines(i.id, 12), no_wrap=True)
    for a in s.actors:
        actors.add_row(a.name, _cell(a.capability),
                       *[Text("\n").join([_cell(a.positions[i.id]), _cell(a.salience[i.id])])
                         for i in s.issues])
    console.print(actors)
    if s.crisis is not None:
        crisis_tables(s, console)

    if evidence:
        ev = Table(title="Evidence and judgment", title_justify="left", show_lines=True)
        ev.add_column("field", no_wrap=True)
        ev.add_column("value")
        ev.add_column("support", overflow="fold")
        for path, q in s.quantities():
            support = [Text.assemble(f"“{e.quote}” ", (f"({e.source})", "dim"))
                       for e in q.evidence]
            if q.judgment:
                support.append(Text.assemble(("judgment:", "italic"), f" {q.judgment}"))
            ev.add_row(id_lines(format_path(path), 24), q.describe(),
                       Text("\n").join(support) if support else Text("none", style="red"))
        console.print(ev)


def crisis_tables(s: Scenario, console: Console) -> None:
    """The crisis section: who challenges whom, what war would cost and decide, and the
    levers by id (the ids ``detente crisis --lever`` and ``whatif --fix`` take)."""
    crisis = s.crisis
    assert crisis is not None
    names = {a.id: a.name for a in s.actors}
    war = crisis.war
    t = Table(title="Crisis", title_justify="left", show_header=False)
    t.add_column("", style="bold", no_wrap=True)
    t.add_column("")
    t.add_row("challenger", f"{names[crisis.challenger]} ({crisis.challenger})")
    t.add_row("defenders", ", ".join(f"{names[d]} ({d})" for d in crisis.defenders)
              + f"; combined by {crisis.defender_weights}")
    t.add_row("challenger prevails", _cell(war.p_win))
    for party, q in war.costs.items():
        t.add_row(f"cost of war: {party}", _cell(q))
    if crisis.power_shift is not None:
        t.add_row("prevails after the shift", _cell(crisis.power_shift.p_win_future))
    console.print(t)

    levers = Table(title="Levers (ids for --lever and --fix; cost at the top of the range)",
                   title_justify="left")
    # ids are never cut: the lever column is as wide as the longest id it shows (the names
    # wrap inside it), kinds do not wrap; range and cost give way at 80 columns
    ids = [lv.id for lv in crisis.levers] + [lv.issue for lv in crisis.levers if lv.issue]
    levers.add_column("lever", width=max(14, *(len(i) for i in ids)))
    levers.add_column("kind", no_wrap=True)
    levers.add_column("range", min_width=5, max_width=7)
    levers.add_column("today", justify="right", no_wrap=True)
    levers.add_column("cost", min_width=6)
    for lv in crisis.levers:
        span = (" ".join(f"{v:g}" for v in lv.steps) if lv.steps is not None
                else f"{lv.low:g}..{lv.high:g}")
        what = Text.assemble((lv.id, "bold"), "\n",
                             (lv.name + (f"\non {lv.issue}" if lv.issue else ""), "dim"))
        levers.add_row(what, lv.kind, span,
                       "" if lv.default is None else f"{lv.default:g}",
                       "" if lv.cost is None else _cell(lv.cost))
    console.print(levers)


def forecast_table(report: ForecastReport, scenario: Scenario, console: Console) -> None:
    """Issues × models: each model's forecast, in the issue's units."""
    t = Table(title=f"Forecast: {report.title} (seed {report.seed})", title_justify="left")
    t.add_column("issue", overflow="fold")
    t.add_column("scale")
    t.add_column("status quo", justify="right")
    for r in report.results:
        t.add_column(r.model, justify="right")
    for issue in scenario.issues:
        sq = f"{issue.status_quo.point:g}" if issue.status_quo else ""
        t.add_row(issue.id, f"{issue.scale.low:g}..{issue.scale.high:g}", sq,
                  *[_forecast_cell(r, issue.id) for r in report.results])
    console.print(t)
    for r in report.results:
        if r.rounds:
            console.print(f"{r.model}: {r.rounds} rounds; stopped: {r.stop_reason}",
                          style="dim")
        missed = r.unconverged()
        if missed:
            console.print(Text.assemble(
                (f"{r.model} did not converge", "yellow"), f" on {len(missed)} of "
                f"{len(r.issues)} issues ({', '.join(missed)}): it stopped at its round limit; "
                "its forecast there (marked *) is where the rounds were cut off, not a "
                "settlement"))
    if report.spread:
        console.print(Text.assemble(("Spread across models", "bold"),
                                    " (lowest to highest forecast):"))
        for sp in report.spread:
            console.print(f"  {sp.issue}: {sp.describe()}")
    for name, why in report.skipped.items():
        console.print(Text.assemble((f"{name} not run:", "yellow"), f" {why}"))


def _forecast_cell(result: ForecastResult, issue_id: str) -> Text:
    """A forecast, starred when the model stopped at its round limit on that issue."""
    issue = next(i for i in result.issues if i.id == issue_id)
    return Text.assemble(f"{issue.forecast:.2f}", ("*" if issue.converged is False else "",
                                                   "yellow"))


def rounds_table(result: ForecastResult, scenario: Scenario, console: Console,
                 per_table: int = 8) -> None:
    """Every actor's position at every round: rounds down, actors across, in as many tables
    as it takes for every actor's id to fit whole in the console's width (at most
    ``per_table`` actors each)."""
    for issue in result.issues:
        name = scenario.issue(issue.id).name
        for group in _groups(result.actors, console.width, per_table):
            t = Table(title=f"{result.model}: {name} by round", title_justify="left")
            t.add_column("round", justify="right")
            for _, actor in group:
                t.add_column(actor, justify="right", no_wrap=True, min_width=len(actor))
            for rnd, row in enumerate(issue.history):
                t.add_row(str(rnd), *[f"{row[a]:.2f}" for a, _ in group])
            console.print(t)
        console.print(f"{result.model} forecast on {issue.id}: {issue.forecast:.3f}")


def _groups(actors: list[str], width: int, most: int) -> list[list[tuple[int, str]]]:
    """Consecutive actors whose columns (id or a number, padding, border) fit in ``width``
    beside the round column."""
    groups: list[list[tuple[int, str]]] = [[]]
    used = 9  # the round column and the table's outer borders
    for a, actor in enumerate(actors):
        need = max(len(actor), 6) + 3
        if groups[-1] and (used + need > width or len(groups[-1]) >= most):
            groups.append([])
            used = 9
        groups[-1].append((a, actor))
        used += need
    return groups


def frame_table(frame: Any, title: str, console: Console, digits: int = 3) -> None:
    """Any small DataFrame as a rich table (numbers rounded, text as is)."""
    t = Table(title=title, title_justify="left")
    for col in frame.columns:
        numeric = frame[col].dtype.kind in "fi"
        t.add_column(str(col), justify="right" if numeric else "left", no_wrap=True)
    for row in frame.itertuples(index=False):
        t.add_row(*[_fmt(v, digits) for v in row])
    console.print(t)


def _fmt(value: Any, digits: int) -> str:
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)
