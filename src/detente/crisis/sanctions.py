"""The sanctions threat game, with outcomes labelled by TIES final-outcome codes.

Sources: Daniel W. Drezner, *The Sanctions Paradox* (Cambridge, 1999); Dean Lacy and Emerson
M. S. Niou, "A Theory of Economic Sanctions and Issue Linkage", *Journal of Politics* 66(1),
2004; Taehee Whang, Elena V. McLean and Douglas W. Kuberski, "Coercion, Information, and the
Success of Sanction Threats", *American Journal of Political Science* 57(1), 2013; outcome
codes from the Threat and Imposition of Economic Sanctions (TIES) data, T. Clifton Morgan,
Navin Bapat and Valentin Krustev (2009) / Morgan, Bapat and Kobayashi (2014), variable
"final outcome".

The game (one shot):

1. The sender threatens sanctions unless the target complies, or does nothing (status quo,
   payoffs 0/0; not a TIES case, coded :data:`NO_THREAT`).
2. The target acquiesces (TIES 2: sender ``+stake_sender``, target ``-cost_compliance``) or
   defies.
3. The sender imposes or backs down (TIES 3: sender ``-audience_cost``, target 0).
4. After imposition the target gives in (TIES 7: sender ``stake_sender - cost_sender``,
   target ``-cost_compliance - interim_share * cost_target``, the damage done before the
   sanctions are lifted) or endures (TIES 9, stalemate: sender ``-cost_sender``, target
   ``-cost_target``).

Under complete information the game is solved by backward induction
(:func:`sanctions_complete_information`); sanctions are then never imposed on the equilibrium
path - Drezner's and Lacy and Niou's point that sanctions which would work succeed at the
threat stage. :func:`sanctions_incomplete_information` adds private information on both sides
(the sender's resolve, the target's cost of enduring sanctions) and solves for a perfect
Bayesian equilibrium; imposition then happens with positive probability.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.crisis.bargaining import (
    ContinuousDistribution,
    Flag,
    FloatArray,
    Real,
    _checked,
    _continuous,
    _flag,
    _is_distribution,
    _nonnegative,
    _out,
    _probability,
    _Result,
    _sample,
    _scalar,
)

#: TIES "final outcome" codes (Morgan, Bapat and Kobayashi 2014 codebook).
TIES_OUTCOMES: dict[int, str] = {
    1: "Partial acquiescence by target to threat",
    2: "Complete acquiescence by target to threat",
    3: "Capitulation by sender in threat stage",
    4: "Stalemate in threat stage",
    5: "Negotiated settlement in threat stage",
    6: "Partial acquiescence by target after imposition",
    7: "Total acquiescence by target after imposition",
    8: "Capitulation by sender after imposition",
    9: "Stalemate after imposition",
    10: "Negotiated settlement after imposition",
}
#: Code used here for "the sender makes no threat" (outside TIES, which records threats).
NO_THREAT = 0
ACQUIESCE_TO_THREAT = 2
SENDER_BACKS_DOWN = 3
GIVES_IN_AFTER_IMPOSITION = 7
STALEMATE_AFTER_IMPOSITION = 9
#: The codes this game can produce, in order of play.
GAME_OUTCOMES: tuple[int, ...] = (
    NO_THREAT,
    ACQUIESCE_TO_THREAT,
    SENDER_BACKS_DOWN,
    GIVES_IN_AFTER_IMPOSITION,
    STALEMATE_AFTER_IMPOSITION,
)


def _stakes(
    stake_sender: npt.ArrayLike,
    cost_sender: npt.ArrayLike,
    audience_cost: npt.ArrayLike,
    cost_compliance: npt.ArrayLike,
    interim_share: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    return (
        _checked(stake_sender, "stake_sender", low=0.0, low_open=True),
        _nonnegative(cost_sender, "cost_sender"),
        _nonnegative(audience_cost, "audience_cost"),
        _checked(cost_compliance, "cost_compliance", low=0.0, low_open=True),
        _checked(interim_share, "interim_share", low=0.0, high=1.0, low_open=True, high_open=True),
    )


# ------------------------------------------------------------------ complete information


@dataclass(frozen=True)
class SanctionsOutcome(_Result):
    """Subgame-perfect outcome of the sanctions game under complete information.

    ``outcome`` is the TIES code reached (0 = no threat). The ``*_if_*`` flags are the
    strategies at each node (also off the path); ``imposed``/``target_gives_in`` describe the
    path. ``outcome_probabilities`` maps each code of :data:`GAME_OUTCOMES` to 0 or 1.
    """

    outcome: int | npt.NDArray[np.int64]
    threatens: Flag
    target_acquiesces_if_threatened: Flag
    sender_imposes_if_defied: Flag
    target_gives_in_if_imposed: Flag
    imposed: Flag
    target_gives_in: Flag
    payoff_sender: Real
    payoff_target: Real
    outcome_probabilities: dict[int, Real]
    p_imposed: Real
    p_target_gives_in: Real


def sanctions_complete_information(
    stake_sender: npt.ArrayLike,
    cost_sender: npt.ArrayLike,
    audience_cost: npt.ArrayLike,
    cost_compliance: npt.ArrayLike,
    cost_target: npt.ArrayLike,
    *,
    interim_share: npt.ArrayLike = 0.25,
) -> SanctionsOutcome:
    """Backward induction in the sanctions threat game (Lacy and Niou 2004; Drezner 1999).

    Steps (ties: the target complies when indifferent, the sender follows through on a threat
    when indifferent, and threatens only when a threat strictly pays):
        1. After imposition the target gives in iff ``-v_T - lam c_T >= -c_T``, i.e.
           ``c_T >= v_T / (1 - lam)``.
        2. A defied sender imposes iff its imposition payoff (``v_S - c_S`` if the target will
           give in, ``-c_S`` if it will endure) is at least ``-audience_cost``.
        3. The target acquiesces iff ``-v_T`` is at least its payoff from defying.
        4. The sender threatens iff the outcome of steps 1-3 gives it more than 0.

    With ``lam > 0`` a target that would give in after imposition strictly prefers giving in
    to the threat; a target with ``v_T <= c_T < v_T / (1 - lam)`` would endure imposed
    sanctions yet still yields to a credible threat (``-v_T >= -c_T``); and against a target
    with ``c_T < v_T`` a defied sender earns at most ``-c_S <= 0``, so it does not threaten.
    Imposition is therefore never on the path (the result the tests check).

    Args:
        stake_sender: ``v_S > 0``, what the target's compliance is worth to the sender.
        cost_sender: ``c_S >= 0``, the sender's cost of imposing.
        audience_cost: ``a >= 0``, the sender's cost of backing down from its threat.
        cost_compliance: ``v_T > 0``, what complying costs the target.
        cost_target: ``c_T >= 0``, the target's cost of enduring sanctions.
        interim_share: ``lam`` in (0, 1), the share of ``c_T`` the target suffers if it gives
            in only after sanctions are imposed.

    Inputs broadcast; scalars give scalar fields.
    """
    v_s, c_s, a, v_t, lam = _stakes(
        stake_sender, cost_sender, audience_cost, cost_compliance, interim_share
    )
    c_t = _nonnegative(cost_target, "cost_target")
    v_s, c_s, a, v_t, lam, c_t = np.broadcast_arrays(v_s, c_s, a, v_t, lam, c_t)
    gives_in = (1.0 - lam) * c_t >= v_t
    target_if_imposed = np.where(gives_in, -v_t - lam * c_t, -c_t)
    sender_if_imposed = np.where(gives_in, v_s - c_s, -c_s)
    imposes = sender_if_imposed >= -a
    acquiesces = -v_t >= np.where(imposes, target_if_imposed, 0.0)
    sender_if_threat = np.where(acquiesces, v_s, np.where(imposes, sender_if_imposed, -a))
    target_if_threat = np.where(acquiesces, -v_t, np.where(imposes, target_if_imposed, 0.0))
    threatens = sender_if_threat > 0.0
    outcome = np.select(
        [~threatens, acquiesces, ~imposes, gives_in],
        [NO_THREAT, ACQUIESCE_TO_THREAT, SENDER_BACKS_DOWN, GIVES_IN_AFTER_IMPOSITION],
        default=STALEMATE_AFTER_IMPOSITION,
    ).astype(np.int64)
    imposed = np.isin(outcome, (GIVES_IN_AFTER_IMPOSITION, STALEMATE_AFTER_IMPOSITION))
    complied = np.isin(outcome, (ACQUIESCE_TO_THREAT, GIVES_IN_AFTER_IMPOSITION))
    return SanctionsOutcome(
        outcome=int(outcome) if outcome.ndim == 0 else outcome,
        threatens=_flag(threatens),
        target_acquiesces_if_threatened=_flag(acquiesces),
        sender_imposes_if_defied=_flag(imposes),
        target_gives_in_if_imposed=_flag(gives_in),
        imposed=_flag(imposed),
        target_gives_in=_flag(complied),
        payoff_sender=_out(np.where(threatens, sender_if_threat, 0.0)),
        payoff_target=_out(np.where(threatens, target_if_threat, 0.0)),
        outcome_probabilities={
            code: _out((outcome == code).astype(np.float64)) for code in GAME_OUTCOMES
        },
        p_imposed=_out(imposed.astype(np.float64)),
        p_target_gives_in=_out(complied.astype(np.float64)),
    )


# ---------------------------------------------------------------- incomplete information


class _TargetTypes:
    """The sender's belief about the target's cost of enduring sanctions."""

    def __init__(self, cost_target: Any, weights: npt.ArrayLike | None) -> None:
        self._dist: ContinuousDistribution | None = None
        if _is_distribution(cost_target):
            self._dist = _continuous(cost_target, "cost_target")
            return
        self._costs, self._w = _sample(
            np.asarray(cost_target, dtype=np.float64), weights, "cost_target"
        )
        self._tail = np.concatenate((np.cumsum(self._w[::-1])[::-1], [0.0]))

    def at_least(self, t: float) -> float:
        """P(c >= t)."""
        if self._dist is not None:
            return 0.0 if t == np.inf else float(self._dist.sf(t))
        return float(self._tail[np.searchsorted(self._costs, t, side="left")])

    def above(self, t: float) -> float:
        """P(c > t)."""
        if self._dist is not None:
            return self.at_least(t)
        return float(self._tail[np.searchsorted(self._costs, t, side="right")])

    def upper_quantile(self, mass: float) -> float:
        """The largest ``t`` with ``P(c >= t) >= mass`` (inf for ``mass <= 0``)."""
        if mass <= 0.0:
            return float("inf")
        if self._dist is not None:
            return float(self._dist.isf(mass))
        ok = self._tail[:-1] >= mass - 1e-12
        return float(self._costs[np.nonzero(ok)[0][-1]]) if ok.any() else float("-inf")


@dataclass(frozen=True)
class _Response:
    """The target's equilibrium response to a threat of credibility ``pi``."""

    pi: float
    threshold: float
    acquiesce: float
    defy_gives_in: float
    defy_endures: float


