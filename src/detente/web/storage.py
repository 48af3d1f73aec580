"""The web app's data directory: uploaded and edited scenarios, and stored runs.

Layout::

    DATA_DIR/scenarios/<id>.yaml     a scenario uploaded or edited in the app
    DATA_DIR/runs/<run>.json         one stored run: what was run, on what, and its result
    DATA_DIR/runs/<run>.html         a report, when the run made one

Every name that reaches a path is checked against :data:`NAME` (letters, digits, ``_``,
``-``; no dots, no slashes) and every resolved path is checked to lie inside the directory,
so nothing outside it is ever read or written.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from detente.scenario import Scenario, builtin_names, load
from detente.scenario.loader import loads
from detente.scenario.writer import write

__all__ = ["NAME", "DataDir", "NotFound", "RunRecord"]

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class NotFound(LookupError):
    """No such scenario or run (or a name that could not be one)."""


@dataclass(frozen=True)
class RunRecord:
    """A stored run: its id, what ran, on which scenario, when, and the result's JSON."""

    id: str
    kind: str
    scenario: str
    created: str
    settings: dict[str, Any]
    summary: str
    result: dict[str, Any]
    has_report: bool


class DataDir:
    """Scenarios and runs under one directory (created if missing)."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        for sub in ("scenarios", "runs"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def _inside(self, sub: str, name: str, suffix: str) -> Path:
        if not NAME.fullmatch(name):
            raise NotFound(name)
        path = (self.root / sub / f"{name}{suffix}").resolve()
        if not path.is_relative_to(self.root / sub):
            raise NotFound(name)
        return path

    # -- scenarios -------------------------------------------------------------------------

    def scenario_names(self) -> list[tuple[str, bool]]:
        """Every scenario the app offers: (name, edited or uploaded here)."""
        local = sorted(p.stem for p in (self.root / "scenarios").glob("*.yaml")
                       if NAME.fullmatch(p.stem))
        return [(n, n in local) for n in builtin_names() if n not in local] + \
               [(n, True) for n in local]

    def scenario(self, name: str) -> Scenario:
        """A scenario by name: the copy here if there is one, else the built-in."""
        path = self._inside("scenarios", name, ".yaml")
        if path.is_file():
            return loads(path.read_text(encoding="utf-8"), name=f"{name}.yaml")
        if name in builtin_names():
            return load(name)
        raise NotFound(name)

    def is_local(self, name: str) -> bool:
        return self._inside("scenarios", name, ".yaml").is_file()

    def save_scenario(self, scenario: Scenario) -> str:
        """Store a scenario under its id (replacing an earlier copy); returns the name."""
        path = self._inside("scenarios", scenario.id, ".yaml")
        write(scenario, path)
        return scenario.id

    def reset(self, name: str) -> None:
        """Remove the copy here (a built-in then shows its shipped values again)."""
        self._inside("scenarios", name, ".yaml").unlink(missing_ok=True)

    # -- runs ------------------------------------------------------------------------------

    def save_run(self, kind: str, scenario: str, settings: dict[str, Any], summary: str,
                 result_json: str, report_html: str | None = None) -> str:
        run_id = f"{datetime.now(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
        record = {"id": run_id, "kind": kind, "scenario": scenario,
                  "created": datetime.now(UTC).isoformat(timespec="seconds"),
                  "settings": settings, "summary": summary,
                  "result": json.loads(result_json), "has_report": report_html is not None}
        if report_html is not None:
            self._inside("runs", run_id, ".html").write_text(report_html, encoding="utf-8")
        self._inside("runs", run_id, ".json").write_text(json.dumps(record, indent=1),
                                                         encoding="utf-8")
        return run_id

    def run(self, run_id: str) -> RunRecord:
        path = self._inside("runs", run_id, ".json")
        if not path.is_file():
            raise NotFound(run_id)
        return RunRecord(**json.loads(path.read_text(encoding="utf-8")))

    def runs(self) -> list[RunRecord]:
        """Stored runs, newest first."""
        names = sorted((p.stem for p in (self.root / "runs").glob("*.json")
                        if NAME.fullmatch(p.stem)), reverse=True)
        return [self.run(n) for n in names]

    def report_path(self, run_id: str) -> Path:
        path = self._inside("runs", run_id, ".html")
        if not path.is_file():
            raise NotFound(run_id)
        return path
