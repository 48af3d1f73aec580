"""Numerics of KTAB's Spatial Model of Politics (SMP), vectorised over actors.

Everything here works on the [0, 1] scale KTAB uses internally (file positions / 100) and is
plain numpy: positions ``x`` (n, K), saliences ``s`` (n, K), capabilities ``c`` (n,).
The step-by-step account, with the KTAB source each function mirrors, is in
``docs/models/smp.md``. KTAB: https://github.com/KAPSARC/KTAB (MIT), commit c57b72a.

Exactness: KTAB sums and multiplies left to right (KBase::sum, loops over actors). Every sum and
product here is done in that same order (a loop over the summed actor, or ``np.cumsum`` /
``np.multiply.accumulate``, never numpy's pairwise ``sum``) and every formula keeps KTAB's
operand order, so the floating-point results, and hence the tie-breaks, are KTAB's own. This
matters in practice: with the Binary voting rules a 1e-16 difference in utility flips a vote.

Memory: nothing here allocates an (n, n, n) array: sums over a third actor (voters in a
coalition, third parties in a challenge) loop over that actor with (n, n) arrays, so peak memory
grows like n² while each loop step is still a vectorised operation on n² numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.models._smp_challenges import (
    Assessment,
    StateSummary,
    assess,
    best_challenges,
    best_targets,
    own_challenges,
    perspective_util,
    prob_edu_challenge,
)
from detente.models._smp_votes import (
    BargnModel,
    BigRAdjust,
    BigRRange,
    FloatArray,
    IntArray,
    InterVecBrgn,
    Options,
    PCEModel,
    StateTransitions,
    ThirdPartyCommit,
    VictoryProbModel,
    VotingRule,
    bs_util,
    coalitions,
    sal_total,
    scalar_pce,
    seq_sum,
    weighted_distance,
)

__all__ = ["BargnModel", "BigRAdjust", "BigRRange", "InterVecBrgn", "Options", "PCEModel",
           "StateSummary", "StateTransitions", "ThirdPartyCommit", "VictoryProbModel",
           "VotingRule", "assess", "best_challenges", "best_targets", "coalitions",
           "interpolate_bargain", "own_challenges", "perspective_util", "prob_edu_challenge",
           "run", "sal_total"]


# ---------------------------------------------------------------------------------------------
# bargains (smp.cpp SMPActor::interpolateBrgn; smpbcn.cpp doBCN, updateBestBrgnPositions)

def _round4(x: FloatArray) -> FloatArray:
    """interpBrgnSnPm's round4: (int)(0.5 + 10⁴x) / 10⁴ (truncation toward zero)."""
    out: FloatArray = np.trunc(0.5 + x * 10000.0) / 10000.0
    return out


def interpolate_bargain(ti: FloatArray, si: FloatArray, prb_i: float, tj: FloatArray,
                        sj: FloatArray, prb_j: float, ivb: InterVecBrgn
                        ) -> tuple[FloatArray, FloatArray]:
    """SMPActor::interpolateBrgn, dimension by dimension.

    SnPm: w_i = s_ik^n · P_i^m; b_i = round4(((w_i + 1e-6) t_i + w_j t_j) / (w_i + 1e-6 + w_j)),
    b_j = round4((w_i t_i + (1e-6 + w_j) t_j) / (w_i + 1e-6 + w_j)).
    S2PMax: each side concedes toward the other in proportion to its deficit in P.
    """
    if ivb in ("S1P1", "S2P2"):
        e = 1 if ivb == "S1P1" else 2
        wi = (si ** e) * (prb_i ** e)
        wj = (sj ** e) * (prb_j ** e)
        min_w = 1e-6
        bi = _round4(((wi + min_w) * ti + wj * tj) / (wi + min_w + wj))
        bj = _round4((wi * ti + (min_w + wj) * tj) / (wi + min_w + wj))
        return bi, bj
    if ivb == "S2PMax":
        di = max(prb_j - prb_i, 0.0)
        dj = max(prb_i - prb_j, 0.0)
        si2, sj2 = si * si, sj * sj
        min_w = 1e-6
        dik = (di * sj2) / ((di * sj2) + min_w + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + min_w + ((1 - dj) * sj2))
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    raise ValueError(f"unknown inter-vector bargaining {ivb!r}")


