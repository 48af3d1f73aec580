"""Posture and arms through the deterrence game: the challenger's belief in the defenders'
resolve (``crisis.war.defenders_resolve``) inside the scenario analysis.

Reference: the deterrence game with one-sided incomplete information about the defender's
resolve (James D. Morrow, *Game Theory for Political Scientists*, 1994, ch. 8; Fearon 1994),
derived in docs/crisis-model.md ("Resolve: the deterrence game at the offer"). The challenger
challenges iff ``q < q* = (V_C(X_c) - V_C(x)) / (V_C(X_c) - W_C)``; a challenge ends in war
with probability ``q`` and in capitulation with ``1 - q``. On tests/data/resolve-toy.yaml (one
issue, challenger at 1, defender at 0) ``V_C(x) = x``, ``V_C(X_c) = 1`` and
``W_C = p - c``, so ``q* = (1 - x) / (1 - p + c)``, worked by hand below.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.crisis.analysis import analyse, crisis_inputs, p_war_batch, point_inputs
from detente.crisis.deterrence import deterrence
from detente.crisis.war_values import challenge, evaluate_bundles, war_decisions
from detente.sampling import draw
from detente.scenario import load, loads
from detente.scenario.values import point

TOY = Path(__file__).resolve().parents[1] / "data" / "resolve-toy.yaml"
TEXT = TOY.read_text(encoding="utf-8")
POSTURE = np.array([[0.0], [0.25], [0.5], [0.75], [1.0]])


def _toy(*, cost: float | None = None, q: float = 0.4, resolve: float = 0.5,
         p_win: float = 0.6) -> str:
    """The toy with the challenger's cost of war fixed (``cost``), its belief ``q``, the
    posture's rise in ``q`` and its chance of prevailing changed."""
    text = (TEXT.replace("      value: 0.4\n", f"      value: {q:.6f}\n")
            .replace("        resolve: 0.5\n", f"        resolve: {resolve:.6f}\n")
            .replace("    p_win: 0.6\n", f"    p_win: {p_win:.6f}\n"))
    if cost is not None:
        text = text.replace("""      a:
        uniform: [0.0, 0.2]
        judgment: the only uncertain number""", f"      a: {cost:.6f}")
    return text


@pytest.mark.parametrize(("offer", "q", "cost", "challenges"), [
    # q* = (1 - .7) / (1 - .6 + .1) = 0.6: challenged below it, deterred above
    (0.7, 0.5, 0.1, True),
    (0.7, 0.65, 0.1, False),
    # q* = (1 - .8) / (.4 + .0) = 0.5
    (0.8, 0.45, 0.0, True),
    (0.8, 0.55, 0.0, False),
    # x = .3 is worth less than war (.5): q* = .7 / .5 > 1, it challenges even at q = 1
    (0.3, 1.0, 0.1, True),
    # q = 0: every defender concedes, so any offer short of its demand is challenged
    (0.75, 0.0, 0.2, True),
])
def test_the_analysis_reproduces_the_deterrence_closed_form(
        offer: float, q: float, cost: float, challenges: bool) -> None:
    """At the point values the analysis decides as the closed form says: the threshold
    ``q*`` (computed by hand from the toy's numbers), the challenge, P(war) = q and
    P(capitulation) = 1 - q when it challenges, 0 and 0 when deterred."""
    inputs = point_inputs(loads(_toy(cost=cost, q=q)))
    q_star = (1.0 - offer) / (1.0 - 0.6 + cost)
    assert (q < q_star) == challenges
    game = deterrence(q, win=1.0, status_quo=offer, war=0.6 - cost)
    assert game.threshold == pytest.approx(q_star)
    ev = war_decisions(inputs, np.zeros((1, 1)), np.array([[offer]]))
    assert bool(ev.challenges[0, 0]) == challenges
    assert ev.p_war[0, 0] == pytest.approx(q if challenges else 0.0, abs=1e-12)
    assert ev.p_capitulation is not None
    assert ev.p_capitulation[0, 0] == pytest.approx(1.0 - q if challenges else 0.0, abs=1e-12)


def test_the_toy_summary_posture_deters_only_through_resolve() -> None:
    """The toy's summary: with c uniform on [0, .2] the challenger challenges iff
    c < .3 / q - .4, so at q = .4 + .5 s P(war) = q P(c < .3 / q - .4): 0.4, 0.45, 0.2, 0, 0
    at s = 0, .25, .5, .75, 1 (and P(capitulation) the rest of the challenges)."""
    inputs = crisis_inputs(draw(load(TOY), 0, 0, 20_000))
    summary = evaluate_bundles(inputs, POSTURE, np.array([0.7]))
    qs = 0.4 + 0.5 * POSTURE[:, 0]
    share = np.clip((0.3 / qs - 0.4) / 0.2, 0.0, 1.0)
    assert summary.p_war == pytest.approx(qs * share, abs=0.01)
    assert summary.p_capitulation == pytest.approx((1.0 - qs) * share, abs=0.01)
    # without the resolve effect the posture changes nothing (its escalation cost is 0)
    flat = crisis_inputs(draw(loads(_toy(resolve=0.0)), 0, 0, 2000))
    assert p_war_batch(flat, POSTURE, np.array([0.7])) == pytest.approx([0.4] * 5, abs=1e-12)


