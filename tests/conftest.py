"""Shared fixtures. Golden inputs and outputs live in ``../shared/reference`` (beside the
repository, as on every developer machine and in CI); ``DETENTE_REFERENCE`` overrides it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _reference_dir() -> Path:
    env = os.environ.get("DETENTE_REFERENCE")
    path = Path(env) if env else REPO.parent / "shared" / "reference"
    if not (path / "README.md").exists():
        raise RuntimeError(f"reference data not found at {path}; set DETENTE_REFERENCE")
    return path


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The folder holding ktab/ and eum/ golden data (see its README.md for provenance)."""
    return _reference_dir()


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    return _reference_dir().parent / "sources"
