"""Expected-utility model (Bueno de Mesquita), as reconstructed by Scholz, Calbert & Smith
(2011), "Unravelling Bueno De Mesquita's group decision model", J. Theoretical Politics 23(4).

Golden data (``reference_dir/eum``, see its README): the EC car-emissions case (Scholz et al.
Table 1 = ``ExampleActors.csv``), ``Example.log`` (10 rounds of the public Python replication
of Scholz's own program, ``dmasad/bdm-scholz-expected-utility-model`` commit d7c7bbab) and the
medians and means of Scholz et al. Table 2.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from detente.models import _eum_core as core
from detente.models import eum
from detente.models.base import ForecastResult, ScenarioArrays, run_model, scenario_arrays
from detente.scenario import Scenario, load

# Scholz et al. (2011) Table 2: EC emissions, Q = 1, rounds 1..8
TABLE2_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
TABLE2_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]

VERBS = {"compromises with": "compromise", "loses confrontation to": "confrontation",
         "capitulates to": "capitulation"}
MOVE = re.compile(r"^(?P<actor>.+?) (?P<verb>" + "|".join(VERBS) + r") (?P<other>.+)$")


@dataclass
class LogRound:
    moves: list[dict[str, Any]] = field(default_factory=list)
    mean: float = math.nan


def parse_example_log(path: Path) -> tuple[float, float, list[LogRound]]:
    """Round-0 median and mean, then per round every move (actor, kind, other, the two
    expected utilities, new position) and the printed mean, from the replication's log."""
    lines = path.read_text().splitlines()
    rounds: list[LogRound] = []
    head: dict[str, float] = {}
    k = 0
    while k < len(lines):
        line = lines[k]
        if line.startswith("ROUND "):
            assert int(line.split()[1]) == len(rounds) + 1
            rounds.append(LogRound())
        elif line.startswith(("Median position:", "Mean position:")):
            label, value = line.split(":")
            if not rounds:
                head[label] = float(value)
            elif label == "Mean position":
                rounds[-1].mean = float(value)
        elif (m := MOVE.match(line)) is not None:
            eus = lines[k + 1].strip().split(" vs ")
            new_pos = lines[k + 2].strip()
            assert new_pos.startswith("new_pos = ")
            rounds[-1].moves.append({
                "actor": m["actor"], "kind": VERBS[m["verb"]], "with": m["other"],
                "eu_actor": float(eus[0]), "eu_other": float(eus[1]),
                "to": float(new_pos.removeprefix("new_pos = ")),
            })
            k += 2
        k += 1
    return head["Median position"], head["Mean position"], rounds


@pytest.fixture(scope="module")
def ec(reference_dir: Path) -> Scenario:
    return load(reference_dir / "eum" / "ExampleActors.csv")


@pytest.fixture(scope="module")
def ec_arrays(ec: Scenario) -> ScenarioArrays:
    return scenario_arrays(ec)


def _run(scenario: Scenario, **config: Any) -> ForecastResult:
    return run_model(eum.INFO, scenario, config=eum.Config(**config),
                     rng=np.random.default_rng(0))


# --- golden: the scholz-code reading against Example.log ------------------------------------

def test_scholz_code_reproduces_example_log(reference_dir: Path, ec: Scenario) -> None:
    """Every move of Example.log (d7c7bbab replication of Scholz et al.'s program): same actor,
    same kind, same partner, same order, the two expected utilities and the new position to
    1e-9, all 10 rounds."""
    _, _, log = parse_example_log(reference_dir / "eum" / "Example.log")
    assert len(log) == 10
    result = _run(ec, reading="scholz-code", max_rounds=10)
    assert result.rounds == 10
    (issue,) = result.issues
    offers = result.diagnostics[issue.id]["offers"]
    worst = 0.0
    for t, logged in enumerate(log, start=1):
        ours = [o for o in offers if o["round"] == t]
        assert [(o["actor"], o["kind"], o["with"]) for o in ours] == \
            [(m["actor"], m["kind"], m["with"]) for m in logged.moves], f"round {t}"
        for o, m in zip(ours, logged.moves, strict=True):
            for key in ("eu_actor", "eu_other", "to"):
                worst = max(worst, abs(o[key] - m[key]))
                assert o[key] == pytest.approx(m[key], abs=1e-9), f"round {t} {m} {key}"
            # the move is what the history shows
            assert issue.history[t][result.actors.index(m["actor"])] == \
                pytest.approx(m["to"], abs=1e-9)
        # actors that did not move stayed put
        moved = {m["actor"] for m in logged.moves}
        for a, actor in enumerate(result.actors):
            if actor not in moved:
                assert issue.history[t][a] == issue.history[t - 1][a]
    assert worst < 1e-9