@dataclass(frozen=True)
class SanctionsEquilibrium(_Result):
    """Perfect Bayesian equilibrium of the sanctions game with two-sided private information.

    ``equilibrium`` is ``"pooling"`` (both sender types threaten), ``"semi-separating"`` (the
    irresolute sender bluffs with probability ``p_threat_irresolute``), ``"separating"`` (only
    the resolved sender threatens) or ``"no threat"``. ``credibility`` is the target's
    posterior that a threatening sender is resolved, i.e. the probability that defiance is
    punished (None without a threat). ``acquiescence_threshold``: target types whose cost of
    enduring is at least this acquiesce; ``give_in_threshold``: types at or above it give in
    once sanctions are imposed. Outcome probabilities are unconditional, keyed by TIES code
    (0 = no threat).
    """

    equilibrium: str
    credibility: float | None
    p_threat_resolved: float
    p_threat_irresolute: float
    p_threat: float
    p_acquiesce_given_threat: float
    acquiescence_threshold: float
    give_in_threshold: float
    outcome_probabilities: dict[int, float]
    p_imposed: float
    p_target_gives_in: float
    payoff_resolved_sender: float
    payoff_irresolute_sender: float


def sanctions_incomplete_information(
    stake_sender: float,
    cost_sender: float,
    audience_cost: float,
    cost_compliance: float,
    cost_target: ContinuousDistribution | npt.ArrayLike,
    p_resolved: float,
    *,
    interim_share: float = 0.25,
    weights: npt.ArrayLike | None = None,
) -> SanctionsEquilibrium:
    """Perfect Bayesian equilibrium of the sanctions game (after Whang, McLean and Kuberski 2013).

    Private information:
        * Sender resolve: with prior ``p_resolved`` the sender is *resolved* - imposing costs it
          ``cost_sender <= audience_cost``, so it imposes when defied whatever the target does
          next; otherwise *irresolute* - imposing would cost more than ``stake_sender +
          audience_cost``, so it backs down even from a target that would then give in. Each
          type's behaviour when defied is thus sequentially rational for any belief.
        * Target cost tolerance: ``cost_target`` (the target's cost of enduring) is drawn from a
          frozen continuous ``scipy.stats`` distribution, a sample (optional ``weights``), or is
          a known number.

    Steps:
        1. Target facing a threat believed to be followed by imposition with probability
           ``pi`` acquiesces iff ``-v_T >= pi * max(-v_T - lam c, -c)``, i.e. iff its cost is at
           least ``t(pi)`` (an increasing cost makes both acquiescing and giving in later more
           attractive); after imposition it gives in iff ``c >= v_T / (1 - lam)``.
        2. The irresolute sender gains from a threat iff the target acquiesces with probability
           at least ``A* = audience_cost / (stake_sender + audience_cost)``; ``pi_hat`` is the
           smallest credibility at which it does.
        3. Equilibrium (the resolved type always threatens when the irresolute one does, since
           defiance costs it at most ``cost_sender <= audience_cost``):
           pooling at ``pi = p_resolved`` if ``pi_hat <= p_resolved``; separating (``pi = 1``)
           if even a sure threat leaves acquiescence below ``A*``; otherwise semi-separating at
           ``pi = pi_hat``, the irresolute sender bluffing just often enough to keep its
           posterior there and, with atoms in the cost distribution, the marginal target type
           mixing so that acquiescence is exactly ``A*``. If the resolved sender does not gain
           from its threat at that ``pi``, nobody threatens.
        4. Selection: a threat off the equilibrium path is attributed to the resolved type
           (the type that gains from threatening whenever the other does, in the spirit of the
           D1 criterion). This rules out no-threat equilibria held up by the belief that only
           bluffers threaten, and makes the equilibrium above unique.

    Ties: the target complies when indifferent; a sender threatens only if it strictly gains.
    """
    v_s, c_s, a, v_t, lam = (
        _scalar(x, name)
        for x, name in zip(
            _stakes(stake_sender, cost_sender, audience_cost, cost_compliance, interim_share),
            ("stake_sender", "cost_sender", "audience_cost", "cost_compliance", "interim_share"),
            strict=True,
        )
    )
    r = _scalar(_probability(p_resolved, "p_resolved"), "p_resolved")
    if c_s > a:
        raise ValueError(
            f"cost_sender ({c_s:g}) must not exceed audience_cost ({a:g}): the resolved sender is "
            "the type that prefers imposing to backing down whatever the target does next; for "
            "a sender that weighs the target's reply use sanctions_complete_information"
        )
    types = _TargetTypes(cost_target, weights)
    target_share = a / (v_s + a)
    marginal_cost = types.upper_quantile(target_share)
    pi_hat = _credibility_needed(marginal_cost, v_t, lam)
    if r == 0.0:
        # A sender known to be irresolute is defied for sure: a threat earns -audience_cost.
        label, response = "no threat", _respond(types, 0.0, v_t, lam)
    elif pi_hat <= r:
        label, response = "pooling", _respond(types, r, v_t, lam)
    elif pi_hat > 1.0:
        label, response = "separating", _respond(types, 1.0, v_t, lam)
    else:
        # Threshold passed directly: recomputing it from pi_hat could round past the atom.
        label = "semi-separating"
        response = _respond(types, pi_hat, v_t, lam, marginal_cost, target_share)
    return _equilibrium(label, response, r, v_s, c_s, a, lam, v_t)


