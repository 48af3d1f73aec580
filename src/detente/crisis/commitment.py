"""War as a commitment problem: preventive war under a shifting distribution of power.

Sources: Fearon (1995, section "Commitment problems", preventive war) and Robert Powell, "War
as a Commitment Problem", *International Organization* 60(1), 2006, pp. 169-203.

The game (complete information, infinite horizon):

* In every period ``t = 0, 1, ...`` a flow worth 1 is divided. ``p[t]`` is the probability that
  A wins a war that starts in period ``t``; the path is given for ``t = 0..T-1`` and power
  stays at ``p[T-1]`` afterwards.
* One state (the *proposer*, the same every period) offers the other (the *responder*) a
  share of the current flow; the responder accepts or fights; the proposer may also attack.
* War is absorbing: fought in period ``t`` it gives A ``(p[t] - c_A) / (1 - delta)`` and B
  ``(1 - p[t] - c_B) / (1 - delta)`` (per-period costs ``c``, so a one-off cost ``k`` is
  ``c = (1 - delta) k``). Peace gives each side its shares, discounted by ``delta``.

:func:`commitment_war` solves the subgame-perfect equilibrium by backward induction (the
stationary tail first, then ``t = T-2, ..., 0``). By default the *rising* state proposes,
Fearon's preventive-war setting: it cannot promise tomorrow more than the declining state's
reservation value then, so the declining state fights today when its war payoff now exceeds
the whole of today's flow plus that discounted future value.
:func:`commitment_war_two_period` is the closed form for one shift (derived in
``docs/crisis-model.md``) and :func:`powell_condition` is Powell's protocol-free inefficiency
condition: war occurs in every equilibrium, whoever makes the offers, when the discounted
shift in power exceeds what today's flow and the bargaining surplus can cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from detente.crisis.bargaining import (
    Flag,
    FloatArray,
    Real,
    Side,
    _checked,
    _flag,
    _nonnegative,
    _out,
    _probability,
    _Result,
    _scalar,
)

ProposerRole: TypeAlias = Literal["rising", "declining", "A", "B"]
PathShape: TypeAlias = Literal["linear", "sudden"]

# Ties (a responder exactly indifferent, or a proposer indifferent between attacking and
# buying peace) go to peace; the tolerance keeps rounding noise from deciding them.
_TOL = 1e-9


def power_path(
    p_start: float, p_end: float, periods: int, *, shape: PathShape = "linear"
) -> FloatArray:
    """A's probability of winning over ``periods`` periods, from ``p_start`` to ``p_end``.

    ``"linear"`` moves power in equal steps; ``"sudden"`` makes the whole shift between
    periods 0 and 1 (the sharpest commitment problem for a given total shift).
    """
    start = _scalar(_probability(p_start, "p_start"), "p_start")
    end = _scalar(_probability(p_end, "p_end"), "p_end")
    if periods < 1:
        raise ValueError(f"periods must be an integer >= 1; got {periods}")
    if shape == "linear":
        return np.linspace(start, end, periods)
    if shape == "sudden":
        return np.concatenate(([start], np.full(periods - 1, end)))
    raise ValueError(f"shape must be 'linear' or 'sudden'; got {shape!r}")


def _discount(delta: npt.ArrayLike) -> FloatArray:
    return _checked(delta, "delta", low=0.0, high=1.0, high_open=True)


def _declining_side(p_start: float, p_end: float) -> Side | None:
    if p_end < p_start:
        return "A"
    if p_end > p_start:
        return "B"
    return None


def _resolve_proposer(role: ProposerRole, declining: Side | None) -> Side:
    """Map a role to a side; without a net shift the rising side is taken to be B."""
    if role in ("A", "B"):
        return role
    falling: Side = declining or "A"
    rising: Side = "B" if falling == "A" else "A"
    if role == "rising":
        return rising
    if role == "declining":
        return falling
    raise ValueError(f"proposer must be 'rising', 'declining', 'A' or 'B'; got {role!r}")


# ------------------------------------------------------------------ Powell's condition


@dataclass(frozen=True)
class PowellCondition(_Result):
    """Powell's (2006) inefficiency condition along a power path, period by period.

    For each ``t < T-1`` (per-period units, ``D`` the declining and ``S`` the rising state):
    ``margin[t] = M_D(t) + delta * M_S(t+1) - 1`` with ``M`` the minmax flow
    ``max(0, p - c)``; ``holds[t] = margin[t] > 0``. ``discounted_shift[t] =
    delta * (p_D(t) - p_D(t+1))`` and ``coverable[t] = discounted_shift[t] - margin[t]``,
    which equals ``(1 - delta)(1 - p_D(t)) + c_D + delta c_S`` when both minmax flows are
    positive: what today's flow beyond D's war share, plus the surplus, can pay for.
    """

    declining_side: Side | None
    discounted_shift: tuple[float, ...]
    coverable: tuple[float, ...]
    margin: tuple[float, ...]
    holds: tuple[bool, ...]
    first_period: int | None


def powell_condition(
    p_path: npt.ArrayLike, delta: float, cost_a: float, cost_b: float
) -> PowellCondition:
    """Powell's (2006) inefficiency condition for a lottery war with per-period costs.

    Powell (2006) shows that if at some ``t`` the
    declining state's minmax payoff exceeds the most it could get at peace - the entire flow
    today plus everything the rising state cannot guarantee itself tomorrow - then every
    equilibrium of every bargaining protocol is inefficient. With war payoffs
    ``(p - c) / (1 - delta)`` this reads, in per-period units,

        ``max(0, p_D(t) - c_D) + delta * max(0, 1 - p_D(t+1) - c_S) > 1``,

    i.e. ``delta * shift > (1 - delta)(1 - p_D(t)) + c_D + delta c_S`` when both terms are
    positive. Steps: find the declining side from the net shift; compute both minmax flows per
    period; compare. Holding is sufficient for war in :func:`commitment_war` whoever proposes.
    """
    p, d, c_a, c_b = _path_inputs(p_path, delta, cost_a, cost_b)
    declining = _declining_side(float(p[0]), float(p[-1]))
    # Measured from the declining side's point of view (A's if there is no net shift).
    p_d, c_d, c_s = (1.0 - p, c_b, c_a) if declining == "B" else (p, c_a, c_b)
    shift = d * (p_d[:-1] - p_d[1:])
    margin = np.maximum(0.0, p_d[:-1] - c_d) + d * np.maximum(0.0, 1.0 - p_d[1:] - c_s) - 1.0
    holds = margin > _TOL
    first = int(np.argmax(holds)) if holds.any() else None
    return PowellCondition(
        declining_side=declining,
        discounted_shift=tuple(float(v) for v in shift),
        coverable=tuple(float(v) for v in shift - margin),
        margin=tuple(float(v) for v in margin),
        holds=tuple(bool(v) for v in holds),
        first_period=first,
    )


def _path_inputs(
    p_path: npt.ArrayLike, delta: float, cost_a: float, cost_b: float
) -> tuple[FloatArray, float, float, float]:
    p = _probability(np.ravel(np.asarray(p_path, dtype=np.float64)), "p_path")
    if p.size < 1:
        raise ValueError("p_path must contain at least one period")
    d = _scalar(_discount(delta), "delta")
    c_a = _scalar(_nonnegative(cost_a, "cost_a"), "cost_a")
    c_b = _scalar(_nonnegative(cost_b, "cost_b"), "cost_b")
    return p, d, c_a, c_b


# ---------------------------------------------------------- multi-period SPE (backward)


@dataclass(frozen=True)
class CommitmentOutcome(_Result):
    """Equilibrium of the shifting-power bargaining game.

    ``war_period`` is the first period in which war breaks out on the equilibrium path (None
    if peace) and ``initiator`` the side that starts it. ``demands[t]`` is the responder's
    smallest acceptable share of period ``t``'s flow given equilibrium play afterwards (war
    when it exceeds 1, the whole flow); ``offers[t]`` is what the proposer offers (None from
    the war period on). ``value_a``/``value_b`` are the equilibrium payoffs at ``t = 0``.
    ``shifts[t]`` is the declining side's loss in ``p`` between ``t`` and ``t+1``.
    """

    war: bool
    war_period: int | None
    initiator: Side | None
    declining_side: Side | None
    proposer: Side
    p_path: tuple[float, ...]
    shifts: tuple[float, ...]
    largest_shift: float
    surplus_per_period: float
    demands: tuple[float, ...]
    offers: tuple[float | None, ...]
    value_a: float
    value_b: float
    p_war: float
    powell: PowellCondition


@dataclass(frozen=True)
class _Period:
    values: tuple[float, float]
    demand: float
    offer: float
    war_by: int | None


def _stationary(war_flow: FloatArray, responder: int, delta: float) -> _Period:
    """Constant power from here on: the proposer concedes the responder's war flow, clipped."""
    share = float(np.clip(war_flow[responder], 0.0, 1.0))
    values = [0.0, 0.0]
    values[responder], values[1 - responder] = share / (1 - delta), (1 - share) / (1 - delta)
    demand = war_flow[responder] / (1 - delta) - delta * values[responder]
    return _Period((values[0], values[1]), float(demand), share, None)