def test_scholz_code_means_and_round0_median(reference_dir: Path, ec: Scenario) -> None:
    """The log's round-0 median (7.0) and mean (7.389956), and the weighted mean it prints
    after every round (its "Median position" line prints the mean too: a quirk of the
    program)."""
    median0, mean0, log = parse_example_log(reference_dir / "eum" / "Example.log")
    result = _run(ec, reading="scholz-code")
    diag = result.diagnostics[result.issues[0].id]
    assert diag["median"][0] == median0 == 7.0
    assert diag["mean"][0] == pytest.approx(mean0, abs=1e-12)
    for t, logged in enumerate(log, start=1):
        assert diag["mean"][t] == pytest.approx(logged.mean, abs=1e-9)


# --- Scholz et al. Table 2 --------------------------------------------------------------------

def test_table2_paper_reading(ec: Scenario) -> None:
    """The paper reading against Scholz et al. (2011) Table 2 (figures in docs/models/eum.md,
    from benchmarks/eum_table2.py). Its weighted mean agrees with the table, at the table's
    precision (one decimal, |diff| <= 0.05), in rounds 1 and 4 only, and stays within 0.52 of
    it in rounds 1..8. Its median never leaves the round-0 median 7.0 (Table 2: 8.4 .. 9.9), so
    no round's median agrees: pinned here so that a change is noticed."""
    diag = _run(ec).diagnostics["issue"]
    mean = np.array(diag["mean"][1:9])
    median = np.array(diag["median"][1:9])
    gap = np.abs(mean - TABLE2_MEAN)
    assert gap[[0, 3]].max() <= 0.05
    assert gap.max() <= 0.52
    assert np.all(median == 7.0)


def test_table2_scholz_code_reading(ec: Scenario) -> None:
    """Scholz's program against its own Table 2: the median truncated to one decimal matches in
    rounds 1 and 3..8 (round 2 gives 9.61 against 9.9); the weighted mean is within 0.07 of
    the table in every round."""
    diag = _run(ec, reading="scholz-code").diagnostics["issue"]
    median = np.array(diag["median"][1:9])
    mean = np.array(diag["mean"][1:9])
    truncated = np.floor(median * 10 + 1e-9) / 10
    agree = np.isclose(truncated, TABLE2_MEDIAN)
    assert agree.tolist() == [True, False, True, True, True, True, True, True]
    assert np.abs(mean - TABLE2_MEAN).max() <= 0.07


# --- numerics -----------------------------------------------------------------------------------

