"""Issue #14's reproductions run as a user runs them: through ``detente.cli.main`` (the
console entry point with its last-resort handler), capturing exit status, stdout, stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from detente.cli import main
from detente.scenario import load

DATA = Path(__file__).parents[1] / "data"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


CLI = Callable[..., Run]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CLI:
    """``cli("show", "x.yaml")`` -> exit status, stdout and stderr of ``detente show x.yaml``.
    Never a traceback: an exception escaping ``main`` fails the test."""

    def run(*args: str | Path) -> Run:
        monkeypatch.setattr(sys, "argv", ["detente", *map(str, args)])
        monkeypatch.setenv("COLUMNS", "200")
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        got = capsys.readouterr()
        assert "Traceback" not in got.out + got.err
        return Run(code, got.out, got.err)

    return run


def scenario_data(name: str = "whatif-toy") -> dict[str, Any]:
    """A test scenario as plain data (``minimal`` or ``whatif-toy``, which has a crisis)."""
    return load(DATA / f"{name}.yaml").to_data()


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
