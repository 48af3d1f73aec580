"""How the challenger signals: the two-type costly-signal stage game.

Everything here is a pure function over arrays with a leading run axis; the equations and
their derivations are in ``docs/escalation.md`` (sections 3 and 4).

* :func:`stage_game` - the two-type signalling game with sunk costs and tied hands (Fearon
  1994, 1997; Schultz 2001): the receiver's threshold (G1), the credibility threshold (G2)
  and the perfect Bayesian equilibrium in every region of the parameters.

The coalition's credibility given its audience cost (A1, A2) is the crisis core's rule,
:func:`detente.crisis.sanctions.sanctions_credibility`, fed the run's state by the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.crisis.bargaining import FloatArray

__all__ = ["CASES", "StageEquilibrium", "stage_game"]

#: Equilibrium regions of the stage game (``docs/escalation.md``, section 3).
CASES: dict[int, str] = {
    0: "no need to signal (the receiver yields on the prior)",
    1: "pooling on the signal (credible threat)",
    2: "separating",
    3: "semi-separating (credible threat; the unresolved type signals)",
    4: "semi-separating (the unresolved type bluffs)",
    5: "pooling on no signal (the receiver presses)",
}


@dataclass(frozen=True)
class StageEquilibrium:
    """The stage game's equilibrium, one entry per run.

    ``sigma_h``/``sigma_l``: probabilities that the resolved/unresolved type signals;
    ``yield_signal``/``yield_none``: probabilities that the receiver yields after a signal and
    after none; ``mu_star`` the receiver's threshold (G1); ``credible`` whether (G2) holds;
    ``case`` the region (:data:`CASES`); ``p_war`` the stage's probability that the
    receiver presses a type that fights.
    """

    sigma_h: FloatArray
    sigma_l: FloatArray
    yield_signal: FloatArray
    yield_none: FloatArray
    mu_star: FloatArray
    credible: npt.NDArray[np.bool_]
    case: npt.NDArray[np.int64]
    p_war: FloatArray


def stage_game(mu: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike, k: npt.ArrayLike,
               a: npt.ArrayLike, v_h: npt.ArrayLike, w_h: npt.ArrayLike, v_l: npt.ArrayLike,
               w_l: npt.ArrayLike) -> StageEquilibrium:
    """Perfect Bayesian equilibrium of the two-type costly-signal game (``docs/escalation.md``,
    section 3; Fearon 1997 for sunk costs versus tied hands).

    Steps:
        1. The receiver presses iff the probability that the signaller fights is below
           ``mu* = b / (b + c)`` (G1); with ``c <= 0`` it prefers war to yielding and never
           yields.
        2. After a signal the unresolved type fights if pressed iff ``a >= -w_l`` (G2): the
           signal is then a credible threat and the receiver yields to it.
        3. The region of ``(mu, k, a)`` picks the equilibrium: no need to signal
           (``mu >= mu*``); with a credible threat, pooling on the signal, separating,
           semi-separating or pooling on no signal; with bluffs possible, separating
           (``v_l <= k < v_h - w_h``), semi-separating (``k < v_l`` and
           ``rho (v_h - w_h) > k`` with ``rho = (k + a)/(v_l + a)``) or pooling on no signal.

    Args:
        mu: prior probability that the signaller is resolved, in [0, 1].
        b: the receiver's gain from pressing a signaller that backs down (> 0).
        c: the receiver's loss from pressing a signaller that fights (> 0 for a receiver
            that ever yields).
        k: the signal's sunk cost (>= 0); a: its audience cost (>= 0).
        v_h, v_l: each type's payoff when the receiver yields (relative to backing down).
        w_h, w_l: each type's payoff from fighting (``w_h > 0 >= w_l`` for the two types to
            differ).
    """
    mu_, b_, c_, k_, a_, vh, wh, vl, wl = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (mu, b, c, k, a, v_h, w_h, v_l, w_l)))
    never = c_ <= 0.0
    mu_star = np.where(never, np.inf, b_ / np.where(never, 1.0, b_ + c_))
    credible = a_ >= -wl
    need = (mu_ < mu_star) | never
    gap = vh - wh
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.clip(np.where(vl + a_ > 0.0, (k_ + a_) / (vl + a_), 1.0), 0.0, 1.0)
        ratio = np.where((mu_star > 0.0) & (mu_ < 1.0) & np.isfinite(mu_star),
                         mu_ * (1.0 - mu_star) / ((1.0 - mu_) * mu_star), 0.0)
        y0_semi = np.where(vl > 0.0, 1.0 - k_ / vl, 0.0)
    ratio = np.clip(ratio, 0.0, 1.0)

    cred = need & credible & ~never
    bluff = need & ~credible & ~never
    case = np.full(mu_.shape, 5, dtype=np.int64)
    case[~need] = 0
    case[cred & (k_ < vl) & (k_ < gap)] = 1
    case[cred & (k_ >= vl) & (k_ < gap)] = 2
    case[cred & (k_ >= gap) & (k_ < vl)] = 3
    case[bluff & (k_ >= vl) & (k_ < gap)] = 2
    case[bluff & (k_ < vl) & (rho * gap > k_)] = 4
    # with no resolved type (mu = 0) a signal comes only from the unresolved type: a credible
    # one is yielded to (it signals iff k < v_l); a bluff is pressed, so nobody sends one
    none_h = mu_ <= 0.0
    case[none_h & bluff] = 5
    case[none_h & cred] = np.where(k_ < vl, 1, 5)[none_h & cred]

    sigma_h = np.select([case == 1, case == 2, case == 4], [1.0, 1.0, 1.0], 0.0)
    sigma_l = np.select([case == 1, case == 3, case == 4], [1.0, 1.0 - ratio, ratio], 0.0)
    yield_signal = np.select([case == 0, credible & ~never, case == 2, case == 4],
                             [1.0, 1.0, 1.0, rho], 0.0)
    yield_none = np.select([case == 0, case == 3], [1.0, y0_semi], 0.0)
    # with mu = 0 the resolved type is off the path; it plays its best response
    best_h = (yield_signal * vh + (1.0 - yield_signal) * np.maximum(wh, -a_) - k_
              > yield_none * vh + (1.0 - yield_none) * np.maximum(wh, 0.0))
    sigma_h = np.where(none_h, best_h.astype(np.float64), sigma_h)
    with np.errstate(invalid="ignore"):
        p_war = np.select([case == 3, case == 4, case == 5],
                          [mu_ * (1.0 - y0_semi), mu_ * (1.0 - rho), mu_], 0.0)
    return StageEquilibrium(sigma_h=sigma_h, sigma_l=sigma_l, yield_signal=yield_signal,
                            yield_none=yield_none, mu_star=mu_star, credible=credible,
                            case=case, p_war=p_war)

