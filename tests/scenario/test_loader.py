"""Loading at the edge: every problem located (file:line: field: found vs allowed), all
reported together, never an unhandled exception."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.scenario import Scenario, ScenarioError, load, loads
from detente.scenario.writer import to_json, to_yaml
from tests.strategies import scenario_data, scenarios

DATA = Path(__file__).parents[1] / "data"
MINIMAL = (DATA / "minimal.yaml").read_text()


def problems_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads(text, "my.yaml")
    return [str(p) for p in info.value.problems]


def test_minimal_loads() -> None:
    s = load(DATA / "minimal.yaml")
    assert s.actor_ids == ["north", "south"]
    assert s.actor("north").capability.triangular == (50, 60, 70)
    assert s.actor("south").salience["tariff"].point == 50


def test_position_out_of_range_is_located() -> None:
    bad = MINIMAL.replace("tariff: 70", "tariff: 130")
    line = MINIMAL.splitlines().index("      tariff: 70") + 1
    assert problems_of(bad) == [f"my.yaml:{line}: actors[1].positions.tariff: 130 is outside "
                                "0..100"]


def test_unknown_key_names_the_allowed_ones() -> None:
    bad = MINIMAL.replace("    capability: 40", "    capabilty: 40")
    found = problems_of(bad)
    assert any("actors[1].capabilty: unknown key 'capabilty'; allowed: id, name, description, "
               "capability, positions, salience" in p for p in found)
    assert any("required field 'capability' is missing" in p for p in found)


def test_all_problems_reported_together() -> None:
    bad = (MINIMAL.replace("tariff: 70", "tariff: 130")
           .replace("source: memo", "source: memoo")
           .replace("uniform: [40, 60]", "uniform: [60, 40]")
           .replace("id: south", "id: north"))
    found = problems_of(bad)
    assert len(found) == 4, found
    joined = "\n".join(found)
    assert "'memoo' is not a listed source (sources: memo)" in joined
    assert "uniform low 60 must be below high 40" in joined
    assert "duplicate actor id 'north'" in joined
    assert all(p.startswith("my.yaml:") for p in found)


def test_reference_to_missing_issue() -> None:
    bad = MINIMAL.replace("      tariff: 70", "      tarif: 70")
    found = "\n".join(problems_of(bad))
    assert "actors[1].positions.tarif: 'tarif' is not an issue (issues: tariff)" in found
    assert "no position for issue 'tariff'" in found


@pytest.mark.parametrize("spec, message", [
    ("{choice: {values: [1, 2], p: [0.5, 0.6]}}", "probabilities sum to 1.1"),
    ("{triangular: [10, 5, 20]}", "triangular needs low <= mode <= high"),
    ("{truncnormal: {mean: 5, sd: 0, low: 0, high: 10}}", "greater than 0"),
    ("{value: 5, uniform: [1, 2]}", "value 5 lies outside its distribution's range 1..2"),
    ("{uniform: [1, 2], triangular: [1, 2, 3]}", "at most one distribution"),
    ("{judgment: why}", "give a value or one distribution"),
    ("true", "expected a number or a mapping"),
])
def test_distribution_checks(spec: str, message: str) -> None:
    bad = MINIMAL.replace("    capability: 40", f"    capability: {spec}")
    assert message in "\n".join(problems_of(bad))


def test_yaml_syntax_error_has_a_line() -> None:
    bad = MINIMAL.replace("title: A minimal", "title: [A minimal")
    (found,) = problems_of(bad)
    assert found.startswith("my.yaml:") and "not valid YAML/JSON" in found


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"  \n\n", "file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    (b"id: caf\xe9\n", "not UTF-8"),
    (b"- 1\n- 2\n", "top level must be a mapping"),
    (b"[" * 5000 + b"]" * 5000, "nesting is too deep"),
    (b"a: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
     b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
     b"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
     b"h: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n", "more than"),
])
def test_hostile_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert message in str(info.value)


def test_huge_file(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ScenarioError, match="limited to 10 MB"):
        load(path)


def test_missing_file_and_unknown_type(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file or built-in scenario"):
        load(tmp_path / "nope.yaml")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(ScenarioError, match="unknown file type"):
        load(tmp_path / "x.txt")


def test_json_is_accepted(tmp_path: Path) -> None:
    s = load(DATA / "minimal.yaml")
    path = tmp_path / "minimal.json"
    path.write_text(to_json(s))
    assert load(path) == s


def test_sampling_respects_support() -> None:
    s = load(DATA / "minimal.yaml")
    rng = np.random.default_rng(0)
    draws = s.actor("north").capability.sample(rng, 1000)
    assert draws.min() >= 50 and draws.max() <= 70


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_yaml_round_trip(s: Scenario) -> None:
    """Property: every valid scenario written as YAML loads back equal."""
    assert loads(to_yaml(s)) == s


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_data(), st.data())
def test_corruptions_give_located_errors(data: dict[str, object], pick: st.DataObject) -> None:
    """Property: a random corruption of a valid file gives a located error or loads;
    never an unhandled exception."""
    text = yaml.safe_dump(data, sort_keys=False)
    lines = text.splitlines()
    n = pick.draw(st.integers(0, len(lines) - 1))
    action = pick.draw(st.sampled_from(["delete", "garble", "number", "duplicate", "indent"]))
    if action == "delete":
        del lines[n]
    elif action == "garble":
        lines[n] = lines[n][: len(lines[n]) // 2] + pick.draw(st.sampled_from(
            ["{", "]", ": :", "\t", "\x00", "&x", "*y", "'"]))
    elif action == "number":
        lines[n] = lines[n].split(":")[0] + ": " + pick.draw(st.sampled_from(
            ["-1e9", "1e400", "nan", "abc", "[]", "{}", "null", "true"]))
    elif action == "duplicate":
        lines.insert(n, lines[n])
    else:
        lines[n] = "  " + lines[n]
    corrupted = "\n".join(lines)
    try:
        loads(corrupted, "c.yaml")
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.file == "c.yaml" and p.message
            assert p.line is not None and 1 <= p.line <= len(lines) + 1
