"""KTAB's Spatial Model of Politics (``detente.models.smp``) against KTAB's own output.

Reference: KAPSARC Toolkit for Behavioral Analysis (KTAB), MIT licence, commit c57b72a
(``examples/smp/libsrc/smp.cpp``, ``smpbcn.cpp``, ``KTAB/kmodel/libsrc/kmodel.cpp``).
Golden data in ``reference_dir/ktab`` (see its README.md): the inputs from
``examples/smp/doc/``, every actor's position on every dimension at every turn as KTAB 1.4
``smpc --csv`` wrote it (``*_positions.csv``, 2 decimals), and lines of KTAB's 2017 reference
logs (``20170530_ref-*.extract.txt``: fractional change per step and each actor's winning
probability per turn, 4 decimals). KTAB's CSV defaults: Linear, Prop, Conditional,
Deterministic, Mid, OneThird, SemiCommit, S2P2, InitOnlyInterp.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from detente.models import _smp_challenges, smp
from detente.models import _smp_core as core
from detente.models import _smp_votes as core_votes
from detente.models.base import (
    ForecastResult,
    ModelInputError,
    ScenarioArrays,
    run_model,
    scenario_arrays,
)
from detente.scenario import load

GOLDEN = [("dummyData_3Dim", 11), ("SOE-Pol-Comp", 28)]


def _run(path: Path) -> ForecastResult:
    return run_model(smp.INFO, load(path), rng=np.random.default_rng(0))


@pytest.fixture(scope="module")
def golden_runs(reference_dir: Path) -> dict[str, ForecastResult]:
    return {name: _run(reference_dir / "ktab" / f"{name}.csv") for name, _ in GOLDEN}


def _positions(path: Path, actors: list[str], n_issues: int) -> np.ndarray:
    """KTAB's VectorPosition table as an array (turn, actor, dim) on the 0-100 scale."""
    df = pd.read_csv(path)
    order = list(dict.fromkeys(df["actor"]))
    assert len(order) == len(actors)
    index = {name: i for i, name in enumerate(order)}
    turn = df["turn"].to_numpy(dtype=int)
    actor = np.array([index[name] for name in df["actor"]], dtype=int)
    out = np.full((int(turn.max()) + 1, len(actors), n_issues), np.nan)
    out[turn, actor, df["dim"].to_numpy(dtype=int)] = df["pos_0_100"].to_numpy(dtype=float)
    assert not np.isnan(out).any()
    return out


def _extract(path: Path) -> tuple[list[float], dict[str, list[float]]]:
    """Fractional changes and per-actor winning probabilities from a KTAB reference log."""
    text = path.read_text()
    changes = [float(x) for x in re.findall(r"Fractional change compared to first step: "
                                            r"([0-9.]+)", text)]
    probs = {m.group(1): [float(x) for x in m.group(2).split()]
             for m in re.finditer(r"^(\S+), prob :((?: [0-9.]+)+)", text, re.M)}
    return changes, probs


@pytest.mark.parametrize(("name", "n_states"), GOLDEN)
def test_positions_match_ktab_every_turn(name: str, n_states: int, reference_dir: Path,
                                         golden_runs: dict[str, ForecastResult]) -> None:
    """Every actor, every dimension, every turn within 0.01 of KTAB (commit c57b72a, README:
    ``dummyData_3Dim_positions.csv`` 11 states, ``SOE-Pol-Comp_positions.csv`` 28 states)."""
    res = golden_runs[name]
    ours = np.stack([np.asarray(issue.history) for issue in res.issues], axis=-1)
    ktab = _positions(reference_dir / "ktab" / f"{name}_positions.csv", res.actors,
                      len(res.issues))
    assert ours.shape == ktab.shape == (n_states, len(res.actors), len(res.issues))
    assert res.rounds == n_states - 1
    np.testing.assert_allclose(ours, ktab, rtol=0, atol=0.01)


@pytest.mark.parametrize(("name", "n_states"), GOLDEN)
def test_win_probabilities_and_fractional_change_match_2017_logs(
        name: str, n_states: int, reference_dir: Path,
        golden_runs: dict[str, ForecastResult]) -> None:
    """KTAB's 2017 reference logs (``20170530_ref-*.extract.txt``), to their 4 decimals."""
    changes, probs = _extract(reference_dir / "ktab" / f"20170530_ref-{name}.extract.txt")
    res = golden_runs[name]
    tol = 0.5e-4 + 1e-9
    np.testing.assert_allclose(res.diagnostics["fractional_change"], changes, atol=tol, rtol=0)
    wp = np.asarray(res.diagnostics["win_probability"])
    assert wp.shape == (n_states, len(res.actors))
    assert len(probs) == len(res.actors)  # KTAB's log lists actors in input order
    np.testing.assert_allclose(wp.T, np.array(list(probs.values())), atol=tol, rtol=0)