def _acquiescence_threshold(pi: float, v_t: float, lam: float) -> float:
    """Smallest cost ``c`` with ``pi * min(c, v_T + lam c) >= v_T`` (inf if ``pi = 0``)."""
    if pi <= 0.0:
        return float("inf")
    needed = v_t / pi
    kink = v_t / (1.0 - lam)
    return needed if needed <= kink else (needed - v_t) / lam


def _credibility_needed(cost: float, v_t: float, lam: float) -> float:
    """Smallest ``pi`` at which a target of cost ``cost`` acquiesces (inverse of the above)."""
    if cost == np.inf:
        return 0.0
    worst_if_imposed = min(cost, v_t + lam * cost)
    return v_t / worst_if_imposed if worst_if_imposed > 0.0 else float("inf")


def _respond(
    types: _TargetTypes,
    pi: float,
    v_t: float,
    lam: float,
    threshold: float | None = None,
    acquiesce: float | None = None,
) -> _Response:
    """Target behaviour at credibility ``pi``; ``acquiesce`` fixes the mass of acquiescing
    types when the marginal type mixes (otherwise every indifferent type acquiesces)."""
    t = _acquiescence_threshold(pi, v_t, lam) if threshold is None else threshold
    kink = v_t / (1.0 - lam)
    at_or_above = types.at_least(t)
    chosen = at_or_above if acquiesce is None else min(acquiesce, at_or_above)
    marginal_defiers = at_or_above - chosen
    gives_in = max(0.0, types.at_least(kink) - at_or_above) if kink < t else 0.0
    endures = 1.0 - types.at_least(min(t, kink))
    if t >= kink:
        gives_in += marginal_defiers
    else:
        endures += marginal_defiers
    return _Response(pi, t, chosen, gives_in, endures)


