"""Quotes checked against the texts they quote.

A source in a scenario may name its copy with ``file:``. That copy is looked for beside the
scenario file, then in a ``sources/`` folder beside it (the built-in scenarios keep theirs in
``detente/scenario/builtin/sources``). Every quotation that cites such a source must appear in
it word for word, after collapsing runs of whitespace (line breaks in YAML or in the source
text do not count; curly quotes and dashes do). ``detente validate --strict`` reports each
quotation that is not found, with its file, line and field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from detente.scenario.errors import PathPart, Problem, format_path

__all__ = ["check_quotes", "evidence_items", "normalise", "source_path"]

RawPath = tuple[PathPart, ...]


def normalise(text: str) -> str:
    """Collapse runs of whitespace to one space and trim; nothing else changes."""
    return re.sub(r"\s+", " ", text).strip()


def evidence_items(data: Any, path: RawPath = ()) -> Iterator[tuple[RawPath, dict[str, Any]]]:
    """Every evidence item (a mapping with ``source`` and ``quote``) anywhere in raw scenario
    data, with its field path, in file order."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "evidence" and isinstance(value, list):
                for e, item in enumerate(value):
                    if isinstance(item, dict) and isinstance(item.get("quote"), str):
                        yield (*path, key, e), item
            else:
                yield from evidence_items(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from evidence_items(value, (*path, i))


def source_path(scenario_file: Path, file: str) -> Path | None:
    """The shipped copy of a source: beside the scenario, or in its ``sources/`` folder."""
    folder = scenario_file.parent
    for candidate in (folder / file, folder / "sources" / file):
        if candidate.is_file():
            return candidate
    return None


def check_quotes(data: Any, lines: dict[RawPath, int], scenario_file: Path) -> list[Problem]:
    """Problems with the quotations of raw scenario ``data`` read from ``scenario_file``
    (``lines`` maps field paths to line numbers): a quote missing from its source's shipped
    text, or a source whose ``file`` cannot be found. Sources without ``file`` are not
    checked (there is nothing to check against)."""
    name = str(scenario_file)
    problems: list[Problem] = []
    files: dict[str, str] = {}
    for s, src in enumerate(data.get("sources") or [] if isinstance(data, dict) else []):
        if not (isinstance(src, dict) and isinstance(src.get("file"), str)):
            continue
        found = source_path(scenario_file, src["file"])
        if found is None:
            path: RawPath = ("sources", s, "file")
            problems.append(Problem(name, lines.get(path), format_path(path),
                                    f"source text {src['file']!r} not found beside the "
                                    f"scenario or in its sources/ folder"))
            continue
        files[str(src.get("id"))] = normalise(found.read_text(encoding="utf-8"))
    for path, item in evidence_items(data):
        text = files.get(str(item.get("source")))
        if text is None or normalise(item["quote"]) in text:
            continue
        where = (*path, "quote")
        line = lines.get(where, lines.get(path))
        quote = normalise(item["quote"])
        short = quote if len(quote) <= 80 else quote[:77] + "..."
        problems.append(Problem(name, line, format_path(where),
                                f"quote {short!r} is not in the text of source "
                                f"{item['source']!r} (checked word for word, whitespace "
                                "collapsed)"))
    return problems
