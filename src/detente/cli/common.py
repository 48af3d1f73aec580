"""What every command shares: option types, output (table or JSON, screen or file), and the
rule that bad input ends with a clear message and exit status 2, never a traceback."""

from __future__ import annotations

import enum
import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from detente.models.base import ModelInputError
from detente.scenario import ScenarioError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

err_console = Console(stderr=True, highlight=False)


class Format(enum.StrEnum):
    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write to this file instead of the terminal.", dir_okay=False)]
SeedOpt = Annotated[int, typer.Option(
    "--seed", help="Seed of the random generator (stored with the result).", min=0)]
ScenarioArg = Annotated[str | None, typer.Argument(
    help="A built-in scenario name (see `detente scenarios`) or a file "
         "(.yaml, .json, KTAB .csv/.xml, expected-utility .csv). Default: ukraine-2022.",
    show_default=False)]


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors users cause into a message and exit status 2."""
    try:
        yield
    except ScenarioError as exc:
        count = len(exc.problems)
        for p in exc.problems:
            err_console.print(str(p), markup=False, soft_wrap=True)
        fail(f"{count} problem{'s' if count != 1 else ''} found; nothing was run")
    except (ModelInputError, KeyError) as exc:
        fail(str(exc.args[0]) if exc.args else str(exc))
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise typer.Exit(130) from None


def parse_pairs(pairs: list[str] | None, what: str) -> dict[str, str]:
    """``["a=1", "b=x"]`` -> ``{"a": "1", "b": "x"}`` with a clear error for a bad pair."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"{what} {pair!r} is not of the form name=value")
        out[key.strip()] = value.strip()
    return out


def number_pairs(pairs: list[str] | None, option: str) -> dict[str, float]:
    """``--option name=value`` pairs whose values must be finite numbers."""
    out: dict[str, float] = {}
    for key, text in parse_pairs(pairs, option).items():
        try:
            value = float(text)
        except ValueError:
            fail(f"{option} {key}={text!r}: {text!r} is not a number")
        if not math.isfinite(value):
            fail(f"{option} {key}={text!r}: give a finite number")
        out[key] = value
    return out


def coerce(value: str) -> Any:
    """A command-line setting as JSON when it parses (numbers, true/false), else a string."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def emit(fmt: Format, output: Path | None, *, as_json: Callable[[], str],
         as_table: Callable[[Console], None]) -> None:
    """Print (or write to ``output``) the JSON or the rich tables of a result."""
    if fmt is Format.json:
        text = as_json()
        if output is None:
            sys.stdout.write(text + "\n")
        else:
            _write(output, text + "\n")
        return
    if output is None:
        as_table(Console())
        return
    console = Console(record=True, width=120, file=open("/dev/null", "w"))  # noqa: SIM115
    as_table(console)
    _write(output, console.export_text())


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}")
    err_console.print(f"wrote {path}")