def _equilibrium(
    label: str,
    response: _Response,
    r: float,
    v_s: float,
    c_s: float,
    a: float,
    lam: float,
    v_t: float,
) -> SanctionsEquilibrium:
    payoff_resolved = (
        response.acquiesce * v_s
        + response.defy_gives_in * (v_s - c_s)
        - response.defy_endures * c_s
    )
    payoff_irresolute = response.acquiesce * v_s - (1.0 - response.acquiesce) * a
    sigma_i = {"pooling": 1.0, "separating": 0.0, "no threat": 0.0}.get(label)
    if sigma_i is None:  # semi-separating: keep the posterior at pi_hat
        sigma_i = r * (1.0 - response.pi) / ((1.0 - r) * response.pi)
    sigma_r = 1.0 if payoff_resolved > 0.0 else 0.0
    if sigma_r == 0.0 or r * sigma_r + (1.0 - r) * sigma_i == 0.0:
        label, sigma_r, sigma_i = "no threat", 0.0, 0.0
    p_r, p_i = r * sigma_r, (1.0 - r) * sigma_i
    p_threat = p_r + p_i
    probs = {
        NO_THREAT: 1.0 - p_threat,
        ACQUIESCE_TO_THREAT: p_threat * response.acquiesce,
        SENDER_BACKS_DOWN: p_i * (1.0 - response.acquiesce),
        GIVES_IN_AFTER_IMPOSITION: p_r * response.defy_gives_in,
        STALEMATE_AFTER_IMPOSITION: p_r * response.defy_endures,
    }
    return SanctionsEquilibrium(
        equilibrium=label,
        credibility=p_r / p_threat if p_threat > 0.0 else None,
        p_threat_resolved=sigma_r,
        p_threat_irresolute=sigma_i,
        p_threat=p_threat,
        p_acquiesce_given_threat=response.acquiesce,
        acquiescence_threshold=response.threshold,
        give_in_threshold=v_t / (1.0 - lam),
        outcome_probabilities=probs,
        p_imposed=p_r * (1.0 - response.acquiesce),
        p_target_gives_in=probs[ACQUIESCE_TO_THREAT] + probs[GIVES_IN_AFTER_IMPOSITION],
        payoff_resolved_sender=sigma_r * payoff_resolved,
        payoff_irresolute_sender=sigma_i * payoff_irresolute,
    )


