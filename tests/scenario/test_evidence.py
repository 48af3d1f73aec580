"""`validate --strict` checks every quotation against the shipped text of its source."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from detente.cli import app
from detente.scenario.evidence import check_quotes, evidence_items, normalise
from detente.scenario.loader import BUILTIN_DIR, parse_yaml

runner = CliRunner()

SOURCE = "The memo says: North wants low\ntariffs, and South   wants “high” ones.\n"

SCENARIO = """\
detente: 1
id: quoted
title: Quotes checked against a shipped source
sources:
  - id: memo
    citation: An internal memo
    file: memo.txt
issues:
  - id: tariff
    name: Tariff level
    status_quo: {{value: 20, judgment: the current rate}}
actors:
  - id: north
    name: North
    capability: {{value: 60, judgment: larger economy}}
    positions:
      tariff:
        value: 10
        evidence:
          - source: memo
            quote: "North wants low tariffs"
    salience:
      tariff: {{value: 80, judgment: its main export}}
  - id: south
    name: South
    capability: {{value: 40, judgment: smaller economy}}
    positions:
      tariff:
        value: 70
        evidence:
          - source: memo
            quote: "{south_quote}"
    salience:
      tariff: {{value: 50, judgment: one concern among several}}
"""


def _write(tmp_path: Path, south_quote: str, *, source: bool = True) -> Path:
    path = tmp_path / "quoted.yaml"
    path.write_text(SCENARIO.format(south_quote=south_quote), encoding="utf-8")
    if source:
        (tmp_path / "memo.txt").write_text(SOURCE, encoding="utf-8")
    return path


def test_whitespace_is_collapsed_but_nothing_else() -> None:
    assert normalise(" a\n b\t\tc ") == "a b c"
    assert normalise("“high”") != normalise('"high"')


def test_a_verbatim_quote_passes_strict(tmp_path: Path) -> None:
    path = _write(tmp_path, "South wants “high” ones.")
    out = runner.invoke(app, ["validate", "--strict", str(path)])
    assert out.exit_code == 0, out.output


def test_a_quote_not_in_its_source_fails_with_file_line_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "South wants very high ones")
    out = runner.invoke(app, ["validate", "--strict", str(path)])
    assert out.exit_code == 2
    line = 1 + next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines())
                    if "very high" in text)
    assert (f"{path}:{line}: actors[1].positions.tariff.evidence[0].quote: quote 'South wants "
            "very high ones' is not in the text of source 'memo'") in out.output
    assert "North wants low" not in out.output  # the verbatim quote is not flagged
    plain = runner.invoke(app, ["validate", str(path)])
    assert plain.exit_code == 0  # only --strict reads the sources


def test_straight_quotes_do_not_match_curly_ones(tmp_path: Path) -> None:
    path = _write(tmp_path, 'South wants \\"high\\" ones.')
    out = runner.invoke(app, ["validate", "--strict", str(path)])
    assert out.exit_code == 2
    assert "is not in the text of source 'memo'" in out.output


def test_a_missing_source_file_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "South wants “high” ones.", source=False)
    out = runner.invoke(app, ["validate", "--strict", str(path)])
    assert out.exit_code == 2
    assert f"{path}:7: sources[0].file: source text 'memo.txt' not found" in out.output


def test_the_source_may_sit_in_a_sources_folder(tmp_path: Path) -> None:
    path = _write(tmp_path, "North wants low tariffs", source=False)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "memo.txt").write_text(SOURCE, encoding="utf-8")
    out = runner.invoke(app, ["validate", "--strict", str(path)])
    assert out.exit_code == 0, out.output


def test_every_evidence_item_is_found_wherever_it_sits() -> None:
    data = {"a": {"evidence": [{"source": "s", "quote": "q1"}]},
            "b": [{"x": {"evidence": [{"source": "s", "quote": "q2"}, "junk"]}}]}
    found = [(path, item["quote"]) for path, item in evidence_items(data)]
    assert found == [(("a", "evidence", 0), "q1"), (("b", 0, "x", "evidence", 0), "q2")]


def test_every_builtin_quote_is_in_its_shipped_source() -> None:
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        data, lines = parse_yaml(path.read_text(encoding="utf-8"), str(path))
        assert check_quotes(data, lines, path) == []
    out = runner.invoke(app, ["validate", "--strict", "ukraine-2022"])
    assert out.exit_code == 0, out.output