def _period(
    war_value: FloatArray, later: tuple[float, float], responder: int, delta: float
) -> _Period:
    """One step of backward induction given equilibrium continuation values ``later``."""
    proposer = 1 - responder
    war_values = (float(war_value[0]), float(war_value[1]))
    demand = war_value[responder] - delta * later[responder]
    if demand > 1.0 + _TOL:
        # Not even the whole flow today buys off the responder: it fights.
        return _Period(war_values, float(demand), float("nan"), responder)
    offer = max(float(demand), 0.0)
    peace_for_proposer = 1.0 - offer + delta * later[proposer]
    if war_value[proposer] > peace_for_proposer + _TOL:
        return _Period(war_values, float(demand), float("nan"), proposer)
    values = [0.0, 0.0]
    values[responder] = offer + delta * later[responder]
    values[proposer] = peace_for_proposer
    return _Period((values[0], values[1]), float(demand), offer, None)


def _backward_induction(
    p: FloatArray, delta: float, cost_a: float, cost_b: float, responder: int
) -> list[_Period]:
    war_flow = np.stack((p - cost_a, 1.0 - p - cost_b))  # rows: A, B; columns: periods
    periods = [_stationary(war_flow[:, -1], responder, delta)]
    for t in range(p.size - 2, -1, -1):
        periods.append(_period(war_flow[:, t] / (1 - delta), periods[-1].values, responder, delta))
    return periods[::-1]


