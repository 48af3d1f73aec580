"""The crisis games exported to Gambit's .efg format and solved by Gambit (pygambit), against
detente's closed forms, on a grid of parameters.

Reference solver: pygambit 17.0.0b2, the only pygambit wheel for CPython 3.11 on PyPI (16.7.0
ships as source only). For every grid point:

1. Gambit's logit quantal-response path (``logit_solve``), followed to its limit, selects a
   sequential equilibrium of the extensive game (McKelvey and Palfrey 1998); at every
   information set its dominant action must be the one the closed form prescribes, and its
   P(war) the closed form's, to 1e-4 (the path stops at max regret 1e-8);
2. the closed form's profile has zero regret in Gambit, both as a Nash equilibrium
   (``max_regret``) and at every information set (``agent_max_regret``: no non-credible
   threats);
3. its payoffs are those of one of the Nash equilibria Gambit enumerates (``enummixed_solve``).

Grid points within 1e-6 of a closed-form tie are skipped: there the closed forms pick a side
by convention and the logit limit picks a mixture. detente offers no quantal-response
equilibrium of its own, so none is compared at finite lambda.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from detente.crisis.deterrence import deterrence
from detente.crisis.games import deterrence_game, sanctions_game, to_efg
from detente.crisis.sanctions import sanctions_complete_information

gbt = pytest.importorskip("pygambit")


def _solve(tree_text: str, tmp_path: Path) -> tuple[object, object]:
    path = tmp_path / "game.efg"
    path.write_text(tree_text)
    game = gbt.read_efg(str(path))
    return game, gbt.nash.logit_solve(game).equilibrium


def _actions(profile: object, game: object) -> dict[tuple[str, str], dict[str, float]]:
    """(player, first action of the history) -> action probabilities, per information set."""
    out = {}
    for player in game.players:  # type: ignore[attr-defined]
        for history, mixed in profile[player]:  # type: ignore[index]
            steps = list(history)
            key = (player, steps[0].action if steps else "")
            out[key, tuple(sorted(dict(mixed)))] = {a: float(p) for a, p in dict(mixed).items()}
    return out


def _probs(actions: dict, player: str, labels: tuple[str, ...], first: str | None = None
           ) -> dict[str, float]:
    for (key, acts), probs in actions.items():
        if key[0] == player and acts == tuple(sorted(labels)) and (first is None
                                                                   or key[1] == first):
            return probs  # type: ignore[no-any-return]
    raise AssertionError(f"no information set of {player} with {labels}")


def _choice(actions: dict, player: str, labels: tuple[str, ...], first: str | None = None
            ) -> str:
    probs = _probs(actions, player, labels, first)
    best = max(probs, key=probs.__getitem__)
    assert probs[best] > 0.5, probs
    return best


def _pure(game: object, chosen: dict[tuple[str, tuple[str, ...], str | None], str]) -> object:
    """A behaviour profile playing ``chosen`` (player, actions, first step) -> action."""
    profile = game.mixed_behavior_profile()  # type: ignore[attr-defined]
    for player in game.players:  # type: ignore[attr-defined]
        for history, mixed in list(profile[player]):
            steps = list(history)
            first = steps[0].action if steps else ""
            labels = tuple(sorted(dict(mixed)))
            action = next(v for (p, acts, f), v in chosen.items()
                          if p == player and acts == labels and f in (None, first))
            profile[gbt.H.path(*history.actions)] = {
                label: 1.0 if label == action else 0.0 for label in labels}
    return profile


def _number(value: object) -> float:
    return float(value() if callable(value) else value)  # type: ignore[operator, arg-type]


def _payoffs(profile: object, game: object) -> tuple[float, ...]:
    pay = profile.payoffs  # type: ignore[attr-defined]
    pay = pay() if callable(pay) else pay
    return tuple(float(pay[p]) for p in game.players)  # type: ignore[attr-defined]


SANCTIONS_GRID = list(itertools.product([0.5, 1.0], [0.2, 0.8, 1.5], [0.1, 0.5, 1.2],
                                        [1.0], [0.5, 1.2, 2.0, 3.0]))


@pytest.mark.parametrize("params", SANCTIONS_GRID)
def test_sanctions_game_solved_by_gambit(params: tuple[float, ...], tmp_path: Path) -> None:
    v_s, c_s, a, v_t, c_t = params
    lam = 0.25
    r = sanctions_complete_information(v_s, c_s, a, v_t, c_t, interim_share=lam)
    margins = [(1 - lam) * c_t - v_t, (v_s - c_s if r.target_gives_in_if_imposed else -c_s) + a]
    if min(abs(m) for m in margins) < 1e-6:
        pytest.skip("a closed-form tie")
    game, limit = _solve(to_efg(sanctions_game(v_s, c_s, a, v_t, c_t, interim_share=lam)),
                         tmp_path)
    acts = _actions(limit, game)
    expect = {
        ("sender", ("threaten", "no threat"), None): "threaten" if r.threatens else "no threat",
        ("target", ("acquiesce", "defy"), None):
            "acquiesce" if r.target_acquiesces_if_threatened else "defy",
        ("sender", ("impose", "back down"), None):
            "impose" if r.sender_imposes_if_defied else "back down",
        ("target", ("give in", "endure"), None):
            "give in" if r.target_gives_in_if_imposed else "endure",
    }
    for (player, labels, _), action in expect.items():
        if player == "sender" and labels == ("threaten", "no threat") and abs(
                float(np.asarray(r.payoff_sender))) < 1e-6:
            continue  # the sender is indifferent to threatening: any mix is an equilibrium
        assert _choice(acts, player, labels) == action
    pure = _pure(game, {(p, tuple(sorted(lab)), f): act for (p, lab, f), act in expect.items()})
    assert _number(pure.max_regret) < 1e-9
    assert _number(pure.agent_max_regret) < 1e-9
    payoffs = (float(np.asarray(r.payoff_sender)), float(np.asarray(r.payoff_target)))
    found = [_payoffs(e, game)
             for e in gbt.nash.enummixed_solve(game, rational=False).equilibria]
    assert any(np.allclose(payoffs, f, atol=1e-9) for f in found)


DETERRENCE_GRID = [(*point, None) for point in itertools.product(
    [0.1, 0.3, 0.5, 0.7, 0.9], [0.0, 0.3], [-2.0, -0.5, 0.2])] + list(itertools.product(
    [0.1, 0.5, 0.9], [0.0, 0.3], [-2.0, -0.5, 0.2], [-1.0, -0.2, 0.5]))


@pytest.mark.parametrize("params", DETERRENCE_GRID)
def test_deterrence_game_solved_by_gambit(params: tuple[float, float, float, float | None],
                                          tmp_path: Path) -> None:
    """With ``back_down`` the resisted challenger's move is one more information set: it
    fights when war beats backing down, and otherwise retreats, and then the irresolute
    defender resists too (it bluffs)."""
    q, sq, war, back = params
    r = deterrence(q, win=1.0, status_quo=sq, war=war, back_down=back)
    if abs(q - float(np.asarray(r.threshold))) < 1e-6 or (
            back is not None and min(abs(war - back), abs(back - sq)) < 1e-6):
        pytest.skip("the challenger is indifferent")
    game, limit = _solve(to_efg(deterrence_game(q, win=1.0, status_quo=sq, war=war,
                                                back_down=back)), tmp_path)
    acts = _actions(limit, game)
    challenges = _choice(acts, "challenger", ("challenge", "status quo")) == "challenge"
    assert challenges == bool(r.challenges)
    assert _choice(acts, "defender", ("resist", "concede"), "resolved") == "resist"
    irresolute = "resist" if r.irresolute_resists else "concede"
    assert _choice(acts, "defender", ("resist", "concede"), "irresolute") == irresolute
    fight = 1.0
    if back is not None:
        fights = _choice(acts, "challenger", ("fight", "back down")) == "fight"
        assert fights == bool(r.fights_if_resisted)
        fight = _probs(acts, "challenger", ("fight", "back down"))["fight"]
    challenge = _probs(acts, "challenger", ("challenge", "status quo"))["challenge"]
    resist = [_probs(acts, "defender", ("resist", "concede"), kind)["resist"]
              for kind in ("resolved", "irresolute")]
    p_war = challenge * (q * resist[0] + (1 - q) * resist[1]) * fight
    assert p_war == pytest.approx(float(np.asarray(r.p_war)), abs=1e-4)
    chosen = {
        ("challenger", ("challenge", "status quo"), None):
            "challenge" if r.challenges else "status quo",
        ("defender", ("concede", "resist"), "resolved"): "resist",
        ("defender", ("concede", "resist"), "irresolute"): irresolute}
    if back is not None:
        chosen["challenger", ("back down", "fight"), None] = (
            "fight" if r.fights_if_resisted else "back down")
    pure = _pure(game, chosen)
    assert _number(pure.max_regret) < 1e-9
    assert _number(pure.agent_max_regret) < 1e-9
    eu = float(np.asarray(r.expected_utility_challenge)) if r.challenges else sq
    found = [_payoffs(e, game)[0]
             for e in gbt.nash.enummixed_solve(game, rational=False).equilibria]
    assert any(abs(eu - f) < 1e-9 for f in found)
