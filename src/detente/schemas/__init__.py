"""JSON Schemas of detente's machine-readable outputs: the contracts scripts rely on.

The shipped ``*.schema.json`` files are generated from the typed results; regenerate them with
``python -m detente.schemas`` after changing a result type (a test fails until you do).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def generated() -> dict[str, dict[str, Any]]:
    """Schema name -> JSON Schema, generated from the result types."""
    from detente.api import ForecastReport
    from detente.crisis.analysis import CrisisResult

    schemas = {"forecast": ForecastReport.model_json_schema(),
               "crisis": CrisisResult.model_json_schema()}
    for name, schema in schemas.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://detente.invalid/schemas/{name}.schema.json"
    return schemas


def shipped(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / f"{name}.schema.json").read_text())
    return data


def write_all() -> list[Path]:
    paths = []
    for name, schema in generated().items():
        path = HERE / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2) + "\n")
        paths.append(path)
    return paths