def commitment_war(
    p_path: npt.ArrayLike,
    delta: float,
    cost_a: float,
    cost_b: float,
    *,
    proposer: ProposerRole = "rising",
) -> CommitmentOutcome:
    """Subgame-perfect equilibrium of bargaining under shifting power (Fearon 1995; Powell 2006).

    Steps (backward induction; ties go to peace):
        1. From ``T-1`` on power is constant: the proposer offers the responder its per-period
           war payoff ``max(0, p - c)`` (clipped to [0, 1]); nobody fights (costly war leaves a
           surplus). This gives continuation values ``V(T-1)``.
        2. For ``t = T-2, ..., 0``: the responder's demand is ``W_R(t) - delta V_R(t+1)``. If it
           exceeds 1 (the whole flow) the responder fights; otherwise the proposer compares
           buying peace, ``1 - max(0, demand) + delta V_P(t+1)``, with attacking, ``W_P(t)``.
           War sets both values to the war payoffs ``W(t)``.
        3. Read the path forwards: the first period with war is when it breaks out.

    Args:
        p_path: A's probability of winning in periods ``0..T-1`` (``T >= 1``); see
            :func:`power_path` to build one.
        delta: discount factor in [0, 1).
        cost_a, cost_b: per-period costs of war, >= 0.
        proposer: ``"rising"`` (default, Fearon's preventive-war setting), ``"declining"``, or
            a fixed side ``"A"``/``"B"``. Rising/declining come from the net shift
            ``p[T-1] - p[0]``; with no net shift, B counts as rising.
    """
    p, d, c_a, c_b = _path_inputs(p_path, delta, cost_a, cost_b)
    declining = _declining_side(float(p[0]), float(p[-1]))
    side = _resolve_proposer(proposer, declining)
    responder = 1 if side == "A" else 0
    periods = _backward_induction(p, d, c_a, c_b, responder)
    war_period = next((t for t, step in enumerate(periods) if step.war_by is not None), None)
    on_path = periods if war_period is None else periods[: war_period + 1]
    p_d = 1.0 - p if declining == "B" else p
    shifts = p_d[:-1] - p_d[1:]
    return CommitmentOutcome(
        war=war_period is not None,
        war_period=war_period,
        initiator=None if war_period is None else _side(periods[war_period].war_by),
        declining_side=declining,
        proposer=side,
        p_path=tuple(float(v) for v in p),
        shifts=tuple(float(v) for v in shifts),
        largest_shift=float(shifts.max()) if shifts.size else 0.0,
        surplus_per_period=c_a + c_b,
        demands=tuple(step.demand for step in periods),
        offers=tuple(None if step.war_by is not None else step.offer for step in on_path)
        + (None,) * (len(periods) - len(on_path)),
        value_a=periods[0].values[0],
        value_b=periods[0].values[1],
        p_war=1.0 if war_period is not None else 0.0,
        powell=powell_condition(p, d, c_a, c_b),
    )


def _side(index: int | None) -> Side | None:
    return None if index is None else ("A" if index == 0 else "B")


# ------------------------------------------------------------ two-period closed form


