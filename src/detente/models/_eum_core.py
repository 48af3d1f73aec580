"""Array numerics of the expected-utility model (EUM); see :mod:`detente.models.eum`.

Reference: J. Scholz, G. Calbert, G. Smith (2011), "Unravelling Bueno De Mesquita's group
decision model", Journal of Theoretical Politics 23(4) (ICAART 2011, pp. 18-30). Equation
numbers below are the paper's. The ``scholz-code`` reading follows the public Python
replication of Scholz's own program (``dmasad/bdm-scholz-expected-utility-model``, commit
d7c7bbab), quirks included.

Everything works on a leading batch shape ``...`` (none, or one axis of parameter draws):
positions ``x``, capabilities ``c`` and saliences ``s`` are ``(..., n)``; dyadic quantities are
``(..., n, n)`` with the row the first actor ``i`` and the column the second actor ``j``.

Cost. The only sum over third parties is the probability of success (eq. 30/31), a sum over
voters ``k`` for every dyad. It is never formed as an ``n x n x n`` array: a voter supports
``i`` against ``j`` exactly when it lies on ``i``'s side of the midpoint of ``x_i`` and
``x_j``, so with the voters sorted by position each dyad's sum is a difference of two prefix
sums, found with one ``searchsorted``. Time O(n^2 log n), memory O(n^2) per round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

Reading = Literal["paper", "scholz-code"]

#: up to this many actors the support sum is done directly (cheaper than sorting)
SMALL = 40
#: positions closer than this fraction of the range count as the same position
SAME = 1e-12

#: what an actor does in a round (codes in :attr:`Round.kind`)
NO_MOVE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
KIND_NAMES = ("none", "confrontation", "compromise", "capitulation")

#: octants of the (a, b) = (EU_i(i challenges j), EU_j(j challenges i)) plane, numbered
#: counter-clockwise from the positive a axis (Scholz et al. 2011, fig. 6; BDM 1994)
OCTANT_LABELS = {
    0: "same position",
    1: "conflict: i prevails",
    2: "conflict: j prevails",
    3: "compromise: i concedes part way",
    4: "capitulation: i gives in",
    5: "status quo",
    6: "status quo",
    7: "capitulation: j gives in",
    8: "compromise: j concedes part way",
}


def position_range(x0: FloatArray) -> FloatArray:
    """The continuum range ``R = x_max - x_min`` of the actors' positions (..., n) -> (...).

    Scholz's program takes it once, from the initial positions; both readings do so (the
    issue's declared scale is not used). An issue where everybody agrees gets ``R = 1``.
    """
    span = x0.max(axis=-1) - x0.min(axis=-1)
    return np.where(span > 0, span, 1.0)


def weighted_median(x: FloatArray, w: FloatArray) -> FloatArray:
    """Median voter position, the Condorcet winner of the votes of Appendix step 3.

    With the linear votes ``v^{jk} = sum_i c_i s_i (|x_i - x_k| - |x_i - x_j|) / R`` the
    Condorcet winner among the actors' positions is the ``c s``-weighted median (lower median
    on an exact tie). Weights that are all zero count every actor the same.
    """
    w = np.where(w.sum(axis=-1, keepdims=True) > 0, w, 1.0)
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=-1), axis=-1)
    reached = cum >= 0.5 * cum[..., -1:] * (1 - 1e-12)
    first = np.argmax(reached, axis=-1)[..., None]
    return np.asarray(np.take_along_axis(xs, first, axis=-1)[..., 0], dtype=float)


def weighted_mean(x: FloatArray, w: FloatArray) -> FloatArray:
    """The ``c s``-weighted mean position (the "mean voter" of Table 2)."""
    total = w.sum(axis=-1)
    return np.asarray(np.where(total > 0, (w * x).sum(axis=-1) / np.where(total > 0, total, 1),
                               x.mean(axis=-1)), dtype=float)


def _count_below(xs: FloatArray, m: FloatArray) -> IntArray:
    """``#{k: xs_k < m_ij}`` for sorted ``xs`` (..., n) and ``m`` (..., n, n)."""
    n = xs.shape[-1]
    if xs.ndim == 1:
        return np.searchsorted(xs, m, side="left").astype(np.int64)
    # one searchsorted for the whole batch: map each draw onto its own interval [4b, 4b + 1]
    lead = xs.shape[:-1]
    flat = xs.reshape(-1, n)
    lo = flat[:, :1]
    span = flat[:, -1:] - lo
    span = np.where(span > 0, span, 1.0)
    offset = 4.0 * np.arange(flat.shape[0], dtype=float)[:, None]
    keys = ((flat - lo) / span + offset).ravel()
    mm = (m.reshape(-1, n * n) - lo) / span + offset
    idx = np.searchsorted(keys, mm.ravel(), side="left").reshape(-1, n * n)
    idx -= n * np.arange(flat.shape[0], dtype=np.int64)[:, None]
    return idx.reshape((*lead, n, n)).astype(np.int64)


