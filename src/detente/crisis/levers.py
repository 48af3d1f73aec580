"""Lever effects on the war lottery: pure array functions over bundles and draws.

A scenario's levers (:class:`detente.scenario.crisis.Lever`) change the inputs of Fearon's
(1995) war lottery ``EU_C(war) = p V_C(X_c) + (1 - p) V_C(X_d) - c_C`` and of the shifting-
power problem (Fearon 1995; Powell 2006). Each lever's setting ``s`` in its range
``[low, high]`` is turned into a level ``lam = (s - low) / (high - low)`` in [0, 1]; every
effect is stated in the scenario at the top of the range and scales linearly with ``lam``.

Effects (all arrays broadcast over a leading bundle axis and the draw axis), applied in this
order:

1. ``defensive_arms``: ``p_now -= lam * a_now``, ``p_future -= lam * a_future`` (clipped to
   [0, 1]); also ``c_C += lam * k`` (``cost_to_challenger``). Arms that accumulate lower the
   future chance more than today's, so they *widen* the shift the challenger fears: the lever
   deters now and deepens the commitment problem (Fearon 1995, preventive war).
   With ``resolve`` ``r_a``, also ``q += lam * r_a`` (see 4).
2. ``guarantees`` and ``transparency``: the remaining shift ``p_now - p_future`` is multiplied
   by ``(1 - lam * g)`` (``shift_reduction``), one lever after the other.
3. ``sanctions``: the sanctions threat game (Lacy and Niou 2004; Whang, McLean and Kuberski
   2013; :mod:`detente.crisis.sanctions`) played with the package ``lam``. The challenger
   (the target) weighs its gain from war against the sanctions it expects if it defies:
   ``c_C += lam * c_T * pi(lam)``, with ``pi`` the share of the package it expects to be
   imposed, its belief that the threat will be carried out. The senders (the coalition) are
   resolved, imposing the whole package, with probability ``u(lam) = u_0 + (u_1 - u_0) lam``
   (``unity_at_low`` and ``unity``: a harsher package holds a coalition together less often);
   otherwise the coalition splits and only a share ``r`` is imposed (``retained_if_split``).
   Imposing costs the senders ``lam * K`` (``K`` the lever's ``cost``), backing down costs
   them the audience cost ``a``. A defied sender imposes only if imposing costs it no more
   than backing down (step 2 of :func:`detente.crisis.sanctions_complete_information`), so
   only credible threats deter::

       pi(lam) = u(lam) [lam K <= a] + (1 - u(lam)) r [r lam K <= a]

   A target at war endures rather than gives in (the endure branch of the game). With no
   ``audience_cost`` every threat is credible and ``u`` is flat unless ``unity_at_low`` is
   given. The rule is :func:`detente.crisis.sanctions.sanctions_credibility`; a simulation
   passes the audience cost its runs have added (``a`` becomes ``a + A_D``) and where the
   coalition has shown it holds (``u = 1``), through :func:`apply_levers`.
   ``sanctions_sender_cost`` is the senders' expected cost if the threat is defied: ``lam K``
   on the parts they impose, ``a`` on the parts they back down from.
4. ``force_posture``: ``c_C += lam * e`` (the expected cost of escalation to a clash), and
   with ``resolve`` ``r_f``, ``q += lam * r_f``: ``q`` is the challenger's belief that the
   defending side will resist a challenge by force (:mod:`detente.crisis.deterrence`), and the
   sum over the posture and arms levers is clipped to [0, 1]. Allied forces deployed on the
   flank and weapons delivered are costly, visible commitments: forces in harm's way are a
   tripwire that makes resistance close to automatic (Schelling, *Arms and Influence*, 1966,
   ch. 2), and a signal too costly for an irresolute defender to send separates the resolved
   from the bluffer (Fearon, "Signaling Foreign Policy Interests: Tying Hands versus Sinking
   Costs", *Journal of Conflict Resolution* 41(1), 1997; Fearon 1994). They raise what the
   challenger believes, which is what deters. Without a scenario ``q`` (``war.
   defenders_resolve``) the challenger is already sure of resistance and ``resolve`` does
   nothing.
5. ``insurgency_support``: ``c_C += lam * o * p_now``: an occupation cost borne only when the
   challenger prevails (with ``p_now`` after arms).

Concession levers carry no effect here: their setting *is* the offer on their issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from detente.crisis.bargaining import FloatArray
from detente.crisis.sanctions import sanctions_credibility

__all__ = ["Applied", "LeverArrays", "apply_levers", "lever_levels", "sanctions_threat",
           "sanctions_unity", "shown_resolve"]


@dataclass(frozen=True)
class LeverArrays:
    """One lever with its uncertain numbers drawn: ``cost`` and each effect are ``(B,)``."""

    id: str
    kind: str
    name: str
    low: float
    high: float
    steps: FloatArray | None
    default: float | None
    issue: str | None
    cost: FloatArray
    paid_by: tuple[str, ...]
    incurred: str
    effect: dict[str, FloatArray] = field(default_factory=dict)

    def level(self, setting: FloatArray) -> FloatArray:
        """``lam = (setting - low) / (high - low)``."""
        return (np.asarray(setting, dtype=np.float64) - self.low) / (self.high - self.low)

    def check(self, setting: FloatArray) -> None:
        """``ValueError`` when a setting lies outside the range or off the steps."""
        s = np.asarray(setting, dtype=np.float64)
        tol = 1e-9 * max(1.0, self.high - self.low)
        bad = ~np.isfinite(s) | (s < self.low - tol) | (s > self.high + tol)
        if np.any(bad):
            raise ValueError(f"lever {self.id!r}: setting {float(s[bad].flat[0]):g} is outside "
                             f"its range {self.low:g}..{self.high:g}")
        if self.steps is not None:
            off = np.min(np.abs(s[..., None] - self.steps), axis=-1) > tol
            if np.any(off):
                allowed = ", ".join(f"{v:g}" for v in self.steps)
                raise ValueError(f"lever {self.id!r}: setting {float(s[off].flat[0]):g} is not "
                                 f"one of its steps ({allowed})")


@dataclass(frozen=True)
class Applied:
    """The war lottery's inputs after the levers, each ``(n_bundles, B)``."""

    p_now: FloatArray
    p_future: FloatArray
    cost_challenger: FloatArray
    sanctions_cost: FloatArray
    arms_cost: FloatArray
    escalation_cost: FloatArray
    occupation_cost: FloatArray
    sanctions_credibility: FloatArray
    sanctions_sender_cost: FloatArray
    resolve: FloatArray | None = None


