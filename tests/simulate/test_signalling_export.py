"""`detente game --kind signalling`: the week-1 stage game of the simulation, at the
scenario's point values, with the belief over seeded challenger types."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import detente
from detente.cli import app
from detente.scenario import load
from detente.simulate.catalogue import load_catalogue
from detente.simulate.policy import stage_game
from detente.simulate.signalling import signalling_parameters
from tests.simulate.test_signalling_gambit import _closed_form, _outcome, _profile

runner = CliRunner()


def test_the_signal_is_the_next_rung_of_the_catalogues_ladder() -> None:
    s = load("ukraine-2022")
    cat = load_catalogue()
    for mobilisation, move in ((0.0, "mobilise"), (1.0, cat.ladder[1])):
        p = signalling_parameters(s, mobilisation=mobilisation)
        effect = cat.move(move).effect
        assert p["k"] == effect.sunk_cost and p["a"] == effect.audience_cost


def test_the_belief_is_a_share_of_the_seeded_types_and_reproducible() -> None:
    s = load("ukraine-2022")
    p = signalling_parameters(s, seed=3, types=64)
    assert p == signalling_parameters(s, seed=3, types=64)
    assert 0.0 < p["mu"] < 1.0 and (p["mu"] * 64) == pytest.approx(round(p["mu"] * 64))
    # the two classes: the resolved prefer war to the offer, the unresolved do not
    assert p["w_h"] > 0.0 >= p["w_l"]
    # b: what the next concession step costs the defending side (it prefers its own terms)
    assert p["b"] > 0.0


def test_the_equilibrium_is_the_closed_forms_and_solves_in_gambit(tmp_path: Path) -> None:
    gbt = pytest.importorskip("pygambit")
    g = detente.game("ukraine-2022", kind="signalling", settings={"mu": 0.02}, seed=1)
    eq = stage_game(**g.parameters)
    assert g.equilibrium["p_war"] == float(np.asarray(eq.p_war))
    assert g.seed == 1 and "numpy" in g.versions
    path = tmp_path / "signalling.efg"
    path.write_text(g.efg)
    game = gbt.read_efg(str(path))
    profile = _profile(game, _closed_form(g.parameters))
    assert float(profile.max_regret()) < 1e-12
    war = sum(p for h, p in _outcome(profile).items() if h[-1] == "fight")
    assert war == pytest.approx(g.equilibrium["p_war"], abs=1e-12)


def test_cli_writes_the_signalling_game_and_refuses_bad_input(tmp_path: Path) -> None:
    target = tmp_path / "signalling.efg"
    out = runner.invoke(app, ["game", "--kind", "signalling", "--seed", "2", "-o", str(target)])
    assert out.exit_code == 0, out.output
    assert target.read_text() == detente.game("ukraine-2022", kind="signalling", seed=2).efg
    for args in (["game", "--kind", "signalling", "--set", "mu=1.5"],
                 ["game", "--kind", "signalling", "--set", "p_resolved=0.5"],
                 ["game", "--kind", "signalling", "--set", "k=inf"],
                 ["game", "ec-emissions-1994", "--kind", "signalling"]):
        bad = runner.invoke(app, args)
        assert bad.exit_code == 2, (args, bad.output)
        assert "Traceback" not in bad.output
