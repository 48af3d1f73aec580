"""``--help`` at 80 columns, for the root and every command and command group: each command
is listed in its parent's panel on one line by one sentence (no hard line break from the
source), the full text in ``detente CMD --help`` is wrapped by the terminal only, and flags
show no ``<bool>`` type (detente.cli.help)."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from detente.cli import app
from detente.cli.help import SUMMARIES

runner = CliRunner()
WIDTH = 80


def _tree(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    out = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        out += _tree(sub, (*path, name))
    return out


TREE = _tree(typer.main.get_command(app))
PATHS = [path for path, _ in TREE]


def render(path: tuple[str, ...]) -> str:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, result.output
    return result.stdout


def panel_entries(text: str, title: str) -> dict[str, list[str]]:
    """The rows of the panel ``title``: first cell -> the lines of the second."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"╭─ {title} "))
    entries: dict[str, list[str]] = {}
    current = ""
    for line in lines[start + 1:]:
        if line.startswith("╰"):
            break
        cells = line.strip("│").rstrip()
        name, _, rest = cells.strip().partition(" ")
        if cells[:2].strip():  # a new row: its name starts in the first column
            current = name
            entries[current] = [rest.strip()]
        else:
            entries[current].append(cells.strip())
    return entries


def description(text: str) -> list[str]:
    """The lines of the help text between the usage line and the first panel."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Usage:" in line) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    return [line.strip() for line in lines[start:end]]


def hard_breaks(lines: list[str], width: int) -> list[str]:
    """Lines of a wrapped paragraph ended before the width made them: the next line's first
    word would have fitted (a line break from the source, not from the terminal)."""
    out = []
    for line, after in pairwise(lines):
        if line and after:
            first = after.split()[0]
            if len(line) + 1 + len(first) <= width:
                out.append(f"{line!r} / {after!r}")
    return out


def test_the_tree_is_complete() -> None:
    names = {" ".join(p) for p in PATHS if p}
    assert {"crisis", "runs", "runs export", "backtest icb"} <= names
    assert names == set(SUMMARIES), "every command needs a one-line summary in SUMMARIES"


def test_hard_break_finder_finds_source_breaks() -> None:
    assert hard_breaks(["the compromise and", "weighted-median baselines"], 78)
    assert not hard_breaks(["a" * 70, "weighted-median baselines"], 78)


@pytest.mark.parametrize("path", [p for p, cmd in TREE if getattr(cmd, "commands", None)],
                         ids=lambda p: " ".join(p) or "detente")
def test_commands_panel_lists_each_command_on_one_line(path: tuple[str, ...]) -> None:
    text = render(path)
    entries = panel_entries(text, "Commands")
    group = dict(TREE)[path]
    assert set(entries) == set(group.commands)
    for name, lines in entries.items():
        summary = SUMMARIES[" ".join((*path, name))]
        assert lines == [summary], f"{name}: {lines}"
        assert "\n" not in summary and re.fullmatch(r"[A-Z].*[.?]", summary), summary


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "detente")
def test_help_has_no_bool_metavar_and_no_source_line_breaks(path: tuple[str, ...]) -> None:
    text = render(path)
    assert "<bool>" not in text
    assert all(len(line) <= WIDTH for line in text.splitlines())
    assert hard_breaks(description(text), WIDTH - 2) == []
    command = dict(TREE)[path]
    full = " ".join((command.help or "").split())
    assert full and " ".join(" ".join(description(text)).split()) == full
