"""KTAB's Spatial Model of Politics (SMP), part 2: assessing a state and finding each actor's
best challenge (smp.cpp SMPState::setAllAUtil, pDist; smpbcn.cpp SMPState::probEduChlg,
bestChallenge), vectorised over actors. Exactness rules: :mod:`detente.models._smp_core`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.models._smp_votes import (
    MIN_CLTN_CHALLENGE,
    MIN_SIG_EDU,
    POS_TOL,
    FloatArray,
    IntArray,
    Options,
    ThirdPartyCommit,
    big_r_from_prob,
    bs_util,
    est_nra,
    rule_code,
    scalar_pce,
    vote,
    vote_inplace,
    weighted_distance,
)

_BAND_ELEMENTS = 1 << 17    # entries of a work buffer in the third-party loop (1 MB)
_BOUND_MARGIN = 1e-12       # round-off allowance when pruning challenges by their bound
_EXHAUSTIVE_MAX = 128       # up to this many actors every challenge pair is evaluated


def unique_positions(x: FloatArray, tol: float = POS_TOL) -> tuple[IntArray, IntArray]:
    """KBase::ueIndices with SMPState::equivNdx (Euclidean distance < posTol): indices of the
    first occurrence of each distinct position, and for each actor the unique position that
    State::posProb reports for it (the last unique one it is equivalent to)."""
    n = x.shape[0]
    sq = np.zeros((n, n))
    for k in range(x.shape[1]):  # KBase::norm, dimension by dimension
        diff = x[:, None, k] - x[None, :, k]
        sq = sq + diff * diff
    close = np.sqrt(sq) < tol
    # i is distinct unless close to an earlier distinct position; only actors close to
    # some earlier one need the check, in order
    is_uniq: NDArray[np.bool_] = np.logical_not(np.tril(close, -1).any(axis=1))
    for i in np.flatnonzero(~is_uniq).tolist():
        is_uniq[i] = not close[i, :i][is_uniq[:i]].any()
    u_idx = np.flatnonzero(is_uniq).astype(np.intp)
    eq = close[:, u_idx]  # (n, n_unique)
    last = eq.shape[1] - 1 - np.argmax(eq[:, ::-1], axis=1)
    return u_idx, last.astype(np.intp)


@dataclass
class StateSummary:
    """What is kept of a state's assessment for the record: O(n), not O(n²)."""

    risk: FloatArray          # inferred risk attitudes R_i, SMPState::nra
    unique: IntArray          # indices of distinct positions
    owner: IntArray           # each actor's distinct position (index into ``unique``)
    unique_prob: FloatArray   # probability of each distinct position (pDist(-1))

    @property
    def win_prob(self) -> FloatArray:
        """State::posProb for every actor: the probability of the position it holds."""
        out: FloatArray = self.unique_prob[self.owner]
        return out


@dataclass
class Assessment(StateSummary):
    """Everything KTAB derives from one state's positions before actors act."""

    dist: FloatArray          # d[i, j], SMPState::vDiff
    own_util: FloatArray      # aUtil[i](i, j): i's utility of j's position

    def summary(self) -> StateSummary:
        return StateSummary(self.risk, self.unique, self.owner, self.unique_prob)


def assess(x: FloatArray, sal: FloatArray, cap: FloatArray, opt: Options) -> Assessment:
    """SMPState::setAllAUtil then pDist(-1).

    1. d = weighted distances; risk-neutral utilities u0 = 1 - d.
    2. probabilistic Condorcet election over all actors' positions with votes weighted by
       capability alone -> p; risk attitudes R = bigRfromProb(p).
    3. aUtil[h](i, j) = bsUtil(d_ij, estNRA(R_h, R_i)); only the diagonal perspectives
       h = i are stored here (others are rebuilt on demand, see ``perspective_util``).
    4. winning probabilities: scalarPCE over the distinct positions with u_ij = aUtil[i](i, j).
    """
    d = weighted_distance(x, x, sal)
    rn_util = bs_util(d, 0.0)
    p_all = scalar_pce(cap, rn_util, opt)
    risk = big_r_from_prob(p_all, opt.big_r_range)
    own = bs_util(d, est_nra(risk, risk, opt.big_r_adjust)[:, None])
    u_idx, owner = unique_positions(x)
    uprob = scalar_pce(cap, own[:, u_idx], opt)
    return Assessment(risk, u_idx, owner, uprob, d, own)