def test_defaults_are_ktab_csv_defaults() -> None:
    """``smpc --csv`` runs Linear/Prop/Conditional/Deterministic/Mid/OneThird/SemiCommit/
    S2P2/InitOnlyInterp, 2..100 iterations, stop below 0.02 (KTAB README, smp.cpp)."""
    cfg = smp.Config()
    assert cfg.model_dump() == {
        "victory_prob_model": "Linear", "voting_rule": "Prop", "pce_model": "Conditional",
        "state_transitions": "Deterministic", "big_r_range": "Mid",
        "big_r_adjust": "OneThird", "third_party_commit": "SemiCommit",
        "inter_vec_brgn": "S2P2", "bargn_model": "InitOnlyInterp", "min_iterations": 2,
        "max_iterations": 100, "min_delta_ratio": 0.02, "share_saliences": True}
    with pytest.raises(ValidationError):
        smp.Config(voting_rule="Proportional")
    with pytest.raises(ValidationError):
        smp.Config(unknown=1)  # type: ignore[call-arg]


def test_model_info() -> None:
    assert smp.INFO.name == "smp"
    assert smp.INFO.issues == "joint"
    assert (smp.INFO.min_actors, smp.INFO.max_actors) == (3, 250)
    assert smp.INFO.config is smp.Config


def _random_state(n: int, dims: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0, 1, (n, dims)), 4)
    sal = rng.uniform(0.1, 1.0, (n, dims))
    sal = sal / sal.sum(axis=1, keepdims=True) * rng.uniform(0.5, 1.0, (n, 1))
    return x, sal, rng.uniform(10, 200, n)


@pytest.mark.parametrize("options", [
    core.Options(),
    core.Options(voting_rule="ASymProsp", third_party_commit="NoCommit", big_r_adjust="Half"),
    core.Options(voting_rule="PropCbc", third_party_commit="FullCommit", big_r_range="Max"),
    core.Options(voting_rule="Binary", big_r_adjust="None"),
])
def test_vectorised_challenges_equal_scalar_prob_edu_chlg(options: core.Options) -> None:
    """All challenges of a turn at once = SMPState::probEduChlg(i, i, i, j) pair by pair."""
    x, sal, cap = _random_state(9, 2, seed=3)
    a = core.assess(x, sal, cap, options)
    sal_sum = core.sal_total(sal)
    prob, gain = core.own_challenges(a, cap * sal_sum, sal_sum, options)
    for i in range(9):
        u_i = core.perspective_util(a, i, options)
        for j in range(9):
            if i == j:
                continue
            p, g = core.prob_edu_challenge(u_i, cap * sal_sum, sal_sum, options, i, i, j)
            assert prob[i, j] == pytest.approx(p, abs=1e-14)
            assert gain[i, j] == pytest.approx(g, abs=1e-14)


