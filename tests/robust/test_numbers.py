"""Issue #14 rows 12-13 (and the number rules of docs/scenario-format.md): numbers are read
by YAML 1.2, a number too large for a double is a located error, and a boolean or text
where a number is expected is an error, never 1.0 or a base-60 or octal reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.scenario import ScenarioError, loads
from detente.scenario.yamlread import plain_scalar
from tests.robust.conftest import CLI, DATA

MINIMAL = (DATA / "minimal.yaml").read_text()
SOUTH_CAPABILITY = "capability: 40"  # line 25 of minimal.yaml


def _with(old: str, new: str, tmp_path: Path) -> Path:
    assert old in MINIMAL
    path = tmp_path / "m.yaml"
    path.write_text(MINIMAL.replace(old, new))
    return path


def test_leading_zero_is_decimal(cli: CLI, tmp_path: Path) -> None:
    """Row 13: `value: 050` was read as 40 (YAML 1.1 octal); YAML 1.2 reads fifty."""
    path = _with(SOUTH_CAPABILITY, "capability: {value: 050, uniform: [45, 55]}", tmp_path)
    run = cli("show", path, "-f", "json")
    assert run.code == 0, run.err
    south = json.loads(run.out)["actors"][1]
    assert south["capability"]["value"] == 50


@pytest.mark.parametrize("written, message", [
    ("capability: 1:10", "found the text '1:10'"),            # row 13: was 70 (base 60)
    ("capability: yes", "found the text 'yes'"),              # YAML 1.1 boolean
    ("capability: 1_000", "found the text '1_000'"),
    ("capability: \"40\"", "found the text '40'"),
    ("capability: {triangular: [30, true, 50]}", "triangular[1]: True: Input should be a "
                                                 "valid number"),  # row 13: was 1.0
    ("capability: true", "found a boolean"),
])
def test_not_a_number_where_a_number_is_expected(cli: CLI, tmp_path: Path, written: str,
                                                 message: str) -> None:
    run = cli("validate", _with(SOUTH_CAPABILITY, written, tmp_path))
    assert run.code == 2
    assert "m.yaml:25: actors[1].capability" in run.err and message in run.err


@pytest.mark.parametrize("written", ["capability: 1" + "0" * 400, "capability: 1e400",
                                     "capability: -1e309"])
def test_number_too_large_is_a_located_error(cli: CLI, tmp_path: Path, written: str) -> None:
    """Row 12: `value: 1` followed by 400 zeros was an internal error (OverflowError)."""
    run = cli("validate", _with(SOUTH_CAPABILITY, written, tmp_path))
    assert run.code == 2
    assert "m.yaml:25: actors[1].capability: cannot read value:" in run.err
    assert "is too large for a number (largest: 1.8e308)" in run.err


def test_core_schema_table() -> None:
    """The YAML 1.2 core schema (YAML 1.2.2 spec, section 10.3.2), case by case."""
    cases = {"050": 50, "-7": -7, "0o17": 15, "0x1F": 31, "1.5": 1.5, ".5": 0.5, "1e3": 1000.0,
             "true": True, "False": False, "null": None, "~": None, "": None,
             "1:10": "1:10", "yes": "yes", "on": "on", "0b101": "0b101", "1_0": "1_0",
             "2022-01-14": "2022-01-14", "inf": "inf", "+.inf": float("inf")}
    for text, expected in cases.items():
        got = plain_scalar(text)
        assert got == expected and type(got) is type(expected), text


def test_quoted_text_stays_text_and_dates_still_parse() -> None:
    text = MINIMAL.replace("title: A minimal scenario for tests", 'title: "050"')
    s = loads(text + "as_of: 2022-01-14\n", "t.yaml")
    assert s.title == "050" and s.as_of is not None and s.as_of.isoformat() == "2022-01-14"


def test_yaml_tags_other_than_str_are_refused() -> None:
    with pytest.raises(ScenarioError, match="YAML tag 'float' is not read here"):
        loads(MINIMAL.replace(SOUTH_CAPABILITY, "capability: !!float 40"), "t.yaml")
    s = loads(MINIMAL.replace("title: A minimal scenario for tests", "title: !!str 050"))
    assert s.title == "050"
