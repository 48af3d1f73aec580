"""Logit quantal-response equilibria of the crisis games (``detente game --qre LAMBDA``).

Source: Richard D. McKelvey and Thomas R. Palfrey, "Quantal Response Equilibria for Extensive
Form Games", *Experimental Economics* 1(1), 1998, pp. 9-41: the *agent* logit QRE. Each
information set is played by an agent who chooses action ``j`` with probability
``exp(lam * U_j) / sum_k exp(lam * U_k)``, ``U_j`` being the expected payoff of ``j`` given
the other agents' behaviour and the beliefs Bayes' rule gives (every information set is
reached, since logit choices are interior). ``lam = 0`` is uniform play; as ``lam`` grows the
AQRE approaches a sequential equilibrium (McKelvey and Palfrey 1998 show that the limit points
of AQRE as ``lam`` grows without bound are sequential equilibria). The payoffs
are those of the trees in :mod:`detente.crisis.games`, unscaled (Gambit's convention too).

In both games here every later agent's behaviour is fixed before an earlier agent's values
are formed - the defender's information sets in the deterrence game are single nodes whose
payoffs do not depend on the challenger, and the sanctions game has perfect information - so
the AQRE is found by backward recursion (logit backward induction) without a fixed point.
The signalling game's receiver forms beliefs from the signaller's behaviour, so its AQRE is a
fixed point; it is not offered here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.crisis.bargaining import FloatArray, Real, _out, _probability
from detente.crisis.games import DEFENDER_CONCEDES, DEFENDER_WAR

__all__ = ["DeterrenceQRE", "SanctionsQRE", "deterrence_qre", "logit", "sanctions_qre"]


def logit(lam: npt.ArrayLike, gain: npt.ArrayLike) -> FloatArray:
    """Probability of the first of two actions whose payoff exceeds the second's by ``gain``:
    ``1 / (1 + exp(-lam * gain))`` (the logit response of McKelvey and Palfrey 1998 with two
    actions), computed without overflow."""
    z = np.asarray(lam, dtype=np.float64) * np.asarray(gain, dtype=np.float64)
    return np.asarray(np.exp(-np.logaddexp(0.0, -z)))


def _lam(lam: npt.ArrayLike) -> FloatArray:
    out = np.asarray(lam, dtype=np.float64)
    if not np.all(np.isfinite(out)) or np.any(out < 0.0):
        raise ValueError(f"lambda must be a finite number >= 0; got {lam!r}")
    return out


@dataclass(frozen=True)
class DeterrenceQRE:
    """The deterrence game's AQRE: the challenger's probability of challenging, each defender
    type's probability of resisting, and the resulting P(war)."""

    lam: Real
    p_challenge: Real
    p_resist_resolved: Real
    p_resist_irresolute: Real
    p_war: Real


def deterrence_qre(lam: npt.ArrayLike, p_resolved: npt.ArrayLike, *,
                   win: npt.ArrayLike = 1.0, status_quo: npt.ArrayLike = 0.0,
                   war: npt.ArrayLike = -0.5) -> DeterrenceQRE:
    """Agent logit QRE of :func:`detente.crisis.games.deterrence_game` (McKelvey and Palfrey
    1998), inputs broadcast.

    Steps:
        1. Each defender type resists with ``logit(lam, u_war(type) - u_concede)``, its payoffs
           being the tree's (``DEFENDER_WAR``, ``DEFENDER_CONCEDES``).
        2. The challenger, believing the defender resolved with ``q`` (chance's probability,
           which no earlier move changes), values a challenge at
           ``sum_type P(type) [r_type war + (1 - r_type) win]`` and challenges with
           ``logit(lam, U(challenge) - status_quo)``.
        3. ``P(war) = P(challenge) (q r_resolved + (1 - q) r_irresolute)``.
    """
    lam_ = _lam(lam)
    q = _probability(p_resolved, "p_resolved")
    lam_, q, v_win, v_sq, v_war = np.broadcast_arrays(
        lam_, q, *(np.asarray(x, dtype=np.float64) for x in (win, status_quo, war)))
    r_h = logit(lam_, DEFENDER_WAR["resolved"] - DEFENDER_CONCEDES)
    r_l = logit(lam_, DEFENDER_WAR["irresolute"] - DEFENDER_CONCEDES)
    resisted = q * r_h + (1.0 - q) * r_l
    u_challenge = resisted * v_war + (1.0 - resisted) * v_win
    p_challenge = logit(lam_, u_challenge - v_sq)
    return DeterrenceQRE(lam=_out(lam_), p_challenge=_out(p_challenge),
                         p_resist_resolved=_out(r_h), p_resist_irresolute=_out(r_l),
                         p_war=_out(p_challenge * resisted))


@dataclass(frozen=True)
class SanctionsQRE:
    """The sanctions game's AQRE: each agent's probability of its first action."""

    lam: Real
    p_threaten: Real
    p_acquiesce: Real
    p_impose: Real
    p_give_in: Real
    p_sanctions_imposed: Real


def sanctions_qre(lam: npt.ArrayLike, stake_sender: npt.ArrayLike,
                  cost_sender: npt.ArrayLike, audience_cost: npt.ArrayLike,
                  cost_compliance: npt.ArrayLike, cost_target: npt.ArrayLike, *,
                  interim_share: npt.ArrayLike = 0.25) -> SanctionsQRE:
    """Agent logit QRE of :func:`detente.crisis.games.sanctions_game` by logit backward
    induction (McKelvey and Palfrey 1998), inputs broadcast; payoffs as in that tree (Lacy and
    Niou 2004).

    Steps (from the last move back):
        1. Imposed, the target gives in with ``logit(lam, (-v_t - share c_t) - (-c_t))``.
        2. Defied, the sender imposes with ``logit(lam, E[imposing] - (-a))``, ``E[imposing] =
           g (v_s - c_s) + (1 - g)(-c_s)`` with ``g`` step 1's probability.
        3. Threatened, the target acquiesces with ``logit(lam, -v_t - E[defying])``,
           ``E[defying] = i E_target[imposed] + (1 - i) 0``.
        4. The sender threatens with ``logit(lam, E[threat] - 0)``.
    """
    lam_ = _lam(lam)
    lam_, v_s, c_s, a, v_t, c_t, share = np.broadcast_arrays(
        lam_, *(np.asarray(x, dtype=np.float64) for x in (
            stake_sender, cost_sender, audience_cost, cost_compliance, cost_target,
            interim_share)))
    give_in = logit(lam_, (-v_t - share * c_t) - (-c_t))
    target_imposed = give_in * (-v_t - share * c_t) + (1.0 - give_in) * (-c_t)
    sender_imposed = give_in * (v_s - c_s) + (1.0 - give_in) * (-c_s)
    impose = logit(lam_, sender_imposed + a)
    target_defies = impose * target_imposed
    sender_defied = impose * sender_imposed - (1.0 - impose) * a
    acquiesce = logit(lam_, -v_t - target_defies)
    sender_threat = acquiesce * v_s + (1.0 - acquiesce) * sender_defied
    threaten = logit(lam_, sender_threat)
    return SanctionsQRE(lam=_out(lam_), p_threaten=_out(threaten),
                        p_acquiesce=_out(acquiesce), p_impose=_out(impose),
                        p_give_in=_out(give_in),
                        p_sanctions_imposed=_out(threaten * (1.0 - acquiesce) * impose))
