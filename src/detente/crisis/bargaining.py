"""Fearon's (1995) bargaining model of war, under complete and under private information.

Source: James D. Fearon, "Rationalist Explanations for War", *International Organization*
49(3), 1995, pp. 379-414. The issue is the unit interval: ``x`` is the share going to state A
and ``1 - x`` the share going to B. War is a costly lottery: A wins (and takes everything) with
probability ``p_win``; A pays ``cost_a`` and B pays ``cost_b`` (in units of the issue) whatever
the result. Expected war payoffs are therefore ``p - c_A`` for A and ``1 - p - c_B`` for B.

Two results are implemented:

* :func:`bargaining_range` - the set of peaceful divisions both sides prefer to war
  (Fearon's Figure 1 and the proposition that with complete information and costly war a
  bargaining range always exists), with the take-it-or-leave-it settlement for either proposer.
* :func:`risk_return_uniform` / :func:`risk_return` - the "risk-return trade-off" of the
  section *Private information and incentives to misrepresent*: A makes a final offer to a B
  whose cost ``c_B`` only B knows; a larger demand gains more if accepted but is rejected by
  more types of B.

The module also holds the small result and validation helpers the sibling modules of
:mod:`detente.crisis` share.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
Real: TypeAlias = float | FloatArray
Flag: TypeAlias = bool | BoolArray
Side: TypeAlias = Literal["A", "B"]


class ContinuousDistribution(Protocol):
    """What the models need from a frozen ``scipy.stats`` continuous distribution."""

    def cdf(self, x: Any) -> Any: ...

    def sf(self, x: Any) -> Any: ...

    def isf(self, q: Any) -> Any: ...

    def support(self) -> tuple[Any, Any]: ...


# --------------------------------------------------------------------------- shared helpers


def _jsonable(value: Any) -> Any:
    """Turn numpy values, tuples and mappings into plain JSON values (non-finite -> None)."""
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        # JSON has no NaN/inf; None keeps the output loadable by strict parsers.
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields_to_dict(value)
    return value


def _fields_to_dict(result: Any) -> dict[str, Any]:
    return {f.name: _jsonable(getattr(result, f.name)) for f in dataclasses.fields(result)}


class _Result:
    """Mixin for the frozen result dataclasses: ``to_dict`` gives JSON-able values."""

    def to_dict(self) -> dict[str, Any]:
        """Every field as a plain JSON value (arrays become lists; NaN and inf become None)."""
        return _fields_to_dict(self)


def _show(bad: FloatArray) -> str:
    flat = np.ravel(bad)
    return repr(float(flat[0])) if flat.size else "?"


def _checked(
    value: npt.ArrayLike,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> FloatArray:
    """``value`` as a float array, or ``ValueError`` naming ``name`` and the allowed range."""
    arr = np.asarray(value, dtype=np.float64)
    low_text = "-inf" if low is None else f"{low:g}"
    high_text = "inf" if high is None else f"{high:g}"
    allowed = f"{'(' if low_open else '['}{low_text}, {high_text}{')' if high_open else ']'}"
    ok = np.isfinite(arr)
    if low is not None:
        ok &= arr > low if low_open else arr >= low
    if high is not None:
        ok &= arr < high if high_open else arr <= high
    if not np.all(ok):
        raise ValueError(f"{name} must be a finite number in {allowed}; got {_show(arr[~ok])}")
    return arr


def _probability(value: npt.ArrayLike, name: str) -> FloatArray:
    return _checked(value, name, low=0.0, high=1.0)


def _nonnegative(value: npt.ArrayLike, name: str) -> FloatArray:
    return _checked(value, name, low=0.0)


def _scalar(value: npt.ArrayLike, name: str) -> float:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single number here; got an array of shape {arr.shape}")
    return float(arr)


def _out(arr: FloatArray) -> Real:
    """Plain float for scalar inputs, array otherwise."""
    return float(arr) if arr.ndim == 0 else arr


def _flag(arr: BoolArray) -> Flag:
    return bool(arr) if arr.ndim == 0 else arr


def _is_distribution(obj: object) -> bool:
    return all(hasattr(obj, attr) for attr in ("cdf", "sf", "isf", "support"))


def _continuous(dist: Any, name: str) -> ContinuousDistribution:
    """Accept only continuous frozen distributions whose support is within [0, inf)."""
    from scipy import stats  # here: the caller's distribution has loaded it already

    if not isinstance(getattr(dist, "dist", None), stats.rv_continuous):
        raise TypeError(
            f"{name} must be a frozen continuous scipy.stats distribution or an array of sampled "
            "costs; for a discrete distribution pass its support points with weights=pmf"
        )
    low, _ = dist.support()
    if float(low) < 0.0:
        raise ValueError(
            f"{name} must put no probability on negative costs (war and sanctions are costly); "
            f"its support starts at {float(low):g}"
        )
    return dist  # type: ignore[no-any-return]


def _sample(
    values: npt.ArrayLike, weights: npt.ArrayLike | None, name: str
) -> tuple[FloatArray, FloatArray]:
    """Sampled costs sorted ascending with normalised weights (equal if none are given)."""
    costs = _nonnegative(np.ravel(np.asarray(values, dtype=np.float64)), name)
    if costs.size == 0:
        raise ValueError(f"{name} must contain at least one sampled cost")
    if weights is None:
        w = np.full(costs.size, 1.0 / costs.size)
    else:
        w = _nonnegative(np.ravel(np.asarray(weights, dtype=np.float64)), "weights")
        if w.shape != costs.shape or w.sum() <= 0.0:
            raise ValueError("weights must match the sampled costs in length and sum to > 0")
        w = w / w.sum()
    order = np.argsort(costs, kind="stable")
    return costs[order], w[order]


# ------------------------------------------------------------ complete information (Fearon)


@dataclass(frozen=True)
class BargainingRange(_Result):
    """The bargaining range of Fearon (1995, Figure 1), as shares of the issue going to A.

    ``lower``/``upper`` are clipped to the issue space [0, 1]; the ``*_unclipped`` fields keep
    Fearon's raw bounds ``p - c_A`` and ``p + c_B``, and ``clipped`` says whether either bound
    fell outside [0, 1] (a side so strong or a war so cheap for one side that even the whole
    issue, or nothing at all, is still on the peaceful side of its reservation value).
    """

    lower: Real
    upper: Real
    lower_unclipped: Real
    upper_unclipped: Real
    clipped: Flag
    offer_if_a_proposes: Real
    offer_if_b_proposes: Real
    proposer: Side
    settlement: Real
    surplus: Real
    p_war: Real


def bargaining_range(
    p_win: npt.ArrayLike,
    cost_a: npt.ArrayLike,
    cost_b: npt.ArrayLike,
    *,
    proposer: Side = "A",
) -> BargainingRange:
    """Bargaining range and ultimatum settlement under complete information (Fearon 1995).

    Implements Fearon (1995, pp. 386-388 and Figure 1): with risk-neutral states, a lottery war
    and positive costs, every division ``x`` in ``[p - c_A, p + c_B]`` is weakly preferred to
    war by both sides, so a peaceful deal exists and ``P(war) = 0``.

    Steps:
        1. A's reservation share is its war payoff ``p - c_A``; B accepts any ``x`` that leaves
           it at least ``1 - p - c_B``, i.e. ``x <= p + c_B``.
        2. Clip both bounds to the issue space [0, 1] and record whether clipping happened.
        3. Take-it-or-leave-it settlement: a proposing A claims the upper bound (B accepts
           when indifferent); a proposing B concedes only the lower bound.

    Args:
        p_win: probability that A wins a war, in [0, 1].
        cost_a: A's cost of war, >= 0, in units of the issue.
        cost_b: B's cost of war, >= 0.
        proposer: who makes the take-it-or-leave-it offer, ``"A"`` or ``"B"``.

    Scalars and arrays broadcast; scalar inputs give float fields.
    """
    if proposer not in ("A", "B"):
        raise ValueError(f"proposer must be 'A' or 'B'; got {proposer!r}")
    p, c_a, c_b = np.broadcast_arrays(
        _probability(p_win, "p_win"),
        _nonnegative(cost_a, "cost_a"),
        _nonnegative(cost_b, "cost_b"),
    )
    lower_raw, upper_raw = p - c_a, p + c_b
    lower, upper = np.clip(lower_raw, 0.0, 1.0), np.clip(upper_raw, 0.0, 1.0)
    return BargainingRange(
        lower=_out(lower),
        upper=_out(upper),
        lower_unclipped=_out(lower_raw),
        upper_unclipped=_out(upper_raw),
        clipped=_flag((lower_raw < 0.0) | (upper_raw > 1.0)),
        offer_if_a_proposes=_out(upper),
        offer_if_b_proposes=_out(lower),
        proposer=proposer,
        settlement=_out(upper if proposer == "A" else lower),
        surplus=_out(c_a + c_b),
        p_war=_out(np.zeros_like(p)),
    )


# ------------------------------------------------------- private information (risk-return)


@dataclass(frozen=True)
class RiskReturn(_Result):
    """A's optimal ultimatum to a B with a privately known cost (Fearon 1995, risk-return).

    ``offer`` is the share A demands (B is offered ``1 - offer``); ``premium = offer - p`` is
    also the cost threshold: B types with ``c_B < premium`` prefer war and reject.
    ``capped`` is true where the issue's upper edge ``x <= 1`` binds.
    """

    offer: Real
    premium: Real
    p_war: Real
    p_accept: Real
    expected_utility_a: Real
    capped: Flag
    method: str


def _expected_utility_a(offer: Real, p: Real, cost_a: Real, p_war: Real) -> Real:
    return (1.0 - p_war) * offer + p_war * (p - cost_a)


def risk_return_uniform(
    p_win: npt.ArrayLike, cost_a: npt.ArrayLike, cost_b_max: npt.ArrayLike
) -> RiskReturn:
    """Closed-form risk-return trade-off with ``c_B ~ U[0, c_max]`` (Fearon 1995).

    Fearon (1995, section "Private information and incentives to misrepresent") shows that
    A's optimal demand is ``x* = p + (c_max - c_A)/2`` when ``c_A < c_max``, so that
    ``P(war) = (c_max - c_A) / (2 c_max)``, and ``x* = p`` with no war when ``c_A >= c_max``.

    Steps:
        1. Write A's demand as ``x = p + y``; B of cost ``c`` accepts iff ``c >= y`` (B accepts
           when indifferent), so ``P(accept) = 1 - y / c_max`` on ``[0, c_max]``.
        2. ``EU_A(y) = (p + y)(1 - y/c_max) + (p - c_A) y / c_max`` is concave; its first-order
           condition gives the interior premium ``y0 = (c_max - c_A) / 2``; demands below ``p``
           are dominated (every type already accepts ``p``), hence ``max(0, y0)``.
        3. Boundary ``p + c_max > 1``: A cannot demand more than the whole issue, so
           ``y <= 1 - p``; by concavity the constrained optimum is ``min(max(0, y0), 1 - p)``.
           (``y0 < c_max`` always, so the premium never exceeds the support.)
        4. ``P(war) = y* / c_max`` (zero when ``c_max = 0``: complete information).

    Args:
        p_win: probability that A wins, in [0, 1].
        cost_a: A's (known) cost of war, >= 0.
        cost_b_max: upper end ``c_max`` of B's uniform cost distribution, >= 0.
    """
    p, c_a, c_max = np.broadcast_arrays(
        _probability(p_win, "p_win"),
        _nonnegative(cost_a, "cost_a"),
        _nonnegative(cost_b_max, "cost_b_max"),
    )
    interior = np.maximum(0.0, (c_max - c_a) / 2.0)
    premium = np.minimum(interior, 1.0 - p)
    p_war = np.divide(premium, c_max, out=np.zeros_like(premium), where=c_max > 0.0)
    offer = p + premium
    return RiskReturn(
        offer=_out(offer),
        premium=_out(premium),
        p_war=_out(p_war),
        p_accept=_out(1.0 - p_war),
        expected_utility_a=_out(np.asarray(_expected_utility_a(offer, p, c_a, p_war))),
        # A rounding-level excess over 1 - p is not a binding cap.
        capped=_flag(interior > 1.0 - p + 1e-12),
        method="closed form (uniform costs)",
    )


def risk_return(
    p_win: float,
    cost_a: float,
    cost_b: ContinuousDistribution | npt.ArrayLike,
    *,
    weights: npt.ArrayLike | None = None,
    grid_points: int = 2001,
) -> RiskReturn:
    """Risk-return trade-off for any distribution of B's private cost (Fearon 1995).

    A chooses its demand ``x = p + y`` to maximise ``EU_A(y) = (p + y) P(c_B >= y) +
    (p - c_A) P(c_B < y)`` over ``0 <= y <= 1 - p`` (the same problem as
    :func:`risk_return_uniform`, without the uniform closed form).

    Steps:
        * ``cost_b`` a frozen continuous ``scipy.stats`` distribution on ``[0, inf)``:
          evaluate ``EU_A`` on a grid of ``grid_points`` premia over ``[0, min(1 - p, sup)]``
          so the global maximum is bracketed even when ``EU_A`` is multi-peaked, then refine
          inside the winning bracket with bounded Brent (``scipy.optimize.minimize_scalar``).
        * ``cost_b`` an array of sampled costs (optionally ``weights``): the acceptance
          probability is a step function, so ``EU_A`` rises linearly between sample points and
          drops just after each; the optimum is therefore exactly one of ``y = c_i`` (or the
          cap ``1 - p``) and is found by enumeration, not by a continuous optimiser.
        * Among equally good demands A takes the smaller one (lower risk of war).

    Args:
        p_win: probability that A wins, in [0, 1] (scalar).
        cost_a: A's cost of war, >= 0 (scalar).
        cost_b: B's cost distribution: frozen continuous scipy distribution or sample array.
        weights: optional probability weights for a sample array.
        grid_points: grid size for the continuous case (>= 3).
    """
    p = _scalar(_probability(p_win, "p_win"), "p_win")
    c_a = _scalar(_nonnegative(cost_a, "cost_a"), "cost_a")
    if _is_distribution(cost_b):
        if grid_points < 3:
            raise ValueError(f"grid_points must be >= 3; got {grid_points}")
        dist = _continuous(cost_b, "cost_b")
        premium = _best_premium_continuous(p, c_a, dist, grid_points)
        p_war, method = float(dist.cdf(premium)), "numeric (continuous distribution)"
        # The cap binds when A stops at x = 1 although some types would accept more.
        capped = premium >= 1.0 - p - 1e-9 and float(dist.sf(1.0 - p)) > 0.0
    else:
        costs, w = _sample(np.asarray(cost_b, dtype=np.float64), weights, "cost_b")
        premium = _best_premium_sample(p, c_a, costs, w)
        p_war, method = float(w[costs < premium].sum()), "exact (sampled costs)"
        capped = premium >= 1.0 - p - 1e-9 and bool(np.any(costs > 1.0 - p))
    offer = p + premium
    return RiskReturn(
        offer=offer,
        premium=premium,
        p_war=p_war,
        p_accept=1.0 - p_war,
        expected_utility_a=float(_expected_utility_a(offer, p, c_a, p_war)),
        capped=bool(capped),
        method=method,
    )


def _best_premium_continuous(
    p: float, c_a: float, dist: ContinuousDistribution, grid_points: int
) -> float:
    _, support_top = dist.support()
    y_max = min(1.0 - p, float(support_top))
    if y_max <= 0.0:
        return 0.0

    def eu(y: Any) -> Any:
        return (p + y) * dist.sf(y) + (p - c_a) * dist.cdf(y)

    grid = np.linspace(0.0, y_max, grid_points)
    values = np.asarray(eu(grid), dtype=np.float64)
    i = int(np.argmax(values))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid_points - 1)]
    refined = _refine(lambda y: -float(eu(y)), lo, hi)
    best = refined if float(eu(refined)) > values[i] else float(grid[i])
    return best


def _refine(negative_eu: Callable[[float], float], lo: float, hi: float) -> float:
    if hi <= lo:
        return lo
    from scipy import optimize  # here: a crisis evaluation that never refines need not load it

    res = optimize.minimize_scalar(
        negative_eu, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12}
    )
    return float(res.x)


def _best_premium_sample(p: float, c_a: float, costs: FloatArray, w: FloatArray) -> float:
    candidates = np.unique(np.concatenate(([0.0], np.minimum(costs, 1.0 - p))))
    # P(c >= y) for each candidate: weight of the sorted costs from the first c_i >= y onwards.
    tail = np.concatenate((np.cumsum(w[::-1])[::-1], [0.0]))
    p_accept = tail[np.searchsorted(costs, candidates, side="left")]
    eu = (p + candidates) * p_accept + (p - c_a) * (1.0 - p_accept)
    # np.argmax returns the first (smallest) maximiser: the least risky of equal demands.
    return float(candidates[int(np.argmax(eu >= eu.max() - 1e-12))])
