"""Commands about scenarios themselves: list, show, validate, convert."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from detente.cli.common import (
    EXIT_USAGE,
    ForceOpt,
    Format,
    FormatOpt,
    OutputOpt,
    ScenarioArg,
    check_output,
    emit,
    err_console,
    fail,
    replacing,
    user_errors,
)


def scenarios(fmt: FormatOpt = Format.table, output: OutputOpt = None,
              force: ForceOpt = False) -> None:
    """List the built-in scenarios."""
    from detente.scenario import builtin_names, load

    with user_errors():
        found = [load(name) for name in builtin_names()]
    rows = [{"name": s.id, "title": s.title, "as_of": s.as_of.isoformat() if s.as_of else None,
             "actors": len(s.actors), "issues": len(s.issues)} for s in found]

    def table(console: Console) -> None:
        t = Table(title="Built-in scenarios")
        for col in ("name", "title", "as of", "actors", "issues"):
            t.add_column(col)
        for r in rows:
            t.add_row(*(str(r[k] or "") for k in ("name", "title", "as_of", "actors", "issues")))
        console.print(t)

    emit(fmt, output, as_json=lambda: json.dumps(rows, indent=2), as_table=table, force=force)


def show(scenario: ScenarioArg = None, fmt: FormatOpt = Format.table,
         output: OutputOpt = None, force: ForceOpt = False,
         evidence: Annotated[bool, typer.Option(
             "--evidence", "-e", help="List every quote and judgment behind the numbers.")
         ] = False) -> None:
    """Print a scenario: actors × issues with uncertainty and evidence."""
    from detente.report import scenario_tables
    from detente.scenario import load

    check_output(output, force=force, protect=[scenario])
    with user_errors():
        s = load(scenario)
    emit(fmt, output, as_json=lambda: json.dumps(s.to_data(), indent=2, ensure_ascii=False),
         as_table=lambda console: scenario_tables(s, console, evidence=evidence), force=force,
         protect=[scenario])


def validate(file: Annotated[str, typer.Argument(help="Scenario file or built-in name.")],
             strict: Annotated[bool, typer.Option(
                 "--strict", help="Also flag numbers with neither evidence nor a judgment "
                 "note, and quotes not found word for word in their source's shipped text."
             )] = False) -> None:
    """Check a scenario file; report every problem with its file, line and field."""
    from detente.scenario import load
    from detente.scenario.errors import format_path
    from detente.scenario.evidence import check_quotes
    from detente.scenario.loader import parse_yaml, read_bytes, resolve

    with user_errors():
        s = load(file)
    problems = []
    if strict:
        path = resolve(file)
        lines: dict[tuple[str | int, ...], int] = {}
        if path.suffix.lower() in (".yaml", ".yml", ".json"):
            data, lines = parse_yaml(read_bytes(path).decode("utf-8-sig"), str(path))
            problems += [str(p) for p in check_quotes(data, lines, path)]
        for loc, q in s.quantities():
            if not q.is_supported:
                line = lines.get(loc)
                where = f"{path}:{line}" if line else str(path)
                problems.append(f"{where}: {format_path(loc)}: {q.describe()} has no evidence "
                                "and no judgment note")
    for p in problems:
        err_console.print(p, markup=False, soft_wrap=True)
    if problems:
        fail(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} with the evidence "
             "(--strict)", EXIT_USAGE)
    n_values = sum(1 for _ in s.quantities())
    _note_missing_end(file)
    typer.echo(f"ok: {s.id}: {len(s.actors)} actors, {len(s.issues)} issues, "
               f"{n_values} numbers")


def _note_missing_end(file: str) -> None:
    """A YAML file without the closing ``end: <id>`` marker loads, but a copy of it cut short
    could too (docs/scenario-format.md, "Truncated files"): say so."""
    from detente.scenario.loader import BUILTIN_DIR, parse_yaml, read_bytes, resolve

    path = resolve(file)
    if path.suffix.lower() not in (".yaml", ".yml") or path.parent == BUILTIN_DIR:
        return
    data, _ = parse_yaml(read_bytes(path).decode("utf-8-sig"), str(path))
    if isinstance(data, dict) and "end" not in data:
        err_console.print(f"note: {path} has no closing `end: {data.get('id')}` line, so a "
                          "copy cut short would still load; add it as the last line (detente "
                          "convert writes it)", soft_wrap=True)


def convert(source: Annotated[str, typer.Argument(
                help="Scenario to read: file (any format detente reads) or built-in name.")],
            target: Annotated[Path, typer.Argument(
                help="detente file to write (.yaml, or .json).", dir_okay=False)],
            force: Annotated[bool, typer.Option("--force", help="Overwrite TARGET.")] = False
            ) -> None:
    """Convert a KTAB CSV/XML or expected-utility table (or a built-in) to a detente file."""
    from detente.scenario import load
    from detente.scenario.writer import write

    if target.suffix.lower() not in (".yaml", ".yml", ".json"):
        fail(f"{target}: write to a .yaml, .yml or .json file")
    check_output(target, force=force, protect=[source])
    with user_errors():
        s = load(source)
    with replacing(target, force=force, protect=[source]) as tmp:
        write(s, tmp)
        with user_errors():
            if load(tmp) != s:  # pragma: no cover - a writer bug, not a user error
                fail(f"{target} would not load back identically; please report this", 1)
    err_console.print(f"wrote {target} ({len(s.actors)} actors, {len(s.issues)} issues)")