@dataclass(frozen=True)
class TwoPeriodCommitment(_Result):
    """Closed-form equilibrium when power moves once, from ``p_now`` to ``p_next`` for good.

    ``margin > 0`` means war in period 0 (by how much the would-be initiator's war payoff
    exceeds the best peace it can get, one period's flow = 1); ``initiator`` is
    ``"A"``/``"B"`` where war occurs and ``""`` where it does not.
    """

    war: Flag
    margin: Real
    initiator: str | npt.NDArray[np.str_]
    shift: Real
    surplus_per_period: Real
    p_war: Real


def commitment_war_two_period(
    p_now: npt.ArrayLike,
    p_next: npt.ArrayLike,
    delta: npt.ArrayLike,
    cost_a: npt.ArrayLike,
    cost_b: npt.ArrayLike,
    *,
    proposer: Literal["rising", "declining"] = "rising",
) -> TwoPeriodCommitment:
    """Two-period closed form of :func:`commitment_war` (derivation in docs/crisis-model.md).

    With ``D`` the declining side (``p_D`` its probability of winning, ``shift = p_D(0) -
    p_D(1) >= 0``) and ``S`` the rising side:

    * rising proposer: S can promise no more than D's reservation flow ``max(0, p_D(1) - c_D)``
      from period 1 on, so D fights at 0 iff
      ``(p_D(0) - c_D) - delta max(0, p_D(1) - c_D) > 1 - delta``; when ``p_D(1) >= c_D``
      this is ``delta * shift > (1 - delta)(1 - p_D(0) + c_D)``. S's cost does not enter: S
      keeps the whole surplus from period 1 on.
    * declining proposer: D keeps the surplus from period 1 on, but S's guaranteed flow
      ``s_1 = max(0, 1 - p_D(1) - c_S)`` rises, and S must get ``s_0 = max(0, ((1 - p_D(0) -
      c_S) - delta s_1) / (1 - delta))`` today. D attacks at 0 iff
      ``(p_D(0) - c_D) / (1 - delta) > 1 - s_0 + delta (1 - s_1) / (1 - delta)``; when
      ``s_0 = 0`` and ``s_1 > 0`` this is exactly Powell's condition
      ``delta * shift > (1 - delta)(1 - p_D(0)) + c_D + delta c_S``.

    ``margin`` is the would-be initiator's war payoff minus the best peace it can obtain
    (payoffs discounted to period 0, one period's flow = 1), the quantity the backward
    induction of :func:`commitment_war` compares. Inputs broadcast.
    """
    if proposer not in ("rising", "declining"):
        raise ValueError(f"proposer must be 'rising' or 'declining'; got {proposer!r}")
    p0, p1, d, c_a, c_b = np.broadcast_arrays(
        _probability(p_now, "p_now"),
        _probability(p_next, "p_next"),
        _discount(delta),
        _nonnegative(cost_a, "cost_a"),
        _nonnegative(cost_b, "cost_b"),
    )
    b_declines = p1 > p0
    pd0, pd1 = np.where(b_declines, 1.0 - p0, p0), np.where(b_declines, 1.0 - p1, p1)
    c_d, c_s = np.where(b_declines, c_b, c_a), np.where(b_declines, c_a, c_b)
    if proposer == "rising":
        margin = _rising_proposer_margin(pd0, pd1, d, c_d)
    else:
        margin = _declining_proposer_margin(pd0, pd1, d, c_d, c_s)
    war = margin > _TOL
    declining_name = np.where(b_declines, "B", "A")
    return TwoPeriodCommitment(
        war=_flag(war),
        margin=_out(margin),
        initiator=_text(np.where(war, declining_name, "")),
        shift=_out(pd0 - pd1),
        surplus_per_period=_out(c_a + c_b),
        p_war=_out(war.astype(np.float64)),
    )


def _rising_proposer_margin(
    pd0: FloatArray, pd1: FloatArray, d: FloatArray, c_d: FloatArray
) -> FloatArray:
    reservation_later = np.maximum(0.0, pd1 - c_d)
    return ((pd0 - c_d) - d * reservation_later) / (1.0 - d) - 1.0


def _declining_proposer_margin(
    pd0: FloatArray, pd1: FloatArray, d: FloatArray, c_d: FloatArray, c_s: FloatArray
) -> FloatArray:
    rising_later = np.maximum(0.0, 1.0 - pd1 - c_s)
    rising_now = np.maximum(0.0, ((1.0 - pd0 - c_s) - d * rising_later) / (1.0 - d))
    best_peace = 1.0 - rising_now + d * (1.0 - rising_later) / (1.0 - d)
    return (pd0 - c_d) / (1.0 - d) - best_peace


def _text(arr: npt.NDArray[np.str_]) -> str | npt.NDArray[np.str_]:
    return str(arr) if arr.ndim == 0 else arr
