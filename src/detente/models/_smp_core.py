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
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

VictoryProbModel = Literal["Linear", "Square", "Quartic", "Octic", "Binary"]
VotingRule = Literal["Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"]
PCEModel = Literal["Conditional", "MarkovIncentive", "MarkovUniform"]
StateTransitions = Literal["Deterministic", "Stochastic"]
BigRRange = Literal["Min", "Mid", "Max"]
BigRAdjust = Literal["None", "OneThird", "Half", "TwoThirds", "Full"]
ThirdPartyCommit = Literal["NoCommit", "SemiCommit", "FullCommit"]
InterVecBrgn = Literal["S1P1", "S2P2", "S2PMax"]
BargnModel = Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"]

# KTAB constants (file / function they come from)
MIN_COALITION = 1e-8        # kmodel.cpp, Model::coalitions: minC
MIN_CLTN_CHALLENGE = 1e-10  # smpbcn.cpp, SMPState::probEduChlg: minCltn
MIN_SIG_EDU = 1e-5          # smpbcn.cpp, SMPState::bestChallenge: minSigEDU
BINARY_VOTE_TOL = 1e-8      # kmodel.cpp, Model::vote: sTol
POS_TOL = 1e-3              # smp.h, SMPModel::posTol (equivalent positions)
_BAND_ELEMENTS = 1 << 17    # entries of a work buffer in the third-party loop (1 MB)
_BOUND_MARGIN = 1e-12       # round-off allowance when pruning challenges by their bound
_EXHAUSTIVE_MAX = 128       # up to this many actors every challenge pair is evaluated


@dataclass(frozen=True)
class Options:
    """KTAB's run options (smp.h SMPModel, kmodel.h Model), defaults = the CSV path."""

    victory_prob_model: VictoryProbModel = "Linear"
    voting_rule: VotingRule = "Prop"
    pce_model: PCEModel = "Conditional"
    state_transitions: StateTransitions = "Deterministic"
    big_r_range: BigRRange = "Mid"
    big_r_adjust: BigRAdjust = "OneThird"
    third_party_commit: ThirdPartyCommit = "SemiCommit"
    inter_vec_brgn: InterVecBrgn = "S2P2"
    bargn_model: BargnModel = "InitOnlyInterp"
    min_iterations: int = 2
    max_iterations: int = 100
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4


# ---------------------------------------------------------------------------------------------
# elementary functions (kmodel.cpp, smp.cpp)

def seq_sum(a: FloatArray, axis: int) -> FloatArray:
    """Σ along ``axis`` strictly left to right (as KBase::sum and KTAB's loops do)."""
    out: FloatArray = np.take(np.cumsum(a, axis=axis), -1, axis=axis)
    return out


def vote(rule: VotingRule, w: Any, du: Any) -> Any:
    """Model::vote: the vote of an actor of weight ``w`` for option i over j, ``du = u_i - u_j``.

    Prop: w·du; Binary: w·clip(du/1e-8, ±1); PropBin: w·(0.8·du + 0.2·bin);
    PropCbc: w·(0.5·du + 0.5·du³); Cubic: w·du³; ASymProsp: w·du if du<0, 2·w·du/3 if du>0.
    """
    du = np.asarray(du, dtype=float)
    if rule == "Prop":
        return w * du
    if rule == "Binary":
        return w * np.clip(du / BINARY_VOTE_TOL, -1.0, 1.0)
    if rule == "PropBin":
        return w * ((1 - 0.2) * du + 0.2 * np.clip(du / BINARY_VOTE_TOL, -1.0, 1.0))
    if rule == "PropCbc":
        return w * ((1 - 0.5) * du + 0.5 * (du * du * du))
    if rule == "Cubic":
        return w * (du * du * du)
    if rule == "ASymProsp":
        return np.where(du < 0.0, w * du, np.where(du > 0.0, (2.0 * w * du) / 3.0, 0.0))
    raise ValueError(f"unknown voting rule {rule!r}")


def bs_util(d: Any, r: Any) -> Any:
    """SMPModel::bsUtil: utility of a salience-weighted distance d under risk attitude R,
    u = (1 - d)(1 + d·R) for d <= 1, (1 - d)(1 + R) beyond (round-off only)."""
    d = np.asarray(d, dtype=float)
    return np.where(d <= 1.0, (1.0 - d) * (1.0 + d * r), (1.0 - d) * (1.0 + r))


