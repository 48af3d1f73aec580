"""Turn :class:`~detente.htmlreport.content.ReportContent` into one self-contained HTML page.

The page is rendered from the Jinja2 templates shipped in ``detente/htmlreport/templates``
with autoescaping on (scenario text is data, never markup). Figures are inline SVG, the style
sheet is inlined, and nothing is loaded from anywhere: the file works offline and can be
mailed as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.htmlreport import figures
from detente.htmlreport.content import ReportContent
from detente.scenario import Scenario
from detente.scenario.errors import format_path
from detente.scenario.values import Quantity

__all__ = ["EvidenceRow", "evidence_rows", "input_labels", "render", "write"]


@dataclass(frozen=True)
class EvidenceRow:
    """One number of the scenario as the evidence table shows it."""

    field: str
    label: str
    value: str
    range: str
    quotes: list[tuple[str, str]]
    judgment: str | None


def input_labels(s: Scenario) -> dict[str, str]:
    """Field name (``actors[0].capability``) -> words (``Russia: capability``)."""
    return {format_path(path): _label(s, path) for path, _ in s.quantities()}


def _label(s: Scenario, path: tuple[str | int, ...]) -> str:
    head, *rest = path
    if head == "actors" and isinstance(rest[0], int):
        actor = s.actors[rest[0]].name
        if rest[1] == "capability":
            return f"{actor}: capability"
        what = "position on" if rest[1] == "positions" else "salience of"
        return f"{actor}: {what} {s.issue(str(rest[2])).name}"
    if head == "issues" and isinstance(rest[0], int):
        return f"{s.issues[rest[0]].name}: status quo"
    if head == "crisis" and s.crisis is not None:
        names = {a.id: a.name for a in s.actors}
        if rest[0] == "levers" and isinstance(rest[1], int):
            lever = s.crisis.levers[rest[1]].name
            return f"{lever}: " + " ".join(str(p).replace("_", " ") for p in rest[2:])
        words = [names.get(str(p), str(p).replace("_", " ")) for p in rest]
        return "War: " + " ".join(words[1:]) if rest[0] == "war" else " ".join(words)
    return format_path(path)


def _range(q: Quantity) -> str:
    if not q.is_uncertain:
        return "point value"
    return f"{q.low:g} to {q.high:g} ({q.distribution})"


def evidence_rows(s: Scenario) -> list[EvidenceRow]:
    """Every number of the scenario with its quotes (and their sources) or judgment."""
    rows = []
    for path, q in s.quantities():
        rows.append(EvidenceRow(field=format_path(path), label=_label(s, path),
                                value=f"{q.point:g}", range=_range(q),
                                quotes=[(e.quote, e.source) for e in q.evidence],
                                judgment=q.judgment))
    return rows


def _question(s: Scenario) -> str:
    if s.crisis is None:
        return (f"Where will negotiations over {s.title} settle, and how far apart do the "
                "models put the outcome?")
    names = {a.id: a.name for a in s.actors}
    return (f"{s.title}: will diplomacy beat war? How likely is {names[s.crisis.challenger]} "
            "to choose war at the offer on the table, why, and what would it take to make "
            "war unlikely?")


def _figures(c: ReportContent) -> dict[str, Any]:
    s = c.scenario
    out: dict[str, Any] = {"forecasts": figures.forecasts(c.forecast, s),
                           "rounds": [(r.model, figures.rounds(c.forecast, s, r.model))
                                      for r in c.forecast.results if r.rounds >= 2]}
    if c.crisis is not None and c.curve is not None:
        out["range"] = figures.bargaining_range(c.crisis, c.curve)
        out["risk"] = figures.offer_risk(c.crisis, c.curve)
        out["mechanisms"] = figures.mechanisms(c.crisis)
    if c.whatif is not None:
        out["frontier"] = figures.frontier(c.whatif)
    if c.sensitivity is not None and c.sensitivity.outputs:
        out["sensitivity"] = figures.sensitivity_ranking(c.sensitivity, input_labels(s))
    out["extras"] = [(e, figures.extra(e)) for e in c.extras]
    return out


def render(content: ReportContent) -> str:
    """The report as one HTML document (a string)."""
    from importlib.resources import files

    from jinja2 import Environment, FunctionLoader, StrictUndefined, select_autoescape

    templates = files("detente.htmlreport") / "templates"

    def load(name: str) -> str:
        return (templates / name).read_text(encoding="utf-8")

    env = Environment(loader=FunctionLoader(load), autoescape=select_autoescape(["j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda x: f"{x:.0%}"
    env.filters["num"] = lambda x, d=2: "" if x is None else f"{x:.{d}f}"
    s = content.scenario
    return env.get_template("report.html.j2").render(
        c=content, s=s, question=_question(s), names={a.id: a.name for a in s.actors},
        fig=_figures(content), evidence=evidence_rows(s), labels=input_labels(s),
        style=load("report.css"))


def write(content: ReportContent, path: str | Path) -> Path:
    """Render ``content`` and write it to ``path`` (UTF-8)."""
    target = Path(path)
    target.write_text(render(content), encoding="utf-8")
    return target
