"""Numerics of the exchange model: one round of vote trading, and rounds until none is left.

The algorithm is the Decide form of Stokman and Van Oosten's exchange model (Stokman & Van
Oosten 1994, "The exchange of voting positions", in Bueno de Mesquita & Stokman (eds.),
*European Community Decision Making*; Dijkstra, Van Assen & Stokman 2008, "Outcomes of
collective decisions with externalities predicted", *Journal of Theoretical Politics* 20(4)),
as the maintained ``decide-exchange-model`` package computes it (J. Draaijer, GPL-3.0,
``decide/model/base.py``, ``equalgain.py``, ``calculations.py``, ``utils.py``; read, not
copied). Positions are on 0..100, saliences are fractions, ``power`` is capability.

Within a round (``play_round``):

1. the outcome of issue ``k`` is the capability × salience weighted mean of the positions,
   ``O_k = Σ c s x / Σ c s`` (Dijkstra et al. eq. 1; the package's "nbs"); an actor at or below
   it is "left" on that issue;
2. for every pair of issues (p, q) in order, every pair of actors on opposite sides of both
   outcomes is a candidate exchange: each shifts its vote on one issue toward the other, on
   the issue it cares about less relative to the other actor (the supply issue; the one it
   cares about more is its demand issue);
3. a shift of actor i's vote by ``Δx`` moves the outcome by ``Δx c_i s_i / Σ c s``; the partner
   who supplies issue p moves all the way to the other's position there, and the other supplies
   the outcome shift on q that the exchange rate asks for; if that would carry it past the
   partner's position, it moves all the way instead and the partner's shift is set by the rate;
4. an actor's shift may not carry an outcome past its partner's position (it is shortened so
   that the outcome lands on the partner's position, with the rate applied again);
5. the exchange with the largest gain is carried out; exchanges sharing an actor and an issue
   with it are recalculated from the new positions; repeat until no valid exchange is left.

After the round the outcome is the weighted mean of the votes (the round's forecast); each
actor that traded keeps a new starting position part of the way toward its vote, ``x' = ((1 -
s) 0.4 + 0.1) y + (1 - (1 - s) 0.4 - 0.1) x`` (the package's ``new_start_position``).

Exchange rates (``rate``): per unit of outcome shift that the supplier of issue ``s`` gives,
the outcome shift on ``t`` it gets back:

* ``equal``: ``(a_s + b_s) / (a_t + b_t)``, both gain the same (Dijkstra et al. 2008; the
  package's ``by_exchange_ratio``), where ``a`` is the supplier's saliences and ``b`` the
  partner's;
* ``nash``: ``(a_s / a_t + b_s / b_t) / 2``, the shift that maximises the product of the two
  gains along the edge of the moves they can make (derived in ``docs/models/exchange.md``).

The gain of an actor from an exchange is ``ΔO_demand · s_demand − ΔO_supply · s_supply``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Rate = Literal["equal", "nash"]

SALIENCE_WEIGHT = 0.4   # the package's AbstractModel.SALIENCE_WEIGHT
FIXED_WEIGHT = 0.1      # AbstractModel.FIXED_WEIGHT
MIN_GAIN = 1e-10        # EqualGainExchange.calculate: a smaller gain is no exchange
MIN_MOVE = 1e-10        # AbstractExchangeActor.is_move_valid
SAME_POSITION = 1e-10   # outcomes closer than this (on 0..100) to a position are on it


@dataclass
class Side:
    """One actor's half of an exchange: it moves on ``supply``, gains on ``demand``."""

    actor: int
    supply: int
    demand: int
    start: float                 # its position on the supply issue at the start of the round
    x: float                     # its current position on the supply issue
    target: float                # the partner's round-start position on the supply issue
    move: float = 0.0
    y: float = 0.0               # its vote after the exchange: x + move
    moves: list[float] = field(default_factory=list)


@dataclass
class Exchange:
    """A candidate exchange between two sides, and what it currently amounts to."""

    i: Side                      # supplies issue q, demands p
    j: Side                      # supplies issue p, demands q
    order: int                   # creation order: ties in gain go to the earlier
    gain: float = 0.0
    gains: tuple[float, float] = (0.0, 0.0)
    valid: bool = True
    # its last check found an outcome already on the partner's position (step 4)
    on_goal: bool = False
    # issue -> actor -> position: partners' realised moves that this exchange must respect
    updates: dict[int, dict[int, float]] = field(default_factory=dict)

    def sides(self) -> tuple[Side, Side]:
        return self.i, self.j


