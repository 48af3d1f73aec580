"""KTAB's Spatial Model of Politics (SMP), part 1: run options, utilities, votes and the
probabilistic Condorcet election (kmodel.cpp, smp.cpp), on KTAB's [0, 1] scale.

The SMP numerics are split in three: this module; :mod:`detente.models._smp_challenges`
(assessing a state, challenges); :mod:`detente.models._smp_core` (bargains, a turn, a run),
whose docstring sets out the exactness rules all three follow. KTAB:
https://github.com/KAPSARC/KTAB (MIT), commit c57b72a.
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
_DEDUP_MIN_OPTIONS = 64     # from this many options coalitions() looks for repeated ones
_BLOCK_VOTERS_BELOW = 8192  # coalitions() sums voters in blocks while n_opt² per voter <= this
_BLOCK_ELEMENTS = 1 << 16   # size of such a block's vote array


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
    # not KTAB's: the O(n³) sums in compiled loops (detente.models._smp_kernels) or in the
    # numpy code beside them; the same numbers to the last bit either way
    compiled: bool = True


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


def rule_code(rule: VotingRule) -> int:
    """The voting rule's number in the compiled kernels."""
    codes = {"Prop": 0, "Binary": 1, "PropBin": 2, "PropCbc": 3, "Cubic": 4, "ASymProsp": 5}
    if rule not in codes:
        raise ValueError(f"unknown voting rule {rule!r}")
    return codes[rule]


def vote_inplace(rule: VotingRule, w: float | FloatArray, du: FloatArray) -> None:
    """``du`` := vote(rule, w, du); ``w`` a number or weights broadcasting against ``du``."""
    if rule == "Prop":
        du *= w
    else:
        du[...] = vote(rule, w, du)


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

def coalitions(w: FloatArray, u: FloatArray, rule: VotingRule, *, compiled: bool = True
               ) -> FloatArray:
    """Model::coalitions: c[i, j] = strength of the coalition for option i against j.

    ``w`` (n_act,) voting weights, ``u`` (..., n_act, n_opt) utilities, optionally with
    leading batch axes. KTAB scans the lower-left triangle only: for i > j,
    c[i, j] = 1e-8 + Σ_k max(v_kij, 0) and c[j, i] = 1e-8 + Σ_k max(-v_kij, 0) with
    v_kij = vote(w_k, u_ki - u_kj); the diagonal is 1e-8. Every rule but ASymProsp is odd
    (v_kji = -v_kij exactly), so then one matrix serves both triangles. Voters are added one
    by one, in order, as in KTAB. ``compiled``: the sums in compiled loops
    (:func:`detente.models._smp_kernels.coalition_sums`), else in numpy; the same numbers.
    """
    n_opt = u.shape[-1]
    odd = rule != "ASymProsp"
    if odd and u.ndim == 2 and n_opt >= _DEDUP_MIN_OPTIONS:
        first, which = _distinct_columns(u)
        if len(first) < n_opt:
            return coalitions(w, u[:, first], rule, compiled=compiled)[np.ix_(which, which)]
    if compiled:
        from detente.models import _smp_kernels as kernels

        flat = np.ascontiguousarray(u, dtype=float).reshape(-1, *u.shape[-2:])
        out: FloatArray = kernels.coalition_sums(
            rule_code(rule), np.ascontiguousarray(w, dtype=float), flat).reshape(
            *u.shape[:-2], n_opt, n_opt)
        return out
    per_voter = n_opt * n_opt * int(np.prod(u.shape[:-2], dtype=np.int64))
    sums = _voter_sums_in_blocks if per_voter <= _BLOCK_VOTERS_BELOW else _voter_sums
    pos, neg = sums(w, u, rule, odd)
    # odd rules: c[j, i] = 1e-8 + Σ_k max(-v_kij, 0) = 1e-8 + Σ_k max(v_kji, 0) = pos[j, i]
    c: FloatArray = pos if odd else np.tril(pos, -1) + np.swapaxes(np.tril(neg, -1), -1, -2)
    c[..., np.arange(n_opt), np.arange(n_opt)] = MIN_COALITION
    return c