def lever_levels(levers: tuple[LeverArrays, ...], settings: FloatArray) -> FloatArray:
    """Settings ``(n_bundles, L)`` in the levers' own units -> levels in [0, 1]."""
    s = np.atleast_2d(np.asarray(settings, dtype=np.float64))
    if s.shape[-1] != len(levers):
        raise ValueError(f"settings have {s.shape[-1]} columns but there are {len(levers)} "
                         f"levers ({', '.join(lv.id for lv in levers) or 'none'})")
    out = np.empty_like(s)
    for j, lever in enumerate(levers):
        lever.check(s[:, j])
        out[:, j] = np.clip(lever.level(s[:, j]), 0.0, 1.0)
    return out


def apply_levers(levers: tuple[LeverArrays, ...], levels: FloatArray, p_win: FloatArray,
                 p_future: FloatArray, cost_challenger: FloatArray,
                 resolve: FloatArray | None = None, *,
                 added_audience_cost: FloatArray | None = None,
                 coalition_held: npt.NDArray[np.bool_] | None = None) -> Applied:
    """Apply every lever at ``levels`` ``(n_bundles, L)`` to per-draw inputs ``(B,)``
    (``resolve``: the challenger's belief ``q`` that the defenders will resist, or None).

    Returns ``(n_bundles, B)`` arrays; see the module docstring for the equations.
    ``added_audience_cost`` (broadcasting to ``(n_bundles, B)``, default none) is the
    audience cost the sanctions senders have added since the scenario's (``A_D``);
    ``coalition_held`` (same shape) marks states in which the coalition has shown it holds
    (``u = 1``). Both feed :func:`~detente.crisis.sanctions.sanctions_credibility`.
    """
    nb = levels.shape[0]
    shape = (nb, p_win.shape[0])
    p_now = np.broadcast_to(p_win, shape).copy()
    p_fut = np.broadcast_to(p_future, shape).copy()
    sanctions, arms = np.zeros(shape), np.zeros(shape)
    credibility, sender_cost = np.zeros(shape), np.zeros(shape)
    escalation, occupation = np.zeros(shape), np.zeros(shape)
    col = {id(lv): levels[:, j, None] for j, lv in enumerate(levers)}

    for lever in levers:
        if lever.kind == "defensive_arms":
            lam = col[id(lever)]
            p_now -= lam * lever.effect["p_win_now"]
            p_fut -= lam * lever.effect["p_win_future"]
            if "cost_to_challenger" in lever.effect:
                arms += lam * lever.effect["cost_to_challenger"]
    np.clip(p_now, 0.0, 1.0, out=p_now)
    np.clip(p_fut, 0.0, 1.0, out=p_fut)

    for lever in levers:
        if lever.kind in ("guarantees", "transparency"):
            lam = col[id(lever)]
            shift = np.maximum(p_now - p_fut, 0.0)
            p_fut = np.where(p_fut < p_now, p_now - shift * (1.0 - lam * lever.effect[
                "shift_reduction"]), p_fut)

    for lever in levers:
        lam = col.get(id(lever), np.zeros((nb, 1)))
        e = lever.effect
        if lever.kind == "sanctions":
            pi, paid = sanctions_threat(lam, e, lever.cost, added_audience_cost,
                                        coalition_held)
            sanctions += lam * e["cost_to_challenger"] * pi
            credibility = np.maximum(credibility, pi)
            sender_cost += paid
        elif lever.kind == "force_posture":
            escalation += lam * e["escalation_cost"]
        elif lever.kind == "insurgency_support":
            occupation += lam * e["occupation_cost"] * p_now

    total = cost_challenger[None, :] + sanctions + arms + escalation + occupation
    return Applied(p_now=p_now, p_future=p_fut, cost_challenger=total,
                   sanctions_cost=sanctions, arms_cost=arms, escalation_cost=escalation,
                   occupation_cost=occupation, sanctions_credibility=credibility,
                   sanctions_sender_cost=sender_cost,
                   resolve=None if resolve is None else shown_resolve(levers, levels, resolve))