@dataclass
class Problem:
    """What a round needs: round-start positions (n, k) on 0..100, saliences, powers."""

    x: FloatArray
    s: FloatArray
    c: FloatArray
    rate: Rate
    cs: FloatArray = field(init=False)           # capability × salience
    denominator: FloatArray = field(init=False)  # Σ c s per issue

    def __post_init__(self) -> None:
        self.cs = np.asarray(self.c * self.s, dtype=float)
        self.denominator = np.asarray(self.cs.sum(axis=0), dtype=float)


def weighted_mean(x: FloatArray, cs: FloatArray) -> FloatArray:
    """Outcome per issue: Σ c s x / Σ c s (Dijkstra et al. 2008, eq. 1); 0 where nobody
    cares, as the package's ``nash_bargaining_solution``."""
    total = cs.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (cs * x).sum(axis=-2) / total
    return np.asarray(np.where(total > 0, mean, 0.0), dtype=float)


def exchange_rate(rate: Rate, a_s: float, a_t: float, b_s: float, b_t: float) -> float:
    """Outcome shift on ``t`` per unit shift on ``s`` given by the supplier of ``s``, whose
    saliences are ``a_s, a_t``; its partner's are ``b_s, b_t`` (module docstring)."""
    if rate == "equal":
        return (a_s + b_s) / (a_t + b_t)
    return 0.5 * (a_s / a_t + b_s / b_t)


def candidates(pb: Problem) -> list[Exchange]:
    """Every exchange of step 2, in the package's order: issue pairs in order, then the
    actors right of both outcomes with those left of both, then left-right with right-left."""
    outcome = weighted_mean(pb.x, pb.cs)
    left = pb.x <= outcome
    k = pb.x.shape[1]
    out: list[Exchange] = []
    for p in range(k):
        for q in range(p + 1, k):
            group = left[:, p].astype(int) + 2 * left[:, q].astype(int)
            for ga, gb in ((0, 3), (1, 2)):
                for a in np.flatnonzero(group == ga):
                    for b in np.flatnonzero(group == gb):
                        out.append(_new_exchange(pb, int(a), int(b), p, q, len(out)))
    return out


def _new_exchange(pb: Problem, a: int, b: int, p: int, q: int, order: int) -> Exchange:
    s = pb.s
    # the actor whose salience ratio s_p / s_q is the larger demands p (cross-multiplied, so
    # that a zero salience decides instead of dividing by zero)
    if s[a, p] * s[b, q] < s[b, p] * s[a, q]:
        a, b = b, a
    x = pb.x
    i = Side(actor=a, supply=q, demand=p, start=x[a, q], x=x[a, q], target=x[b, q])
    j = Side(actor=b, supply=p, demand=q, start=x[b, p], x=x[b, p], target=x[a, p])
    ex = Exchange(i=i, j=j, order=order)
    calculate(pb, ex)
    return ex


def _outcome_shift(pb: Problem, side: Side, distance: float) -> float:
    """How far the outcome of ``side``'s supply issue moves when it moves ``distance``."""
    k = side.supply
    return float(distance * pb.cs[side.actor, k] / pb.denominator[k])


def _vote_shift(pb: Problem, side: Side, shift: float) -> float:
    """How far ``side`` must move to shift the outcome of its supply issue by ``shift``."""
    k = side.supply
    return float(shift * pb.denominator[k] / pb.cs[side.actor, k])


def _rate(pb: Problem, supplier: Side, partner: Side) -> float:
    s = pb.s
    return exchange_rate(pb.rate, s[supplier.actor, supplier.supply],
                         s[supplier.actor, supplier.demand],
                         s[partner.actor, supplier.supply], s[partner.actor, supplier.demand])


def _gain(pb: Problem, side: Side, got: float, gave: float) -> float:
    """An actor's gain: the outcome shift it got on its demand issue times its salience
    there, minus the shift it gave on its supply issue times its salience there."""
    return float(got * pb.s[side.actor, side.demand] - gave * pb.s[side.actor, side.supply])


def _move_ok(side: Side) -> bool:
    """The package's ``is_move_valid``: a real move that stays on 0..100, never reversing
    an earlier move of the same actor on the same issue this round."""
    if abs(side.move) > 100 or abs(side.move) <= MIN_MOVE:
        return False
    if not 0 <= side.x + side.move <= 100 or sum(side.moves) > 100:
        return False
    return min(side.moves) > 0 or max(side.moves) < 0


def _set(side: Side, move: float, shift_toward: float) -> None:
    """Move ``side`` by ``|move|`` toward ``shift_toward``; record it as its latest move."""
    side.move = -abs(move) if side.x > shift_toward else abs(move)
    side.y = side.x + side.move


