"""The simulation prices a sanctions threat by the crisis core's one credibility rule
(``docs/escalation.md`` section 4, (A1)-(A2); :func:`detente.crisis.sanctions_credibility`).

The reference is ``detente crisis`` itself on the coercion toy (tests/data/coercion-toy.yaml:
``p = 0.6``, offer 0.3, ``c`` uniform on [0, 0.4]; the full package costs the challenger 0.4
and the senders ``K = 0.2``, backing down costs them ``a = 0.1``). At full sanctions the
threat is not credible (``0.2 > 0.1``) and war comes in 75% of draws. Four public
``threaten_sanctions`` moves take the lever from 0 to 1 and add ``A_D = 4 x 0.05 = 0.2 >=
lam K``: the coalition has locked its threat in, the senders face ``a + A_D = 0.3``, and the
crisis core with that audience cost prices the package as imposed: the challenger's war
payoff ``0.6 - c - 0.4`` never beats 0.3, so no run goes to war.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.crisis.costs import lever_cost
from detente.crisis.inputs import crisis_inputs
from detente.crisis.levers import lever_levels
from detente.crisis.war_values import war_decisions
from detente.sampling import draw
from detente.scenario import load, loads
from detente.simulate import load_catalogue
from detente.simulate.engine import Game, Record, prepare

TOY = Path(__file__).resolve().parents[1] / "data" / "coercion-toy.yaml"
N = 400


def _crisis(audience: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """``detente crisis`` on the toy with the senders' audience cost ``audience``: the
    challenger's margin and the war decision in draws ``0..N``, lever at ``level``."""
    text = TOY.read_text(encoding="utf-8").replace("audience_cost: 0.1",
                                                   f"audience_cost: {audience}")
    inputs = crisis_inputs(draw(loads(text), 0, 0, N))
    ev = war_decisions(inputs, lever_levels(inputs.levers, np.array([[level]])),
                       np.array([[0.3]]))
    return ev.margin[0, :, 0], ev.war[0]


def _locked_game() -> tuple[Game, np.ndarray]:
    setup = prepare(load(TOY), load_catalogue(), seed=0, start=0, stop=N, weeks=1, types=8,
                    opening="model", signals=False)
    game = Game.start(setup, mobilisation=1.0, settings=np.array([0.0]))
    rows = np.arange(N)
    for _ in range(4):
        game.apply(rows, "threaten_sanctions")
    return game, rows


def test_a_locked_in_threat_is_priced_as_imposed_by_the_crisis_core() -> None:
    game, rows = _locked_game()
    st = game.state
    np.testing.assert_array_equal(st.settings[:, 0], 1.0)
    np.testing.assert_allclose(st.audience_d, 0.2)
    margin, war = _crisis(0.1 + 0.2, 1.0)
    core = game.core(rows)
    np.testing.assert_allclose(core.m_c, margin, atol=1e-12)
    assert not war.any()
    np.testing.assert_array_equal(core.war_now, war)
    # the types are priced by the same rule
    types = game.type_core(rows[:3])
    margin_t, _ = _crisis(0.3, 1.0)
    np.testing.assert_allclose(types.m_c, np.broadcast_to(margin_t[:8], (3, 8)), atol=1e-12)


def test_without_the_added_audience_cost_the_threat_does_not_deter() -> None:
    # the contradiction the rule removes: the same state with A_D = 0 is the scenario alone
    game, rows = _locked_game()
    game.state.audience_d[:] = 0.0
    margin, war = _crisis(0.1, 1.0)
    np.testing.assert_allclose(game.core(rows).m_c, margin, atol=1e-12)
    assert war.mean() == pytest.approx(0.75, abs=0.06)


def test_a_locked_in_coalition_deters_the_ready_challenger_in_the_week() -> None:
    game, _ = _locked_game()
    game.week(1, Record.empty(N, 1))
    assert not np.any(game.state.status == 1)
    unlocked, _ = _locked_game()
    unlocked.state.audience_d[:] = 0.0
    unlocked.week(1, Record.empty(N, 1))
    _, war = _crisis(0.1, 1.0)
    np.testing.assert_array_equal(unlocked.state.status == 1, war)


def _toy_text(cost: float, audience: float, unity: str) -> str:
    return (TOY.read_text(encoding="utf-8").replace("      cost: 0.2\n", f"      cost: {cost}\n")
            .replace("audience_cost: 0.1", f"audience_cost: {audience}")
            .replace("        unity: 1\n", unity))


@pytest.mark.parametrize(("unity", "by_hand"), [
    # united: at 0.25 imposing (0.15) is credible against a + A_D = 0.15 and is paid; at 0.5
    # it costs 0.3 > 0.2, so the senders back down and pay 0.2: the step adds 0.05
    ("        unity: 1\n", 0.2 - 0.15),
    # u = 0.6, r = 0.5: before, pi = 0.6 + 0.4 x 0.5 and they pay 0.15 x 0.8 = 0.12; after,
    # only the split share is credible (0.15 <= 0.2): 0.3 x 0.2 + 0.6 x 0.2 = 0.18
    ("        unity: 0.6\n        retained_if_split: 0.5\n", 0.18 - 0.12),
])
def test_the_lever_choice_costs_a_threat_step_by_the_crisis_core(unity: str,
                                                                 by_hand: float) -> None:
    """(L1)'s ``Delta cost`` of ``threaten_sanctions`` from 0.25 to 0.5 (``K = 0.6``, ``a =
    0.1``, ``A_D`` 0.05 -> 0.1) is the change in ``detente crisis``'s ``lever_cost`` with
    the senders' audience cost ``a + A_D`` before and after, not ``0.25 K = 0.15``."""
    text = _toy_text(0.6, 0.1, unity)
    setup = prepare(loads(text), load_catalogue(), seed=0, start=0, stop=5, weeks=1, types=4,
                    opening="model", signals=False)
    game = Game.start(setup, mobilisation=0.0, settings=np.array([0.0]))
    rows = np.arange(5)
    game.apply(rows, "threaten_sanctions")
    after = np.full((5, 1), 0.5)
    got = game.step_cost(rows, after, game.state.audience_d + 0.05, np.ones(5))

    def crisis_cost(audience: float, level: float) -> float:
        inputs = crisis_inputs(draw(loads(_toy_text(0.6, audience, unity)), 0, 0, 5))
        return float(lever_cost(inputs, np.array([[level]]), np.array([0.3]),
                                p_war=np.ones(1))[0])

    reference = crisis_cost(0.2, 0.5) - crisis_cost(0.15, 0.25)
    np.testing.assert_allclose(got, by_hand, atol=1e-12)
    np.testing.assert_allclose(got, reference, atol=1e-12)