def _voter_sums(w: FloatArray, u: FloatArray, rule: VotingRule, odd: bool
                ) -> tuple[FloatArray, FloatArray]:
    """1e-8 + Σ_k max(v_k, 0) and (unless ``odd``, where it is not needed) 1e-8 - Σ_k
    min(v_k, 0) over (..., n_opt, n_opt), one voter k after another."""
    n_opt = u.shape[-1]
    shape = (*u.shape[:-2], n_opt, n_opt)
    pos = np.full(shape, MIN_COALITION)
    neg = pos if odd else np.full(shape, MIN_COALITION)
    v = np.empty(shape)
    for k in range(u.shape[-2]):
        uk = u[..., k, :]
        np.subtract(uk[..., :, None], uk[..., None, :], out=v)
        vote_inplace(rule, float(w[k]), v)
        if not odd:
            neg -= np.minimum(v, 0.0)
        np.maximum(v, 0.0, out=v)
        pos += v
    return pos, neg


def _voter_sums_in_blocks(w: FloatArray, u: FloatArray, rule: VotingRule, odd: bool
                          ) -> tuple[FloatArray, FloatArray]:
    """:func:`_voter_sums` for small option sets: the votes of a block of voters as one
    (..., voters, n_opt, n_opt) array, summed along the voter axis with ``np.add.reduce``,
    the running sum first. A reduction along an axis that is not the innermost adds its
    slices one after another, in order (no pairwise summation), so every sum is the
    voter-by-voter one; subtracting min(v, 0) is adding -min(v, 0), also exactly."""
    n_act, n_opt = u.shape[-2:]
    lead = u.shape[:-2]
    block = max(1, _BLOCK_ELEMENTS // (n_opt * n_opt * int(np.prod(lead, dtype=np.int64))))
    pos = np.full((*lead, 1, n_opt, n_opt), MIN_COALITION)
    neg = pos if odd else pos.copy()
    for lo in range(0, n_act, block):
        hi = min(n_act, lo + block)
        uk = u[..., lo:hi, :]
        v = np.empty((*lead, hi - lo + 1, n_opt, n_opt))
        body = v[..., 1:, :, :]
        np.subtract(uk[..., :, :, None], uk[..., :, None, :], out=body)
        vote_inplace(rule, w[lo:hi, None, None], body)
        if not odd:
            lost = v.copy()
            lost[..., :1, :, :] = neg
            np.negative(np.minimum(body, 0.0), out=lost[..., 1:, :, :])
            neg = np.add.reduce(lost, axis=-3, keepdims=True)
        v[..., :1, :, :] = pos
        np.maximum(body, 0.0, out=body)
        pos = np.add.reduce(v, axis=-3, keepdims=True)
    return pos[..., 0, :, :], (pos if odd else neg)[..., 0, :, :]


def _distinct_columns(u: FloatArray) -> tuple[IntArray, IntArray]:
    """Columns of ``u`` that are bit-for-bit copies of an earlier one (options at the same
    position): the index of each distinct column and, for every column, its distinct one.

    Why :func:`coalitions` may merge them: with an odd voting rule c[i, j] depends on columns
    i and j alone, so a copy's row and column are the original's, and between two copies
    every vote is vote(0) = 0, which leaves c at 1e-8 exactly as KTAB's sum does. The
    coalition sums, n_act · n_opt² additions, then run over the distinct options only.
    """
    cols = np.ascontiguousarray(u.T)
    keys = cols.view(np.dtype((np.void, cols.dtype.itemsize * cols.shape[1]))).ravel()
    _, first, which = np.unique(keys, return_index=True, return_inverse=True)
    return first.astype(np.intp), which.astype(np.intp).ravel()


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
    return pce(coalitions(w, u, opt.voting_rule, compiled=opt.compiled),
               opt.victory_prob_model, opt.pce_model)