def sanctions_credibility(
    full_cost: npt.ArrayLike,
    unity: npt.ArrayLike,
    retained: npt.ArrayLike,
    audience_cost: npt.ArrayLike,
    added_audience_cost: npt.ArrayLike = 0.0,
) -> FloatArray:
    """The share ``pi`` of a sanctions package a defiant target expects to be imposed: the
    per-state credibility rule that ``detente crisis`` and ``detente simulate`` both use.

    Source: step 2 of :func:`sanctions_complete_information` (Lacy and Niou 2004): a defied
    sender imposes iff imposing costs it no more than backing down. A target at war endures,
    so a sender's imposition payoff is ``-c_S`` and it imposes iff ``c_S <= A``, with ``A``
    the audience cost it faces (ties go to imposing). The coalition holds with probability
    ``u`` and then imposes the whole package (``c_S = lam K``, ``full_cost``); otherwise it
    splits and only the share ``r`` is left to impose (``c_S = r lam K``)::

        pi = u [lam K <= A] + (1 - u) r [r lam K <= A]

    The audience cost the senders face is ``A = a + A_D``: ``a`` the scenario's audience cost
    (``inf`` when the scenario sets none: every threat credible) and ``A_D`` what public
    commitments made since have added (tied hands, Fearon 1997; in ``detente simulate`` the
    defending side's moves during a run, ``docs/escalation.md`` section 4). Audience costs
    are costs of backing down in the same units (the defending side's stakes), and each
    public commitment is one more thing a sender that backs down is punished for, so they
    add. A higher ``A`` never lowers ``pi``. The coalition's unity is not changed by the
    audience cost: tied hands make each sender carry out what it threatened, they do not
    keep a coalition together.

    Args:
        full_cost: ``lam K >= 0``, the senders' cost of imposing the whole package.
        unity: ``u`` in [0, 1], the probability that the coalition holds.
        retained: ``r`` in [0, 1], the share still imposed if it splits.
        audience_cost: ``a >= 0`` (may be ``inf``), the scenario's audience cost.
        added_audience_cost: ``A_D >= 0``, audience cost added since (default none).

    Inputs broadcast; returns ``pi`` as an array of their common shape.
    """
    cost, u, r, a, added = (np.asarray(x, dtype=np.float64) for x in (
        full_cost, unity, retained, audience_cost, added_audience_cost))
    bad = ~(added >= 0.0)
    if np.any(bad):
        raise ValueError("added_audience_cost must be >= 0 (an audience cost is what backing "
                         f"down costs); got {float(added[bad].flat[0]):g}")
    faced = a + added
    holds = cost <= faced + 1e-12
    split = r * cost <= faced + 1e-12
    return np.asarray(u * holds + (1.0 - u) * r * split, dtype=np.float64)