@dataclass
class VoterOrder:
    """The sort of the actors by position that :func:`support` needs, shared within a round."""

    order: IntArray     # actors by position
    rank: IntArray      # inverse of ``order``
    sorted_weights: FloatArray  # weights in that order
    below: IntArray     # [i, j] (sorted): voters strictly left of the midpoint of i and j
    left: BoolArray     # [i, j] (sorted): x_i < x_j
    right: BoolArray

    @classmethod
    def of(cls, x: FloatArray, w: FloatArray) -> VoterOrder:
        order = np.argsort(x, axis=-1, kind="stable")
        rank = np.argsort(order, axis=-1, kind="stable")
        xs = np.take_along_axis(x, order, axis=-1)
        xi = xs[..., :, None]
        xj = xs[..., None, :]
        return cls(order, rank, np.take_along_axis(w, order, axis=-1),
                   _count_below(xs, 0.5 * (xi + xj)), xi < xj, xi > xj)


def support(u: FloatArray, w: FloatArray, x: FloatArray, plan: VoterOrder | None = None
            ) -> FloatArray:
    """Third-party support ``N_ij = sum_k w_k max(0, u_kj - u_ki)`` (the numerator of eq. 30).

    ``u[..., k, a]`` is voter ``k``'s disutility of position ``x_a``, strictly increasing in
    ``|x_k - x_a|``; ``w`` (..., n) the voters' weights ``c_k s_k``. Voter ``k`` backs ``i``
    against ``j`` iff it is nearer ``x_i``, i.e. on ``i``'s side of the midpoint; a voter on the
    midpoint contributes nothing. Returns (..., n, n), zero where ``x_i = x_j``.

    Up to :data:`SMALL` actors the plain triple sum is cheaper; beyond, prefix sums over the
    voters sorted by position (O(n^2 log n) time, O(n^2) memory). ``plan`` reuses the sort.
    """
    n = x.shape[-1]
    if n <= SMALL:
        return support_brute(u, w)
    if plan is None:
        plan = VoterOrder.of(x, w)
    # voters and targets sorted by position; rows and columns are put back at the end
    us = _permute2(u, plan.order)
    prefix = np.zeros((*u.shape[:-2], n + 1, n))
    np.cumsum(plan.sorted_weights[..., :, None] * us, axis=-2, out=prefix[..., 1:, :])
    total = prefix[..., n, :]
    # g[i, j] = sum over voters left of the midpoint of w_k u_kj; g.T[i, j] the same of u_ki
    if prefix.ndim == 2:    # a flat gather is much cheaper than take_along_axis
        g = prefix.ravel()[plan.below * n + np.arange(n)]
    else:
        g = np.take_along_axis(prefix, plan.below, axis=-2)
    gt = np.swapaxes(g, -1, -2)
    out = np.where(plan.left, g - gt, 0.0)
    out = np.where(plan.right, (total[..., None, :] - g) - (total[..., :, None] - gt), out)
    return _permute2(out, plan.rank)


def _permute2(m: FloatArray, order: IntArray) -> FloatArray:
    """``m[..., order[a], order[b]]``: rows and columns of ``m`` (..., n, n) reordered."""
    if m.ndim == 2:
        return np.asarray(m[np.ix_(order, order)], dtype=float)
    rows = np.take_along_axis(m, order[..., :, None], axis=-2)
    return np.asarray(np.take_along_axis(rows, order[..., None, :], axis=-1), dtype=float)


