"""The lever space of a crisis: which levers the search may move, the values each can take,
and how a point of the optimiser maps to a bundle (effect-lever settings and an offer per
issue) that :func:`detente.crisis.analysis.p_war_batch` evaluates.

A bundle has one setting per effect lever (sanctions, arms, posture, insurgency support,
guarantees, transparency; in the levers' own units) and one offer per issue (in the issue's
units). The search moves the *free* levers; the others are *held*:

* an effect lever at its ``--fix`` value, else at the scenario's setting (``default``, or the
  bottom of its range);
* a concession lever at its ``--fix`` value, else its ``default``, else the issue's status quo
  (point value; no concession), moved into the lever's range and onto its packages;
* an issue without a concession lever is not on the table: its offer stays at the status quo
  (or the defending side's ideal when the issue has none), unless ``--fix`` names the issue.

Each free lever is one variable of the optimiser. A continuous lever is a real variable over
its range. A lever that only takes listed values (``steps``), and a concession on an issue
marked ``divisible: false`` (its packages inside the lever's range), is an integer variable:
the index of the value, so the optimiser rounds (scipy's ``integrality``) and never proposes a
setting off the steps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputError, CrisisInputs
from detente.crisis.levers import LeverArrays

__all__ = ["Space", "Variable", "WhatIfError", "build_space"]

_TOL = 1e-9


class WhatIfError(CrisisInputError):
    """A lever search cannot run as asked (an unknown lever, a bad target or fix)."""


@dataclass(frozen=True)
class Variable:
    """One free lever: an effect lever's setting (``target == "setting"``, ``column`` its
    column in a settings matrix) or a concession, the offer on one issue (``target ==
    "offer"``, ``column`` the issue's index). ``values`` lists the allowed values of a
    discrete lever (the optimiser then searches their index), ``None`` for a continuous one."""

    id: str
    kind: str
    target: Literal["setting", "offer"]
    column: int
    low: float
    high: float
    values: FloatArray | None

    @property
    def discrete(self) -> bool:
        return self.values is not None

    def bounds(self) -> tuple[float, float]:
        """The optimiser's bounds: the range, or ``(0, n - 1)`` for the index of a value."""
        if self.values is not None:
            return (0.0, float(len(self.values) - 1))
        return (self.low, self.high)

    def decode(self, x: FloatArray) -> FloatArray:
        """Optimiser coordinates -> lever values."""
        if self.values is not None:
            idx = np.clip(np.rint(x), 0, len(self.values) - 1).astype(np.intp)
            return np.asarray(self.values[idx], dtype=np.float64)
        return np.asarray(np.clip(x, self.low, self.high), dtype=np.float64)

    def encode(self, v: FloatArray) -> FloatArray:
        """Lever values -> optimiser coordinates (the nearest allowed value's index)."""
        if self.values is not None:
            idx = np.argmin(np.abs(np.asarray(v)[..., None] - self.values), axis=-1)
            return np.asarray(idx, dtype=np.float64)
        return np.asarray(np.clip(v, self.low, self.high), dtype=np.float64)

    def rounded(self, x: FloatArray) -> FloatArray:
        """Coordinates of a continuous lever rounded to a readable step: the power of ten
        nearest to 1% of its range (0.01 on 0..1, 1 on 0..75); discrete ones unchanged."""
        if self.values is not None:
            return np.asarray(x, dtype=np.float64)
        step = 10.0 ** round(math.log10((self.high - self.low) / 100.0))
        r = self.low + np.round((np.asarray(x) - self.low) / step) * step
        return np.asarray(np.clip(np.round(r, 12), self.low, self.high), dtype=np.float64)

    def candidates(self, current: float) -> FloatArray:
        """Values to try for this coordinate in a local search around ``current``: every
        index of a discrete lever; for a continuous one a grid over the range plus steps of
        shrinking size either side of ``current``."""
        if self.values is not None:
            return np.arange(len(self.values), dtype=np.float64)
        span = self.high - self.low
        near = current + span * np.array([-0.2, -0.1, -0.05, -0.02, -0.01, -0.005,
                                          0.005, 0.01, 0.02, 0.05, 0.1, 0.2])
        grid = np.linspace(self.low, self.high, 11)
        return np.unique(np.clip(np.concatenate((grid, near)), self.low, self.high))


@dataclass(frozen=True)
class Space:
    """The searched levers and the held rest: ``decode`` turns optimiser points ``(S, D)``
    into settings ``(S, L)`` and offers ``(S, K)`` for the batched crisis model."""

    inputs: CrisisInputs
    variables: tuple[Variable, ...]
    settings: FloatArray
    offers: FloatArray
    sources: dict[str, str]

    @property
    def dim(self) -> int:
        return len(self.variables)

    @property
    def free(self) -> list[str]:
        return [v.id for v in self.variables]

    def decode(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        pts = np.atleast_2d(np.asarray(x, dtype=np.float64))
        s = np.repeat(self.settings[None], pts.shape[0], axis=0)
        o = np.repeat(self.offers[None], pts.shape[0], axis=0)
        for d, var in enumerate(self.variables):
            (s if var.target == "setting" else o)[:, var.column] = var.decode(pts[:, d])
        return s, o

    def encode(self, settings: FloatArray, offers: FloatArray) -> FloatArray:
        s = np.atleast_2d(settings)
        o = np.atleast_2d(offers)
        out = np.empty((s.shape[0], self.dim))
        for d, var in enumerate(self.variables):
            out[:, d] = var.encode((s if var.target == "setting" else o)[:, var.column])
        return out

    def bounds(self) -> list[tuple[float, float]]:
        return [v.bounds() for v in self.variables]

    def integrality(self) -> FloatArray:
        return np.array([v.discrete for v in self.variables], dtype=bool)


def _allowed(inputs: CrisisInputs, lever: LeverArrays) -> FloatArray | None:
    """The values a concession can take: its steps, or the packages of an indivisible issue
    inside its range (the nearest package if none lies inside); ``None`` if continuous."""
    k = inputs.issue_ids.index(str(lever.issue))
    ladder = inputs.steps[k]
    if lever.steps is not None:
        values = lever.steps if ladder is None else np.unique(
            ladder[np.argmin(np.abs(lever.steps[:, None] - ladder), axis=-1)])
        return np.asarray(values, dtype=np.float64)
    if ladder is None:
        return None
    inside = ladder[(ladder >= lever.low - _TOL) & (ladder <= lever.high + _TOL)]
    if inside.size:
        return np.asarray(inside, dtype=np.float64)
    centre = (lever.low + lever.high) / 2.0
    return np.asarray(ladder[[int(np.argmin(np.abs(ladder - centre)))]], dtype=np.float64)


def _nearest(values: FloatArray | None, v: float, low: float, high: float) -> float:
    v = min(max(v, low), high)
    if values is None:
        return v
    return float(values[int(np.argmin(np.abs(values - v)))])


def _status_quo(inputs: CrisisInputs, k: int) -> float:
    issue = inputs.scenario.issues[k]
    if issue.status_quo is not None:
        return float(issue.status_quo.point)
    return float(inputs.line_start[k])


def _toward_challenger(inputs: CrisisInputs, lever: LeverArrays, k: int,
                       values: FloatArray | None) -> tuple[float, float, FloatArray | None]:
    """The part of a concession lever's range that gives ground from the status quo towards
    the challenger's demand, with the allowed values in it (the status quo's nearest value
    if none lies there)."""
    sq = _status_quo(inputs, k)
    if inputs.line_end[k] >= sq:
        low, high = max(lever.low, min(sq, lever.high)), lever.high
    else:
        low, high = lever.low, min(lever.high, max(sq, lever.low))
    if values is None:
        return low, high, None
    inside = values[(values >= low - _TOL) & (values <= high + _TOL)]
    if not inside.size:
        inside = values[[int(np.argmin(np.abs(values - sq)))]]
    return low, high, np.asarray(inside, dtype=np.float64)


def build_space(inputs: CrisisInputs, fix: Mapping[str, float] | None = None,
                free: Sequence[str] | None = None, *, demands: bool = False) -> Space:
    """The search space: every lever free except those fixed (or, with ``free``, only the
    levers named there). ``fix`` and ``free`` take lever ids; an issue id stands for its
    concession lever (or, for an issue without one, fixes its offer).

    A concession only gives ground: the search moves an offer from the status quo towards the
    challenger's demand, within the lever's range. With ``demands=True`` it may also ask for
    more than the status quo (the whole range, down to the defending side's own terms), as a
    proposer in Fearon's model may."""
    fix = dict(fix or {})
    effect = {lv.id: (j, lv) for j, lv in enumerate(inputs.levers)}
    concession = {lv.id: lv for lv in inputs.concessions}
    by_issue = {str(lv.issue): lv.id for lv in inputs.concessions}
    known = [*effect, *concession]

    def resolve(name: str, option: str) -> str:
        if name in effect or name in concession:
            return name
        if name in by_issue:
            return by_issue[name]
        if name in inputs.issue_ids:
            return name  # an issue with no concession lever
        raise WhatIfError(f"{option}: {name!r} is neither a lever nor an issue of "
                          f"{inputs.scenario.id!r} (levers: {', '.join(known) or 'none'}; "
                          f"issues: {', '.join(inputs.issue_ids)})")

    fixed: dict[str, float] = {}
    for name, value in fix.items():
        key = resolve(name, "--fix")
        if key in fixed:
            raise WhatIfError(f"--fix: {name!r} is fixed twice (an issue stands for its "
                              f"concession lever {key!r})")
        if not math.isfinite(float(value)):
            raise WhatIfError(f"--fix {name}={value}: give a finite number")
        fixed[key] = float(value)
    chosen: list[str] | None = None
    if free is not None:
        chosen = []
        for name in free:
            key = resolve(name, "--free")
            if key in inputs.issue_ids:
                raise WhatIfError(f"--free: issue {name!r} has no concession lever, so there "
                                  "is nothing the defenders say they would offer on it")
            if key in fixed:
                raise WhatIfError(f"{name!r} is both fixed (--fix) and free (--free)")
            if key not in chosen:
                chosen.append(key)

    settings = inputs.default_settings.copy()
    offers = np.array([_status_quo(inputs, k) for k in range(len(inputs.issue_ids))])
    sources: dict[str, str] = {}
    variables: list[Variable] = []

    for lid, (j, lever) in effect.items():
        if lid in fixed:
            try:
                lever.check(np.array([fixed[lid]]))
            except ValueError as exc:
                raise WhatIfError(f"--fix: {exc}") from None
            settings[j] = fixed[lid]
            sources[lid] = "fixed"
        elif chosen is None or lid in chosen:
            variables.append(Variable(lid, lever.kind, "setting", j, lever.low, lever.high,
                                      None if lever.steps is None else lever.steps.copy()))
        else:
            sources[lid] = "held at the scenario's setting"

    for k, iid in enumerate(inputs.issue_ids):
        ladder = inputs.steps[k]
        lo, hi = float(inputs.lower[k]), float(inputs.upper[k])
        if iid not in by_issue:
            if iid in fixed:
                v = fixed[iid]
                if not lo - _TOL <= v <= hi + _TOL:
                    raise WhatIfError(f"--fix {iid}={v:g}: outside the issue's scale "
                                      f"{lo:g}..{hi:g}")
                offers[k] = _nearest(ladder, v, lo, hi)
                sources[iid] = "fixed"
            else:
                offers[k] = _nearest(ladder, offers[k], lo, hi)
                sources[iid] = "status quo (no concession lever)"
            continue
        lever = concession[by_issue[iid]]
        values = _allowed(inputs, lever)
        if lever.id in fixed:
            v = fixed[lever.id]
            if not lever.low - _TOL <= v <= lever.high + _TOL:
                raise WhatIfError(f"--fix {lever.id}={v:g}: outside what the defenders would "
                                  f"concede on {iid} ({lever.low:g}..{lever.high:g})")
            if lever.steps is not None and np.min(np.abs(lever.steps - v)) > _TOL:
                allowed = ", ".join(f"{s:g}" for s in lever.steps)
                raise WhatIfError(f"--fix {lever.id}={v:g}: not one of its steps ({allowed})")
            offers[k] = _nearest(values, v, lever.low, lever.high)
            sources[lever.id] = "fixed"
        elif chosen is None or lever.id in chosen:
            low, high, searched = ((lever.low, lever.high, values) if demands
                                   else _toward_challenger(inputs, lever, k, values))
            variables.append(Variable(lever.id, lever.kind, "offer", k, low, high, searched))
            offers[k] = _nearest(searched, lever.default if lever.default is not None
                                 else offers[k], low, high)
        else:
            held = lever.default if lever.default is not None else offers[k]
            offers[k] = _nearest(values, held, lever.low, lever.high)
            sources[lever.id] = ("held at the lever's default" if lever.default is not None
                                 else "held at the status quo")
    return Space(inputs=inputs, variables=tuple(variables), settings=settings, offers=offers,
                 sources=sources)