def weighted_distance(ideal: FloatArray, pos: FloatArray, sal: FloatArray) -> FloatArray:
    """SMPModel::bvDiff for every pair: d[i, j] = sqrt(Σ_k (s_ik (ideal_ik - pos_jk))² / Σ_k s_ik²).

    SMPState::setVDiff builds this matrix from the actors' ideals (= positions on the CSV path).
    """
    n, dims = ideal.shape
    ds_sqr = np.zeros((n, pos.shape[0]))
    ss_sqr = np.zeros(n)
    for k in range(dims):  # accumulate dimension by dimension, as bvDiff does
        ds = (ideal[:, k, None] - pos[None, :, k]) * sal[:, k, None]
        ds_sqr = ds_sqr + ds * ds
        ss_sqr = ss_sqr + sal[:, k] * sal[:, k]
    out: FloatArray = np.sqrt(ds_sqr / ss_sqr[:, None])
    return out


def sal_total(sal: FloatArray) -> FloatArray:
    """KBase::sum(vSal): each actor's total salience, summed over dimensions in order."""
    return seq_sum(sal, axis=1)


def est_nra(rh: Any, ri: Any, adjust: BigRAdjust) -> Any:
    """Model::estNRA: h's estimate of i's risk attitude (anchoring on its own, r_h)."""
    if adjust == "Full":
        return ri + 0.0 * rh
    if adjust == "TwoThirds":
        return (rh + (2.0 * ri)) / 3.0
    if adjust == "Half":
        return (rh + ri) / 2
    if adjust == "OneThird":
        return ((2.0 * rh) + ri) / 3.0
    if adjust == "None":
        return rh + 0.0 * ri
    raise ValueError(f"unknown big-R adjustment {adjust!r}")


def big_r_from_prob(p: FloatArray, rng_mode: BigRRange) -> FloatArray:
    """Model::bigRfromProb: risk attitudes from winning probabilities, the likeliest actor the
    most risk-averse. Mid: R = (3p - (pMax + 2 pMin)) / (2 (pMax - pMin)) in [-1/2, 1].

    KTAB divides by zero when every probability is equal; we return risk neutrality then.
    """
    p_min = min(1.0, float(p.min()))
    p_max = max(0.0, float(p.max()))
    span = p_max - p_min
    if span <= 0.0:
        return np.zeros_like(p)
    if rng_mode == "Min":
        return (p - p_min) / span
    if rng_mode == "Mid":
        return (3 * p - (p_max + 2 * p_min)) / (2 * span)
    if rng_mode == "Max":
        return (2 * p - (p_max + p_min)) / span
    raise ValueError(f"unknown big-R range {rng_mode!r}")


# ---------------------------------------------------------------------------------------------
# probabilistic Condorcet election (kmodel.cpp)

def coalitions(w: FloatArray, u: FloatArray, rule: VotingRule) -> FloatArray:
    """Model::coalitions: c[i, j] = strength of the coalition for option i against j.

    ``w`` (n_act,) voting weights, ``u`` (..., n_act, n_opt) utilities, optionally with
    leading batch axes. KTAB scans the lower-left triangle only: for i > j,
    c[i, j] = 1e-8 + Σ_k max(v_kij, 0) and c[j, i] = 1e-8 + Σ_k max(-v_kij, 0) with
    v_kij = vote(w_k, u_ki - u_kj); the diagonal is 1e-8. Every rule but ASymProsp is odd
    (v_kji = -v_kij exactly), so then one matrix serves both triangles. Voters are added one
    by one, in order, as in KTAB.
    """
    n_act, n_opt = u.shape[-2:]
    shape = (*u.shape[:-2], n_opt, n_opt)
    odd = rule != "ASymProsp"
    pos = np.full(shape, MIN_COALITION)
    neg = pos if odd else np.full(shape, MIN_COALITION)
    v = np.empty(shape)
    for k in range(n_act):
        uk = u[..., k, :]
        np.subtract(uk[..., :, None], uk[..., None, :], out=v)
        _vote_inplace(rule, float(w[k]), v)
        if not odd:
            neg -= np.minimum(v, 0.0)
        np.maximum(v, 0.0, out=v)
        pos += v
    # odd rules: c[j, i] = 1e-8 + Σ_k max(-v_kij, 0) = 1e-8 + Σ_k max(v_kji, 0) = pos[j, i]
    c: FloatArray = pos if odd else np.tril(pos, -1) + np.swapaxes(np.tril(neg, -1), -1, -2)
    c[..., np.arange(n_opt), np.arange(n_opt)] = MIN_COALITION
    return c