def support_brute(u: FloatArray, w: FloatArray) -> FloatArray:
    """Plain O(n^3) version of :func:`support`: the sum over voters as written in eq. 30."""
    n = u.shape[-1]
    gain = np.maximum(u[..., :, None, :] - u[..., :, :, None], 0.0)   # [k, i, j]
    flat = gain.reshape((*u.shape[:-2], n, n * n))
    return np.asarray((w[..., None, :] @ flat).reshape((*u.shape[:-2], n, n)), dtype=float)


def _pairwise_abs_sum(u: FloatArray) -> FloatArray:
    """``sum_{a,b} |u_ka - u_kb|`` for every row ``k`` of ``u`` (..., n, n) -> (..., n)."""
    n = u.shape[-1]
    srt = np.sort(u, axis=-1)
    coef = 2.0 * (2.0 * np.arange(n) - n + 1)
    return np.asarray((srt * coef).sum(axis=-1), dtype=float)


def probability_paper(x: FloatArray, w: FloatArray, same: BoolArray,
                      plan: VoterOrder | None = None) -> FloatArray:
    """Probability that ``i`` prevails over ``j``, eq. 30/31 (Appendix step 5).

    ``P_ij = sum_{k backs i} v_k / sum_k |v_k|`` with the linear votes
    ``v_k = c_k s_k (|x_k - x_j| - |x_k - x_i|)`` (the range ``R`` cancels), so that
    ``P_ij + P_ji = 1``. Undefined where ``x_i = x_j`` (0/0); set to 1/2 there, where it does
    not matter (``U_s = U_f``).
    """
    u = np.abs(x[..., :, None] - x[..., None, :])
    num = support(u, w, x, plan)
    den = num + np.swapaxes(num, -1, -2)
    ok = (den > 0) & ~same
    return np.asarray(np.where(ok, num / np.where(ok, den, 1.0), 0.5), dtype=float)


def probability_scholz(x: FloatArray, w: FloatArray, r: FloatArray | None, dist: FloatArray,
                       same: BoolArray, plan: VoterOrder | None = None) -> FloatArray:
    """Probability of success as Scholz's program computes it.

    Votes use each voter's risk exponent, ``v_k = c_k s_k (d_kj^{r_k} - d_ki^{r_k})`` with
    ``d = |x_k - x_a| / R`` (``dist``; ``r = None`` means every ``r = 1``). The numerator sums
    the positive votes, but the denominator sums ``|v_k|`` over *every* voter and *every
    ordered pair of actors*, a constant per round, so the probabilities are tiny and
    ``P_ij + P_ji != 1``. ``P = 0`` where ``x_i = x_j``. The denominator is computed per voter
    from the sorted utilities, in O(n^2 log n) rather than O(n^3).
    """
    u = dist if r is None else dist ** r[..., :, None]
    num = support(u, w, x, plan)
    den = (w * _pairwise_abs_sum(u)).sum(axis=-1)[..., None, None]
    p = num / np.where(den > 0, den, 1.0)
    return np.asarray(np.where(same, 0.0, p), dtype=float)


@dataclass
class Utilities:
    """Basic utilities of ``i`` in dyad ``(i, j)`` with ``i``'s risk exponent (eqs. 15-24)."""

    success: FloatArray      # U_si, eq. 15
    failure: FloatArray      # U_fi, eq. 16
    status_quo: FloatArray   # U_sq, eq. 24, shape (..., n, 1)
    better: FloatArray | None = None   # U_bi, eq. 22
    worse: FloatArray | None = None    # U_wi, eq. 23


def _power(base: FloatArray, r: FloatArray | None) -> FloatArray:
    return base if r is None else np.asarray(base ** r, dtype=float)


