"""Compiled loops of KTAB's Spatial Model of Politics (numba), for the three O(n³) sums of a
turn: coalition strengths (kmodel.cpp Model::coalitions), third parties joining a challenge
(smpbcn.cpp SMPState::probEduChlg with Actor::vProbLittle and thirdPartyVoteSU) and the
utility of each bargain's state (smpbcn.cpp SMPState::updateBestBrgnPositions).

Each kernel does the arithmetic of the numpy code it replaces (``_smp_votes._voter_sums``,
``_smp_challenges._third_parties``, ``_smp_core.bargain_utilities``), operation for operation
and sum for sum in KTAB's order, so the results are the same to the last bit
(``tests/models/test_smp_kernels.py`` checks it). Numba compiles without ``fastmath``: LLVM
then neither reassociates a sum nor fuses a multiply and an add, and loops are vectorised only
across independent sums (never along one). ``cache=True`` keeps the machine code on disk, so
the compilation (about 5 s) is paid once per machine; this module is imported only when an
SMP run starts, so importing detente does not load numba.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

# Rules arrive as numbers: voting rules as _smp_votes.rule_code numbers them (0 Prop,
# 1 Binary, 2 PropBin, 3 PropCbc, 4 Cubic, 5 ASymProsp), third-party commitment as
# _smp_challenges.commit_code does (0 FullCommit, 1 SemiCommit, 2 NoCommit).
_MIN_COALITION = 1e-8       # kmodel.cpp, Model::coalitions: minC
_BINARY_VOTE_TOL = 1e-8     # kmodel.cpp, Model::vote: sTol
_PAIR_BLOCK = 8             # challenge pairs whose third-party sums run side by side


def _jit(fn: Callable[..., Any]) -> Any:
    """Compile ``fn`` on first call, caching the machine code on disk; where no folder for
    the cache is writable (numba refuses to cache then), compile in every process instead."""
    try:
        return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)
    except RuntimeError:
        return numba.njit(nogil=True, error_model="numpy")(fn)


@numba.njit(inline="always", error_model="numpy")
def _clip_unit(x: float) -> float:
    return min(max(x, -1.0), 1.0)


@numba.njit(inline="always", error_model="numpy")
def _vote(rule: int, w: float, du: float) -> float:
    """Model::vote, as ``_smp_votes.vote`` computes it."""
    if rule == 0:
        return w * du
    if rule == 1:
        return w * _clip_unit(du / _BINARY_VOTE_TOL)
    if rule == 2:
        return w * ((1 - 0.2) * du + 0.2 * _clip_unit(du / _BINARY_VOTE_TOL))
    if rule == 3:
        return w * ((1 - 0.5) * du + 0.5 * (du * du * du))
    if rule == 4:
        return w * (du * du * du)
    if du < 0.0:
        return w * du
    if du > 0.0:
        return (2.0 * w * du) / 3.0
    return 0.0


@_jit
def coalition_sums(rule: int, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Model::coalitions for a batch: ``u`` (B, n_act, n_opt) -> c (B, n_opt, n_opt).

    For i > j, c[i, j] = 1e-8 + Σ_k max(v_kij, 0) and c[j, i] = 1e-8 - Σ_k min(v_kij, 0),
    v_kij = vote(w_k, u_ki - u_kj), voters added one by one in order; diagonal 1e-8. The
    loop runs over row i, then voter k, then column j < i, so each sum still takes its
    voters in order while the innermost loop (independent sums) is vectorised.
    """
    c = np.empty((u.shape[0], u.shape[2], u.shape[2]))
    if rule == 0:  # KTAB's default rule gets loops of its own, free of the rule's branches
        _coalition_loops(0, w, u, c)
    else:
        _coalition_loops(rule, w, u, c)
    return c


@numba.njit(inline="always", error_model="numpy")
def _coalition_loops(rule: int, w: np.ndarray, u: np.ndarray, c: np.ndarray) -> None:
    n_b, n_act, n_opt = u.shape
    pos = np.empty(n_opt)
    neg = np.empty(n_opt)
    for b in range(n_b):
        for i in range(n_opt):
            pos[:i] = _MIN_COALITION
            neg[:i] = _MIN_COALITION
            for k in range(n_act):
                wk = w[k]
                uki = u[b, k, i]
                row = u[b, k]
                for j in range(i):
                    v = _vote(rule, wk, uki - row[j])
                    pos[j] = pos[j] + (v if v > 0.0 else 0.0)
                    neg[j] = neg[j] - (v if v < 0.0 else 0.0)
            for j in range(i):
                c[b, i, j] = pos[j]
                c[b, j, i] = neg[j]
            c[b, i, i] = _MIN_COALITION


