"""`detente game --qre LAMBDA` / ``detente.game(qre=...)``: the agent logit QRE of the crisis
game beside its equilibrium (detente.crisis.qre, checked against Gambit in test_qre_gambit.py).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import detente
from detente.cli import app
from detente.crisis.game_export import CHOICES, GameInputError
from detente.crisis.qre import deterrence_qre

runner = CliRunner()


@pytest.mark.parametrize("kind", ["deterrence", "sanctions"])
def test_cli_json_is_the_api_result(kind: str) -> None:
    out = runner.invoke(app, ["game", "--kind", kind, "--qre", "2", "-f", "json"])
    assert out.exit_code == 0, out.output
    printed = json.loads(out.stdout)
    api = detente.game("ukraine-2022", kind=kind, qre=2.0)
    assert printed["qre_lambda"] == api.qre_lambda == 2.0
    assert printed["qre"] == api.qre and set(printed["qre"]) == set(CHOICES[kind])
    assert printed["equilibrium_choices"] == api.equilibrium_choices
    assert printed["equilibrium"] == api.equilibrium


def test_cli_table_prints_each_choice_beside_the_equilibrium() -> None:
    out = runner.invoke(app, ["game", "--qre", "2"], env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    g = detente.game("ukraine-2022", qre=2.0)
    assert g.qre is not None and g.equilibrium_choices is not None
    assert "Logit QRE at lambda = 2" in out.stdout
    rows = {line.split("│")[1].strip(): line for line in out.stdout.splitlines()
            if line.count("│") == 4}
    for name, label in CHOICES["deterrence"].items():
        assert f"{g.qre[name]:.4f}" in rows[label]
        assert f"{g.equilibrium_choices[name]:.4g}" in rows[label]


def test_qre_is_the_closed_form_at_the_games_parameters() -> None:
    g = detente.game("ukraine-2022", settings={"p_resolved": 0.3}, qre=1.5)
    p = g.parameters
    q = deterrence_qre(1.5, p["p_resolved"], win=p["win"], status_quo=p["status_quo"],
                       war=p["war"])
    assert g.qre == pytest.approx({"p_challenge": q.p_challenge,
                                   "p_resist_resolved": q.p_resist_resolved,
                                   "p_resist_irresolute": q.p_resist_irresolute,
                                   "p_war": q.p_war})


@pytest.mark.parametrize("kind", ["deterrence", "sanctions"])
def test_lambda_zero_is_uniform_play_and_large_lambda_the_equilibrium(kind: str) -> None:
    """McKelvey and Palfrey (1998): at lambda = 0 every agent mixes evenly; as lambda grows
    the logit QRE approaches a sequential equilibrium, here detente's closed form (the
    scenario's point values are away from its ties)."""
    uniform = detente.game("ukraine-2022", kind=kind, qre=0.0).qre
    assert uniform is not None
    agents = [name for name in CHOICES[kind] if not name.endswith(("war", "imposed"))]
    assert all(uniform[name] == 0.5 for name in agents)
    outcome = "p_war" if kind == "deterrence" else "p_sanctions_imposed"
    assert uniform[outcome] == pytest.approx(0.25 if kind == "deterrence" else 0.125)
    limit = detente.game("ukraine-2022", kind=kind, qre=1e4)
    assert limit.qre == pytest.approx(limit.equilibrium_choices, abs=1e-6)


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "two"])
def test_bad_lambda_exits_2_naming_the_option(value: str) -> None:
    out = runner.invoke(app, ["game", "--qre", value])
    assert out.exit_code == 2, out.output
    assert "--qre" in out.output and "Traceback" not in out.output


def test_signalling_game_has_no_qre_here() -> None:
    out = runner.invoke(app, ["game", "--kind", "signalling", "--qre", "1"])
    assert out.exit_code == 2 and "deterrence and sanctions" in out.output
    with pytest.raises(GameInputError, match="finite number >= 0"):
        detente.game("ukraine-2022", qre=-0.5)
    assert detente.game("ukraine-2022").qre is None
