"""detente's agent logit QRE of the crisis games (:mod:`detente.crisis.qre`) against Gambit's.

Reference: pygambit 17.0.0b2, ``pygambit.qre.logit_solve_lambda`` on the exported ``.efg``
file, which follows the agent logit QRE path of the extensive game (McKelvey and Palfrey 1998)
to the requested lambdas; Gambit's logit response is ``exp(lam u)`` on the file's payoffs,
unscaled, as detente's. Gambit stops its path within about 1e-8 of each lambda and reports the
lambda it reached, so detente is evaluated at that lambda; probabilities agree to 1e-6.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from detente.crisis.deterrence import deterrence
from detente.crisis.games import deterrence_game, sanctions_game, to_efg
from detente.crisis.qre import deterrence_qre, logit, sanctions_qre
from detente.crisis.sanctions import sanctions_complete_information

gbt = pytest.importorskip("pygambit")

LAMBDAS = [0.5, 2.0, 10.0]


def _gambit_qre(text: str, tmp_path: Path) -> list[tuple[float, dict[str, list[dict[str, float]]]]]:
    path = tmp_path / "game.efg"
    path.write_text(text)
    game = gbt.read_efg(str(path))
    out = []
    for point in gbt.qre.logit_solve_lambda(game, lam=LAMBDAS):
        per_player = {player: [{a: float(p) for a, p in dict(mixed).items()}
                               for _history, mixed in point.profile[player]]
                      for player in game.players}
        out.append((float(point.lam), per_player))
    return out


@pytest.mark.parametrize(("q", "sq", "war"), list(itertools.product(
    [0.1, 0.5, 0.9], [0.0, 0.3], [-2.0, -0.5, 0.2])))
def test_deterrence_qre_is_gambits(q: float, sq: float, war: float, tmp_path: Path) -> None:
    points = _gambit_qre(to_efg(deterrence_game(q, win=1.0, status_quo=sq, war=war)), tmp_path)
    assert len(points) == len(LAMBDAS)
    for lam, profile in points:
        r = deterrence_qre(lam, q, win=1.0, status_quo=sq, war=war)
        (challenger,) = profile["challenger"]
        resolved, irresolute = profile["defender"]  # preorder: the resolved type first
        assert challenger["challenge"] == pytest.approx(float(r.p_challenge), abs=1e-6)
        assert resolved["resist"] == pytest.approx(float(r.p_resist_resolved), abs=1e-6)
        assert irresolute["resist"] == pytest.approx(float(r.p_resist_irresolute), abs=1e-6)


@pytest.mark.parametrize(("v_s", "c_s", "a", "c_t"), list(itertools.product(
    [0.5, 1.0], [0.2, 1.5], [0.1, 1.2], [0.5, 2.0])))
def test_sanctions_qre_is_gambits(v_s: float, c_s: float, a: float, c_t: float,
                                  tmp_path: Path) -> None:
    points = _gambit_qre(to_efg(sanctions_game(v_s, c_s, a, 1.0, c_t)), tmp_path)
    for lam, profile in points:
        r = sanctions_qre(lam, v_s, c_s, a, 1.0, c_t)
        threaten, impose = profile["sender"]  # preorder: the threat, then the defied node
        acquiesce, give_in = profile["target"]
        assert threaten["threaten"] == pytest.approx(float(r.p_threaten), abs=1e-6)
        assert impose["impose"] == pytest.approx(float(r.p_impose), abs=1e-6)
        assert acquiesce["acquiesce"] == pytest.approx(float(r.p_acquiesce), abs=1e-6)
        assert give_in["give in"] == pytest.approx(float(r.p_give_in), abs=1e-6)


def test_zero_lambda_is_uniform_and_large_lambda_the_closed_form() -> None:
    r0 = deterrence_qre(0.0, [0.2, 0.8], status_quo=0.3)
    assert np.allclose([r0.p_challenge, r0.p_resist_resolved, r0.p_resist_irresolute], 0.5)
    q = np.array([0.1, 0.3, 0.5, 0.9])  # threshold 2/3 at the defaults
    far = deterrence_qre(1e4, q)
    assert np.array_equal(np.asarray(far.p_challenge) > 0.5, deterrence(q).challenges)
    assert np.allclose(far.p_war, deterrence(q).p_war, atol=1e-6)
    s = sanctions_qre(1e4, 1.0, 0.2, 1.2, 1.0, 2.0)
    cf = sanctions_complete_information(1.0, 0.2, 1.2, 1.0, 2.0)
    assert (float(s.p_threaten) > 0.5) == bool(cf.threatens)
    assert (float(s.p_give_in) > 0.5) == bool(cf.target_gives_in_if_imposed)


def test_logit_is_stable_and_rejects_bad_lambda() -> None:
    assert logit(1e6, 1.0) == 1.0 and logit(1e6, -1.0) == 0.0
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="lambda"):
            deterrence_qre(bad, 0.5)
