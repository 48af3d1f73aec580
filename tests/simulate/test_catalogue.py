"""The catalogue against the CAMEO codebook and the Goldstein (1992) scale (reference rows in
tests/data/reference/cameo, provenance in its README), and located errors for bad entries."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.scenario import ScenarioError
from detente.scenario.history import MOVES
from detente.simulate.catalogue import BUILTIN_CATALOGUE, load_catalogue


def test_codes_and_weights_match_the_reference(reference_dir: Path) -> None:
    with open(reference_dir / "cameo" / "cameo_goldstein.tsv", encoding="utf-8") as f:
        rows = {r["CAMEOEVENTCODE"]: r for r in csv.DictReader(f, delimiter="\t")}
    cat = load_catalogue()
    assert set(cat.moves) == set(MOVES)
    for name, move in cat.moves.items():
        ref = rows[move.cameo]
        assert move.cameo_event == ref["EVENTDESCRIPTION"], name
        assert move.goldstein == float(ref["GOLDSTEINSCALE"]), name


def test_escalation_weight_is_minus_goldstein_toward_the_adversary() -> None:
    cat = load_catalogue()
    assert cat.escalation_weight("mobilise") == 7.2
    assert cat.escalation_weight("settle") == -8.0
    assert cat.escalation_weight("arms_delivery") == 0.0  # third-party dyad


def _bad(tmp_path: Path, old: str, new: str) -> Path:
    text = BUILTIN_CATALOGUE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "where"), [
    ('cameo: "154"', "cameo: 154", "moves.mobilise.cameo"),
    ("goldstein: -7.2", "goldstein: -12", "moves.mobilise.goldstein"),
    ("{mobilisation: 0.25, sunk_cost: 0.01}", "{mobilisation: 0.25, sunk: 0.01}",
     "moves.mobilise.effect.sunk"),
    ("{lever: force_posture, lever_step: 0.25}", "{lever: air_power, lever_step: 0.25}",
     "moves.deploy.effect.lever"),
    ("ladder: [mobilise,", "ladder: [offer,", "ladder[0]"),
])
def test_bad_entries_are_located(tmp_path: Path, old: str, new: str, where: str) -> None:
    path = _bad(tmp_path, old, new)
    with pytest.raises(ScenarioError) as info:
        load_catalogue(path)
    text = str(info.value)
    assert f"{path}:" in text and where in text
    line = int(text.split(f"{path}:")[1].split(":")[0])
    assert new in path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_cli_bad_catalogue_exits_2(tmp_path: Path) -> None:
    path = _bad(tmp_path, 'cameo: "154"', 'cameo: "99"')
    res = CliRunner().invoke(app, ["simulate", "--runs", "20", "--weeks", "1",
                                   "--catalogue", str(path)])
    assert res.exit_code == 2
    assert "moves.mobilise.cameo" in res.output and "Traceback" not in res.output


def test_cli_runs_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "sim.json"
    res = CliRunner().invoke(app, ["simulate", "--runs", "100", "--weeks", "3", "--types",
                                   "16", "--format", "json", "-o", str(out)])
    assert res.exit_code == 0, res.output
    from detente.simulate import SimulationResult

    r = SimulationResult.from_json(out.read_text(encoding="utf-8"))
    assert r.runs == 100 and len(r.p_war_by_week) == 3 and r.versions
    table = CliRunner().invoke(app, ["simulate", "--runs", "100", "--weeks", "2", "--types",
                                     "16"])
    assert table.exit_code == 0 and "Week by week" in table.output
    assert "gave" in table.output  # ukraine-2022 gives war.defenders_resolve: capitulation


def test_cli_reports_no_capitulation_without_resolve(tmp_path: Path) -> None:
    # docs/escalation.md section 9: a scenario without war.defenders_resolve has no
    # capitulation column and no capitulation fields in its JSON
    toy = Path(__file__).resolve().parents[1] / "data" / "coercion-toy.yaml"
    out = tmp_path / "sim.json"
    res = CliRunner().invoke(app, ["simulate", str(toy), "--runs", "50", "--weeks", "2",
                                   "--types", "8", "--format", "json", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "capitulat" not in out.read_text(encoding="utf-8")
    table = CliRunner().invoke(app, ["simulate", str(toy), "--runs", "50", "--weeks", "2",
                                     "--types", "8"])
    assert table.exit_code == 0 and "gave" not in table.output
