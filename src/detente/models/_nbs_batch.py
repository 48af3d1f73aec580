"""The asymmetric Nash bargaining solution for a whole batch of draws at once.

The same convex program as :func:`detente.models.nbs.nash_bargain` (Kalai 1977; Achen 2006,
eq. 4.2), solved for every draw together by a primal log-barrier method with Newton steps
(Boyd and Vandenberghe 2004, *Convex Optimization*, section 11.3). Variables are the outcome
``x`` (K issues) and the distances ``e_ik >= |x_k - x_ik|`` (m actors); every constraint is
linear, so each Newton system has the arrow structure

    [ E_1            C_1 ] [de_1]
    [      ...       ... ] [ ...] = -gradient
    [ C_1^T  ...  H_yy   ] [ dy ]

where ``E_i = diag(alpha_i) + beta_i w_i w_i^T`` (actor i's distances: a diagonal plus the rank
one curvature of its log gain) is inverted by the Sherman-Morrison formula and the system is
reduced to the few outcome variables ``y`` (the Schur complement; Boyd and Vandenberghe,
appendix C.4). One iteration costs O(B m K^2) arithmetic for B draws, with no Python loop
over draws.

Phase 1 (section 11.4 of the same book) maximises the smallest gain ``t`` over the actors
(the linear program :func:`~detente.models.nbs.nash_bargain` solves with HiGHS): where it
stays at or below zero no outcome makes every actor better off and the status quo stands.
Phase 2 then follows the central path of the Nash product from that interior point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.scenario.arrays import FloatArray

BoolArray = NDArray[np.bool_]

__all__ = ["nash_bargain_batch"]

_MU_START = 1e-4
_MU_END = 1e-13
_MU_FACTOR = 0.05
_GAIN_TOL = 1e-10  # relative common gain below which the status quo stands
_NEWTON_STEPS = 60
_NEWTON_TOL = 1e-13  # stop a stage when decrement^2 / 2 falls below this times (1 + |f|)


@dataclass
class _Problem:
    """Batched data: weights ``w`` (B, m, K) (salience / span), ideals ``a`` (B, m, K),
    capabilities ``c`` (B, m), gains at the status quo ``base`` (B, m), box ``lo``/``hi``
    (K,), and ``active`` (B, m): the actors who care about some issue."""

    w: FloatArray
    a: FloatArray
    c: FloatArray
    base: FloatArray
    lo: FloatArray
    hi: FloatArray

    def take(self, rows: NDArray[Any]) -> _Problem:
        return _Problem(self.w[rows], self.a[rows], self.c[rows], self.base[rows], self.lo,
                        self.hi)


@dataclass
class _Point:
    x: FloatArray  # (B, K)
    e: FloatArray  # (B, m, K)
    t: FloatArray  # (B,) smallest-gain variable (phase 1 only; zeros in phase 2)

    def take(self, rows: NDArray[Any]) -> _Point:
        return _Point(self.x[rows], self.e[rows], self.t[rows])


def _slacks(pr: _Problem, z: _Point, phase1: bool
            ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    d = z.x[:, None, :] - pr.a
    p = z.e - d
    q = z.e + d
    u = z.x - pr.lo
    v = pr.hi - z.x
    g = pr.base - (pr.w * z.e).sum(-1)
    if phase1:
        g = g - z.t[:, None]
    return p, q, u, v, g


def _objective(pr: _Problem, z: _Point, mu: FloatArray, phase1: bool) -> FloatArray:
    p, q, u, v, g = _slacks(pr, z, phase1)
    bad = ((p <= 0).any(axis=(1, 2)) | (q <= 0).any(axis=(1, 2)) | (u <= 0).any(-1)
           | (v <= 0).any(-1) | (g <= 0).any(-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        barrier = (np.log(p).sum(axis=(1, 2)) + np.log(q).sum(axis=(1, 2))
                   + np.log(u).sum(-1) + np.log(v).sum(-1))
        weight = mu[:, None] if phase1 else pr.c
        f = -(weight * np.log(g)).sum(-1) - mu * barrier
        if phase1:
            f = f - z.t
    out: FloatArray = np.where(bad, np.inf, f)
    return out


def _newton(pr: _Problem, z: _Point, mu: FloatArray, phase1: bool
            ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Newton direction (dx, de, dt) of the barrier objective and the decrement^2."""
    p, q, u, v, g = _slacks(pr, z, phase1)
    m_ = mu[:, None, None]
    weight = mu[:, None] if phase1 else pr.c
    beta = weight / g**2                                     # (B, m)
    ip, iq = 1.0 / p, 1.0 / q
    grad_e = (weight / g)[..., None] * pr.w - m_ * (ip + iq)  # (B, m, K)
    grad_x = m_[:, 0] * ((ip - iq).sum(1) - 1.0 / u + 1.0 / v)  # (B, K)
    alpha = m_ * (ip**2 + iq**2)                              # (B, m, K)
    gamma = m_ * (iq**2 - ip**2)                              # (B, m, K)

    k = z.x.shape[1]
    ny = k + 1 if phase1 else k
    b = pr.c.shape[0]
    idx = np.arange(k)
    # E_i^{-1} v = v / alpha - beta y (y . v) / den, y = w / alpha (Sherman-Morrison)
    yv = pr.w / alpha
    den = 1.0 + beta * (pr.w * yv).sum(-1)                   # (B, m)

    def e_inv(vec: FloatArray) -> FloatArray:  # E_i^{-1} vec_i for (B, m, K)
        out: FloatArray = vec / alpha - (beta / den * (yv * vec).sum(-1))[..., None] * yv
        return out

    einv_g = e_inv(grad_e)                                    # (B, m, K)
    # the Schur complement written without cancellation: per actor and issue the barrier's
    # curvature in x left after eliminating e is alpha - gamma^2 / alpha = 4 mu / (p^2 + q^2)
    sd = beta / den                                            # (B, m)
    gy = gamma * yv                                            # (B, m, K)
    schur = np.zeros((b, ny, ny))
    schur[:, idx, idx] = mu[:, None] * (1.0 / u**2 + 1.0 / v**2 + (4.0 / (p**2 + q**2)).sum(1))
    schur[:, :k, :k] += np.einsum("bm,bmk,bml->bkl", sd, gy, gy)
    grad_y = grad_x
    if phase1:
        schur[:, :k, k] = schur[:, k, :k] = -np.einsum("bm,bmk->bk", sd, gy)
        schur[:, k, k] = sd.sum(-1)
        grad_y = np.concatenate((grad_x, ((weight / g).sum(-1) - 1.0)[:, None]), axis=1)
    # right-hand side: -grad_y + C^T E^{-1} grad_e, with C_i = [diag(gamma_i) | beta_i w_i]
    rhs_x = -grad_x + (gamma * einv_g).sum(1)
    if phase1:
        rhs_t = -grad_y[:, k] + (beta * (pr.w * einv_g).sum(-1)).sum(-1)
        rhs = np.concatenate((rhs_x, rhs_t[:, None]), axis=1)
    else:
        rhs = rhs_x
    dy = np.linalg.solve(schur, rhs[..., None])[..., 0]
    dx = dy[:, :k]
    dt = dy[:, k] if phase1 else np.zeros(b)
    coupled = gamma * dx[:, None, :]
    if phase1:
        coupled = coupled + beta[..., None] * pr.w * dt[:, None, None]
    de = -einv_g - e_inv(coupled)
    decrement = -((grad_e * de).sum(axis=(1, 2)) + (grad_y * dy).sum(-1))
    return dx, de, dt, decrement


