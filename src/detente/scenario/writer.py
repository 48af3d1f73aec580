"""Writing a scenario as detente YAML (or JSON) that loads back to an equal scenario."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from detente.scenario.endmark import HEADER, marked
from detente.scenario.schema import Scenario


class _Dumper(yaml.SafeDumper):
    """Block style, file order, multi-line strings as literal blocks."""


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(scenario: Scenario) -> str:
    body = yaml.dump(marked(scenario.to_data(), scenario.id), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=100, default_flow_style=None)
    return HEADER.format(version=scenario.detente, id=scenario.id) + body


def to_json(scenario: Scenario) -> str:
    return json.dumps(marked(scenario.to_data(), scenario.id), indent=2, ensure_ascii=False)


def write(scenario: Scenario, path: Path | str) -> Path:
    """Write ``scenario`` to ``path``: JSON for ``.json``, YAML otherwise."""
    path = Path(path)
    text = to_json(scenario) if path.suffix.lower() == ".json" else to_yaml(scenario)
    path.write_text(text, encoding="utf-8")
    return path


def plain(scenario: Scenario) -> dict[str, Any]:
    return scenario.to_data()
