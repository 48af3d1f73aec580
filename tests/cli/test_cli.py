"""The command line as a user meets it: exit codes, JSON contract, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.scenario import load
from detente.schemas import generated, shipped

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()


@pytest.mark.parametrize("name", ["forecast", "crisis"])
def test_shipped_schema_is_current(name: str) -> None:
    """The JSON Schema files match the result types (run `python -m detente.schemas`)."""
    assert shipped(name) == generated()[name]


def test_crisis_json_follows_its_schema() -> None:
    out = runner.invoke(app, ["crisis", "--draws", "2000", "--format", "json", "--seed", "1"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    jsonschema.validate(data, shipped("crisis"))
    assert data["seed"] == 1 and data["scenario"] == "ukraine-2022"


def test_forecast_json_follows_the_contract(reference_dir: Path) -> None:
    path = reference_dir / "eum" / "ExampleActors.csv"
    out = runner.invoke(app, ["forecast", str(path), "-m", "all", "--format", "json",
                              "--seed", "3"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    jsonschema.validate(data, shipped("forecast"))
    assert data["scenario"] == "ExampleActors" and data["seed"] == 3
    assert data["actors"][:2] == ["Netherlands", "Belgium"]
    assert [r["model"] for r in data["results"]][:3] == ["compromise", "median", "mean"]
    assert "nbs" in data["skipped"] and "status quo" in data["skipped"]["nbs"]
    first = data["results"][0]
    assert first["model"] == "compromise"
    (issue,) = first["issues"]
    assert issue["id"] == "issue"
    assert issue["history"][0] == [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    out = runner.invoke(app, ["forecast", str(DATA / "minimal.yaml"), "-f", "json", "-o",
                              str(target)])
    assert out.exit_code == 0
    assert json.loads(target.read_text())["scenario"] == "minimal"


def test_bad_scenario_exits_2_with_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "minimal.yaml").read_text().replace("tariff: 70", "tariff: 130"))
    out = runner.invoke(app, ["forecast", str(bad)])
    assert out.exit_code == 2
    assert f"{bad}:27: actors[1].positions.tariff: 130 is outside 0..100" in out.output
    assert "Traceback" not in out.output


@pytest.mark.parametrize("args", [
    ["forecast", "--model", "nope"],
    ["forecast", "no-such-scenario"],
    ["forecast", "--set", "oops"],
    ["forecast", str(DATA / "minimal.yaml"), "--set", "colour=blue"],
    ["validate", str(DATA)],
    ["show", "--format", "xml"],
])
def test_usage_errors_exit_2(args: list[str]) -> None:
    out = runner.invoke(app, args)
    assert out.exit_code == 2, out.output
    assert "Traceback" not in out.output


def test_validate_strict_flags_unsupported_numbers() -> None:
    ok = runner.invoke(app, ["validate", str(DATA / "minimal.yaml")])
    assert ok.exit_code == 0 and "ok: minimal" in ok.output
    strict = runner.invoke(app, ["validate", "--strict", str(DATA / "minimal.yaml")])
    assert strict.exit_code == 2
    assert "minimal.yaml:22: actors[0].salience.tariff: 80 has no evidence" in strict.output


def test_convert_round_trips(tmp_path: Path, reference_dir: Path) -> None:
    for source in [reference_dir / "ktab" / "dummyData_3Dim.xml",
                   reference_dir / "eum" / "Sultan.csv"]:
        target = tmp_path / f"{source.stem}.yaml"
        out = runner.invoke(app, ["convert", str(source), str(target)])
        assert out.exit_code == 0, out.output
        assert load(target) == load(source)
    again = runner.invoke(app, ["convert", str(source), str(target)])
    assert again.exit_code == 2 and "--force" in again.output


def test_help_everywhere() -> None:
    for cmd in ["", "scenarios", "show", "validate", "convert", "forecast"]:
        out = runner.invoke(app, [*cmd.split(), "--help"])
        assert out.exit_code == 0 and "Usage" in out.output


def test_console_script_has_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, as a shell user runs it."""
    bad = tmp_path / "x.yaml"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    proc = subprocess.run([sys.executable, "-m", "detente", "validate", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and str(bad) in proc.stderr