def perspective_util(a: Assessment, h: IntArray | int, opt: Options) -> FloatArray:
    """aUtil[h] for one or several perspectives h: shape (..., n, n), entry [i, j] = h's
    estimate of i's utility of j's position, bsUtil(d_ij, estNRA(R_h, R_i))."""
    rh = np.asarray(a.risk[h])
    rhi = est_nra(rh[..., None], a.risk, opt.big_r_adjust)  # (..., n)
    out: FloatArray = bs_util(a.dist, rhi[..., :, None])
    return out


# ---------------------------------------------------------------------------------------------
# challenges (smpbcn.cpp SMPState::probEduChlg, bestChallenge)

def _third_party_vote(opt: Options, wn: Any, pin: Any, uni: Any, unj: Any, unn: Any) -> Any:
    """Actor::thirdPartyVoteSU: n's vote in the little contest (i:j), comparing the expected
    sum of three position-utilities when it joins i against when it joins j."""
    pjn = 1.0 - pin
    if opt.third_party_commit == "FullCommit":
        u_ik_def_j, u_j_def_ik = uni + uni + uni, unj + unj + unj
        u_i_def_jk, u_jk_def_i = uni + uni + uni, unj + unj + unj
    elif opt.third_party_commit == "SemiCommit":
        u_ik_def_j, u_j_def_ik = uni + uni + unn, unj + unj + unj
        u_i_def_jk, u_jk_def_i = uni + uni + uni, unj + unj + unn
    elif opt.third_party_commit == "NoCommit":
        u_ik_def_j, u_j_def_ik = uni + uni + unn, unj + unj + unn
        u_i_def_jk, u_jk_def_i = uni + uni + unn, unj + unj + unn
    else:
        raise ValueError(f"unknown third-party commitment {opt.third_party_commit!r}")
    u_ik_j = (pin * u_ik_def_j) + (pjn * u_j_def_ik)
    u_i_jk = (pin * u_i_def_jk) + (pjn * u_jk_def_i)
    return vote(opt.voting_rule, wn, u_ik_j - u_i_jk)


def _principal_strengths(opt: Options, wi: Any, wj: Any, uii: Any, uij: Any, uji: Any,
                         ujj: Any) -> tuple[Any, Any]:
    """The (i:j) coalitions after the principals' own votes, each starting at 1e-10."""
    ci = vote(opt.voting_rule, wi, uii - uij)
    cj = vote(opt.voting_rule, wj, uji - ujj)
    chij = (MIN_CLTN_CHALLENGE + np.where(ci > 0.0, ci, 0.0)) + np.where(cj > 0.0, cj, 0.0)
    chji = (MIN_CLTN_CHALLENGE - np.where(ci < 0.0, ci, 0.0)) - np.where(cj < 0.0, cj, 0.0)
    return chij, chji


def prob_edu_challenge(u: FloatArray, weight: FloatArray, sal_sum: FloatArray, opt: Options,
                       k: int, i: int, j: int) -> tuple[float, float]:
    """SMPState::probEduChlg(h, k, i, j) with u = aUtil[h]: h's estimate of the probability
    that i defeats j, and of the expected change in k's utility if i challenges j.

    Coalitions start with i's and j's own votes (weights c·Σs); each third party n votes in
    the little contest (i:j)+n (Actor::vProbLittle, thirdPartyVoteSU). Then
    P = C_ij / (C_ij + C_ji), and with s_j the target's total salience,
    EU(challenge) = (1 - s_j)·2u_ki + s_j·(P·2u_ki + (1-P)·2u_kj), ΔEU = EU - (u_ki + u_kj).
    """
    chij, chji = _principal_strengths(opt, weight[i], weight[j], u[i, i], u[i, j], u[j, i],
                                      u[j, j])
    n = u.shape[0]
    third = np.ones(n, dtype=bool)
    third[[i, j]] = False
    wn = weight[third]
    uni, unj, unn = u[third, i], u[third, j], np.diagonal(u)[third]
    cn = vote(opt.voting_rule, wn, uni - unj)
    cni = np.where(cn > 0, chij + cn, chij)
    cnj = np.where(cn < 0, chji - cn, chji)
    pin = cni / (cni + cnj)
    vn = _third_party_vote(opt, wn, pin, uni, unj, unn)
    for v in vn:  # one third party after another
        chij = chij + v if v > 0 else chij
        chji = chji - v if v < 0 else chji
    phij = chij / (chij + chji)
    phji = chji / (chij + chji)
    uhkij = u[k, i] + u[k, i]
    uhkji = u[k, j] + u[k, j]
    eu_sq = u[k, i] + u[k, j]
    eu_chlg = (1 - sal_sum[j]) * uhkij + sal_sum[j] * (phij * uhkij + phji * uhkji)
    return float(phij), float(eu_chlg - eu_sq)


