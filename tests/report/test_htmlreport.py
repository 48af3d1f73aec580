"""The HTML report: self-contained, every figure and number present, text escaped, and the
command line's errors clear."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from detente.cli import app
from detente.htmlreport import ReportContent, ReportOptions, build, render
from detente.scenario import load
from detente.scenario.errors import format_path

DATA = Path(__file__).parents[1] / "data"
SMALL = ReportOptions(draws=1_000, whatif_draws=200, whatif_effort=0.2,
                      sensitivity_trajectories=4, curve_points=11, simulate_runs=300)
runner = CliRunner()


@pytest.fixture(scope="module")
def ukraine() -> tuple[ReportContent, str]:
    content = build("ukraine-2022", SMALL)
    return content, render(content)


def test_report_is_self_contained(ukraine: tuple[ReportContent, str]) -> None:
    """Nothing is fetched when the page opens: no scripts, style sheets, fonts or images from
    elsewhere (links in the text, such as a source's URL, are plain text)."""
    _, html = ukraine
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", html, re.I)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:|//|file:)", html, re.I)
    assert "@import" not in html and not re.search(r"url\((?!#)", html)
    assert "@font-face" not in html


def test_every_figure_is_present(ukraine: tuple[ReportContent, str]) -> None:
    content, html = ukraine
    for section in ("answer", "negotiation", "offer-line", "why", "levers", "sensitivity",
                    "escalation", "reliability", "evidence", "provenance", "glossary"):
        assert f'<section id="{section}">' in html
    dynamic = [r.model for r in content.forecast.results if r.rounds >= 2]
    assert dynamic  # eum and smp run rounds on this scenario
    for model in dynamic:
        assert f"Positions by round: {model}" in html
    # forecasts + rounds per dynamic model + range + risk + mechanisms + frontier + ranking
    # + P(war by week) + reliability curve
    assert html.count("<svg") == 1 + len(dynamic) + 7
    assert [e.key for e in content.extras] == ["escalation", "reliability"]


def test_the_answer_comes_first_in_plain_words(ukraine: tuple[ReportContent, str]) -> None:
    content, html = ukraine
    assert content.crisis is not None
    first = html.index('<section id="answer">')
    assert first < html.index('<section id="negotiation">')
    assert f"P(war) = {content.crisis.p_war:.2f}" in html[first:]
    assert "will diplomacy beat war?" in html


def test_evidence_lists_every_number_with_its_support(
        ukraine: tuple[ReportContent, str]) -> None:
    content, html = ukraine
    table = html[html.index('<section id="evidence">'):html.index('<section id="provenance">')]
    quantities = list(content.scenario.quantities())
    assert table.count("<tr><td>") == len(quantities)
    for path, q in quantities:
        assert f'<span class="field">{format_path(path)}</span>' in table
        for e in q.evidence:
            assert _escaped(e.quote) in table
        if q.judgment:
            assert _escaped(q.judgment) in table


def test_provenance_names_seed_versions_and_the_scenario_hash(
        ukraine: tuple[ReportContent, str]) -> None:
    """The hash is recomputed here from the scenario's canonical JSON (sorted keys, compact)."""
    content, html = ukraine
    canonical = json.dumps(content.scenario.to_data(), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    provenance = html[html.index('<section id="provenance">'):]
    assert digest in provenance
    assert content.versions["detente"] in provenance and "numpy" in provenance
    assert "<th>seed</th><td>0</td>" in provenance


def test_glossary_explains_the_terms(ukraine: tuple[ReportContent, str]) -> None:
    _, html = ukraine
    glossary = html[html.index('<section id="glossary">'):]
    for term in ("t (the offer line)", "E[V]", "Structural interval", "Negative costs"):
        assert f"<dt>{term}</dt>" in glossary.replace("&#34;", '"')


def test_same_seed_same_bytes(ukraine: tuple[ReportContent, str]) -> None:
    content, html = ukraine
    assert render(content) == html


def test_scenario_text_is_escaped(tmp_path: Path) -> None:
    data = yaml.safe_load((DATA / "whatif-toy.yaml").read_text())
    data["title"] = "<script>alert(1)</script> & co"
    data["actors"][0]["name"] = "<b>Challenger</b>"
    path = tmp_path / "evil.yaml"
    path.write_text(yaml.safe_dump(data))
    html = render(build(path, ReportOptions(draws=500, whatif=False, sensitivity=False,
                                            curve_points=5, simulate=False, backtest=False)))
    assert "<script>" not in html and "<b>Challenger" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_negotiation_only_scenario_leaves_crisis_sections_out() -> None:
    html = render(build(DATA / "minimal.yaml", ReportOptions(sensitivity_trajectories=4)))
    assert '<section id="offer-line">' not in html and '<section id="levers">' not in html
    assert "has no crisis section" in html
    assert '<section id="sensitivity">' in html


def test_cli_writes_the_report(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    out = runner.invoke(app, ["report", str(DATA / "whatif-toy.yaml"), "-o", str(target),
                              "--draws", "500", "--no-whatif", "--no-sensitivity",
                              "--no-simulate", "--no-backtest"])
    assert out.exit_code == 0, out.output
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_cli_json_is_the_content(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    out = runner.invoke(app, ["report", str(DATA / "minimal.yaml"), "-o", str(target),
                              "-f", "json", "--no-sensitivity"])
    assert out.exit_code == 0, out.output
    data = json.loads(target.read_text())
    assert data["scenario"]["id"] == "minimal" and data["options"]["seed"] == 0


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "r.txt"], "ending in .html"),
    (["missing.yaml"], "missing.yaml"),
])
def test_cli_errors_are_clear(args: list[str], message: str, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(app, ["report", *args])
    assert out.exit_code == 2
    assert message in out.output
    assert "Traceback" not in out.output


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_a_scenario_loads_for_the_fixture() -> None:
    assert load("ukraine-2022").crisis is not None


@pytest.mark.parametrize(("ts", "levels"), [
    ([], []),
    ([0.5, 0.0], [0, 0]),
    ([0.0, 0.01, 0.02, 0.5, 0.51], [0, 1, 2, 0, 1]),
    ([0.2, 0.0, 0.1], [0, 0, 0]),  # far enough apart: one level, whatever the order
    ([0.3, 0.3, 0.3], [0, 1, 2]),  # the same offer thrice: three stacked numbers
])
def test_crowded_reference_labels_are_stacked(ts: list[float], levels: list[int]) -> None:
    from detente.htmlreport.figures import label_levels

    assert label_levels(ts) == levels


def test_reference_offers_are_numbered_points_not_a_line_each(
        ukraine: tuple[ReportContent, str]) -> None:
    """A vertical line per reference offer crowded the offer-line figures once a crisis had
    ten or more (every model's forecast is one): the lines drawn must not grow with them, and
    the table numbers every reference offer the figures mark."""
    from detente.htmlreport import figures

    content, html = ukraine
    assert content.crisis is not None and content.curve is not None
    refs = content.crisis.references
    assert len(refs) >= 10
    twice = content.crisis.model_copy(update={"references": refs + refs})  # same axes
    for draw in (figures.offer_risk, figures.bargaining_range):
        lines = [draw(c, content.curve).count('id="line2d_') for c in (content.crisis, twice)]
        assert lines[0] == lines[1]
    table = html[html.index("<th>reference offer</th>"):]
    for number, ref in enumerate(refs, 1):
        assert f'<td class="num">{number}</td><td>{_escaped(ref.label)}</td>' in table
