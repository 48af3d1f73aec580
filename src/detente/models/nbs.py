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

Solved as a smooth concave program: with e_ik >= |x_k - x_ik| (two linear constraints each),
u_i is linear in (x, e), so the objective is concave and the constraints are linear; at the
optimum e_ik = |x_k - x_ik|. A primal log-barrier method (:mod:`detente.models._nbs_batch`)
first maximises the smallest gain over the actors; if it cannot be made positive the status quo
is returned. It then follows the central path of the Nash product, for every draw of a batch
at once.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from detente.models._nbs_batch import nash_bargain_batch
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

    tolerance: float = Field(1e-14, gt=0, description="Barrier weight at which the interior-point "
                             "path ends (the Nash log-product's accuracy, per constraint).")


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
    if ideal.shape[0] == 0:
        return sq.copy(), "nobody cares about any issue: the status quo stands"
    out, moves = nash_bargain_batch(weight[None], ideal[None], cap[None], sq, arrays.lower,
                                    arrays.upper, tolerance=tolerance)
    if not moves[0]:
        return sq.copy(), "the status quo is Pareto-optimal: no outcome all actors prefer"
    return np.asarray(out[0], dtype=float), "Nash product maximised"


def solve(arrays: ScenarioArrays, config: Config, rng: np.random.Generator) -> Solution:
    outcome, why = nash_bargain(arrays, config.tolerance)
    n = arrays.n_actors
    history = [np.vstack([arrays.position[:, k], np.full(n, outcome[k])])
               for k in range(arrays.n_issues)]
    return Solution(forecast=outcome, history=history, stop_reason=why, rounds=1)


def forecast_batch(arrays: ScenarioArrays, config: Config, rng: np.random.Generator
                   ) -> FloatArray:
    """Every draw's Nash bargaining outcome, solved together (no loop over draws)."""
    _problem(arrays.draw(0) if arrays.batched else arrays)  # the status-quo check
    span = arrays.upper - arrays.lower
    out, _ = nash_bargain_batch(arrays.salience / span, arrays.position, arrays.capability,
                                arrays.status_quo, arrays.lower, arrays.upper,
                                tolerance=config.tolerance)
    return out


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