def calculate(pb: Problem, ex: Exchange) -> None:
    """Steps 3 and 4 for one exchange (the package's ``EqualGainExchange.calculate``)."""
    i, j = ex.i, ex.j
    ex.on_goal = False
    if pb.cs[i.actor, i.supply] <= 0 or pb.cs[j.actor, j.supply] <= 0:
        ex.valid, ex.gain, ex.gains = False, 0.0, (0.0, 0.0)
        return
    # j moves all the way to i's position on p; i gives what the rate asks on q
    full_j = abs(j.target - j.x)
    dp = _outcome_shift(pb, j, full_j)
    dq = _rate(pb, j, i) * dp
    move_i, move_j = _vote_shift(pb, i, dq), full_j
    full_i = abs(i.target - i.x)
    if abs(move_i) > full_i:
        # that carries i past j: i moves all the way, j gives what the rate asks on p
        dq = _outcome_shift(pb, i, full_i)
        dp = _rate(pb, i, j) * dq
        move_i, move_j = full_i, _vote_shift(pb, j, dp)
        if pb.rate == "nash":
            move_j = min(move_j, full_j)
            dp = _outcome_shift(pb, j, move_j)
    _set(i, move_i, i.target)
    _set(j, move_j, j.target)
    i.moves.append(i.move)
    j.moves.append(j.move)
    _score(pb, ex, dp, dq)
    ex.valid = _move_ok(i) and _move_ok(j) and min(ex.gains) >= MIN_GAIN
    if not ex.valid:
        return
    _check_outcome(pb, ex, i, j)
    _check_outcome(pb, ex, j, i)
    # under the Nash rate a shortened move can leave one trader worse off (the partner's
    # reply is capped by its earlier bound); nobody agrees to that, so it is no exchange.
    # Under the equal rate the gains stay equal and this never binds.
    ex.valid = _move_ok(i) and _move_ok(j) and min(ex.gains) >= MIN_GAIN


def _score(pb: Problem, ex: Exchange, dp: float, dq: float) -> None:
    gi = _gain(pb, ex.i, dp, dq)
    gj = _gain(pb, ex.j, dq, dp)
    ex.gains = (gi, gj)
    # the geometric mean: the common gain under equal gain, and it ranks as the Nash product
    ex.gain = float(np.sqrt(gi * gj)) if gi > 0 and gj > 0 else min(gi, gj)


def _adjusted_outcome(pb: Problem, ex: Exchange, side: Side, position: float,
                      own_first: bool = False) -> float:
    """The outcome of ``side``'s supply issue with the round-start positions, the partners'
    realised moves this exchange must respect (``ex.updates``) and ``side`` at
    ``position`` (the package's ``adjusted_nbs``; with ``own_first`` the updates are applied
    after ``side``'s position, as its ``adjusted_nbs_by_position`` does)."""
    k = side.supply
    x = pb.x[:, k].copy()
    if own_first:
        x[side.actor] = position
    for actor, value in ex.updates.get(k, {}).items():
        x[actor] = value
    if not own_first:
        x[side.actor] = position
    return float(pb.cs[:, k] @ x / pb.denominator[k])


def _check_outcome(pb: Problem, ex: Exchange, side: Side, partner: Side) -> None:
    """Step 4 (the package's ``check_nbs``): if ``side``'s move would carry the outcome of its
    supply issue past the partner's position, shorten it to land the outcome there."""
    before = _adjusted_outcome(pb, ex, side, side.x)
    after = _adjusted_outcome(pb, ex, side, side.y)
    goal = side.target
    # an outcome already on the partner's position (to rounding: exchanges before this one
    # may have put it there exactly) cannot move on without passing it
    on_goal = abs(before - goal) <= SAME_POSITION and abs(after - before) > SAME_POSITION
    ex.on_goal = ex.on_goal or on_goal
    if not on_goal and ((goal >= before and goal >= after)
                        or (goal <= before and goal <= after)):
        return
    base = _adjusted_outcome(pb, ex, side, side.x, own_first=True)
    move = abs(_vote_shift(pb, side, goal - base))
    shift = _outcome_shift(pb, side, move)
    got = _rate(pb, side, partner) * shift
    partner_move = abs(_vote_shift(pb, partner, got))
    if pb.rate == "nash":
        # the Nash rate is not reciprocal: the partner's best reply to the shorter shift may
        # exceed the move it already had, which its own outcome check bounded; the product
        # of gains is concave in its shift, so the bound is the constrained optimum
        partner_move = min(partner_move, abs(partner.target - partner.x), abs(partner.move))
        got = _outcome_shift(pb, partner, partner_move)
    _set(partner, partner_move, partner.target)
    _set(side, move, side.target)
    partner.moves[-1] = partner.move
    side.moves[-1] = side.move
    if side is ex.i:
        _score(pb, ex, got, shift)
    else:
        _score(pb, ex, shift, got)


