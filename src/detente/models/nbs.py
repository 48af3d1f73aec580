"""Asymmetric Nash bargaining solution with the status quo as the disagreement point.

Reference: Nash (1950), "The bargaining problem", Econometrica 18(2); the asymmetric
(weighted) form of Kalai (1977) and Roth (1979); applied to multi-actor, multi-issue policy
bargaining as in Achen (2006), "Institutional realism and bargaining models", in Thomson,
Stokman, Achen & König (eds.), *The European Union Decides*, ch. 4, with the status quo as the
point of disagreement (the outcome if any actor vetoes).

The solution maximises the capability-weighted Nash product

    x* = argmax_x  Σ_i c_i · log(u_i(x) − u_i(q))                              (Kalai 1977)

over the issue box, where q is the status quo and u_i is the salience-weighted linear loss
(Achen 2006, eq. 4.2, with issue spans normalised to 1):

    u_i(x) = − Σ_k s_ik · |x_k − x_ik| / (high_k − low_k).

Issues are solved jointly, so trades across issues (logrolls) are found. An actor that cares
about no issue (all saliences 0) is indifferent and holds no veto. When no outcome makes every
other actor strictly better off than the status quo, the status quo is Pareto-optimal and is
the solution: unanimity moves nothing.

Solved exactly as a smooth concave program: with e_ik ≥ |x_k − x_ik| (two linear
constraints each), u_i is linear in (x, e), so the objective is concave and the constraints are
linear; at the optimum e_ik = |x_k − x_ik|. A linear program (HiGHS) first finds the most
interior point (the largest common gain t); if t ≤ 0 the status quo is returned.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field
from scipy.optimize import linprog, minimize

from detente.models.base import (
    FloatArray,
    ModelConfig,
    ModelInfo,
    ModelInputError,
    ScenarioArrays,
    Solution,
)


class Config(ModelConfig):
    """Settings of the Nash bargaining solution."""

    tolerance: float = Field(1e-14, gt=0, description="Optimiser tolerance (SLSQP ftol).")


def _problem(arrays: ScenarioArrays) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    if np.isnan(arrays.status_quo).any():
        missing = [i for i, q in zip(arrays.issue_ids, arrays.status_quo, strict=True)
                   if np.isnan(q)]
        raise ModelInputError(f"model 'nbs' needs a status quo on every issue; none for "
                              f"{', '.join(missing)}")
    span = arrays.upper - arrays.lower
    keep = arrays.salience.sum(axis=-1) > 0
    weight = arrays.salience[keep] / span             # (m, k)
    ideal = arrays.position[keep]                     # (m, k)
    return weight, ideal, arrays.capability[keep], np.asarray(keep)


def nash_bargain(arrays: ScenarioArrays, tolerance: float = 1e-14) -> tuple[FloatArray, str]:
    """The asymmetric Nash bargaining outcome on every issue, and why it is what it is."""
    sq = arrays.status_quo
    weight, ideal, cap, _ = _problem(arrays)
    m, k = ideal.shape
    if m == 0:
        return sq.copy(), "nobody cares about any issue: the status quo stands"
    base = (weight * np.abs(sq - ideal)).sum(axis=1)  # loss at the status quo, per actor
    # variables z = (x_1..x_k, e_11..e_mk, t); e_ij >= |x_j - ideal_ij|
    n_e = m * k
    rows, rhs = [], []
    for i in range(m):
        for j in range(k):
            col = k + i * k + j
            for sign in (1.0, -1.0):  # sign*(x_j - ideal_ij) - e_ij <= 0
                row = np.zeros(k + n_e + 1)
                row[j], row[col] = sign, -1.0
                rows.append(row)
                rhs.append(sign * ideal[i, j])
        # gain_i = base_i - sum_j w_ij e_ij >= t  ->  sum_j w_ij e_ij + t <= base_i
        row = np.zeros(k + n_e + 1)
        row[k + i * k: k + (i + 1) * k] = weight[i]
        row[-1] = 1.0
        rows.append(row)
        rhs.append(base[i])
    a_ub, b_ub = np.array(rows), np.array(rhs)
    bounds = ([(lo, hi) for lo, hi in zip(arrays.lower, arrays.upper, strict=True)]
              + [(0, None)] * n_e + [(None, None)])
    cost = np.zeros(k + n_e + 1)
    cost[-1] = -1.0
    lp = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if lp.status != 0 or lp.x[-1] <= 1e-12 * max(1.0, float(base.max())):
        return sq.copy(), "the status quo is Pareto-optimal: no outcome all actors prefer"

    def gains(z: FloatArray) -> FloatArray:
        return np.asarray(base - (weight * z[k:].reshape(m, k)).sum(axis=1))

    def objective(z: FloatArray) -> tuple[float, FloatArray]:
        g = np.maximum(gains(z), 1e-300)
        grad = np.zeros_like(z)
        grad[k:] = ((cap / g)[:, None] * weight).ravel()
        return float(-(cap * np.log(g)).sum()), grad

    # from the most interior point, drop t and maximise the Nash product
    a_x = a_ub[:, :-1]
    z0 = lp.x[:-1].copy()
    cons = [{"type": "ineq", "fun": lambda z: b_ub - a_x @ z, "jac": lambda z: -a_x}]
    res = minimize(objective, z0, jac=True, method="SLSQP", bounds=bounds[:-1],
                   constraints=cons, options={"ftol": tolerance, "maxiter": 1000})
    best = res.x if res.success and (gains(res.x) > 0).all() else z0
    return np.asarray(best[:k], dtype=float), "Nash product maximised"


def solve(arrays: ScenarioArrays, config: Config, rng: np.random.Generator) -> Solution:
    outcome, why = nash_bargain(arrays, config.tolerance)
    n = arrays.n_actors
    history = [np.vstack([arrays.position[:, k], np.full(n, outcome[k])])
               for k in range(arrays.n_issues)]
    return Solution(forecast=outcome, history=history, stop_reason=why, rounds=1)


def forecast_batch(arrays: ScenarioArrays, config: Config, rng: np.random.Generator
                   ) -> FloatArray:
    # one convex program per draw: there is no closed form to vectorise
    return np.stack([nash_bargain(arrays.draw(b), config.tolerance)[0]
                     for b in range(arrays.capability.shape[0])])


INFO = ModelInfo(
    name="nbs",
    title="Nash bargaining solution (status quo as disagreement point)",
    reference="Nash (1950), Econometrica 18(2); Kalai (1977); Achen (2006), The European "
              "Union Decides, ch. 4",
    stochastic=False,
    config=Config,
    solve=solve,
    forecast_batch=forecast_batch,
    needs=("capability", "position", "salience", "status_quo"),
    issues="joint",
)