def utilities(dist: FloatArray, r: FloatArray | None, mu_dist: FloatArray | None = None
              ) -> Utilities:
    """Basic utilities from ``dist = |x_i - x_j| / R`` (..., n, n) and ``r`` (..., n) of ``i``
    (``None``: every ``r = 1``, no powers taken).

    ``mu_dist = |x_i - mu| / R`` (..., n) adds the better/worse utilities of eqs. 22-23.
    """
    ri = None if r is None else r[..., :, None]
    succ = 2.0 - 4.0 * _power(0.5 - 0.5 * dist, ri)
    fail = 2.0 - 4.0 * _power(0.5 + 0.5 * dist, ri)
    sq = np.asarray(2.0 - 4.0 * _power(np.full((*dist.shape[:-1], 1), 0.5), ri), dtype=float)
    if mu_dist is None:
        return Utilities(succ, fail, sq)
    spread = 0.25 * (mu_dist[..., :, None] + dist)
    better = 2.0 - 4.0 * _power(np.clip(0.5 - spread, 0.0, None), ri)
    worse = 2.0 - 4.0 * _power(0.5 + spread, ri)
    return Utilities(succ, fail, sq, better, worse)


def expected_utility(util: Utilities, p: FloatArray, s_resp: FloatArray, q: float,
                     t: FloatArray | float | None = None) -> FloatArray:
    """``E(U_ij)`` of eqs. 5-7: challenge (resisted with probability ``s`` of the responder,
    eq. 6) minus not challenging (status quo with probability ``Q``, else the better/worse
    outcome with probability ``T``/``1 - T``, eq. 7). ``t = None`` drops the ``(1 - Q)`` term,
    as Scholz's program does. ``s_resp`` broadcasts against (..., n, n)."""
    eu = (s_resp * (p * util.success + (1.0 - p) * util.failure)
          + (1.0 - s_resp) * util.success - q * util.status_quo)
    if t is not None and q != 1.0:
        assert util.better is not None and util.worse is not None
        eu = eu - (1.0 - q) * (t * util.better + (1.0 - t) * util.worse)
    return np.asarray(eu, dtype=float)