@dataclass(frozen=True)
class Bargain:
    """A proposed pair of new positions for initiator and receiver."""

    init: int
    rcvr: int
    pos_init: FloatArray
    pos_rcvr: FloatArray


def bargain_utilities(a: Assessment, x: FloatArray, sal: FloatArray, bargains: list[Bargain],
                      *, compiled: bool = True) -> tuple[FloatArray, FloatArray]:
    """The brgnUtil λ of SMPState::updateBestBrgnPositions: every actor's utility of the
    state each bargain would produce, the mean over all positions of its own utility, the two
    moved positions valued by SMPActor::posUtil (with the actor's own R). Summed in KTAB's
    order: the two moved positions first, then the others by index.

    Returns the status quo's column (n,) and the bargains' (n, n_bargains).
    """
    n = x.shape[0]
    own = a.own_util
    u_sq = seq_sum(own, axis=1) / n
    if not bargains:
        return u_sq, np.zeros((n, 0))
    init = np.array([b.init for b in bargains])
    rcvr = np.array([b.rcvr for b in bargains])
    pu_i = bs_util(weighted_distance(x, np.stack([b.pos_init for b in bargains]), sal),
                   a.risk[:, None])
    pu_r = bs_util(weighted_distance(x, np.stack([b.pos_rcvr for b in bargains]), sal),
                   a.risk[:, None])
    if compiled:
        from detente.models import _smp_kernels as kernels

        acc = kernels.bargain_sums(np.ascontiguousarray(own), np.ascontiguousarray(pu_i),
                                   np.ascontiguousarray(pu_r), init, rcvr)
        return u_sq, acc / n
    acc = (0.0 + pu_i) + pu_r                                   # (n_act, n_bargains)
    for m in range(n):  # in place, skipping the bargains that move m (no copy, no zeros)
        keep = (init != m) & (rcvr != m)
        np.add(acc, own[:, m, None], out=acc, where=keep[None, :])
    return u_sq, acc / n


def choose_bargains(cap: FloatArray, u_sq: FloatArray, u_b: FloatArray, lists: list[list[int]],
                    opt: Options, rng: np.random.Generator) -> list[int]:
    """SMPState::updateBestBrgnPositions for every actor k: scalarPCE over k's options
    ``lists[k]`` (bargain indices, -1 for k's status quo) and the adopted option's index:
    the likeliest (first on ties, ndxMaxAbs), or a random draw (PRNG::probSel).
    Actors of equal list length are handled together."""
    n = len(lists)
    u_all = np.concatenate([u_b, u_sq[:, None]], axis=1)  # column -1 is the status quo
    chosen = [-1] * n
    for size in sorted({len(lk) for lk in lists}):
        ks = [k for k in range(n) if len(lists[k]) == size]
        if size == 1:
            continue
        cols = np.array([lists[k] for k in ks])                       # (G, size)
        u = np.moveaxis(u_all[:, cols], 0, 1)                          # (G, n, size)
        p = scalar_pce(cap, u, opt)                                    # (G, size)
        for g, k in enumerate(ks):
            if opt.state_transitions == "Deterministic":
                pick = int(np.argmax(np.abs(p[g])))
            else:
                draw = rng.uniform(0.0, 1.0)
                pick = min(int(np.searchsorted(np.cumsum(p[g]), draw)), size - 1)
            chosen[k] = lists[k][pick]
    return chosen


@dataclass
class StepRecord:
    """What happened in one turn (diagnostics)."""

    targets: IntArray              # best target of each actor (-1: none)
    target_prob: FloatArray        # initiator's estimate that it beats its target
    target_gain: FloatArray        # initiator's expected gain
    chosen: list[tuple[int, int]]  # per actor, (initiator, receiver) of its adopted bargain


