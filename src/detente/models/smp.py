"""KTAB's Spatial Model of Politics (SMP): challenges, bargains and a probabilistic Condorcet
election, turn after turn, on all issues jointly.

Reference: KAPSARC Toolkit for Behavioral Analysis (KTAB), MIT licence,
https://github.com/KAPSARC/KTAB, commit c57b72a (sources ``examples/smp/libsrc/smp.cpp``,
``smpbcn.cpp``, ``KTAB/kmodel/libsrc/kmodel.cpp``, ``kstate.cpp``). This is a
re-implementation from reading the C++, written from scratch with numpy; it reproduces
``smpc --csv`` turn by turn (see ``docs/models/smp.md``).

Each turn (SMPState::doBCN):

1. every actor's utility of every position, u = (1 - d)(1 + d·R) with d the salience-weighted
   distance and R a risk attitude inferred from the actors' winning probabilities;
2. each actor picks the rival whose challenge promises the largest expected gain, estimated with
   every third party joining the side it prefers;
3. challenger and target interpolate a bargain, weighted by salience² × probability²;
4. each actor adopts the bargain (or its status quo) that wins a probabilistic Condorcet
   election among all actors over the states those bargains would produce.

The run stops when the summed movement of a step falls below 2 % of the first step's.
Positions arrive in each issue's units and are rescaled to [0, 1] with the issue's bounds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from detente.models import _smp_core as core
from detente.models.base import (
    FloatArray,
    ModelConfig,
    ModelInfo,
    ModelInputError,
    ScenarioArrays,
    Solution,
)

KTAB_MIN_ACTORS = 3    # kmodel.h Model::minNumActor
KTAB_MAX_ACTORS = 250  # kmodel.h Model::maxNumActor


class Config(ModelConfig):
    """KTAB's SMP options; the defaults are what ``smpc --csv FILE`` runs."""

    victory_prob_model: core.VictoryProbModel = Field(
        "Linear", description="VictoryProbModel: P(i>j) = x(C_ij)/(x(C_ij)+x(C_ji)), x = C^1, "
        "C^2, C^4, C^8, or Binary (10 % margin decides)")
    voting_rule: core.VotingRule = Field(
        "Prop", description="VotingRule: how a utility difference becomes a vote")
    pce_model: core.PCEModel = Field(
        "Conditional", description="PCEModel: one-step conditional or Markov Condorcet election")
    state_transitions: core.StateTransitions = Field(
        "Deterministic", description="StateTransitions: adopt the likeliest bargain, or draw one "
        "(Stochastic uses the numpy generator passed to solve, not KTAB's PRNG stream)")
    big_r_range: core.BigRRange = Field(
        "Mid", description="BigRRange: range of inferred risk attitudes, Min [0,1], Mid "
        "[-1/2,1], Max [-1,1]")
    big_r_adjust: core.BigRAdjust = Field(
        "OneThird", description="BigRAdjust: how much of i's risk attitude h perceives "
        "(OneThird: (2 R_h + R_i)/3)")
    third_party_commit: core.ThirdPartyCommit = Field(
        "SemiCommit", description="ThirdPartyCommit: what a third party expects to keep when it "
        "joins a side")
    inter_vec_brgn: core.InterVecBrgn = Field(
        "S2P2", description="InterVecBrgn: bargain interpolation weights (salience^n × prob^m, "
        "or S2PMax)")
    bargn_model: core.BargnModel = Field(
        "InitOnlyInterp", description="BargnModel: whose perspective forms the bargain")
    min_iterations: int = Field(2, ge=1, description="minimum number of turns")
    max_iterations: int = Field(100, ge=1, description="maximum number of turns")
    min_delta_ratio: float = Field(
        0.02, gt=0, description="stop when movement of the last turn / (first turn's + 1e-4) "
        "falls below this")

    share_saliences: bool = Field(
        True, description="when an actor's saliences sum to more than 100 %, divide them by "
        "their sum: detente scores each issue's salience on its own 0-100 scale, KTAB reads "
        "saliences as shares of one actor's attention; sums within KTAB's limit are untouched, "
        "so KTAB's files run exactly as in KTAB. False refuses such input, as KTAB does")

    def options(self) -> core.Options:
        """The numerics' options."""
        return core.Options(**self.model_dump(exclude={"share_saliences"}))


