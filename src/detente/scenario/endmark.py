"""Truncation detection: the ``end: <id>`` marker that closes a file detente writes.

A YAML file cut short is very often still valid YAML (a file cut at 94 % of its length lost
five of its ten levers and loaded without a word). So the files detente writes (``detente
convert``) open with the header comment :data:`HEADER` and close with ``end: <id>`` as
their last key. The header survives any cut; the marker does not. A file that opens with
the header but lacks the marker, or whose marker does not match its id, is refused as
truncated. Any file may carry the marker (it must then be last and match); files without
the header need not, and ``detente validate`` says so.

JSON needs no marker: a JSON object cut anywhere leaves a brace unclosed and fails to parse.
"""

from __future__ import annotations

from typing import Any

from detente.scenario.errors import PathPart, Problem, ScenarioError

HEADER_START = "# detente scenario file"
HEADER = (HEADER_START + " (format version {version}); it ends with `end: {id}`, so a copy "
          "cut short is refused.\n"
          "# Numbers are a value or a distribution, with evidence or a judgment note:\n"
          "# see docs/scenario-format.md.\n")
KEY = "end"


def marked(data: dict[str, Any], scenario_id: str) -> dict[str, Any]:
    """``data`` with the marker as its last key (for the writer)."""
    return {**{k: v for k, v in data.items() if k != KEY}, KEY: scenario_id}


def check_end(data: Any, lines: dict[tuple[PathPart, ...], int], name: str,
              text: str) -> Any:
    """Check and remove the marker: it must be the last key and name the file's id; a file
    opening with :data:`HEADER_START` must have it. Returns ``data`` without the marker."""
    if not isinstance(data, dict):
        return data
    required = text.lstrip("\ufeff").startswith(HEADER_START)
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    if KEY not in data:
        if required:
            raise ScenarioError([Problem(
                name, last_line, "", f"the file stops at line {last_line} without its closing "
                f"`{KEY}: <id>` line: it is truncated (its header says detente wrote it "
                "whole). Restore the full file")])
        return data
    keys = list(data)
    marker = data[KEY]
    line = lines.get((KEY,))
    if keys[-1] != KEY:
        raise ScenarioError([Problem(name, line, KEY, f"`{KEY}:` must be the file's last key "
                                                      f"(found {keys[-1]!r} after it)")])
    if marker != data.get("id"):
        raise ScenarioError([Problem(name, line, KEY, f"the closing marker names "
                                                      f"{marker!r} but the scenario id is "
                                                      f"{data.get('id')!r}: the file is "
                                                      "truncated or was edited by hand")])
    return {k: v for k, v in data.items() if k != KEY}