def _random_case(n: int, seed: int, ties: bool = True) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, n)
    if ties:    # shared positions and voters sitting exactly on midpoints
        x[: n // 4] = np.round(x[: n // 4] / 10) * 10
    c = rng.uniform(0.1, 1.0, n)
    s = rng.uniform(0.05, 1.0, n)
    return x, c, s


@pytest.mark.parametrize("n", [5, 41, 97])
def test_support_prefix_sums_match_the_direct_sum(n: int) -> None:
    x, c, s = _random_case(n, n)
    w = c * s
    r = np.random.default_rng(n).uniform(0.5, 2.0, n)
    dist = np.abs(x[:, None] - x[None, :]) / np.ptp(x)
    for u in (dist, dist ** r[:, None]):
        direct = core.support_brute(u, w)
        assert np.allclose(core.support(u, w, x), direct, rtol=1e-12, atol=1e-14)
    # batched: several draws at once (the searchsorted over all draws)
    xb = np.stack([_random_case(n, n + b)[0] for b in range(3)])
    wb = np.stack([w, w[::-1], w * 2])
    ub = np.abs(xb[..., :, None] - xb[..., None, :])
    fast = core.support(ub, wb, xb)
    for b in range(3):
        assert np.allclose(fast[b], core.support_brute(ub[b], wb[b]), rtol=1e-12, atol=1e-12)


def test_probability_paper_is_a_probability() -> None:
    x, c, s = _random_case(12, 3, ties=False)
    same = np.eye(12, dtype=bool)
    p = core.probability_paper(x, c * s, same)
    assert np.all((p >= 0) & (p <= 1))
    assert np.allclose(p + p.T, 1.0)
    # eq. 30 term by term
    w = c * s
    i, j = 2, 7
    v = w * (np.abs(x - x[j]) - np.abs(x - x[i]))
    assert p[i, j] == pytest.approx(v[v > 0].sum() / np.abs(v).sum())


def test_probability_scholz_matches_the_program_formula() -> None:
    """``BDMScholzModel.probability``: positive votes of each voter (with its own r) over the
    sum of |votes| of every voter on every ordered pair of actors."""
    x, c, s = _random_case(7, 11, ties=False)
    r = np.random.default_rng(0).uniform(0.5, 2.0, 7)
    span = np.ptp(x)

    def compare(k: int, xj: float, xk: float) -> float:
        return float(c[k] * s[k] * ((abs(x[k] - xk) / span) ** r[k]
                                    - (abs(x[k] - xj) / span) ** r[k]))

    total = sum(abs(compare(k, a, b)) for k in range(7) for a in x for b in x)
    dist = np.abs(x[:, None] - x[None, :]) / span
    p = core.probability_scholz(x, c * s, r, dist, np.eye(7, dtype=bool))
    for i in range(7):
        for j in range(7):
            want = 0.0 if i == j else sum(max(0.0, compare(k, x[i], x[j]))
                                          for k in range(7)) / total
            assert p[i, j] == pytest.approx(want, rel=1e-12, abs=1e-15)


def _paper_round_by_loops(x: np.ndarray, c: np.ndarray, s: np.ndarray, span: float,
                          q: float, t: float | None) -> np.ndarray:
    """One round of the paper reading written out from the equations, actor by actor."""
    n = len(x)
    w = c * s

    def votes(j: int, k: int) -> float:   # Appendix step 3: x_j against x_k
        return float(sum(w[i] * (abs(x[i] - x[k]) - abs(x[i] - x[j])) for i in range(n)))

    mu = min(x[j] for j in range(n) if all(votes(j, k) >= -1e-12 for k in range(n)))

    def prob(i: int, j: int) -> float:     # eqs. 30-31
        v = [w[k] * (abs(x[k] - x[j]) - abs(x[k] - x[i])) for k in range(n)]
        den = sum(abs(e) for e in v)
        return sum(e for e in v if e > 0) / den if den > 0 else 0.5

    def eu(i: int, j: int, r: float) -> float:   # eqs. 5-7, 15-16, 22-24
        d = abs(x[i] - x[j]) / span
        dm = abs(x[i] - mu) / span
        us, uf = 2 - 4 * (0.5 - 0.5 * d) ** r, 2 - 4 * (0.5 + 0.5 * d) ** r
        ub, uw = 2 - 4 * (0.5 - 0.25 * (dm + d)) ** r, 2 - 4 * (0.5 + 0.25 * (dm + d)) ** r
        usq = 2 - 4 * 0.5 ** r
        tt = t if t is not None else float(abs(x[i] - mu) < abs(x[i] - x[j]))
        p = prob(i, j)
        return float(s[j] * (p * us + (1 - p) * uf) + (1 - s[j]) * us - q * usq
                     - (1 - q) * (tt * ub + (1 - tt) * uw))

    sec = [sum(eu(j, i, 1.0) for j in range(n) if j != i) for i in range(n)]
    hi, lo = max(sec), min(sec)
    risk = [(1 - b / 3) / (1 + b / 3) for b in ((2 * v - hi - lo) / (hi - lo) for v in sec)]
    a = [[eu(i, j, risk[i]) for j in range(n)] for i in range(n)]
    new = x.copy()
    for i in range(n):
        offers = []
        for j in range(n):
            if x[i] == x[j]:
                continue
            mine, theirs = a[i][j], a[j][i]
            if mine > 0 and theirs > mine:
                offers.append((abs(x[j] - x[i]), -theirs, j, x[j]))
            elif mine < 0 < theirs:
                to = x[i] + (x[j] - x[i]) * abs(mine / theirs) if theirs >= -mine else x[j]
                offers.append((abs(to - x[i]), -theirs, j, to))
        if offers:
            new[i] = min(offers)[3]
    return new


@pytest.mark.parametrize(("q", "t"), [(1.0, None), (0.5, None), (0.3, 0.7)])
def test_paper_round_matches_a_loop_implementation(q: float, t: float | None) -> None:
    x, c, s = _random_case(8, 21, ties=False)
    span = float(np.ptp(x))
    for _ in range(3):
        mv, _ = core.play_round(x, c * s, s, np.array(span), reading="paper", q=q, t=t,
                                record=False)
        want = _paper_round_by_loops(x, c, s, span, q, t)
        assert np.allclose(mv.new_x, want, rtol=0, atol=1e-12)
        x = want


@pytest.mark.parametrize("reading", ["paper", "scholz-code"])
def test_prefix_path_matches_direct_path(reading: core.Reading,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    x, c, s = _random_case(60, 5)
    fast = core.simulate(x, c, s, reading=reading, q=1.0, t=None, max_rounds=6, tol=0.0)
    monkeypatch.setattr(core, "SMALL", 1000)
    direct = core.simulate(x, c, s, reading=reading, q=1.0, t=None, max_rounds=6, tol=0.0)
    assert np.allclose(fast.history, direct.history, rtol=0, atol=1e-9)


@pytest.mark.parametrize("reading", ["paper", "scholz-code"])
def test_forecast_batch_matches_solve_draw_by_draw(reading: str,
                                                   ec_arrays: ScenarioArrays) -> None:
    rng = np.random.default_rng(3)
    b = 40
    batch = ScenarioArrays(
        ec_arrays.actor_ids, ec_arrays.issue_ids,
        capability=ec_arrays.capability * rng.uniform(0.8, 1.2, (b, 10)),
        position=ec_arrays.position * rng.uniform(0.9, 1.1, (b, 10, 1)),
        salience=np.clip(ec_arrays.salience * rng.uniform(0.8, 1.2, (b, 10, 1)), 0, 1),
        lower=ec_arrays.lower, upper=ec_arrays.upper, status_quo=ec_arrays.status_quo)
    config = eum.Config(reading=reading)
    out = eum.forecast_batch(batch, config, rng)
    assert out.shape == (b, 1)
    for d in range(b):
        single = eum.solve(batch.draw(d), config.model_copy(update={"diagnostics": "none"}),
                           rng)
        assert out[d, 0] == pytest.approx(single.forecast[0], abs=1e-9)


def test_forecast_batch_many_actors() -> None:
    x, c, s = (np.stack(v) for v in zip(*(_random_case(45, k) for k in range(3)),
                                         strict=True))
    arrays = ScenarioArrays(tuple(f"a{i}" for i in range(45)), ("x",), c, x[..., None],
                            s[..., None], np.zeros(1), np.full(1, 100.0), np.full(1, np.nan))
    config = eum.Config()
    out = eum.forecast_batch(arrays, config, np.random.default_rng(0))
    for d in range(3):
        assert out[d, 0] == eum.solve(arrays.draw(d), config, np.random.default_rng(0)
                                      ).forecast[0]


def test_positions_in_any_units_and_issue_by_issue(ec_arrays: ScenarioArrays) -> None:
    """Two issues run one by one; an affine change of units moves the forecast with it (every
    distance is taken relative to the range R)."""
    pos = ec_arrays.position
    arrays = ScenarioArrays(ec_arrays.actor_ids, ("years", "months"), ec_arrays.capability,
                            np.concatenate([pos, 12 * pos + 5], axis=1),
                            np.concatenate([ec_arrays.salience] * 2, axis=1),
                            np.array([4.0, 53.0]), np.array([10.0, 125.0]),
                            np.full(2, np.nan))
    for reading in ("paper", "scholz-code"):
        sol = eum.solve(arrays, eum.Config(reading=reading), np.random.default_rng(0))
        assert sol.forecast[1] == pytest.approx(12 * sol.forecast[0] + 5, abs=1e-9)
        assert np.allclose(sol.history[1], 12 * sol.history[0] + 5, atol=1e-9)
        assert set(sol.diagnostics) == {"years", "months"}


def test_stopping_rules() -> None:
    same = ScenarioArrays(("a", "b", "c"), ("x",), np.ones(3), np.full((3, 1), 5.0),
                          np.full((3, 1), 0.5), np.zeros(1), np.ones(1), np.full(1, np.nan))
    sol = eum.solve(same, eum.Config(), np.random.default_rng(0))
    assert sol.rounds == 1 and sol.stop_reason == "x: converged after 1 round"
    assert sol.forecast[0] == 5.0 and sol.history[0].shape == (2, 3)
    pair = ScenarioArrays(("a", "b"), ("x",), np.array([1.0, 3.0]), np.array([[0.0], [1.0]]),
                          np.array([[0.9], [0.5]]), np.zeros(1), np.ones(1), np.full(1, np.nan))
    sol = eum.solve(pair, eum.Config(max_rounds=3), np.random.default_rng(0))
    assert sol.history[0].shape == (sol.rounds + 1, 2)
    assert sol.rounds <= 3


def test_run_model_result(ec: Scenario) -> None:
    result = _run(ec)
    assert ForecastResult.from_json(result.to_json()) == result
    (issue,) = result.issues
    assert len(issue.history) == 11 and issue.converged is False
    assert result.stop_reason.startswith("issue: stopped at the 10-round limit")
    # BDM's forecast: the weighted median of the final round
    diag = result.diagnostics["issue"]
    assert issue.forecast == diag["median"][-1] == 7.0
    rnd = diag["rounds"][0]
    assert set(rnd) >= {"risk_exponent", "security", "p_success", "eu_challenge",
                        "eu_challenged", "octant"}
    assert all(0.5 <= r <= 2.0 for r in rnd["risk_exponent"])
    assert set(diag["offers"][0]) == {"round", "actor", "with", "kind", "from", "to",
                                      "eu_actor", "eu_other"}


def test_diagnostics_levels() -> None:
    n = 120
    x, c, s = _random_case(n, 2)
    arrays = ScenarioArrays(tuple(f"a{i}" for i in range(n)), ("x",), c, x[:, None],
                            s[:, None], np.zeros(1), np.full(1, 100.0), np.full(1, np.nan))
    rng = np.random.default_rng(0)
    auto = eum.solve(arrays, eum.Config(max_rounds=2), rng).diagnostics["x"]
    assert auto["level"] == "summary" and "p_success" not in auto["rounds"][0]
    assert eum.solve(arrays, eum.Config(max_rounds=2, diagnostics="none"), rng
                     ).diagnostics == {"x": {}}
    full = eum.solve(arrays, eum.Config(max_rounds=2, diagnostics="full"), rng)
    assert np.asarray(full.diagnostics["x"]["rounds"][1]["octant"]).shape == (n, n)


def test_explain_view_from_belgium(ec: Scenario, ec_arrays: ScenarioArrays) -> None:
    result = _run(ec, reading="scholz-code")
    view = eum.explain(result, "Belgium", round=4)
    assert isinstance(view, pd.DataFrame) and len(view) == 9
    assert list(view.columns) == ["actor", "other", "position", "other_position", "p_success",
                                  "eu_challenge", "eu_challenged", "octant", "octant_label",
                                  "accepted"]
    # round 4 of Example.log: Belgium compromises with the Netherlands
    taken = view[view.accepted]
    assert taken.other.tolist() == ["Netherlands"]
    row = taken.iloc[0]
    assert row.eu_challenge == pytest.approx(-0.7153336335609584, abs=1e-9)
    assert row.eu_challenged == pytest.approx(0.826336595809209, abs=1e-9)
    assert row.octant == 3 and row.octant_label.startswith("compromise")
    # the same view from plain arrays and from a Solution
    from_arrays = eum.explain(ec_arrays, "Belgium", round=4,
                              config=eum.Config(reading="scholz-code"))
    pd.testing.assert_frame_equal(from_arrays, view)
    sol = eum.solve(ec_arrays, eum.Config(reading="scholz-code"), np.random.default_rng(0))
    pd.testing.assert_frame_equal(eum.explain(sol, "Belgium", 4, actors=ec_arrays.actor_ids),
                                  view)
    # the paper reading: both actors of a dyad see the same pair of expected utilities
    paper = eum.explain(_run(ec), "France", round=2)
    other = eum.explain(_run(ec), "UK", round=2).set_index("other")
    uk = paper.set_index("other").loc["UK"]
    assert uk.eu_challenge == other.loc["France"].eu_challenged
    assert uk.p_success + other.loc["France"].p_success == pytest.approx(1.0)
    with pytest.raises(ValueError, match="round"):
        eum.explain(result, "Belgium", round=11)
    with pytest.raises(KeyError, match="unknown actor"):
        eum.explain(result, "Atlantis")
    with pytest.raises(ValueError, match="full"):
        eum.explain(_run(ec, diagnostics="summary"), "Belgium")


def test_config() -> None:
    assert eum.Config().reading == "paper" and eum.Config().q == 1.0
    assert eum.Config().max_rounds == 10
    with pytest.raises(ValidationError):
        eum.Config(reading="bdm")
    with pytest.raises(ValidationError):
        eum.Config(q=1.5)
    with pytest.raises(ValidationError):
        eum.Config(unknown=1)  # type: ignore[call-arg]
    assert eum.INFO.readings == ("paper", "scholz-code")
    assert eum.INFO.config is eum.Config
