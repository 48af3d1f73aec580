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


def _powers(p: FloatArray, e: int) -> FloatArray:
    """p ** e for each probability, as Python's float power computes it (the scalar code
    this replaces did; numpy's array power may round differently)."""
    flat = [q ** e for q in np.ravel(p).tolist()]
    return np.reshape(np.array(flat, dtype=float), np.shape(p))


def interpolate_bargain(ti: FloatArray, si: FloatArray, prb_i: FloatArray | float,
                        tj: FloatArray, sj: FloatArray, prb_j: FloatArray | float,
                        ivb: InterVecBrgn) -> tuple[FloatArray, FloatArray]:
    """SMPActor::interpolateBrgn, dimension by dimension, for one pair (positions ``(K,)``,
    probabilities numbers) or a stack of pairs (``(m, K)`` and ``(m,)``).

    SnPm: w_i = s_ik^n · P_i^m; b_i = round4(((w_i + 1e-6) t_i + w_j t_j) / (w_i + 1e-6 + w_j)),
    b_j = round4((w_i t_i + (1e-6 + w_j) t_j) / (w_i + 1e-6 + w_j)).
    S2PMax: each side concedes toward the other in proportion to its deficit in P.
    """
    pr_i = np.asarray(prb_i, dtype=float)[..., None]
    pr_j = np.asarray(prb_j, dtype=float)[..., None]
    if ivb in ("S1P1", "S2P2"):
        e = 1 if ivb == "S1P1" else 2
        wi = (si ** e) * _powers(pr_i, e)
        wj = (sj ** e) * _powers(pr_j, e)
        min_w = 1e-6
        bi = _round4(((wi + min_w) * ti + wj * tj) / (wi + min_w + wj))
        bj = _round4((wi * ti + (min_w + wj) * tj) / (wi + min_w + wj))
        return bi, bj
    if ivb == "S2PMax":
        di = np.maximum(pr_j - pr_i, 0.0)
        dj = np.maximum(pr_i - pr_j, 0.0)
        si2, sj2 = si * si, sj * sj
        min_w = 1e-6
        dik = (di * sj2) / ((di * sj2) + min_w + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + min_w + ((1 - dj) * sj2))
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    raise ValueError(f"unknown inter-vector bargaining {ivb!r}")


@dataclass(frozen=True)
class Bargains:
    """Proposed pairs of new positions for initiator and receiver, one row per bargain, in
    the order KTAB queues them."""

    init: IntArray
    rcvr: IntArray
    pos_init: FloatArray   # (n_bargains, K)
    pos_rcvr: FloatArray


def bargain_utilities(a: Assessment, x: FloatArray, sal: FloatArray, bargains: Bargains,
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
    init, rcvr = bargains.init, bargains.rcvr
    if len(init) == 0:
        return u_sq, np.zeros((n, 0))
    pu_i = bs_util(weighted_distance(x, bargains.pos_init, sal), a.risk[:, None])
    pu_r = bs_util(weighted_distance(x, bargains.pos_rcvr, sal), a.risk[:, None])
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
        if opt.state_transitions == "Deterministic":
            picks = np.argmax(np.abs(p), axis=1).tolist()
        else:
            picks = [min(int(np.searchsorted(np.cumsum(p[g]), rng.uniform(0.0, 1.0))),
                         size - 1) for g in range(len(ks))]
        for k, pick in zip(ks, picks, strict=True):
            chosen[k] = lists[k][pick]
    return chosen


def propose_bargains(x: FloatArray, sal: FloatArray, cap: FloatArray, a: Assessment,
                     targets: IntArray, t_prob: FloatArray, opt: Options) -> Bargains:
    """smpbcn.cpp doBCN(i) for every initiator i with a target j: the bargain(s) i proposes
    to j, from i's estimate P_iij that it wins (InitOnlyInterp), also from j's (InitRcvrInterp:
    both bargains, i's first), or their average weighted by c·Σs (PWCompInterp)."""
    ii = np.flatnonzero(targets >= 0)
    jj = targets[ii].astype(np.intp)
    p_iij = t_prob[ii]
    ivb = opt.inter_vec_brgn
    bi, bj = interpolate_bargain(x[ii], sal[ii], p_iij, x[jj], sal[jj], 1 - p_iij, ivb)
    if opt.bargn_model == "InitOnlyInterp":
        return Bargains(ii, jj, bi, bj)
    # KTAB takes element 1 of J's estimate (the expected gain, not the probability) as
    # "pjiJ"; reproduced as is.
    sal_sum = sal_total(sal)
    weight = cap * sal_sum
    p_jij = np.array([prob_edu_challenge(perspective_util(a, int(j), opt), weight, sal_sum,
                                         opt, int(i), int(i), int(j))[1]
                      for i, j in zip(ii, jj, strict=True)])
    ci, cj = interpolate_bargain(x[ii], sal[ii], p_jij, x[jj], sal[jj], 1 - p_jij, ivb)
    if opt.bargn_model == "InitRcvrInterp":
        k = x.shape[1]
        return Bargains(np.repeat(ii, 2), np.repeat(jj, 2),
                        np.stack([bi, ci], axis=1).reshape(-1, k),
                        np.stack([bj, cj], axis=1).reshape(-1, k))
    # PWCompInterp; KTAB weighs J's side with I's capability (reproduced)
    wi = (cap[ii] * sal_sum[ii])[:, None]
    wj = (cap[ii] * sal_sum[jj])[:, None]
    return Bargains(ii, jj, (wi * bi + wj * ci) / (wi + wj), (wi * bj + wj * cj) / (wi + wj))


def bargain_queues(n: int, bargains: Bargains) -> list[list[int]]:
    """Each actor's options in the order KTAB's doBCN(i) threads queue them when run one
    after the other: thread i puts i's status quo (-1) on i's list, then each bargain of i
    with target j on the lists of i and j."""
    lists: list[list[int]] = [[] for _ in range(n)]
    by_init: dict[int, list[int]] = {}
    for b, i in enumerate(bargains.init.tolist()):
        by_init.setdefault(i, []).append(b)
    rcvr = bargains.rcvr.tolist()
    for i in range(n):
        lists[i].append(-1)
        for b in by_init.get(i, ()):
            lists[i].append(b)
            lists[rcvr[b]].append(b)
    return lists


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
    other (:func:`bargain_queues`; with parallel threads KTAB's order varies from run to run;
    it matters only for exact ties and for the order-dependent ASymProsp voting rule).
    """
    n = x.shape[0]
    sal_sum = sal_total(sal)
    targets, t_prob, t_gain = best_challenges(a, cap * sal_sum, sal_sum, opt)
    bargains = propose_bargains(x, sal, cap, a, targets, t_prob, opt)
    u_sq, u_b = bargain_utilities(a, x, sal, bargains, compiled=opt.compiled)
    picks = choose_bargains(cap, u_sq, u_b, bargain_queues(n, bargains), opt, rng)
    new_x = x.copy()
    chosen: list[tuple[int, int]] = []
    init, rcvr = bargains.init.tolist(), bargains.rcvr.tolist()
    for k, b in enumerate(picks):
        if b < 0:
            chosen.append((k, k))
            continue
        chosen.append((init[b], rcvr[b]))
        new_x[k] = bargains.pos_init[b] if init[b] == k else bargains.pos_rcvr[b]
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
