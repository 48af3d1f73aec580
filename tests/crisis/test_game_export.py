"""`detente game` / :func:`detente.game`: a scenario's crisis game at its point values."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import detente
from detente.cli import app
from detente.crisis.inputs import point_inputs
from detente.scenario import load

runner = CliRunner()


def test_deterrence_parameters_are_the_scenarios_point_values() -> None:
    s = load("ukraine-2022")
    inp = point_inputs(s)
    g = detente.game(s, kind="deterrence", settings={"p_resolved": 0.8})
    p = float(inp.p_win[0])
    assert g.parameters["win"] == pytest.approx(inp.value_cw[0, 0])
    assert g.parameters["status_quo"] == pytest.approx(inp.value_sq[0, 0])
    assert g.parameters["war"] == pytest.approx(p * inp.value_cw[0, 0] + (1 - p)
                                                * inp.value_dw[0, 0] - inp.cost[0, 0])
    assert g.parameters["p_resolved"] == 0.8
    # q* = (win - sq) / (win - war)
    assert g.equilibrium["threshold"] == pytest.approx(
        (g.parameters["win"] - g.parameters["status_quo"])
        / (g.parameters["win"] - g.parameters["war"]))
    assert g.efg.startswith("EFG 2 R ") and '"resolved" 4/5 "irresolute" 1/5' in g.efg


def test_sanctions_parameters_come_from_the_sanctions_lever() -> None:
    s = load("ukraine-2022")
    g = detente.game(s, kind="sanctions")
    lever = next(lv for lv in point_inputs(s).levers if lv.kind == "sanctions")
    assert g.parameters["cost_sender"] == pytest.approx(float(lever.cost[0]))
    assert g.parameters["cost_target"] == pytest.approx(
        float(lever.effect["cost_to_challenger"][0]))
    assert g.parameters["stake_sender"] > 0 and g.parameters["cost_compliance"] > 0


def test_the_scenarios_game_solves_in_gambit_as_detente_says(tmp_path: Path) -> None:
    gbt = pytest.importorskip("pygambit")
    g = detente.game("ukraine-2022", kind="deterrence", settings={"p_resolved": 0.3})
    path = tmp_path / "g.efg"
    path.write_text(g.efg)
    game = gbt.read_efg(str(path))
    limit = gbt.nash.logit_solve(game).equilibrium
    ((_history, mixed),) = list(limit["challenger"])
    probs = dict(mixed)
    assert (probs["challenge"] > 0.5) == g.equilibrium["challenges"]


def test_cli_writes_efg_and_refuses_bad_input(tmp_path: Path) -> None:
    target = tmp_path / "game.efg"
    out = runner.invoke(app, ["game", "--kind", "sanctions", "-o", str(target)])
    assert out.exit_code == 0, out.output
    assert target.read_text() == detente.game("ukraine-2022", kind="sanctions").efg
    for args in (["game", "--kind", "bogus"], ["game", "--set", "foo=1"],
                 ["game", "ec-emissions-1994"]):
        bad = runner.invoke(app, args)
        assert bad.exit_code == 2, (args, bad.output)