@numba.njit(inline="always", error_model="numpy")
def _gap(commit: int, pin: float, uni: float, unj: float) -> float:
    """u(ik>j) - u(i>jk) of thirdPartyVoteSU for a third party whose own position has
    utility 1, as ``_smp_challenges._third_party_gap`` computes it."""
    two_i = uni + uni
    a_ = two_i + uni if commit == 0 else two_i + 1.0        # u(ik def j)
    c_ = two_i + 1.0 if commit == 2 else two_i + uni         # u(i def jk)
    d_ = unj + unj
    b_ = d_ + 1.0 if commit == 2 else d_ + unj               # u(j def ik)
    d_ = d_ + unj if commit == 0 else d_ + 1.0               # u(jk def i)
    pjn = 1.0 - pin
    b_ = b_ * pjn
    d_ = d_ * pjn
    left = pin * a_ + b_                                     # u(ik>j)
    right = pin * c_ + d_                                    # u(i>jk)
    return left - right


@_jit
def third_party_sums(rule: int, commit: int, dist_t: np.ndarray, weight: np.ndarray,
                     rhi: np.ndarray, uji: np.ndarray, pi: np.ndarray, pj: np.ndarray,
                     chij: np.ndarray, chji: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The final (i:j) coalitions of each pair (pi[p], pj[p]): every third party m (not i,
    not j) votes in the little contest (i:j)+m and its vote is added, m after m.

    ``dist_t[j, m]`` = d_mj, ``rhi[i, m]`` = i's estimate of R_m, ``uji[i, m]`` =
    aUtil[i](m, i); ``chij``/``chji`` the pairs' coalitions after the principals' votes.
    A third party's vote depends on the principals' coalitions only, so the votes of all m
    are computed first (vectorised along m), for a block of pairs, and then added m after m
    to the block's sums side by side. The principals' own "votes" are set to 0, and adding
    0 to a positive sum leaves it unchanged, exactly as skipping them does.
    """
    cij = np.empty(pi.shape[0])
    cji = np.empty(pi.shape[0])
    if rule == 0 and commit == 1:  # KTAB's defaults: loops free of the rules' branches
        _third_party_loops(0, 1, dist_t, weight, rhi, uji, pi, pj, chij, chji, cij, cji)
    else:
        _third_party_loops(rule, commit, dist_t, weight, rhi, uji, pi, pj, chij, chji, cij,
                           cji)
    return cij, cji


@numba.njit(inline="always", error_model="numpy")
def _third_party_loops(rule: int, commit: int, dist_t: np.ndarray, weight: np.ndarray,
                       rhi: np.ndarray, uji: np.ndarray, pi: np.ndarray, pj: np.ndarray,
                       chij: np.ndarray, chji: np.ndarray, cij: np.ndarray, cji: np.ndarray
                       ) -> None:
    n = dist_t.shape[0]
    size = pi.shape[0]
    vn = np.empty((_PAIR_BLOCK, n))
    a = np.empty(_PAIR_BLOCK)
    b = np.empty(_PAIR_BLOCK)
    for lo in range(0, size, _PAIR_BLOCK):
        hi = min(size, lo + _PAIR_BLOCK)
        for q in range(hi - lo):
            p = lo + q
            i = pi[p]
            j = pj[p]
            _third_party_votes(rule, commit, weight, dist_t[j], rhi[i], uji[i], chij[p],
                               chji[p], vn[q])
            vn[q, i] = 0.0
            vn[q, j] = 0.0
            a[q] = chij[p]
            b[q] = chji[p]
        for m in range(n):
            for q in range(hi - lo):
                v = vn[q, m]
                a[q] = a[q] + (v if v > 0.0 else 0.0)
                b[q] = b[q] - (v if v < 0.0 else 0.0)
        cij[lo:hi] = a[: hi - lo]
        cji[lo:hi] = b[: hi - lo]


@numba.njit(inline="always", error_model="numpy")
def _third_party_votes(rule: int, commit: int, weight: np.ndarray, d_row: np.ndarray,
                       r_row: np.ndarray, u_row: np.ndarray, hij: float, hji: float,
                       out: np.ndarray) -> None:
    """Every actor m's vote as a third party on the pair (i:j) (vProbLittle,
    thirdPartyVoteSU): ``d_row[m]`` = d_mj, ``r_row[m]`` = R^i_m, ``u_row[m]`` =
    aUtil[i](m, i), ``hij``/``hji`` the principals' coalitions."""
    for m in range(d_row.shape[0]):
        d = d_row[m]
        r = r_row[m]
        # aUtil[i](m, j), bsUtil (the first form only for round-off beyond d = 1)
        unj = (1.0 - d) * (1.0 + r) if d > 1.0 else (d * r + 1.0) * (1.0 - d)
        uni = u_row[m]                                      # aUtil[i](m, i)
        wm = weight[m]
        cn = _vote(rule, wm, uni - unj)                     # m's vote on (i:j)
        ci = (cn if cn > 0.0 else 0.0) + hij
        cj = hji - (cn if cn < 0.0 else 0.0)
        pin = ci / (cj + ci)                                # vProbLittle: P(i+m beats j)
        out[m] = _vote(rule, wm, _gap(commit, pin, uni, unj))