@pytest.mark.parametrize("seed", range(6))
def test_pruned_challenge_search_equals_exhaustive(seed: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """best_challenges skips targets whose bound 1 - u_ij is below the best gain found; the
    targets, probabilities and gains (ties included) must equal the exhaustive search."""
    monkeypatch.setattr(_smp_challenges, "_EXHAUSTIVE_MAX", 0)
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 70))
    x, sal, cap = _random_state(n, int(rng.integers(1, 4)), seed=100 + seed)
    if seed % 2:
        x[: n // 2] = x[0]  # shared positions: many exactly equal gains
    rules: list[core.VotingRule] = ["Prop", "Binary", "ASymProsp"]
    commits: list[core.ThirdPartyCommit] = ["SemiCommit", "NoCommit"]
    options = core.Options(voting_rule=rules[seed % 3], third_party_commit=commits[seed % 2])
    a = core.assess(x, sal, cap, options)
    sal_sum = core.sal_total(sal)
    prob, gain = core.own_challenges(a, cap * sal_sum, sal_sum, options)
    expected = core.best_targets(gain)
    targets, p, g = core.best_challenges(a, cap * sal_sum, sal_sum, options)
    np.testing.assert_array_equal(targets, expected)
    chosen = expected >= 0
    rows = np.flatnonzero(chosen)
    np.testing.assert_array_equal(p[chosen], prob[rows, expected[chosen]])
    np.testing.assert_array_equal(g[chosen], gain[rows, expected[chosen]])


def test_coalitions_follow_ktabs_lower_triangle_for_asymmetric_votes() -> None:
    """Model::coalitions counts v_kij for i > j only; ASymProsp discounts gains by 2/3."""
    w = np.array([3.0])
    u = np.array([[0.2, 0.5]])  # option 1 is preferred by 0.3
    c = core.coalitions(w, u, "ASymProsp")
    # i=1 > j=0: v = vote(u1 - u0 = +0.3) = 2/3 · 3 · 0.3 counts for option 1
    assert c[1, 0] == pytest.approx(1e-8 + 0.6)
    assert c[0, 1] == pytest.approx(1e-8)
    assert core.coalitions(w, u, "Prop")[1, 0] == pytest.approx(1e-8 + 0.9)


def _coalitions_one_by_one(w: np.ndarray, u: np.ndarray, rule: str) -> np.ndarray:
    """Model::coalitions as KTAB writes it: for each pair i > j, voter after voter,
    c[i, j] += max(v_kij, 0) and c[j, i] += max(-v_kij, 0), both starting at 1e-8."""
    n_act, n_opt = u.shape
    c = np.full((n_opt, n_opt), 1e-8)
    for i in range(n_opt):
        for j in range(i):
            for k in range(n_act):
                v = float(core_votes.vote(rule, w[k], u[k, i] - u[k, j]))
                c[i, j] += max(v, 0.0)
                c[j, i] += max(-v, 0.0)
    return c


@pytest.mark.parametrize("rule", ["Prop", "Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"])
def test_coalitions_equal_ktabs_sums_bit_for_bit(rule: str) -> None:
    """The summing strategies of coalitions() (voters in blocks for small option sets,
    repeated options merged for large ones, batches) leave every sum KTAB's to the last bit."""
    rng = np.random.default_rng(7)
    w = rng.uniform(0.5, 3.0, 7)
    few = np.round(rng.uniform(0, 1, (7, 5)), 3)
    many = np.round(rng.uniform(0, 1, (7, 70)), 3)
    many[:, 40:] = many[:, :30]            # 30 options repeat earlier ones
    many[:, [3, 50]] = many[:, [50, 3]]
    for u in (few, many):
        np.testing.assert_array_equal(core.coalitions(w, u, rule),
                                      _coalitions_one_by_one(w, u, rule))
    batch = np.stack([few, few[:, ::-1], few * 0.5])
    got = core.coalitions(w, batch, rule)
    for b in range(3):
        np.testing.assert_array_equal(got[b], _coalitions_one_by_one(w, batch[b], rule))


def test_equal_positions_share_one_probability() -> None:
    """State::posProb: actors on one position (within 1e-3) report that position's
    probability; the election runs over distinct positions only."""
    x = np.array([[0.2], [0.2004], [0.7], [0.9]])
    sal = np.full((4, 1), 0.8)
    a = core.assess(x, sal, np.array([10.0, 20.0, 30.0, 40.0]), core.Options())
    assert list(a.unique) == [0, 2, 3]
    assert a.win_prob[0] == a.win_prob[1]
    assert a.unique_prob.sum() == pytest.approx(1.0)


def test_bargain_interpolation_s2p2_rounds_to_four_decimals() -> None:
    """SMPActor::interpBrgnSnPm with n = m = 2: weights s²·P², results rounded to 1e-4."""
    bi, bj = core.interpolate_bargain(np.array([0.1]), np.array([0.5]), 0.75, np.array([0.9]),
                                      np.array([0.5]), 0.25, "S2P2")
    wi, wj = 0.25 * 0.5625, 0.25 * 0.0625
    expect_i = ((wi + 1e-6) * 0.1 + wj * 0.9) / (wi + 1e-6 + wj)
    assert bi[0] == pytest.approx(round(expect_i, 4), abs=1e-12)
    assert bj[0] == pytest.approx(round((wi * 0.1 + (1e-6 + wj) * 0.9) / (wi + 1e-6 + wj), 4),
                                  abs=1e-12)


def _arrays(x: np.ndarray, sal: np.ndarray, cap: np.ndarray, lower: float = 0.0,
            upper: float = 100.0) -> ScenarioArrays:
    n, k = x.shape
    return ScenarioArrays(
        actor_ids=tuple(f"a{i}" for i in range(n)), issue_ids=tuple(f"d{j}" for j in range(k)),
        capability=cap, position=lower + x * (upper - lower), salience=sal,
        lower=np.full(k, lower), upper=np.full(k, upper), status_quo=np.full(k, np.nan))


def test_issue_units_are_rescaled_both_ways() -> None:
    """Positions enter as (pos - lower)/(upper - lower), KTAB's /100, and leave in units."""
    x, sal, cap = _random_state(12, 2, seed=5)
    base = smp.solve(_arrays(x, sal, cap), smp.Config(), np.random.default_rng(0))
    moved = smp.solve(_arrays(x, sal, cap, -5.0, 15.0), smp.Config(), np.random.default_rng(0))
    assert base.rounds == moved.rounds
    for hb, hm in zip(base.history, moved.history, strict=True):
        np.testing.assert_allclose((hm + 5.0) / 20.0, hb / 100.0, atol=1e-12)
    np.testing.assert_allclose((moved.forecast + 5.0) / 20.0, base.forecast / 100.0,
                               atol=1e-12)


def test_forecast_is_probability_weighted_final_position(
        golden_runs: dict[str, ForecastResult]) -> None:
    res = golden_runs["dummyData_3Dim"]
    final = np.array([issue.history[-1] for issue in res.issues])     # (k, n)
    wp = np.asarray(res.diagnostics["win_probability"])[-1]
    # distinct positions only: drop actors sharing a position with an earlier one
    seen: list[tuple[float, ...]] = []
    expected = np.zeros(len(res.issues))
    for i, pos in enumerate(map(tuple, final.T)):
        if not any(np.linalg.norm(np.subtract(pos, s)) < 0.1 for s in seen):
            seen.append(pos)
            expected += wp[i] * np.array(pos)
    np.testing.assert_allclose([issue.forecast for issue in res.issues], expected, atol=1e-9)
    exp_by_turn = np.asarray(res.diagnostics["expected_position"])
    np.testing.assert_allclose(exp_by_turn[-1], expected, atol=1e-9)


def test_diagnostics_shapes(golden_runs: dict[str, ForecastResult]) -> None:
    res = golden_runs["SOE-Pol-Comp"]
    turns, n = res.rounds + 1, len(res.actors)
    assert np.asarray(res.diagnostics["risk_attitude"]).shape == (turns, n)
    assert len(res.diagnostics["fractional_change"]) == res.rounds
    assert len(res.diagnostics["challenges"]) == len(res.diagnostics["bargains"]) == res.rounds
    first = res.diagnostics["challenges"][0][0]
    assert set(first) == {"initiator", "target", "p_win", "expected_gain"}
    assert ForecastResult.from_json(res.to_json()) == res


def test_forecast_batch_equals_solve_per_draw() -> None:
    x, sal, cap = _random_state(10, 1, seed=11)
    draws = 3
    rng = np.random.default_rng(2)
    caps = cap[None, :] * rng.uniform(0.8, 1.2, (draws, 10))
    batched = ScenarioArrays(
        actor_ids=tuple(f"a{i}" for i in range(10)), issue_ids=("d0",), capability=caps,
        position=np.broadcast_to(x * 100, (draws, 10, 1)).copy(),
        salience=np.broadcast_to(sal, (draws, 10, 1)).copy(), lower=np.zeros(1),
        upper=np.full(1, 100.0), status_quo=np.full(1, np.nan))
    out = smp.forecast_batch(batched, smp.Config(), np.random.default_rng(0))
    assert out.shape == (draws, 1)
    for b in range(draws):
        one = smp.solve(batched.draw(b), smp.Config(), np.random.default_rng(0))
        np.testing.assert_allclose(out[b], one.forecast, atol=1e-12)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("capability", 0.0, "positive capabilities"),
    ("salience", 0.0, "saliences"),
])
def test_inputs_ktab_would_refuse(field: str, value: float, message: str) -> None:
    x, sal, cap = _random_state(5, 1, seed=1)
    arrays = _arrays(x, sal, cap)
    getattr(arrays, field)[0] = value
    with pytest.raises(ModelInputError, match=message):
        smp.solve(arrays, smp.Config(), np.random.default_rng(0))