def _vp_weights(model: VictoryProbModel, s1: FloatArray, s2: FloatArray
                ) -> tuple[FloatArray, FloatArray]:
    """Model::vProb(vpm, s1, s2) before normalisation: the powers x1, x2 of two coalitions."""
    if model == "Linear":
        return s1, s2
    if model == "Square":
        return s1 * s1, s2 * s2
    if model == "Quartic":
        return (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
    if model == "Octic":
        q1, q2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
        return q1 * q1, q2 * q2
    if model == "Binary":
        thresh, min_x = 1.10, 1e-6
        with np.errstate(invalid="ignore", divide="ignore"):
            p12 = ((s1 / (s1 + s2)) * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        first = s1 >= thresh * s2
        second = ~first & (s2 >= thresh * s1)
        x1 = np.where(first, 1.0, np.where(second, min_x, p12))
        x2 = np.where(first, min_x, np.where(second, 1.0, 1 - p12))
        return x1, x2
    raise ValueError(f"unknown victory-probability model {model!r}")


def victory_probabilities(c: FloatArray, model: VictoryProbModel) -> FloatArray:
    """Model::vProb(vpm, C): pv[i, j] = P(option i beats j) = x(c_ij) / (x(c_ij) + x(c_ji)),
    evaluated for i > j and mirrored (pv_ij + pv_ji = 1), diagonal 1/2."""
    ct = np.swapaxes(c, -1, -2)
    x1, x2 = _vp_weights(model, c, ct)
    tot = x1 + x2
    pv: FloatArray = np.tril(x1 / tot, -1) + np.swapaxes(np.tril(x2 / tot, -1), -1, -2)
    n = c.shape[-1]
    pv[..., np.arange(n), np.arange(n)] = 0.5
    return pv


def _cond_pce(pv: FloatArray) -> FloatArray:
    """Model::condPCE: p_i ∝ Π_j pv[i, j], the chance i beats every rival in one step.

    For very many options the plain product can underflow for every option (KTAB then
    divides 0 by 0); we fall back to the same formula in logarithms in that case only.
    """
    p = np.take(np.multiply.accumulate(pv, axis=-1), -1, axis=-1)
    total = seq_sum(p, axis=-1)[..., None]
    if np.all(total > 1e-250) and np.all(np.isfinite(total)):
        out: FloatArray = p / total
        return out
    logp = np.log(pv).sum(axis=-1)
    q = np.exp(logp - logp.max(axis=-1, keepdims=True))
    res: FloatArray = np.where(total > 1e-250, p / np.where(total > 0, total, 1.0),
                               q / q.sum(axis=-1, keepdims=True))
    return res


def _markov_uniform_pce(pv: FloatArray) -> FloatArray:
    """Model::markovUniformPCE: challenges uniformly at random, iterate to the fixed point."""
    n = pv.shape[0]
    p = np.full(n, 1.0 / n)
    for _ in range(999):  # KTAB fails when convergence takes 1000 or more
        q = seq_sum(pv * (p[:, None] + p[None, :]), axis=1) / n
        change = float(np.abs(q - p).max())
        p = (p + q) / 2.0
        if change <= 1e-6:
            out: FloatArray = p
            return out
    raise RuntimeError("Markov-uniform PCE did not converge in 1000 iterations; KTAB aborts "
                       "the run here too (Model::markovUniformPCE)")


def _markov_incentive_pce(c: FloatArray, pv: FloatArray) -> FloatArray:
    """Model::markovIncentivePCE: challenge i -> j in proportion to c_ij · pv_ij."""
    n = c.shape[0]
    inctv = c * pv + np.eye(n) * 1e-10
    chlg = inctv / seq_sum(inctv, axis=0)[None, :]  # chlg[i, j] = P(i challenges j)
    p = np.full(n, 1.0 / n)
    for _ in range(999):  # KTAB fails when convergence takes 1000 or more
        ct = p[:, None] * chlg.T  # ct[i, j] = p_i · P(j challenges i)
        q = seq_sum(pv * (ct + ct.T), axis=1)
        change = float(np.abs(q - p).max())
        p = (p + q) / 2.0
        if change <= 1e-8:
            return p
    raise RuntimeError("Markov-incentive PCE did not converge in 1000 iterations; KTAB aborts "
                       "the run here too (Model::markovIncentivePCE)")


def pce(c: FloatArray, vpm: VictoryProbModel, pcem: PCEModel) -> FloatArray:
    """Model::probCE2: option probabilities from a coalition-strength matrix (..., n, n)."""
    pv = victory_probabilities(c, vpm)
    if pcem == "Conditional":
        return _cond_pce(pv)
    if c.ndim > 2:
        flat_c, flat_pv = c.reshape((-1, *c.shape[-2:])), pv.reshape((-1, *pv.shape[-2:]))
        out = np.stack([pce(ci, vpm, pcem) for ci in flat_c]) if pcem == "MarkovIncentive" \
            else np.stack([_markov_uniform_pce(pi) for pi in flat_pv])
        res: FloatArray = out.reshape(c.shape[:-1])
        return res
    if pcem == "MarkovUniform":
        return _markov_uniform_pce(pv)
    if pcem == "MarkovIncentive":
        return _markov_incentive_pce(c, pv)
    raise ValueError(f"unknown PCE model {pcem!r}")


def scalar_pce(w: FloatArray, u: FloatArray, opt: Options) -> FloatArray:
    """Model::scalarPCE: probability of each option (column of ``u``) in a probabilistic
    Condorcet election among actors of weight ``w`` with utilities ``u`` (..., n_act, n_opt)."""
    return pce(coalitions(w, u, opt.voting_rule), opt.victory_prob_model, opt.pce_model)


# ---------------------------------------------------------------------------------------------
# assessing a state (smp.cpp SMPState::setAllAUtil, pDist; kstate.cpp setUENdx, posProb)

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
    uniq: list[int] = []
    for i in range(n):
        if not close[i, uniq].any():
            uniq.append(i)
    u_idx = np.array(uniq, dtype=np.intp)
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


def _vote_inplace(rule: VotingRule, w: float, du: FloatArray) -> None:
    """``du`` := vote(rule, w, du)."""
    if rule == "Prop":
        du *= w
    else:
        du[...] = vote(rule, w, du)


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
    cij, cji = chij.copy(), chji.copy()
    band = max(1, _BAND_ELEMENTS // n)
    for lo in range(0, n, band):
        sl = slice(lo, min(n, lo + band))
        _third_parties(opt, a.dist, weight, rhi[sl], uji[sl], chij[sl], chji[sl], cij[sl],
                       cji[sl], lo)
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
        _vote_inplace(rule, float(weight[m]), cn)           # m's vote on (i:j)
        np.maximum(cn, 0.0, out=pin)
        pin += chij                                         # C_i + max(v, 0)
        np.minimum(cn, 0.0, out=cn)
        np.subtract(chji, cn, out=cn)                       # C_j - min(v, 0)
        cn += pin
        pin /= cn                                           # vProbLittle: P(i+m beats j)
        vn = _third_party_gap(opt, pin, uni, unj, (cn, w1, w2))
        _vote_inplace(rule, float(weight[m]), vn)           # thirdPartyVoteSU
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
        _vote_inplace(rule, float(weight[m]), cn)
        np.maximum(cn, 0.0, out=pin)
        pin += chij
        np.minimum(cn, 0.0, out=cn)
        np.subtract(chji, cn, out=cn)
        cn += pin
        pin /= cn
        vn = _third_party_gap(opt, pin, uni, unj, (cn, w1, w2))
        _vote_inplace(rule, float(weight[m]), vn)
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
    while active.any():
        ii = rows[active]
        take = np.minimum(done[ii] + batch, n - 1) - done[ii]  # the diagonal sorts last
        pair_i = np.repeat(ii, take)
        offset = np.arange(int(take.sum())) - np.repeat(np.cumsum(take) - take, take)
        pair_j = order[pair_i, np.repeat(done[ii], take) + offset]
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
                      ) -> tuple[FloatArray, FloatArray]:
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
    acc = (0.0 + pu_i) + pu_r                                   # (n_act, n_bargains)
    for m in range(n):
        keep = (init != m) & (rcvr != m)
        acc = acc + np.where(keep[None, :], own[:, m, None], 0.0)
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

    u_sq, u_b = bargain_utilities(a, x, sal, bargains)
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