@_jit
def third_party_rows(rule: int, commit: int, dist: np.ndarray, weight: np.ndarray,
                     rhi: np.ndarray, uji: np.ndarray, chij: np.ndarray, chji: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`third_party_sums` for every pair (i, j) at once ((n, n) arrays; ``dist[m, j]``
    = d_mj): row i takes third party m after m, each one's votes on all targets j in one
    vectorised pass (the vote on j = m set to 0, which leaves the positive sums as they
    are)."""
    cij = chij.copy()
    cji = chji.copy()
    if rule == 0 and commit == 1:  # KTAB's defaults: loops free of the rules' branches
        _third_party_row_loops(0, 1, dist, weight, rhi, uji, chij, chji, cij, cji)
    else:
        _third_party_row_loops(rule, commit, dist, weight, rhi, uji, chij, chji, cij, cji)
    return cij, cji


@numba.njit(inline="always", error_model="numpy")
def _third_party_row_loops(rule: int, commit: int, dist: np.ndarray, weight: np.ndarray,
                           rhi: np.ndarray, uji: np.ndarray, chij: np.ndarray,
                           chji: np.ndarray, cij: np.ndarray, cji: np.ndarray) -> None:
    n = dist.shape[0]
    vn = np.empty(n)
    for i in range(n):
        for m in range(n):
            if m == i:
                continue
            r = rhi[i, m]
            uni = uji[i, m]                                 # aUtil[i](m, i)
            wm = weight[m]
            for j in range(n):
                d = dist[m, j]
                # aUtil[i](m, j)
                unj = (1.0 - d) * (1.0 + r) if d > 1.0 else (d * r + 1.0) * (1.0 - d)
                cn = _vote(rule, wm, uni - unj)             # m's vote on (i:j)
                ci = (cn if cn > 0.0 else 0.0) + chij[i, j]
                cj = chji[i, j] - (cn if cn < 0.0 else 0.0)
                pin = ci / (cj + ci)                        # vProbLittle
                vn[j] = _vote(rule, wm, _gap(commit, pin, uni, unj))
            vn[m] = 0.0
            for j in range(n):
                v = vn[j]
                cij[i, j] = cij[i, j] + (v if v > 0.0 else 0.0)
                cji[i, j] = cji[i, j] - (v if v < 0.0 else 0.0)


@_jit
def bargain_sums(own: np.ndarray, pu_i: np.ndarray, pu_r: np.ndarray, init: np.ndarray,
                 rcvr: np.ndarray) -> np.ndarray:
    """Σ of each actor's utilities of the state each bargain produces: the two moved
    positions first (``pu_i`` + ``pu_r``, (n, n_bargains)), then ``own[a, m]`` for every
    other actor m in order (as ``_smp_core.bargain_utilities``)."""
    n = own.shape[0]
    n_b = init.shape[0]
    acc = np.empty((n, n_b))
    for a in range(n):
        row = acc[a]
        for b in range(n_b):
            row[b] = (0.0 + pu_i[a, b]) + pu_r[a, b]
        for m in range(n):
            x = own[a, m]
            for b in range(n_b):
                if init[b] != m and rcvr[b] != m:
                    row[b] = row[b] + x
    return acc


def warm_up() -> None:
    """Compile (or load from the on-disk cache) every kernel, on tiny inputs of the types the
    model passes: what the first SMP run of a process would otherwise pay."""
    w = np.ones(3)
    u = np.arange(9.0).reshape(1, 3, 3) / 10.0
    coalition_sums(0, w, u)
    m = np.full((3, 3), 0.5)
    idx = np.arange(3)
    third_party_rows(0, 1, m, w, m, m, m, m)
    third_party_sums(0, 1, m, w, m, m, idx, idx, w, w)
    bargain_sums(m, m, m, idx, idx)