def _third_party_gap(opt: Options, pin: FloatArray, uni: FloatArray, unj: FloatArray,
                     work: tuple[FloatArray, FloatArray, FloatArray]) -> FloatArray:
    """u(ik>j) - u(i>jk) of :func:`_third_party_vote` for a third party whose own position
    has utility 1: the same operations in the same order, in place. Overwrites ``pin`` and
    the ``work`` buffers; returns the first of them."""
    tpc = opt.third_party_commit
    two_i = uni + uni
    a_ = two_i + uni if tpc == "FullCommit" else two_i + 1.0       # u(ik def j)
    c_ = two_i + 1.0 if tpc == "NoCommit" else two_i + uni          # u(i def jk)
    left, b_, d_ = work
    np.add(unj, unj, out=d_)
    if tpc == "NoCommit":
        np.add(d_, 1.0, out=b_)                                     # u(j def ik)
    else:
        np.add(d_, unj, out=b_)
    if tpc == "FullCommit":
        d_ += unj                                                   # u(jk def i)
    else:
        d_ += 1.0
    np.subtract(1.0, pin, out=left)                                 # pjn
    b_ *= left
    d_ *= left
    np.multiply(pin, a_, out=left)
    left += b_                                                      # u(ik>j)
    pin *= c_
    pin += d_                                                       # u(i>jk)
    left -= pin
    return left


def commit_code(commit: ThirdPartyCommit) -> int:
    """The third-party commitment's number in the compiled kernels."""
    codes = {"FullCommit": 0, "SemiCommit": 1, "NoCommit": 2}
    if commit not in codes:
        raise ValueError(f"unknown third-party commitment {commit!r}")
    return codes[commit]


def _compiled_third_parties(opt: Options, dist_t: FloatArray, weight: FloatArray,
                            rhi: FloatArray, uji: FloatArray, pi: IntArray, pj: IntArray,
                            chij: FloatArray, chji: FloatArray
                            ) -> tuple[FloatArray, FloatArray]:
    """:func:`_third_parties_pairs` in compiled loops
    (:func:`detente.models._smp_kernels.third_party_sums`), the same numbers; ``dist_t`` is
    the transposed distance matrix and every matrix C-contiguous (:func:`_contiguous`)."""
    from detente.models import _smp_kernels as kernels

    out: tuple[FloatArray, FloatArray] = kernels.third_party_sums(
        rule_code(opt.voting_rule), commit_code(opt.third_party_commit), dist_t, weight, rhi,
        uji, pi.astype(np.intp, copy=False), pj.astype(np.intp, copy=False),
        np.ascontiguousarray(chij, dtype=np.float64),
        np.ascontiguousarray(chji, dtype=np.float64))
    return out


def _contiguous(*arrays: FloatArray) -> list[FloatArray]:
    """C-contiguous float64 copies (where needed), as the compiled kernels take them."""
    return [np.ascontiguousarray(x, dtype=np.float64) for x in arrays]


