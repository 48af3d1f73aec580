"""Shared fixtures. The golden inputs and outputs ship with the tests in
``tests/data/reference`` (provenance and licences in its README.md); ``DETENTE_REFERENCE``
points the tests at another copy. The source texts the built-in scenarios quote ship with the
package (``detente/scenario/builtin/sources``), and so do the ICB crisis data the backtest
scores against (``detente/backtest/data/icb``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from detente.scenario.loader import BUILTIN_DIR

REPO = Path(__file__).resolve().parents[1]
SHIPPED_REFERENCE = REPO / "tests" / "data" / "reference"


def _reference_dir() -> Path:
    env = os.environ.get("DETENTE_REFERENCE")
    path = Path(env) if env else SHIPPED_REFERENCE
    if not (path / "README.md").exists():
        raise RuntimeError(f"reference data not found at {path}")
    return path


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The folder holding ktab/ and eum/ golden data (see its README.md)."""
    return _reference_dir()


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The unmodified source texts the built-in scenarios quote."""
    return BUILTIN_DIR / "sources"
