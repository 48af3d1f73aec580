"""The SMP's compiled loops (``detente.models._smp_kernels``, numba) against the numpy code
they replace (``Options(compiled=False)``): the same numbers to the last bit.

Bit-identity, not closeness, is the test: KTAB breaks ties between equally good challenges
and bargains by index, and with the Binary voting rule a 1e-16 difference in a utility flips
a vote, so a sum taken in another order could change a whole run. The numpy code is the one
checked against KTAB's own output turn by turn (tests/models/test_smp.py, golden data from
KTAB commit c57b72a in tests/data/reference/ktab); these tests carry that check over to the
kernels on KTAB's inputs and on every voting rule, commitment and bargaining option.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from detente.models import _smp_challenges, smp
from detente.models import _smp_core as core
from detente.models import _smp_votes as votes
from detente.models.base import scenario_arrays
from detente.scenario import load


def _runs_identical(x0: np.ndarray, sal: np.ndarray, cap: np.ndarray,
                    opt: core.Options) -> int:
    """Run with the kernels and with numpy; assert every turn equal bit for bit; the turns."""
    fast = core.run(x0, sal, cap, opt, np.random.default_rng(5))
    slow = core.run(x0, sal, cap, dataclasses.replace(opt, compiled=False),
                    np.random.default_rng(5))
    assert len(fast.positions) == len(slow.positions)
    for a, b in zip(fast.positions, slow.positions, strict=True):
        np.testing.assert_array_equal(a, b)
    for sa, sb in zip(fast.states, slow.states, strict=True):
        np.testing.assert_array_equal(sa.unique_prob, sb.unique_prob)
        np.testing.assert_array_equal(sa.risk, sb.risk)
    for ra, rb in zip(fast.records, slow.records, strict=True):
        np.testing.assert_array_equal(ra.targets, rb.targets)
        np.testing.assert_array_equal(ra.target_prob, rb.target_prob)
        np.testing.assert_array_equal(ra.target_gain, rb.target_gain)
        assert ra.chosen == rb.chosen
    assert fast.fractional_change == slow.fractional_change
    return len(fast.positions)


def _ktab_input(reference_dir: Path, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return smp._normalised(scenario_arrays(load(reference_dir / "ktab" / f"{name}.csv")))


@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp", "SOE-Competitive",
                                  "dummyData-a080"])
def test_ktab_inputs_run_identically_compiled_and_in_numpy(name: str,
                                                           reference_dir: Path) -> None:
    """KTAB's CSV defaults on KTAB's own inputs, every turn to the stopping rule."""
    assert _runs_identical(*_ktab_input(reference_dir, name), core.Options()) > 5


@pytest.mark.parametrize("rule", ["Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"])
@pytest.mark.parametrize("commit", ["FullCommit", "NoCommit"])
def test_every_rule_runs_identically(rule: votes.VotingRule, commit: votes.ThirdPartyCommit,
                                     reference_dir: Path) -> None:
    """The kernels' general loops (other rules than KTAB's defaults) on dummyData_3Dim."""
    opt = core.Options(voting_rule=rule, third_party_commit=commit, max_iterations=6)
    _runs_identical(*_ktab_input(reference_dir, "dummyData_3Dim"), opt)


@pytest.mark.parametrize("bargn", ["InitRcvrInterp", "PWCompInterp"])
@pytest.mark.parametrize("ivb", ["S1P1", "S2PMax"])
def test_bargaining_options_run_identically(bargn: votes.BargnModel, ivb: votes.InterVecBrgn,
                                            reference_dir: Path) -> None:
    opt = core.Options(bargn_model=bargn, inter_vec_brgn=ivb, max_iterations=5)
    _runs_identical(*_ktab_input(reference_dir, "SOE-Pol-Comp"), opt)


@pytest.mark.parametrize("seed", range(3))
def test_pruned_challenges_identical(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pruned challenge search (used above 128 actors) through the pair kernel, on
    random states with shared positions (ties)."""
    monkeypatch.setattr(_smp_challenges, "_EXHAUSTIVE_MAX", 0)
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 60))
    x = np.round(rng.uniform(0, 1, (n, 2)), 2)
    x[: n // 3] = x[0]
    sal = rng.uniform(0.1, 0.5, (n, 2))
    cap = rng.uniform(10, 200, n)
    rules: list[votes.VotingRule] = ["Prop", "Binary", "ASymProsp"]
    _runs_identical(x, sal, cap, core.Options(voting_rule=rules[seed], max_iterations=4))


@pytest.mark.parametrize("rule", ["Prop", "Binary", "PropBin", "PropCbc", "Cubic",
                                  "ASymProsp"])
def test_coalition_sums_identical(rule: votes.VotingRule) -> None:
    """Coalition strengths with and without the kernel, batched and with repeated options."""
    rng = np.random.default_rng(11)
    w = rng.uniform(0.5, 3.0, 9)
    u = np.round(rng.uniform(0, 1, (4, 9, 70)), 3)
    u[..., 40:] = u[..., :30]
    for batch in (u, u[0], u[:, :, :5]):
        np.testing.assert_array_equal(votes.coalitions(w, batch, rule, compiled=True),
                                      votes.coalitions(w, batch, rule, compiled=False))


def test_unknown_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown voting rule"):
        votes.rule_code("Plurality")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown third-party commitment"):
        _smp_challenges.commit_code("Half")  # type: ignore[arg-type]