def _step_limit(pr: _Problem, z: _Point, dx: FloatArray, de: FloatArray, dt: FloatArray,
                phase1: bool) -> FloatArray:
    """The largest step in (0, 1] that keeps every slack positive (times 0.99)."""
    p, q, _, _, g = _slacks(pr, z, phase1)
    dp = de - dx[:, None, :]
    dq = de + dx[:, None, :]
    dg = -(pr.w * de).sum(-1) - (dt[:, None] if phase1 else 0.0)
    limit = np.ones(z.x.shape[0])
    for s, ds in ((p, dp), (q, dq), (z.x - pr.lo, dx), (pr.hi - z.x, -dx), (g, dg)):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(ds < 0, -s / ds, np.inf)
        limit = np.minimum(limit, r.reshape(r.shape[0], -1).min(-1))
    return 0.99 * limit


def _centre(pr: _Problem, z: _Point, mu: FloatArray, phase1: bool,
            live: BoolArray, tau: FloatArray | float = 0.0) -> _Point:
    """Newton's method with backtracking at barrier weight ``mu``, on the live draws only
    (each step works on the draws still moving, so finished draws cost nothing)."""
    tau_all = np.broadcast_to(np.asarray(tau, dtype=np.float64), mu.shape)
    todo = np.flatnonzero(live)
    for _ in range(_NEWTON_STEPS):
        if todo.size == 0:
            break
        sub, zs, ms = pr.take(todo), z.take(todo), mu[todo]
        dx, de, dt, dec = _newton(sub, zs, ms, phase1)
        f0 = _objective(sub, zs, ms, phase1)
        go = (dec / 2.0 > _NEWTON_TOL * (1.0 + np.abs(f0))) & np.isfinite(dec)
        if phase1:
            go &= zs.t <= tau_all[todo]  # phase 1 stops once every gain is clearly positive
        todo, sub, zs, ms = todo[go], sub.take(go), zs.take(go), ms[go]
        dx, de, dt, dec, f0 = dx[go], de[go], dt[go], dec[go], f0[go]
        if todo.size == 0:
            break
        step = _step_limit(sub, zs, dx, de, dt, phase1)
        slack = 1e-15 * np.abs(np.where(np.isfinite(f0), f0, 0.0))  # rounding of f itself
        pending = np.arange(todo.size)
        for _ls in range(40):
            trial = _Point(zs.x[pending] + step[pending, None] * dx[pending],
                           zs.e[pending] + step[pending, None, None] * de[pending],
                           zs.t[pending] + step[pending] * dt[pending])
            f1 = _objective(sub.take(pending), trial, ms[pending], phase1)
            ok = f1 <= f0[pending] - 0.25 * step[pending] * dec[pending] + slack[pending]
            rows = todo[pending[ok]]
            z.x[rows], z.e[rows], z.t[rows] = trial.x[ok], trial.e[ok], trial.t[ok]
            pending = pending[~ok]
            if pending.size == 0:
                break
            step[pending] *= 0.5
        todo = np.setdiff1d(todo, todo[pending])  # no acceptable step: as good as it gets
    return z