def test_too_few_actors(reference_dir: Path) -> None:
    arrays = scenario_arrays(load(reference_dir / "ktab" / "dummyData_3Dim.csv"))
    two = ScenarioArrays(arrays.actor_ids[:2], arrays.issue_ids, arrays.capability[:2],
                         arrays.position[:2], arrays.salience[:2], arrays.lower, arrays.upper,
                         arrays.status_quo)
    with pytest.raises(ModelInputError, match="at least 3"):
        smp.solve(two, smp.Config(), np.random.default_rng(0))


@pytest.mark.parametrize("name", ["SOE-Competitive", "dummyData_6Dim", "dummyData-a040"])
def test_other_ktab_inputs_run_to_the_stopping_rule(name: str, reference_dir: Path) -> None:
    """The other inputs shipped with KTAB run to KTAB's stopping rule."""
    res = _run(reference_dir / "ktab" / f"{name}.csv")
    changes = res.diagnostics["fractional_change"]
    assert 2 <= res.rounds < 100
    assert changes[-1] < 0.02 and all(c >= 0.02 for c in changes[1:-1])
    wp = np.asarray(res.diagnostics["win_probability"])
    assert np.all((wp >= 0) & (wp <= 1))


def test_stochastic_transitions_use_the_generator() -> None:
    x, sal, cap = _random_state(8, 1, seed=4)
    cfg = smp.Config(state_transitions="Stochastic", max_iterations=6)
    a = smp.solve(_arrays(x, sal, cap), cfg, np.random.default_rng(1))
    b = smp.solve(_arrays(x, sal, cap), cfg, np.random.default_rng(1))
    np.testing.assert_array_equal(a.history[0], b.history[0])