def test_lever_search_chooses_posture_for_its_deterrent_effect() -> None:
    """The what-if search, free to set only the posture, settles on s = 0.75: the cheapest
    setting at which q = 0.775 exceeds every draw's q* (at most 0.75), so no challenge is
    made. Below it the posture deters too few draws (and at s = .25 raises P(war))."""
    from detente.whatif import whatif

    r = whatif(load(TOY), target=0.05, draws=2000, check_draws=0, seed=1,
               free=["force_posture"], effort=0.3, sobol_samples=0)
    assert r.best.settings["force_posture"] == 0.75
    assert r.best.p_war == 0.0


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0),
       st.floats(0.05, 0.95), st.sampled_from(["force_posture", "defensive_arms"]))
def test_raising_resolve_never_raises_the_chance_of_a_challenge(
        q: float, rise: float, low: float, high: float, offer: float, kind: str) -> None:
    """For fixed draws, a posture or arms lever with a larger ``resolve`` effect, or pulled
    harder, never makes a challenge more likely (``EU(challenge)`` falls as ``q`` rises,
    since ``W_C < V_C(X_c)``; arms also lower ``W_C``)."""
    text = _toy(q=q, resolve=rise)
    if kind == "defensive_arms":
        text = text.replace("""      effect:
        escalation_cost: 0
""", """      effect:
        p_win_now: 0.1
        p_win_future: 0.1
""").replace("kind: force_posture", "kind: defensive_arms")
    inputs = crisis_inputs(draw(loads(text), 3, 0, 200))
    lo, hi = sorted((low, high))
    levels = np.array([[lo], [hi]])
    ev = war_decisions(inputs, levels, np.array([[offer], [offer]]))
    assert np.all(ev.challenges[1] <= ev.challenges[0])
    stronger = replace(inputs, resolve=np.minimum(inputs.resolve + 0.1, 1.0))
    again = war_decisions(stronger, levels, np.array([[offer], [offer]]))
    assert np.all(again.challenges <= ev.challenges)
    values = ev.margin[..., 0]  # W - V: the challenger's war value against the offer's
    direct = challenge(inputs, np.ones_like(values), np.zeros_like(values), values)
    assert np.array_equal(direct, values > 1e-12)  # q = 1: it challenges iff it prefers war


def _without_resolve(text: str) -> str:
    out = re.sub(r"    defenders_resolve:\n      value: .*\n      judgment: .*\n", "", text)
    assert out != text
    return out


def test_q_absent_is_q_one_exactly_on_the_toy() -> None:
    """Without ``defenders_resolve`` the challenger is sure of resistance: the same P(war)
    per draw as ``q = 1``, bit for bit, and no P(capitulation) in the result."""
    text = _toy(q=1.0)
    absent = analyse(loads(_without_resolve(text)), draws=500, seed=2)
    one = analyse(loads(text), draws=500, seed=2)
    assert absent.p_capitulation is None and one.p_capitulation == 0.0
    assert "p_capitulation" not in absent.to_json()
    assert _numbers(absent) == _numbers(one)


def test_q_absent_is_q_one_exactly_on_ukraine_2022() -> None:
    """The same on ukraine-2022 (commitment problem, sanctions, every lever): q = 1 given as
    a point value leaves every number of the analysis as it is without q."""
    base = load("ukraine-2022")
    assert base.crisis is not None
    war = base.crisis.war
    variants = []
    for q in (None, point(1.0)):
        crisis = base.crisis.model_copy(update={"war": war.model_copy(
            update={"defenders_resolve": q})})
        variants.append(analyse(base.model_copy(update={"crisis": crisis}), draws=300, seed=4))
    assert _numbers(variants[0]) == _numbers(variants[1])


def _numbers(result: object) -> dict[str, object]:
    """A result's JSON without P(capitulation) and the (empty) doubted-resolve row."""
    doc = result.model_dump(mode="json")  # type: ignore[attr-defined]

    def strip(x: object) -> object:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k != "p_capitulation"}
        if isinstance(x, list):
            return [strip(v) for v in x
                    if not (isinstance(v, dict) and v.get("mechanism") == "doubted_resolve")]
        return x

    out = strip(doc)
    assert isinstance(out, dict)
    out.pop("versions")
    return out