def _principals(a: Assessment, weight: FloatArray, opt: Options
                ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """rhi[i, m] (i's estimate of m's risk attitude), aUtil[i](i, j), aUtil[i](j, i) at
    [i, j], and the (i:j) coalitions after the principals' own votes."""
    rhi = est_nra(a.risk[:, None], a.risk[None, :], opt.big_r_adjust)
    uij = bs_util(a.dist, np.diagonal(rhi)[:, None])       # aUtil[i](i, j)
    uji = bs_util(a.dist.T, rhi)                            # aUtil[i](j, i) at [i, j]
    chij, chji = _principal_strengths(opt, weight[:, None], weight[None, :], 1.0, uij, uji,
                                      1.0)
    return rhi, uij, uji, chij, chji


def _challenge_outcome(cij: FloatArray, cji: FloatArray, sj: FloatArray, uij: FloatArray
                       ) -> tuple[FloatArray, FloatArray]:
    """P(i beats j) and i's expected gain from the final coalitions (row 12, k = i)."""
    phij = cij / (cij + cji)
    phji = cji / (cij + cji)
    eu = (1 - sj) * 2.0 + sj * (phij * 2.0 + phji * (uij + uij))
    return phij, eu - (1.0 + uij)


def own_challenges(a: Assessment, weight: FloatArray, sal_sum: FloatArray, opt: Options
                   ) -> tuple[FloatArray, FloatArray]:
    """probEduChlg(i, i, i, j) for every initiator i and target j at once, as (n, n) arrays
    of P(i beats j) and expected gain to i (diagonal gain = -inf). The exhaustive version
    of :func:`best_challenges` (which the model uses).

    The arithmetic of :func:`prob_edu_challenge` on (initiator, target) matrices, one third
    party m after another, so that votes are added in KTAB's order and memory stays O(n²).
    Initiators are taken in bands of rows small enough for the work buffers to stay in cache.
    Uses that aUtil[h](m, m) = 1 exactly.
    """
    n = a.dist.shape[0]
    rows = np.arange(n)
    rhi, uij, uji, chij, chji = _principals(a, weight, opt)
    if opt.compiled:
        from detente.models import _smp_kernels as kernels

        cij, cji = kernels.third_party_rows(
            rule_code(opt.voting_rule), commit_code(opt.third_party_commit),
            *_contiguous(a.dist, weight, rhi, uji, chij, chji))
    else:
        cij, cji = chij.copy(), chji.copy()
        band = max(1, _BAND_ELEMENTS // n)
        for lo in range(0, n, band):
            sl = slice(lo, min(n, lo + band))
            _third_parties(opt, a.dist, weight, rhi[sl], uji[sl], chij[sl], chji[sl],
                           cij[sl], cji[sl], lo)
    phij, gain = _challenge_outcome(cij, cji, sal_sum[None, :], uij)
    gain[rows, rows] = -np.inf
    return phij, gain


def _third_parties(opt: Options, dist: FloatArray, weight: FloatArray, rhi: FloatArray,
                   uji: FloatArray, chij: FloatArray, chji: FloatArray, cij: FloatArray,
                   cji: FloatArray, first_row: int) -> None:
    """Add every third party's vote (vProbLittle, thirdPartyVoteSU) to the coalitions
    ``cij``/``cji`` (in place) of a band of initiators starting at row ``first_row``."""
    rule = opt.voting_rule
    om = 1.0 - dist
    far = bool((dist > 1.0).any())
    n_rows, n = uji.shape
    unj, cn, pin, w1, w2 = (np.empty((n_rows, n)) for _ in range(5))
    for m in range(n):
        # unj[i, j] = aUtil[i](m, j) = (1 - d_mj)(1 + d_mj · R^i_m)
        np.multiply(dist[m][None, :], rhi[:, m, None], out=unj)
        unj += 1.0
        unj *= om[m][None, :]
        if far:
            np.copyto(unj, om[m][None, :] * (1.0 + rhi[:, m, None]),
                      where=dist[m][None, :] > 1.0)
        uni = uji[:, m, None]                               # aUtil[i](m, i), (i, 1)
        np.subtract(uni, unj, out=cn)
        vote_inplace(rule, float(weight[m]), cn)           # m's vote on (i:j)
        np.maximum(cn, 0.0, out=pin)
        pin += chij                                         # C_i + max(v, 0)
        np.minimum(cn, 0.0, out=cn)
        np.subtract(chji, cn, out=cn)                       # C_j - min(v, 0)
        cn += pin
        pin /= cn                                           # vProbLittle: P(i+m beats j)
        vn = _third_party_gap(opt, pin, uni, unj, (cn, w1, w2))
        vote_inplace(rule, float(weight[m]), vn)           # thirdPartyVoteSU
        if first_row <= m < first_row + n_rows:
            vn[m - first_row, :] = 0.0                      # m == i is no third party
        vn[:, m] = 0.0                                      # nor is m == j
        np.maximum(vn, 0.0, out=pin)
        cij += pin
        np.minimum(vn, 0.0, out=pin)
        cji -= pin


def _third_parties_pairs(opt: Options, dist: FloatArray, weight: FloatArray, rhi: FloatArray,
                         uji: FloatArray, pi: IntArray, pj: IntArray, chij: FloatArray,
                         chji: FloatArray) -> tuple[FloatArray, FloatArray]:
    """:func:`_third_parties` for a list of (initiator, target) pairs: the final coalitions
    C_ij, C_ji of each pair, with the same operations in the same order."""
    rule = opt.voting_rule
    size = len(pi)
    cij, cji = chij.copy(), chji.copy()
    unj, cn, pin, w1, w2 = (np.empty(size) for _ in range(5))
    rhi_t = np.ascontiguousarray(rhi.T)                     # gathers along rows below
    uji_t = np.ascontiguousarray(uji.T)
    for m in range(dist.shape[0]):
        d = dist[m][pj]
        r = rhi_t[m][pi]
        np.multiply(d, r, out=unj)
        unj += 1.0
        unj *= 1.0 - d
        far = d > 1.0
        if far.any():
            np.copyto(unj, (1.0 - d) * (1.0 + r), where=far)
        uni = uji_t[m][pi]
        np.subtract(uni, unj, out=cn)
        vote_inplace(rule, float(weight[m]), cn)
        np.maximum(cn, 0.0, out=pin)
        pin += chij
        np.minimum(cn, 0.0, out=cn)
        np.subtract(chji, cn, out=cn)
        cn += pin
        pin /= cn
        vn = _third_party_gap(opt, pin, uni, unj, (cn, w1, w2))
        vote_inplace(rule, float(weight[m]), vn)
        vn[(pi == m) | (pj == m)] = 0.0
        np.maximum(vn, 0.0, out=pin)
        cij += pin
        np.minimum(vn, 0.0, out=pin)
        cji -= pin
    return cij, cji


def best_targets(gain: FloatArray) -> IntArray:
    """SMPState::bestChallenge: each initiator's target, the first j with the largest
    expected gain above 1e-5 (-1: no advantageous target)."""
    masked = np.where(gain > MIN_SIG_EDU, gain, -np.inf)
    best = np.argmax(masked, axis=1)
    out: IntArray = np.where(np.isfinite(masked[np.arange(gain.shape[0]), best]), best, -1)
    return out


def best_challenges(a: Assessment, weight: FloatArray, sal_sum: FloatArray, opt: Options
                    ) -> tuple[IntArray, FloatArray, FloatArray]:
    """Each initiator's best target (-1: none), P(i beats it) and the expected gain:
    :func:`best_targets` of :func:`own_challenges`, without evaluating every pair.

    With aUtil(i, i) = 1 the gain of row 12 factors as (1 - u_ij)(1 - 2 S_j (1 - P)), so it
    never exceeds the bound 1 - u_ij. Targets are evaluated in order of decreasing bound, in
    growing batches, until the next bound falls below the best gain found (less a 1e-12
    margin for round-off). Each evaluated pair gets exactly the arithmetic of the exhaustive
    computation, so the result, ties included, is the same; typically a few per cent of the
    pairs need the third-party sums.
    """
    n = a.dist.shape[0]
    rows = np.arange(n)
    if n <= _EXHAUSTIVE_MAX:  # small: evaluating every pair costs less than sorting them out
        prob, gain = own_challenges(a, weight, sal_sum, opt)
        targets = best_targets(gain)
        pick, ok = np.maximum(targets, 0), targets >= 0
        return (targets, np.where(ok, prob[rows, pick], np.nan),
                np.where(ok, gain[rows, pick], np.nan))
    rhi, uij, uji, chij, chji = _principals(a, weight, opt)
    bound = 1.0 - uij
    bound[rows, rows] = -np.inf
    order = np.argsort(-bound, axis=1, kind="stable")       # by bound, ties by index
    sorted_bound = np.take_along_axis(bound, order, axis=1)
    gain = np.full((n, n), -np.inf)
    prob = np.zeros((n, n))
    done = np.zeros(n, dtype=np.intp)                       # candidates evaluated per row
    best = np.full(n, MIN_SIG_EDU)
    active = sorted_bound[:, 0] >= MIN_SIG_EDU - _BOUND_MARGIN
    batch = 16
    if opt.compiled:
        dist_t, w_c, rhi_c, uji_c = _contiguous(a.dist.T, weight, rhi, uji)
    while active.any():
        ii = rows[active]
        take = np.minimum(done[ii] + batch, n - 1) - done[ii]  # the diagonal sorts last
        pair_i = np.repeat(ii, take)
        offset = np.arange(int(take.sum())) - np.repeat(np.cumsum(take) - take, take)
        pair_j = order[pair_i, np.repeat(done[ii], take) + offset]
        if opt.compiled:
            cij, cji = _compiled_third_parties(opt, dist_t, w_c, rhi_c, uji_c, pair_i, pair_j,
                                               chij[pair_i, pair_j], chji[pair_i, pair_j])
        else:
            cij, cji = _third_parties_pairs(opt, a.dist, weight, rhi, uji, pair_i, pair_j,
                                            chij[pair_i, pair_j], chji[pair_i, pair_j])
        phij, g = _challenge_outcome(cij, cji, sal_sum[pair_j], uij[pair_i, pair_j])
        prob[pair_i, pair_j] = phij
        gain[pair_i, pair_j] = g
        done[ii] += take
        np.maximum.at(best, pair_i, g)
        nxt = np.where(done < n - 1, sorted_bound[rows, np.minimum(done, n - 1)], -np.inf)
        active = nxt >= best - _BOUND_MARGIN
        batch *= 2
    targets = best_targets(gain)
    pick, ok = np.maximum(targets, 0), targets >= 0
    return (targets, np.where(ok, prob[rows, pick], np.nan),
            np.where(ok, gain[rows, pick], np.nan))


