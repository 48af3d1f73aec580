"""A self-contained HTML report of a scenario for readers who will not run code.

>>> from detente.htmlreport import ReportOptions, build, write
>>> content = build("ukraine-2022", ReportOptions(draws=2_000, whatif=False))  # doctest: +SKIP
>>> write(content, "report.html")                                               # doctest: +SKIP

:func:`build` runs the analyses through the API and keeps their typed results
(:class:`ReportContent`); :func:`render` turns them into one HTML page with inline SVG figures
and no external resources; :func:`report` does both and writes the file. See ``docs/report.md``.
"""

from __future__ import annotations

from pathlib import Path

from detente.htmlreport.content import (
    Progress,
    ReportContent,
    ReportOptions,
    build,
    scenario_hash,
)
from detente.htmlreport.extras import ExtraFigure
from detente.htmlreport.render import evidence_rows, input_labels, render, write
from detente.scenario import Scenario

__all__ = ["ExtraFigure", "ReportContent", "ReportOptions", "build", "evidence_rows",
           "input_labels", "render", "report", "scenario_hash", "write"]


def report(scenario: Scenario | str | Path | None, path: str | Path,
           options: ReportOptions | None = None, *,
           progress: Progress | None = None) -> Path:
    """Run the analyses on ``scenario`` and write the HTML report to ``path``."""
    return write(build(scenario, options, progress=progress), path)