def risk_exponents(security: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Risk basis ``R_i`` (eq. 32/34) and exponent ``r_i = (1 - R_i/3)/(1 + R_i/3)`` (eq. 33).

    ``R_i = (2 Sec_i - max Sec - min Sec)/(max Sec - min Sec)`` in [-1, 1], so ``r_i`` in
    [0.5, 2]. When every security level is equal, ``R_i = 0`` and ``r_i = 1``.
    """
    hi = security.max(axis=-1, keepdims=True)
    lo = security.min(axis=-1, keepdims=True)
    width = hi - lo
    basis = np.where(width > 0, (2.0 * security - hi - lo) / np.where(width > 0, width, 1.0),
                     0.0)
    return basis, (1.0 - basis / 3.0) / (1.0 + basis / 3.0)


def octants(a: FloatArray, b: FloatArray, same: BoolArray) -> NDArray[np.int8]:
    """Octant 1..8 of each dyad's ``(a, b)``, counter-clockwise from the positive ``a`` axis;
    0 where the two actors hold the same position. Labels in :data:`OCTANT_LABELS`."""
    angle = np.mod(np.arctan2(b, a), 2.0 * np.pi)
    octant = np.minimum(np.floor(angle / (np.pi / 4.0)), 7.0).astype(np.int8) + 1
    return np.where(same, 0, octant).astype(np.int8)


@dataclass
class Moves:
    """Each actor's accepted offer in one round: partner (-1 for none), kind, new position."""

    partner: IntArray
    kind: IntArray
    new_x: FloatArray


def _pick(m: NDArray[Any], idx: IntArray) -> NDArray[Any]:
    """``m[..., i, idx[..., i]]`` for every row ``i``."""
    return np.take_along_axis(m, idx[..., None], axis=-1)[..., 0]


def moves_scholz(x: FloatArray, a: FloatArray, b: FloatArray, same: BoolArray) -> Moves:
    """Offers and choice as in Scholz's program (``Actor.best_offer``, ``Offer.from_actors``).

    ``a[i, j] = E(i challenges j)`` and ``b[i, j] = E(j challenges i)``, both seen by ``i``.
    Only offers that move ``i`` count: lost confrontation ``b > a > 0`` (to ``x_j``),
    compromise ``b > 0 > a, b > |a|`` (eq. 36). The capitulation test in that program compares
    ``b`` with ``|b|`` and never fires. Choice: any confrontation first (the nearest), else the
    compromise whose EU-weighted mean ``(|a| x_i + |b| x_j)/(|a| + |b|)`` is smallest; ties go
    to the first actor in the table.
    """
    xi = x[..., :, None]
    xj = x[..., None, :]
    conf = ~same & (b > a) & (a > 0)
    comp = ~same & (b > 0) & (a < 0) & (b > -a)
    abs_a = np.abs(a)
    abs_b = np.abs(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        key = np.where(comp, (abs_a * xi + abs_b * xj) / (abs_a + abs_b), np.inf)
    key = np.where(conf, np.abs(xi - xj) - np.inf, key)   # any confrontation beats compromises
    has_conf = conf.any(axis=-1)
    has = has_conf | comp.any(axis=-1)
    # nearest confrontation: key is -inf for all of them, so rank by distance among those
    dist = np.where(conf, np.abs(xi - xj), np.inf)
    best = np.where(has_conf, np.argmin(dist, axis=-1), np.argmin(key, axis=-1))
    partner = np.where(has, best, -1)
    kind = np.where(has_conf, CONFRONTATION, np.where(has, COMPROMISE, NO_MOVE))
    x_p = np.take_along_axis(x, best, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.abs(_pick(a, best) / _pick(b, best))
        new_x = np.where(kind == CONFRONTATION, x_p,
                         np.where(kind == COMPROMISE, x + (x_p - x) * frac, x))
    return Moves(partner.astype(np.int64), kind.astype(np.int64), np.asarray(new_x, float))


def moves_paper(x: FloatArray, a: FloatArray, same: BoolArray, span: FloatArray) -> Moves:
    """Offers and choice by the paper (section 6, fig. 6; eqs. 35-36).

    ``a[i, j] = E^i(U_ij)`` with ``i``'s own risk exponent, so ``b = a.T``. The dyad's octant
    decides who moves: conflict (both > 0) moves the one with the smaller EU fully to the
    other; opposite signs with the positive one larger in size is a compromise, the other
    moving the fraction ``|E_loser / E_winner|`` of the way (eqs. 35-36); opposite signs with
    the negative one larger is capitulation, a full move; both < 0 is the status quo. Each
    actor accepts, of the offers that move it, the one that moves it least ("players move the
    least that they can", section 6.2); between offers that move it equally far (to within
    ``1e-12 R``), the one whose proposer expects most from it ("concede to the actor with the
    highest expected utility"), then the first in the table.
    """
    b = np.swapaxes(a, -1, -2)
    xi = x[..., :, None]
    xj = x[..., None, :]
    lose = ~same & (a > 0) & (b > a)
    opposite = ~same & (a < 0) & (b > 0)
    comp = opposite & (b >= -a)
    capit = opposite & (-a > b)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(comp, np.abs(a / b), 1.0)
    offered = lose | opposite
    step = np.where(offered, frac * np.abs(xj - xi), np.inf)
    least = step.min(axis=-1, keepdims=True)
    tied = offered & (step <= least + SAME * span[..., None, None])
    best = np.argmax(np.where(tied, b, -np.inf), axis=-1)
    has = offered.any(axis=-1)
    partner = np.where(has, best, -1)
    kinds = np.where(lose, CONFRONTATION,
                     np.where(comp, COMPROMISE, np.where(capit, CAPITULATION, NO_MOVE)))
    kind = np.where(has, _pick(kinds, best), NO_MOVE)
    x_p = np.take_along_axis(x, best, axis=-1)
    new_x = np.where(has, x + (x_p - x) * _pick(frac, best), x)
    new_x = np.where((kind == CONFRONTATION) | (kind == CAPITULATION), x_p, new_x)
    return Moves(partner.astype(np.int64), kind.astype(np.int64), np.asarray(new_x, float))


@dataclass
class Round:
    """What one round computed (from the positions it started with), for diagnostics."""

    median: FloatArray
    mean: FloatArray
    security: FloatArray
    risk_basis: FloatArray
    risk_exponent: FloatArray
    p_success: FloatArray        # (n, n): P that i prevails over j, as used in the round
    eu_challenge: FloatArray     # (n, n): E(i challenges j) as used by i
    eu_challenged: FloatArray    # (n, n): E(j challenges i) as used by i
    octant: NDArray[np.int8]
    partner: IntArray
    kind: IntArray
    new_x: FloatArray


@dataclass
class Run:
    """A whole run: positions per round (..., rounds + 1, n) and why it stopped."""

    history: FloatArray
    rounds: IntArray
    converged: BoolArray
    span: FloatArray
    records: list[Round] = field(default_factory=list)


def play_round(x: FloatArray, w: FloatArray, s: FloatArray, span: FloatArray, *,
               reading: Reading, q: float, t: float | None, record: bool
               ) -> tuple[Moves, Round | None]:
    """One round from positions ``x``: Appendix steps 2-11 of Scholz et al. (2011)."""
    n = x.shape[-1]
    adx = np.abs(x[..., :, None] - x[..., None, :])
    dist = adx / span[..., None, None]
    same = dist <= SAME
    off_diag = ~np.eye(n, dtype=bool)
    s_j = s[..., None, :]
    mu: FloatArray | None = None
    plan = VoterOrder.of(x, w) if n > SMALL else None
    if reading == "paper":
        p = probability_paper(x, w, same, plan)
        mu_dist = None
        t_ij: FloatArray | float | None = None
        if q != 1.0:     # the better/worse branch of eq. 7 needs the median voter (step 3)
            mu = weighted_median(x, w)
            mu_from_i = np.abs(x - mu[..., None])
            mu_dist = mu_from_i / span[..., None]
            # section 3, figs. 1-4: T = 1 iff j's move to the median would bring it closer to i
            t_ij = (mu_from_i[..., :, None] < adx).astype(float) if t is None else t
        # first pass, every r = 1 (steps 2-7); security and risk exponents (steps 8-9)
        eu1 = expected_utility(utilities(dist, None, mu_dist), p, s_j, q, t_ij)
        security = np.where(off_diag, eu1, 0.0).sum(axis=-2)
        basis, r = risk_exponents(security)
        # second pass with each actor's own r (step 10), then the octants (step 11)
        a = expected_utility(utilities(dist, r, mu_dist), p, s_j, q, t_ij)
        b = np.swapaxes(a, -1, -2)
        mv = moves_paper(x, a, same, span)
    else:
        s_i = s[..., :, None]
        p1 = probability_scholz(x, w, None, dist, same, plan)
        # danger level: sum over the others of E(j challenges i), every r = 1
        b1 = expected_utility(utilities(dist, None), np.swapaxes(p1, -1, -2), s_i, q)
        security = np.where(off_diag, b1, 0.0).sum(axis=-1)
        basis, r = risk_exponents(security)
        p = probability_scholz(x, w, r, dist, same, plan)
        u = utilities(dist, r)
        a = expected_utility(u, p, s_j, q)
        b = expected_utility(u, np.swapaxes(p, -1, -2), s_i, q)
        mv = moves_scholz(x, a, b, same)
    if not record:
        return mv, None
    rec = Round(median=weighted_median(x, w) if mu is None else mu, mean=weighted_mean(x, w),
                security=security, risk_basis=basis, risk_exponent=r, p_success=p,
                eu_challenge=a, eu_challenged=b, octant=octants(a, b, same),
                partner=mv.partner, kind=mv.kind, new_x=mv.new_x)
    return mv, rec


def simulate(x0: FloatArray, c: FloatArray, s: FloatArray, *, reading: Reading, q: float,
             t: float | None, max_rounds: int, tol: float, record: bool = False) -> Run:
    """Run rounds until ``max_rounds`` or until no position moves more than ``tol * R``.

    A draw of a batch that has converged is frozen; the others go on.
    """
    x = np.array(x0, dtype=float)
    w = c * s
    span = position_range(x)
    lead = x.shape[:-1]
    active = np.ones(lead, dtype=bool)
    rounds = np.zeros(lead, dtype=np.int64)
    history = [x]
    records: list[Round] = []
    for _ in range(max_rounds):
        mv, rec = play_round(x, w, s, span, reading=reading, q=q, t=t, record=record)
        if rec is not None:
            records.append(rec)
        new_x = np.where(active[..., None], mv.new_x, x)
        rounds = rounds + active
        moved = np.abs(new_x - x).max(axis=-1)
        active = active & (moved > tol * span)
        x = new_x
        history.append(x)
        if not active.any():
            break
    return Run(history=np.stack(history, axis=-2), rounds=rounds, converged=~active,
               span=span, records=records)
