"""The simulation against docs/escalation.md: the one-turn, no-signal case equals
`detente crisis` draw by draw (section 7); no private information, no learning (section 2);
the same seed gives the same output; any split of the runs gives the same runs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import detente
from detente.crisis.analysis import CrisisOutputs
from detente.sampling import draw
from detente.scenario.loader import validate
from detente.simulate import load_catalogue, simulate, simulate_record

DISTRIBUTIONS = ("uniform", "triangular", "truncnormal", "beta", "choice")


@pytest.fixture(scope="module")
def ukraine() -> Any:
    return detente.load("ukraine-2022")


def _sure_of_resistance(scenario: Any) -> Any:
    """The scenario without ``war.defenders_resolve``: the simulation does not read it (every
    challenge meets war, q = 1; docs/escalation.md section 7)."""
    war = scenario.crisis.war.model_copy(update={"defenders_resolve": None})
    return scenario.model_copy(update={"crisis": scenario.crisis.model_copy(
        update={"war": war})})


def test_one_turn_without_signals_is_the_crisis_core(ukraine: Any) -> None:
    # docs section 7: one week, no signals, the challenger ready, the offer and levers of
    # `detente crisis`: war in run b iff the crisis core's draw b is a war draw (at q = 1)
    ukraine = _sure_of_resistance(ukraine)
    n = 1500
    rec = simulate_record(ukraine, load_catalogue(), seed=3, start=0, stop=n, weeks=1,
                          opening="model", mobilisation=1.0, signals=False)
    core = CrisisOutputs(seed=3)(draw(ukraine, 3, 0, n))
    war = rec.status == 1
    assert war.sum() > 0
    np.testing.assert_array_equal(war, core["war"].astype(bool))
    result = simulate(ukraine, weeks=1, runs=n, seed=3, opening="model", mobilisation=1.0,
                      signals=False)
    assert result.p_war_by_week[0] == pytest.approx(float(core["war"].mean()))


def _points(data: Any) -> Any:
    """Every uncertain number replaced by its point value."""
    if isinstance(data, dict):
        if any(k in data for k in DISTRIBUTIONS):
            from detente.scenario.values import Quantity

            return Quantity.model_validate(data).point
        return {k: _points(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_points(v) for v in data]
    return data


def test_without_private_information_beliefs_never_move(ukraine: Any) -> None:
    data = ukraine.to_data()
    data.pop("correlations", None)  # rank correlations between point values mean nothing
    certain = validate(_points(data), None, "points")
    rec = simulate_record(certain, load_catalogue(), seed=0, start=0, stop=50, weeks=6,
                          types=16)
    seen = np.isfinite(rec.shift)
    assert seen.any()
    np.testing.assert_array_equal(rec.shift[seen], 0.0)


def test_signals_move_beliefs_with_private_information(ukraine: Any) -> None:
    rec = simulate_record(ukraine, load_catalogue(), seed=0, start=0, stop=400, weeks=6,
                          types=64)
    mobilise = load_catalogue().names.index("mobilise")
    moved = rec.shift[(rec.c_move == mobilise) & np.isfinite(rec.shift)]
    assert moved.size and np.abs(moved).max() > 0.01


def test_same_seed_same_output(ukraine: Any) -> None:
    a = simulate(ukraine, weeks=5, runs=300, seed=7, types=32)
    b = simulate(ukraine, weeks=5, runs=300, seed=7, types=32)
    assert a.to_json() == b.to_json()
    c = simulate(ukraine, weeks=5, runs=300, seed=8, types=32)
    assert c.to_json() != a.to_json()


def test_any_split_of_the_runs_gives_the_same_runs(ukraine: Any) -> None:
    cat = load_catalogue()
    whole = simulate_record(ukraine, cat, seed=2, start=0, stop=240, weeks=6, types=32)
    parts = [simulate_record(ukraine, cat, seed=2, start=s, stop=e, weeks=6, types=32)
             for s, e in ((0, 17), (17, 100), (100, 240))]
    for field in ("status", "week", "c_move", "d_move", "escalation", "belief", "shift"):
        joined = np.concatenate([getattr(p, field) for p in parts])
        np.testing.assert_array_equal(getattr(whole, field), joined)
    batched = simulate(ukraine, weeks=6, runs=240, seed=2, types=32, batch=50)
    single = simulate(ukraine, weeks=6, runs=240, seed=2, types=32)
    assert batched.to_json() == single.to_json()


def test_result_is_consistent(ukraine: Any) -> None:
    r = simulate(ukraine, weeks=8, runs=500, seed=1, types=32)
    assert np.all(np.diff(r.p_war_by_week) >= 0)
    assert r.p_war_by_week[-1] + r.p_settled_by_week[-1] + r.ongoing == pytest.approx(1.0)
    assert sum(r.war_in_week) + sum(r.settled_in_week) == round(500 * (1 - r.ongoing))
    assert sum(p.share for p in r.paths) <= 1.0 + 1e-12
    again = type(r).from_json(r.to_json())
    assert again == r
    frame = r.to_frame()
    assert set(frame.columns) == {"section", "item", "metric", "value"}


def test_no_crisis_section_is_a_clear_error() -> None:
    from detente.crisis.analysis import CrisisInputError

    with pytest.raises(CrisisInputError, match="no crisis"):
        simulate(detente.load("ec-emissions-1994"), runs=10)


def test_take_rows_is_the_crisis_arrays_of_those_draws(ukraine: Any) -> None:
    # the per-run evaluation relies on PER_DRAW naming every per-draw array of CrisisInputs
    import dataclasses

    from detente.crisis.inputs import crisis_inputs
    from detente.simulate.state import take_rows

    whole = crisis_inputs(draw(ukraine, 4, 0, 20))
    part = crisis_inputs(draw(ukraine, 4, 5, 9))
    taken = take_rows(whole, np.arange(5, 9))
    for f in dataclasses.fields(part):
        a, b = getattr(part, f.name), getattr(taken, f.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f.name)
        elif f.name in ("levers", "concessions"):
            for la, lb in zip(a, b, strict=True):
                np.testing.assert_array_equal(la.cost, lb.cost)
                for key in la.effect:
                    np.testing.assert_array_equal(la.effect[key], lb.effect[key])
