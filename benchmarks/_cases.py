"""What the benchmark scripts share: where the reference data is, and a seeded synthetic
issue of any size."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from detente.models.base import ScenarioArrays

SHIPPED_REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "data" / "reference"


def reference_dir() -> Path:
    """The first command-line argument, else the copy shipped in ``tests/data/reference``."""
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        return Path(sys.argv[1])
    return SHIPPED_REFERENCE


def synthetic(n: int, *, seed: int = 480, capability: tuple[float, float] = (10.0, 200.0),
              decimals: int | None = 2, status_quo: float = float("nan")) -> ScenarioArrays:
    """A seeded random issue on 0..100: positions uniform (rounded to ``decimals``, as KTAB's
    inputs are), capabilities uniform on ``capability``, saliences uniform on 0.1..1."""
    rng = np.random.default_rng(seed)
    cap = rng.uniform(*capability, n)
    pos = rng.uniform(0, 100, (n, 1))
    return ScenarioArrays(
        actor_ids=tuple(f"a{i}" for i in range(n)), issue_ids=("x",), capability=cap,
        position=pos if decimals is None else np.round(pos, decimals),
        salience=rng.uniform(0.1, 1.0, (n, 1)), lower=np.zeros(1), upper=np.full(1, 100.0),
        status_quo=np.full(1, status_quo))