def step(x: FloatArray, sal: FloatArray, cap: FloatArray, a: Assessment, opt: Options,
         rng: np.random.Generator) -> tuple[FloatArray, StepRecord]:
    """SMPState::doBCN: one turn of challenges, bargains and bargain selection.

    Bargains are queued in the order KTAB's doBCN(i) threads produce when run one after the
    other: thread i queues i's status quo on i's list, then its bargain with target j on the
    lists of i and j. (With parallel threads KTAB's order varies from run to run; it matters
    only for exact ties and for the order-dependent ASymProsp voting rule.)
    """
    n = x.shape[0]
    sal_sum = sal_total(sal)
    weight = cap * sal_sum
    targets, t_prob, t_gain = best_challenges(a, weight, sal_sum, opt)
    bargains: list[Bargain] = []
    lists: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        lists[i].append(-1)
        j = int(targets[i])
        if j < 0:
            continue
        p_iij = float(t_prob[i])
        b_iij = Bargain(i, j, *interpolate_bargain(x[i], sal[i], p_iij, x[j], sal[j],
                                                   1 - p_iij, opt.inter_vec_brgn))
        if opt.bargn_model == "InitOnlyInterp":
            new = [b_iij]
        else:
            # KTAB takes element 1 of J's estimate (the expected gain, not the probability)
            # as "pjiJ"; reproduced as is.
            u_j = perspective_util(a, j, opt)
            _, p_jij = prob_edu_challenge(u_j, weight, sal_sum, opt, i, i, j)
            b_jij = Bargain(i, j, *interpolate_bargain(x[i], sal[i], p_jij, x[j], sal[j],
                                                       1 - p_jij, opt.inter_vec_brgn))
            if opt.bargn_model == "InitRcvrInterp":
                new = [b_iij, b_jij]
            else:  # PWCompInterp; KTAB weighs J's side with I's capability (reproduced)
                wi = cap[i] * sal_sum[i]
                wj = cap[i] * sal_sum[j]
                new = [Bargain(i, j, (wi * b_iij.pos_init + wj * b_jij.pos_init) / (wi + wj),
                               (wi * b_iij.pos_rcvr + wj * b_jij.pos_rcvr) / (wi + wj))]
        for b in new:
            lists[i].append(len(bargains))
            lists[j].append(len(bargains))
            bargains.append(b)

    u_sq, u_b = bargain_utilities(a, x, sal, bargains, compiled=opt.compiled)
    picks = choose_bargains(cap, u_sq, u_b, lists, opt, rng)
    new_x = x.copy()
    chosen: list[tuple[int, int]] = []
    for k in range(n):
        if picks[k] < 0:
            chosen.append((k, k))
            continue
        b = bargains[picks[k]]
        chosen.append((b.init, b.rcvr))
        new_x[k] = b.pos_init if b.init == k else b.pos_rcvr
    return new_x, StepRecord(targets, t_prob, t_gain, chosen)


def state_dist(x1: FloatArray, x2: FloatArray) -> float:
    """SMPModel::stateDist: Σ_i ||x1_i - x2_i||."""
    sq = np.zeros(x1.shape[0])
    for k in range(x1.shape[1]):
        diff = x1[:, k] - x2[:, k]
        sq = sq + diff * diff
    return float(seq_sum(np.sqrt(sq), axis=0))


@dataclass
class RunResult:
    """A whole run: positions per turn and diagnostics."""

    positions: list[FloatArray]
    states: list[StateSummary]
    records: list[StepRecord]
    fractional_change: list[float]
    stop_reason: str


def run(x0: FloatArray, sal: FloatArray, cap: FloatArray, opt: Options,
        rng: np.random.Generator) -> RunResult:
    """Model::run with smpStopFn: step until iter >= max, or iter >= min and
    stateDist(last step) / (stateDist(first step) + 1e-4) < 0.02. Only the current state's
    O(n²) assessment is held; earlier states keep their O(n) summaries."""
    xs = [np.array(x0, dtype=float)]
    a = assess(xs[0], sal, cap, opt)
    states = [a.summary()]
    records: list[StepRecord] = []
    ratios: list[float] = []
    it = 0
    while True:
        it += 1
        new_x, rec = step(xs[-1], sal, cap, a, opt, rng)
        xs.append(new_x)
        records.append(rec)
        a = assess(new_x, sal, cap, opt)
        states.append(a.summary())
        d01 = state_dist(xs[0], xs[1]) + opt.min_sig_delta
        ratio = state_dist(xs[it], xs[it - 1]) / d01
        ratios.append(ratio)
        if it >= opt.max_iterations:
            reason = f"reached the maximum of {opt.max_iterations} iterations"
            break
        if it >= opt.min_iterations and ratio < opt.min_delta_ratio:
            reason = (f"fractional change {ratio:.4f} below {opt.min_delta_ratio} "
                      f"after {it} iterations")
            break
    return RunResult(xs, states, records, ratios, reason)
