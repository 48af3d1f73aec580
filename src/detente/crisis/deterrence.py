"""Deterrence with one-sided incomplete information about the defender's resolve.

Sources: James D. Morrow, *Game Theory for Political Scientists* (Princeton, 1994), ch. 8
(deterrence games with incomplete information); James D. Fearon, "Signaling versus the Balance
of Power and Interests", *Journal of Conflict Resolution* 38(2), 1994; Frank C. Zagare and
D. Marc Kilgour, *Perfect Deterrence* (Cambridge, 2000), whose central demand is that
deterrent threats be credible.

The game: the challenger chooses to challenge the status quo or not. If challenged, the
defender - *resolved* with probability ``q`` (it prefers fighting to conceding), *irresolute*
otherwise (it prefers conceding) - resists or concedes. Only the defender knows its type.
Optionally (``back_down`` given) a resisted challenger may then back down instead of fighting.

Sequential rationality (a perfect Bayesian equilibrium; here backward induction suffices
because the challenger's payoff once resisted does not depend on the defender's type, so its
beliefs never decide a move) pins the defender's behaviour. When a resisted challenger fights,
the resolved type resists and the irresolute type concedes: the Nash equilibrium in which the
irresolute defender "threatens" to resist and so deters for every ``q`` rests on a threat it
would not carry out, and is excluded - this is the perfect-deterrence requirement. When a
resisted challenger backs down instead, resisting costs the irresolute type nothing (the
challenger retreats; every defender prefers that to conceding), so both types resist: the
irresolute defender bluffs, the bluff is never called, and ``q`` plays no part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from detente.crisis.bargaining import (
    Flag,
    Real,
    _checked,
    _flag,
    _out,
    _probability,
    _Result,
)

# Below this the challenger is treated as indifferent, so rounding does not decide the tie.
_TIE = 1e-12


@dataclass(frozen=True)
class DeterrenceResult(_Result):
    """Equilibrium of the deterrence game (challenger payoffs as given).

    ``threshold`` is ``q*``: deterrence holds iff ``p_resolved > q*``. It may fall outside
    [0, 1]: ``q* <= 0`` means the challenger never gains by challenging, ``q* >= 1`` that it
    challenges even a surely resolved defender; where the irresolute defender bluffs
    (``irresolute_resists``) ``q`` plays no part and ``q*`` is ``-inf`` (deterred at every
    ``q``) or ``inf`` (challenges at every ``q``). ``indifferent`` flags the challenger's
    indifference (``q = q*``), where - by convention, see :func:`deterrence` - it challenges.
    """

    threshold: Real
    challenges: Flag
    irresolute_resists: Flag
    deterred: Flag
    indifferent: Flag
    fights_if_resisted: Flag
    expected_utility_challenge: Real
    p_challenge: Real
    p_war: Real
    p_defender_concedes: Real
    p_challenger_backs_down: Real
    p_status_quo: Real


def deterrence(
    p_resolved: npt.ArrayLike,
    *,
    win: npt.ArrayLike = 1.0,
    status_quo: npt.ArrayLike = 0.0,
    war: npt.ArrayLike = -0.5,
    back_down: npt.ArrayLike | None = None,
    ties: Literal["challenge", "settle"] = "challenge",
) -> DeterrenceResult:
    """Solve the one-sided incomplete-information deterrence game by backward induction.

    Steps:
        1. A resisted challenger fights if ``war >= back_down`` (always, when ``back_down`` is
           None), so its payoff when resisted is ``r = max(war, back_down)``; its type-blind
           payoffs make this the same whatever it believes about the defender.
        2. Defender: the resolved type resists. The irresolute type concedes if a resisted
           challenger fights (it prefers conceding to war) and resists if it backs down (a
           retreating challenger beats conceding for every defender): each does what it
           prefers at that node, so no threat is one it would not carry out.
        3. Challenger, when it fights if resisted: ``EU(challenge) = (1 - q) win + q r``; it
           challenges iff this is at least ``status_quo``. Solving for ``q`` gives the
           threshold ``q* = (win - status_quo) / (win - r)`` (Morrow 1994, ch. 8). When it
           backs down, every defender resists, ``EU(challenge) = back_down``, and it challenges
           iff ``back_down >= status_quo``, whatever ``q`` is (``q* = -inf`` or ``inf``).
        4. Tie: where the challenger is indifferent we let it challenge, so that "deterred" is
           claimed only when deterrence holds strictly (a defender should not rest its policy
           on an indifferent adversary). ``ties="settle"`` makes an indifferent challenger
           keep the status quo instead, the convention of the scenario analysis (an
           indifferent party settles; :mod:`detente.crisis.war_values`).
        5. Outcome probabilities: if it fights when resisted, ``P(war) = P(challenge) * q`` and
           ``P(concession) = P(challenge) * (1 - q)``; if it backs down, ``P(back down) =
           P(challenge)`` and nobody concedes or fights.

    Args:
        p_resolved: ``q``, the challenger's belief that the defender is resolved, in [0, 1].
        win: challenger's payoff when the defender concedes.
        status_quo: challenger's payoff from not challenging.
        war: challenger's payoff from war; must be below ``win``.
        back_down: challenger's payoff from backing down after resistance (None: it cannot).
        ties: what an indifferent challenger does (step 4).

    Golden case (defaults): ``win=1, status_quo=0, war=-0.5`` gives ``q* = 2/3``. With
    ``back_down=-0.2`` (preferred to war) the irresolute defender bluffs and the challenger,
    sure to be resisted, is deterred at every ``q``. Inputs broadcast.
    """
    q = _probability(p_resolved, "p_resolved")
    v_win = _checked(win, "win")
    v_sq = _checked(status_quo, "status_quo")
    v_war = _checked(war, "war")
    resisted, fights = _resisted_payoff(v_war, back_down)
    q, v_win, v_sq, resisted, fights = np.broadcast_arrays(q, v_win, v_sq, resisted, fights)
    if np.any(v_win <= resisted):
        raise ValueError("win must exceed the challenger's payoff when resisted (war/back_down)")
    bluff = ~fights  # a challenger that backs down once resisted meets resistance from all
    p_resisted = np.where(bluff, 1.0, q)
    eu_challenge = (1.0 - p_resisted) * v_win + p_resisted * resisted
    indifferent = np.abs(eu_challenge - v_sq) <= _TIE
    challenges = ((eu_challenge > v_sq) | indifferent if ties == "challenge"
                  else eu_challenge - v_sq > _TIE)
    threshold = np.where(bluff, np.where(challenges, np.inf, -np.inf),
                         (v_win - v_sq) / (v_win - resisted))
    p_challenge = challenges.astype(np.float64)
    return DeterrenceResult(
        threshold=_out(threshold),
        challenges=_flag(challenges),
        irresolute_resists=_flag(bluff),
        deterred=_flag(~challenges),
        indifferent=_flag(indifferent),
        fights_if_resisted=_flag(fights),
        expected_utility_challenge=_out(eu_challenge),
        p_challenge=_out(p_challenge),
        p_war=_out(p_challenge * q * fights),
        p_defender_concedes=_out(p_challenge * (1.0 - p_resisted)),
        p_challenger_backs_down=_out(p_challenge * p_resisted * bluff),
        p_status_quo=_out(1.0 - p_challenge),
    )


def _resisted_payoff(
    war: npt.NDArray[np.float64], back_down: npt.ArrayLike | None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The challenger's payoff once resisted and whether it fights (it does when indifferent)."""
    if back_down is None:
        return war, np.ones_like(war, dtype=np.bool_)
    v_back = _checked(back_down, "back_down")
    fights = war >= v_back
    return np.where(fights, war, v_back), fights