def _normalised(arrays: ScenarioArrays, share_saliences: bool = True
                ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Positions on [0, 1], saliences, capabilities; raises where KTAB would refuse the input
    (saliences summing past 100 % are first scaled to shares when ``share_saliences``)."""
    n = arrays.n_actors
    if n < KTAB_MIN_ACTORS:
        raise ModelInputError(f"SMP needs at least {KTAB_MIN_ACTORS} actors, got {n}")
    span = arrays.upper - arrays.lower
    if np.any(span <= 0):
        raise ModelInputError("SMP needs every issue's upper bound above its lower bound")
    x = (np.asarray(arrays.position, dtype=float) - arrays.lower) / span
    if np.any(x < -1e-9) or np.any(x > 1 + 1e-9):
        raise ModelInputError("SMP needs every position within its issue's bounds")
    sal = np.asarray(arrays.salience, dtype=float)
    if share_saliences:
        total = sal.sum(axis=-1, keepdims=True)
        sal = np.where(total > 1.0, sal / np.where(total > 0, total, 1.0), sal)
    cap = np.asarray(arrays.capability, dtype=float)
    if np.any(sal < 0) or np.any(sal.sum(axis=1) <= 0) or np.any(sal.sum(axis=1) > 1 + 1e-9):
        raise ModelInputError("SMP needs saliences >= 0 whose sum per actor lies in (0, 100 %]")
    if np.any(cap <= 0):
        raise ModelInputError("SMP needs positive capabilities (KTAB's votes need weight > 0)")
    return np.clip(x, 0.0, 1.0), sal, cap


def _expected_position(a: core.StateSummary, x: FloatArray) -> FloatArray:
    """Σ over distinct positions of P(position wins) × position, on [0, 1]."""
    out: FloatArray = a.unique_prob @ x[a.unique]
    return out


def solve(arrays: ScenarioArrays, config: Config, rng: np.random.Generator) -> Solution:
    """Run the SMP to its stopping rule on one scenario (``_smp_core.run``)."""
    if arrays.batched:
        raise ValueError("solve takes unbatched arrays; use forecast_batch for draws")
    x0, sal, cap = _normalised(arrays, config.share_saliences)
    res = core.run(x0, sal, cap, config.options(), rng)
    span = arrays.upper - arrays.lower
    xs = np.stack(res.positions)                       # (turns, n, k) on [0, 1]
    units = arrays.lower + xs * span
    by_turn = np.stack([_expected_position(a, x) for a, x in zip(res.states, res.positions,
                                                                   strict=True)])
    ids = arrays.actor_ids
    diagnostics: dict[str, Any] = {
        "win_probability": np.stack([a.win_prob for a in res.states]),
        "fractional_change": np.array(res.fractional_change),
        "risk_attitude": np.stack([a.risk for a in res.states]),
        "expected_position": arrays.lower + by_turn * span,
        "challenges": [
            [{"initiator": ids[i], "target": ids[int(r.targets[i])],
              "p_win": float(r.target_prob[i]), "expected_gain": float(r.target_gain[i])}
             for i in range(arrays.n_actors) if r.targets[i] >= 0]
            for r in res.records],
        "bargains": [
            [{"actor": ids[k], "initiator": ids[b[0]], "receiver": ids[b[1]]}
             for k, b in enumerate(r.chosen) if b[0] != b[1]]
            for r in res.records],
    }
    # smpStopFn's test, met on the last turn or not (the issues move jointly: one answer)
    converged = bool(res.fractional_change[-1] < config.min_delta_ratio)
    stop_reason = res.stop_reason
    if not converged:
        stop_reason = (f"stopped at the {config.max_iterations}-iteration limit without "
                       f"converging: fractional change {res.fractional_change[-1]:.4f}, not "
                       f"below {config.min_delta_ratio} (raise max_iterations)")
    return Solution(
        forecast=arrays.lower + by_turn[-1] * span,
        history=[units[:, :, k] for k in range(arrays.n_issues)],
        stop_reason=stop_reason,
        rounds=len(res.positions) - 1,
        diagnostics=diagnostics,
        converged=[converged] * arrays.n_issues,
    )


def forecast_batch(arrays: ScenarioArrays, config: Config, rng: np.random.Generator
                   ) -> FloatArray:
    """(B, k) forecasts for B parameter draws. One vectorised run per draw (a Python loop over
    draws: every draw follows its own path of turns, so draws cannot share arrays)."""
    if not arrays.batched:
        return solve(arrays, config, rng).forecast[None, :]
    opt = config.options()
    span = arrays.upper - arrays.lower
    out = np.empty((arrays.capability.shape[0], arrays.n_issues))
    for b in range(out.shape[0]):
        x0, sal, cap = _normalised(arrays.draw(b), config.share_saliences)
        res = core.run(x0, sal, cap, opt, rng)
        out[b] = arrays.lower + _expected_position(res.states[-1], res.positions[-1]) * span
    return out


INFO = ModelInfo(
    name="smp",
    title="Spatial Model of Politics (KTAB)",
    reference="KAPSARC Toolkit for Behavioral Analysis (KTAB), Spatial Model of Politics "
              "(smpc), github.com/KAPSARC/KTAB commit c57b72a",
    stochastic=False,
    config=Config,
    solve=solve,
    forecast_batch=forecast_batch,
    issues="joint",
    min_actors=KTAB_MIN_ACTORS,
    max_actors=KTAB_MAX_ACTORS,
)
