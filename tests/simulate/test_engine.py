"""The simulation against docs/escalation.md: the one-turn, no-signal case equals
`detente crisis` draw by draw (section 7); no private information, no learning (section 2);
the same seed gives the same output; any split of the runs gives the same runs."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import detente
from detente.crisis.analysis import CrisisOutputs
from detente.crisis.uncertainty import wilson
from detente.crisis.war_values import MARGIN_TOL
from detente.sampling import draw
from detente.scenario.loader import validate
from detente.simulate import load_catalogue, simulate, simulate_record

DATA = Path(__file__).resolve().parents[1] / "data"
DISTRIBUTIONS = ("uniform", "triangular", "truncnormal", "beta", "choice")


@pytest.fixture(scope="module")
def ukraine() -> Any:
    return detente.load("ukraine-2022")


def _sure_of_resistance(scenario: Any) -> Any:
    """The scenario without ``war.defenders_resolve`` (every challenge meets war, q = 1)."""
    war = scenario.crisis.war.model_copy(update={"defenders_resolve": None})
    return scenario.model_copy(update={"crisis": scenario.crisis.model_copy(
        update={"war": war})})


def _one_turn(scenario: Any, n: int, seed: int) -> tuple[Any, dict[str, Any]]:
    rec = simulate_record(scenario, load_catalogue(), seed=seed, start=0, stop=n, weeks=1,
                          opening="model", mobilisation=1.0, signals=False)
    return rec, CrisisOutputs(seed=seed)(draw(scenario, seed, 0, n))


def test_one_turn_without_signals_is_the_crisis_core_with_doubted_resolve(ukraine: Any
                                                                          ) -> None:
    # docs section 7 with q (ukraine-2022 gives war.defenders_resolve): one week, no
    # signals, the challenger ready, the offer and levers of `detente crisis`. Draw by draw,
    # the run's decisions are the crisis core's: the defending side refuses (use_force) iff
    # the core says it prefers war, and the challenger invades iff the core's deterrence
    # rule (R2 of docs/crisis-model.md) has it challenge; a run that neither refuses nor
    # invades has no war, exactly where the core's P(war | draw) is 0.
    assert ukraine.crisis.war.defenders_resolve is not None
    n = 1500
    rec, core = _one_turn(ukraine, n, 3)
    cat = load_catalogue()
    refused = rec.d_move[:, 0] == cat.names.index("use_force")
    invaded = rec.c_move[:, 0] == cat.names.index("invade")
    np.testing.assert_array_equal(refused, core["war_preferred.defenders"] > MARGIN_TOL)
    challenged = (core["war"] > 0) & ~refused
    np.testing.assert_array_equal(invaded, challenged)
    assert invaded.sum() > 50 and np.any(core["war"][invaded] < 1.0)  # q matters here
    # the run's end: refusals are war; an invasion meets war or capitulation (status 3),
    # the defending side's type realised with the run's own number
    np.testing.assert_array_equal(rec.status[refused], 1)
    assert set(np.unique(rec.status[invaded])) == {1, 3}
    np.testing.assert_array_equal(rec.status[~(refused | invaded)] == 1, False)
    # in expectation the run's war is the core's P(war | draw) and its capitulation the
    # core's P(capitulation | draw): the core's means lie within the 99.9% Wilson
    # interval (z = 3.29) of the simulated shares over the n runs, which is what realised
    # Bernoulli(q) draws must give
    for status, key in ((1, "war"), (3, "capitulation")):
        lo, hi = wilson(float((rec.status == status).mean()), n, z=3.29)
        assert lo <= float(core[key].mean()) <= hi, (key, lo, hi, core[key].mean())


def test_one_turn_matches_the_resolve_toys_closed_form() -> None:
    # tests/data/resolve-toy.yaml (its summary): at q = 0.4 the challenger challenges in
    # every draw, so the core's P(war) is 0.4 and P(capitulation) 0.6; the run's decisions
    # are all "invade" and the realised shares lie in the 99.9% Wilson interval
    toy = detente.load(str(DATA / "resolve-toy.yaml"))
    n = 2000
    rec, core = _one_turn(toy, n, 5)
    np.testing.assert_allclose(core["war"], 0.4)
    np.testing.assert_array_equal(rec.c_move[:, 0], load_catalogue().names.index("invade"))
    for status, expected in ((1, 0.4), (3, 0.6)):
        lo, hi = wilson(float((rec.status == status).mean()), n, z=3.29)
        assert lo <= expected <= hi
    result = simulate(toy, weeks=1, runs=n, seed=5, opening="model", mobilisation=1.0,
                      signals=False)
    assert result.p_capitulation_by_week == [float((rec.status == 3).mean())]
    assert result.p_war_by_week[0] + result.p_capitulation_by_week[0] == pytest.approx(1.0)
    assert "capitulation" in result.headline
    assert type(result).from_json(result.to_json()) == result


def test_one_turn_without_signals_is_the_crisis_core_at_full_resolve(ukraine: Any) -> None:
    # docs section 7 without q: war in run b iff the crisis core's draw b is a war draw
    sure = _sure_of_resistance(ukraine)
    n = 1500
    rec, core = _one_turn(sure, n, 3)
    war = rec.status == 1
    assert war.sum() > 0 and not np.any(rec.status == 3)
    np.testing.assert_array_equal(war, core["war"].astype(bool))
    result = simulate(sure, weeks=1, runs=n, seed=3, opening="model", mobilisation=1.0,
                      signals=False)
    assert result.p_war_by_week[0] == pytest.approx(float(core["war"].mean()))
    assert result.p_capitulation_by_week is None
    assert "capitulat" not in result.to_json()


def test_without_q_the_runs_are_those_before_doubted_resolve(ukraine: Any) -> None:
    # a scenario without war.defenders_resolve draws no number for the defending side's
    # type and keeps its runs byte for byte: the SHA-256 of the runs' integer record
    # (status, end week, both sides' moves) for ukraine-2022 with q removed, seed 5, 300
    # runs, 8 weeks, 32 types, as computed by commit 27be0d0 (before the simulation read q)
    rec = simulate_record(_sure_of_resistance(ukraine), load_catalogue(), seed=5, start=0,
                          stop=300, weeks=8, types=32)
    h = hashlib.sha256()
    for f in ("status", "week", "c_move", "d_move"):
        h.update(np.ascontiguousarray(getattr(rec, f), dtype=np.int64).tobytes())
    assert h.hexdigest() == (
        "ed2941fb1822a18620ec96961602900ca21ee08d1eec41e0cbdc9de2b8b63bac")
    # and q = 1 is the same game as no q: the deterrence rule reduces to the war margin
    from detente.scenario.values import Quantity

    sure = Quantity.model_validate({"value": 1.0, "judgment": "certain resistance"})
    war = ukraine.crisis.war.model_copy(update={"defenders_resolve": sure})
    certain = ukraine.model_copy(update={"crisis": ukraine.crisis.model_copy(
        update={"war": war})})
    one = simulate_record(certain, load_catalogue(), seed=5, start=0, stop=300, weeks=8,
                          types=32)
    for f in ("status", "week", "c_move", "d_move", "belief", "shift"):
        np.testing.assert_array_equal(getattr(one, f), getattr(rec, f), err_msg=f)


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
    assert r.p_capitulation_by_week is not None and r.capitulated_in_week is not None
    assert np.all(np.diff(r.p_capitulation_by_week) >= 0)
    assert (r.p_war_by_week[-1] + r.p_capitulation_by_week[-1] + r.p_settled_by_week[-1]
            + r.ongoing) == pytest.approx(1.0)
    assert (sum(r.war_in_week) + sum(r.capitulated_in_week) + sum(r.settled_in_week)
            == round(500 * (1 - r.ongoing)))
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