def nash_bargain_batch(weight: FloatArray, ideal: FloatArray, capability: FloatArray,
                       status_quo: FloatArray, lower: FloatArray, upper: FloatArray, *,
                       tolerance: float = _MU_END) -> tuple[FloatArray, FloatArray]:
    """Nash bargaining outcomes ``(B, K)`` and whether each moved from the status quo ``(B,)``.

    ``weight`` (B, m, K) is salience / span (zero rows for actors who care about nothing:
    they hold no veto), ``ideal`` (B, m, K), ``capability`` (B, m), ``status_quo`` (K,),
    ``lower``/``upper`` (K,). ``tolerance`` is the barrier weight at which the central path
    ends: the Nash log-product is then within about (number of constraints) x tolerance of
    its maximum (Boyd and Vandenberghe 2004, section 11.2.2).
    """
    b, _, k = ideal.shape
    active = weight.sum(-1) > 0
    w = np.where(active[..., None], weight, 0.0)
    a = np.where(active[..., None], ideal, status_quo)
    base = (w * np.abs(status_quo - a)).sum(-1)
    # an actor who cares about nothing: gain fixed at 1 and no weight, so it never binds
    base = np.where(active, base, 1.0)
    c = np.where(active, capability, 0.0)
    pr = _Problem(w=w, a=a, c=c, base=base, lo=lower, hi=upper)

    span = upper - lower
    x0 = np.broadcast_to(np.clip(status_quo, lower + 1e-3 * span, upper - 1e-3 * span),
                         (b, k)).copy()
    e0 = np.abs(x0[:, None, :] - a) + 1e-3 * span
    gain0 = base - (w * e0).sum(-1)
    t0 = np.where(active, gain0, np.inf).min(-1) - 1.0
    z = _Point(x0, e0, t0)
    scale = np.maximum(1.0, np.where(active, base, 0.0).max(-1))
    live = active.any(-1)

    # phase 1: push the smallest gain above zero, or find that it cannot be
    tau = _GAIN_TOL * scale
    mu = np.full(b, 1.0)
    while True:
        z = _centre(pr, z, mu, True, live & (z.t <= tau), tau)
        mu = np.where(z.t <= tau, mu * _MU_FACTOR, mu)
        if not (live & (z.t <= tau) & (mu > _MU_END * scale)).any():
            break
    moves = live & (z.t > tau)

    # phase 2: the Nash product from the interior point (the smallest gain is now positive)
    z = _Point(z.x, z.e, np.zeros(b))
    mu = _MU_START * np.ones(b)
    while True:
        z = _centre(pr, z, mu, False, moves)
        if (mu <= tolerance).all():
            break
        mu = mu * _MU_FACTOR
    x = _snap_to_kinks(pr, np.where(moves[:, None], z.x, status_quo), moves)
    return x, moves


def nash_log_product(pr: _Problem, x: FloatArray) -> FloatArray:
    """``sum_i c_i log(u_i(x) - u_i(q))`` at outcomes ``x`` (B, K); -inf where a gain <= 0."""
    gain = pr.base - (pr.w * np.abs(x[:, None, :] - pr.a)).sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (pr.c * np.log(np.where(gain > 0, gain, np.nan))).sum(-1)
    out: FloatArray = np.where(np.isnan(f), -np.inf, f)
    return out


def _snap_to_kinks(pr: _Problem, x: FloatArray, moves: BoolArray) -> FloatArray:
    """Move each issue to the nearest kink (an actor's ideal or a bound) when that does not
    lower the Nash product. Where the optimum sits on a kink the central path approaches it
    only like sqrt(barrier weight); the kink itself is then the exact optimum."""
    x = x.copy()
    span = pr.hi - pr.lo
    for k in range(x.shape[1]):
        kinks = np.concatenate((pr.a[:, :, k], np.broadcast_to([pr.lo[k], pr.hi[k]],
                                                               (x.shape[0], 2))), axis=1)
        gap = np.abs(kinks - x[:, k, None])
        nearest = kinks[np.arange(x.shape[0]), np.argmin(gap, axis=1)]
        trial = x.copy()
        trial[:, k] = nearest
        better = (moves & (np.abs(nearest - x[:, k]) < 1e-3 * span[k])
                  & (nash_log_product(pr, trial) >= nash_log_product(pr, x)))
        x[:, k] = np.where(better, nearest, x[:, k])
    return x
