"""Issue #14 rows 16-18, 22 and 23: no silent misreadings. Point estimates lie inside their
range, forecasts are finite numbers or a located error, degenerate scenarios warn, a file
cut short is refused, and a located error names the right line and the full field path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.scenario import ScenarioError, load, loads
from detente.scenario.loader import parse_yaml
from tests.robust.conftest import CLI, DATA

MINIMAL = (DATA / "minimal.yaml").read_text()


def _with(old: str, new: str, tmp_path: Path, name: str = "m.yaml") -> Path:
    assert old in MINIMAL
    path = tmp_path / name
    path.write_text(MINIMAL.replace(old, new))
    return path


def test_point_estimate_outside_its_range_is_refused(cli: CLI, tmp_path: Path) -> None:
    """Row 16: `truncnormal {mean: 1e6, sd: 0.001, low: 70, high: 90}` had the point
    estimate -6.2e24 (scipy's mean of a normal truncated 1e9 sd from its centre)."""
    path = _with("capability: 40",
                 "capability: {truncnormal: {mean: 1e6, sd: 0.001, low: 70, high: 90}}",
                 tmp_path)
    run = cli("validate", path)
    assert run.code == 2
    assert "m.yaml:25: actors[1].capability: the truncnormal distribution's centre cannot be " \
           "computed inside its range 70..90 (its mean lies 1e+09 sd outside the range" in run.err


def test_truncated_normal_mean_outside_range_is_fine_when_computable() -> None:
    """A mean a few sd outside the range is a legitimate, skewed, distribution."""
    s = loads(MINIMAL.replace("capability: 40", "capability: {truncnormal: {mean: 100, sd: 5, "
                                                "low: 70, high: 90}}"))
    assert 85 < s.actors[1].capability.point < 90


def test_huge_capability_is_refused_before_any_model_runs(cli: CLI, tmp_path: Path) -> None:
    """Row 17: capability 1e308 passed `validate` and broke `forecast` (inf/NaN)."""
    path = _with("capability: 40", "capability: 1e308", tmp_path)
    for args in (["validate", path], ["forecast", path, "-m", "all"]):
        run = cli(*args)
        assert run.code == 2
        assert "m.yaml:25: actors[1].capability.value: 1e+308: Input should be less than or " \
               "equal to 1000000000000000" in run.err


def test_non_finite_forecast_is_an_error_not_a_number() -> None:
    """Model outputs are checked: a forecast that is 0/0 or overflowed names its cause."""
    import numpy as np

    from detente.models.base import ModelInputError, check_finite, scenario_arrays

    arrays = scenario_arrays(load(DATA / "minimal.yaml"))
    check_finite("compromise", arrays, np.array([40.0]))
    with pytest.raises(ModelInputError, match="no finite forecast on tariff"):
        check_finite("compromise", arrays, np.array([np.nan]))


@pytest.mark.parametrize("edits, message", [
    ({"value: 60": "value: 0", "triangular: [50, 60, 70]": "triangular: [0, 0, 10]",
      "capability: 40": "capability: 0"},
     "m.yaml:12: every actor's capability is 0, so no actor has any weight"),
    ({"tariff: 80": "tariff: 0", "tariff: {uniform: [40, 60]}": "tariff: 0"},
     "m.yaml:8: every actor's salience on 'tariff' is 0, so nobody cares about it"),
])
def test_all_zero_capabilities_or_saliences_warn(cli: CLI, tmp_path: Path,
                                                 edits: dict[str, str], message: str) -> None:
    """Row 18: all saliences or all capabilities 0 forecast with no warning."""
    text = MINIMAL
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "m.yaml"
    path.write_text(text)
    run = cli("forecast", path)
    assert run.code == 0, run.err
    assert f"warning: {path.parent}/{message}" in run.err


def test_a_file_cut_short_is_refused(cli: CLI, tmp_path: Path) -> None:
    """Row 22: a file cut at 94 % of its length loaded, with 5 of its 10 levers gone. Files
    detente writes close with `end: <id>`; every cut of one is refused."""
    whole = tmp_path / "uk.yaml"
    assert cli("convert", "ukraine-2022", whole).code == 0
    text = whole.read_text()
    assert text.rstrip().endswith("end: ukraine-2022")
    for k in range(1, 100):
        cut = text[: len(text) * k // 100]
        with pytest.raises(ScenarioError):
            loads(cut, "cut.yaml")
    cut_path = tmp_path / "cut.yaml"
    cut_path.write_text(text[: len(text) * 94 // 100])
    run = cli("validate", cut_path)
    assert run.code == 2
    # ending on a line boundary: valid YAML, but the closing line is missing
    lines = text.splitlines(keepends=True)
    boundary = tmp_path / "boundary.yaml"
    boundary.write_text("".join(lines[: len(lines) * 94 // 100]))
    run = cli("validate", boundary)
    assert run.code == 2 and "without its closing `end: <id>` line: it is truncated" in run.err


def test_end_marker_rules(cli: CLI, tmp_path: Path) -> None:
    s = loads(MINIMAL + "end: minimal\n")
    assert s.id == "minimal"
    with pytest.raises(ScenarioError, match="names 'other' but the scenario id is 'minimal'"):
        loads(MINIMAL + "end: other\n")
    with pytest.raises(ScenarioError, match="must be the file's last key"):
        loads("end: minimal\n" + MINIMAL)
    run = cli("validate", DATA / "minimal.yaml")  # no marker, no header: loads, with a note
    assert run.code == 0 and "has no closing `end: minimal` line" in run.err
    json_copy = tmp_path / "m.json"
    assert cli("convert", DATA / "minimal.yaml", json_copy).code == 0
    assert json.loads(json_copy.read_text())["end"] == "minimal"
    assert load(json_copy) == load(DATA / "minimal.yaml")


def test_located_error_keeps_the_issue_key_and_its_line(cli: CLI, tmp_path: Path) -> None:
    """Row 23: `bogus_field_xyz: 1` as the first key under `positions:
    strike_missiles_bases:` of actor 8 was reported on the wrong line (608 for 615) as
    `actors[7].positions.bogus_field_xyz` (the issue key was lost: it starts with "str")."""
    whole = tmp_path / "uk.yaml"
    assert cli("convert", "ukraine-2022", whole).code == 0
    text = whole.read_text()
    _, lines = parse_yaml(text, "uk.yaml")
    key_line = lines[("actors", 7, "positions", "strike_missiles_bases")]
    rows = text.splitlines(keepends=True)
    assert rows[key_line - 1].strip() == "strike_missiles_bases:"
    indent = len(rows[key_line]) - len(rows[key_line].lstrip())
    rows.insert(key_line, " " * indent + "bogus_field_xyz: 1\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("".join(rows))
    run = cli("validate", bad)
    assert run.code == 2
    assert (f"{bad}:{key_line + 1}: actors[7].positions.strike_missiles_bases.bogus_field_xyz: "
            "unknown key 'bogus_field_xyz'") in run.err