def recalculate(pb: Problem, ex: Exchange, done: Exchange) -> None:
    """Update ``ex`` for the carried-out exchange ``done`` (the package's
    ``AbstractExchange.recalculate``): a side that moves on the same issue as one of ``done``'s
    sides continues from that side's new vote; a side whose demand issue ``done`` moved
    records the partner's new vote, which its outcome check must respect."""
    again = False
    for mine in ex.sides():
        for theirs in done.sides():
            if mine.actor == theirs.actor and mine.supply == theirs.supply:
                mine.x = theirs.y
                mine.moves.append(theirs.moves[-1])
                again = True
                break
    if again:
        _drop_last_moves(ex)
    for demander, mover in ((done.j, done.i), (done.i, done.j)):
        if any(demander.actor == mine.actor and demander.demand == mine.demand
               for mine in ex.sides()):
            seen = ex.updates.setdefault(demander.demand, {})
            seen[mover.actor] = (_kept(mover, seen[mover.actor]) if mover.actor in seen
                                 else mover.y)
            if not again:
                _drop_last_moves(ex)
                again = True
    if again:
        calculate(pb, ex)


def _drop_last_moves(ex: Exchange) -> None:
    # the package's invalidate_move: the last entry of each side's move list goes
    for side in ex.sides():
        side.moves.pop()


def _kept(mover: Side, stored: float) -> float:
    """Which of a recorded and a new vote of the same mover is kept (the package's
    ``update_updates``, followed as written)."""
    if mover.start <= stored:
        return stored if stored < mover.y else mover.y
    return stored if stored > mover.y else mover.y


@dataclass
class RoundResult:
    """One round: the exchanges carried out, in order, the votes and the next start."""

    exchanges: list[Exchange]
    votes: FloatArray
    outcome: FloatArray
    next_start: FloatArray
    # exchanges dropped because an outcome already sat on the partner's position
    stopped_on_goal: list[Exchange] = field(default_factory=list)


def play_round(pb: Problem, tie_digits: int = 12,
               choose: Callable[[list[Exchange], int], int] | None = None) -> RoundResult:
    """Steps 1 to 5, then the round's outcome and the next starting positions.

    The pending exchanges are kept in one list, sorted by gain (largest first) before each
    pick with a stable sort, as the package's ``highest_gain`` does: exchanges of equal gain
    keep the order they had, which is creation order at first and then the order of their
    earlier gains. Gains equal to ``tie_digits`` decimals count as equal (float rounding
    would otherwise decide ties that the package's 28-digit decimals keep). ``choose``, given
    the exchanges tied for the largest gain and how many were carried out before, picks one
    (default: the first); the golden tests
    use it to follow the package where its 28th digit broke a tie.
    """
    pending = [ex for ex in candidates(pb) if ex.valid]
    done: list[Exchange] = []
    on_goal: list[Exchange] = []
    while pending:
        pending.sort(key=lambda e: round(e.gain, tie_digits), reverse=True)
        top = round(pending[0].gain, tie_digits)
        tied = [e for e in pending if round(e.gain, tie_digits) == top]
        pick = choose(tied, len(done)) if choose is not None and len(tied) > 1 else 0
        ex = pending.pop(pick)
        done.append(ex)
        for other in pending:
            recalculate(pb, other, ex)
        on_goal += [other for other in pending if not other.valid and other.on_goal]
        pending = [other for other in pending if other.valid]
    votes = pb.x.copy()
    for ex in done:
        for side in ex.sides():
            votes[side.actor, side.supply] = side.y
    start = pb.x.copy()
    for ex in done:
        for side in ex.sides():
            sal = pb.s[side.actor, side.supply]
            w = (1 - sal) * SALIENCE_WEIGHT + FIXED_WEIGHT
            start[side.actor, side.supply] = w * side.y + (1 - w) * side.start
    return RoundResult(done, votes, weighted_mean(votes, pb.cs), start, on_goal)


@dataclass
class Run:
    """Rounds until one carries out no exchange, or ``max_rounds``."""

    rounds: list[RoundResult]
    starts: list[FloatArray]
    converged: bool


def simulate(x0: FloatArray, s: FloatArray, c: FloatArray, *, rate: Rate,
             max_rounds: int) -> Run:
    """Play rounds from positions ``x0`` (n, k) on 0..100 (saliences fractions, ``c`` the
    power per actor and issue) until a round finds no gainful exchange."""
    x = np.array(x0, dtype=float)
    rounds: list[RoundResult] = []
    starts = [x]
    for _ in range(max_rounds):
        result = play_round(Problem(x=x, s=s, c=c, rate=rate))
        if not result.exchanges:
            return Run(rounds, starts, converged=True)
        rounds.append(result)
        x = result.next_start
        starts.append(x)
    converged = not play_round(Problem(x=x, s=s, c=c, rate=rate)).exchanges
    return Run(rounds, starts, converged=converged)
