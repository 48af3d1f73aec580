"""Fixtures of the sweep tests: scenarios, a fresh run database per test, a small Dask
cluster shared by the session (started once: a LocalCluster costs seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from detente.scenario import Scenario, load

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="session")
def ukraine() -> Scenario:
    return load("ukraine-2022")


@pytest.fixture(scope="session")
def minimal() -> Scenario:
    return load(DATA / "minimal.yaml")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "runs.duckdb"


@pytest.fixture(scope="session")
def dask_scheduler() -> Iterator[str]:
    """A two-worker LocalCluster (one thread each) started the way ``--dask local:2`` starts
    one; tests connect to it by address, as to a remote cluster (``tcp://127.0.0.1:PORT``).
    Started once per session: a cluster costs seconds."""
    from detente.sweep import DaskBackend

    backend = DaskBackend("local:2")
    backend.start()
    try:
        assert backend.workers == 2
        yield backend.scheduler_address
    finally:
        backend.close()