def shown_resolve(levers: tuple[LeverArrays, ...], levels: FloatArray, resolve: FloatArray
                  ) -> FloatArray:
    """``q`` after the posture and arms levers (module docstring, 1 and 4): ``clip(q + sum
    lam * r, 0, 1)`` over the levers with a ``resolve`` effect, ``(n_bundles, B)``."""
    q = np.broadcast_to(resolve, (levels.shape[0], resolve.shape[0])).copy()
    for j, lever in enumerate(levers):
        if lever.kind in ("defensive_arms", "force_posture") and "resolve" in lever.effect:
            q += levels[:, j, None] * lever.effect["resolve"]
    return np.asarray(np.clip(q, 0.0, 1.0))


def sanctions_unity(effect: dict[str, FloatArray], lam: FloatArray) -> FloatArray:
    """``u(lam) = u_0 + (u_1 - u_0) lam`` (``unity_at_low`` and ``unity``; flat at ``unity``
    without ``unity_at_low``), clipped to [0, 1]: the probability that the sanctions
    coalition holds at package level ``lam`` (module docstring, 3). Broadcasts."""
    top = effect["unity"]
    low = effect.get("unity_at_low", top)
    return np.asarray(np.clip(low + (top - low) * lam, 0.0, 1.0))


def sanctions_threat(lam: FloatArray, effect: dict[str, FloatArray], cost: FloatArray,
                     added_audience_cost: FloatArray | None = None,
                     coalition_held: npt.NDArray[np.bool_] | None = None
                     ) -> tuple[FloatArray, FloatArray]:
    """The sanctions threat at level ``lam`` ``(nb, 1)`` with per-draw effects and sender cost
    ``cost`` ``(B,)``: the share ``pi`` of the package the target expects to be imposed if it
    defies, and the senders' expected cost if defied, both ``(nb, B)`` (module docstring, 3).

    ``pi = u(lam) [lam K <= A] + (1 - u(lam)) r [r lam K <= A]``
    (:func:`~detente.crisis.sanctions.sanctions_credibility`) with ``A = a`` plus
    ``added_audience_cost`` (``A_D``, broadcasting to ``(nb, B)``); ``u = 1`` where
    ``coalition_held``. The cost is ``lam K`` times the share imposed plus ``A`` times the
    share backed down from. Ties go to imposing, as in
    :func:`detente.crisis.sanctions_complete_information`.
    """
    unity = sanctions_unity(effect, lam)
    if coalition_held is not None:
        unity = np.where(coalition_held, 1.0, unity)
    kept = effect.get("retained_if_split", np.zeros_like(effect["unity"]))
    audience = effect.get("audience_cost", np.full_like(effect["unity"], np.inf))
    added = 0.0 if added_audience_cost is None else added_audience_cost
    full = lam * cost
    pi = sanctions_credibility(full, unity, kept, audience, added)
    faced = audience + np.asarray(added, dtype=np.float64)
    holds = full <= faced + 1e-12
    split = kept * full <= faced + 1e-12
    backed = unity * ~holds + (1.0 - unity) * (kept > 0) * ~split
    threat = lam > 0
    backing_down = backed * np.where(np.isfinite(faced), faced, 0.0)
    paid = np.where(threat, full * pi + backing_down, 0.0)
    return np.asarray(pi), np.asarray(paid)
