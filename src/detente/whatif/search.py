"""The search: differential evolution over the batched crisis model, an archive of every
bundle evaluated, and the non-dominated frontier of cost to the defenders versus P(war).

Every bundle is evaluated on the *same* draws (one :class:`~detente.crisis.analysis.
CrisisInputs` for the whole search: common random numbers), so two bundles differ in P(war)
only because they differ, never because they met different luck. P(war) is then a step
function of the bundle (it moves in steps of ``1/N`` as draws switch between war and peace),
which rules out gradients; differential evolution (Storn and Price 1997; scipy's
implementation) needs none. Each generation's whole population goes through
:func:`~detente.crisis.analysis.evaluate_bundles` in one call (``vectorized=True``, which
implies ``updating="deferred"``).

Objectives (``f`` to minimise; ``p`` is P(war), ``c`` the cost, ``B`` the budget):

``floor``    the lowest P(war) within the budget, the cheapest such bundle among ties:
             ``f = p + w c`` with ``w (c_max - c_min) < 1/N`` so cost only breaks ties
             between equal P(war) (a lexicographic order), and ``f = 2 + (c - B)`` over
             budget.
``target``   the cheapest bundle with ``p <= target`` (epsilon-constraint): ``f = c`` when
             feasible, else ``f = M + (p - target)^+ + (c - B)^+`` with ``M`` above every
             feasible cost. This is Deb's (2000) feasibility rule as one number: a feasible
             bundle always beats an infeasible one, and infeasible ones are ranked by how
             far they miss.

The frontier is traced by the epsilon-constraint method: one ``target`` run at the user's
target and a few at other levels between the floor and the cheapest bundle, each warm-started
from the archive. Each run's best point is then polished by a coordinate search (every value
of a discrete lever, a grid plus shrinking steps for a continuous one, one lever at a time),
which removes the slack an evolutionary search leaves (a lever at 0.03 where 0 does as well).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

import numpy as np

from detente.crisis.bargaining import FloatArray
from detente.crisis.costs import lever_cost
from detente.crisis.war_values import evaluate_bundles
from detente.whatif.space import Space

__all__ = ["Archive", "Model", "RunReport", "Scores", "nondominated", "polish", "run_de",
           "thin", "tidy"]

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called after each generation of each run."""

_FEASIBLE_TOL = 1e-12


@dataclass(frozen=True)
class Scores:
    """What one batch of bundles scored, each ``(S,)``."""

    p_war: FloatArray
    cost: FloatArray
    p_commitment: FloatArray
    value: FloatArray


@dataclass
class Archive:
    """Every bundle evaluated, in order: its optimiser point and its scores."""

    points: list[FloatArray] = field(default_factory=list)
    p_war: list[FloatArray] = field(default_factory=list)
    cost: list[FloatArray] = field(default_factory=list)

    def add(self, x: FloatArray, scores: Scores) -> None:
        self.points.append(np.array(x, dtype=np.float64))
        self.p_war.append(scores.p_war.copy())
        self.cost.append(scores.cost.copy())

    @property
    def size(self) -> int:
        return sum(len(p) for p in self.p_war)

    def arrays(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        if not self.points:
            return np.empty((0, 0)), np.empty(0), np.empty(0)
        return (np.concatenate(self.points), np.concatenate(self.p_war),
                np.concatenate(self.cost))


class Model:
    """The batched crisis model on one fixed set of draws, recording every evaluation.

    ``workers > 1`` splits each batch over threads (numpy releases the GIL in its array
    loops); the scores do not depend on the split, as every bundle is evaluated on its own
    row of the same draws.
    """

    def __init__(self, space: Space, *, workers: int = 1) -> None:
        self.space = space
        self.archive = Archive()
        self.workers = max(1, workers)
        self._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()

    def bundles(self, settings: FloatArray, offers: FloatArray) -> Scores:
        """Scores of explicit bundles (not recorded)."""
        return self._score(np.atleast_2d(settings), np.atleast_2d(offers))

    def __call__(self, x: FloatArray) -> Scores:
        """Scores of optimiser points ``(S, D)``, recorded in the archive."""
        pts = np.atleast_2d(np.asarray(x, dtype=np.float64))
        settings, offers = self.space.decode(pts)
        scores = self._score(settings, offers)
        self.archive.add(pts, scores)
        return scores

    def _score(self, settings: FloatArray, offers: FloatArray) -> Scores:
        n = settings.shape[0]
        if self._pool is None or n < 2 * self.workers:
            return _score(self.space, settings, offers)
        cuts = np.linspace(0, n, self.workers + 1).astype(int)
        parts = list(self._pool.map(lambda ab: _score(self.space, settings[ab[0]:ab[1]],
                                                      offers[ab[0]:ab[1]]),
                                    pairwise(cuts)))
        return Scores(*(np.concatenate([getattr(p, f) for p in parts])
                        for f in ("p_war", "cost", "p_commitment", "value")))


def _score(space: Space, settings: FloatArray, offers: FloatArray) -> Scores:
    summary = evaluate_bundles(space.inputs, settings, offers)
    cost = lever_cost(space.inputs, settings, offers, p_war=summary.p_war)
    return Scores(p_war=summary.p_war, cost=np.asarray(cost, dtype=np.float64),
                  p_commitment=summary.p_commitment,
                  value=summary.expected_value_defenders)


# ------------------------------------------------------------------------------ objectives


@dataclass(frozen=True)
class Objective:
    """A scalar objective over (P(war), cost); see the module docstring."""

    kind: Literal["floor", "target"]
    target: float | None
    budget: float | None
    cost_bound: float
    draws: int

    def __call__(self, p: FloatArray, c: FloatArray) -> FloatArray:
        over = np.zeros_like(c) if self.budget is None else np.maximum(c - self.budget, 0.0)
        if self.kind == "floor":
            w = 0.5 / (self.draws * 2.0 * self.cost_bound)
            return np.where(over > 0, 2.0 + over, p + w * (c + self.cost_bound))
        assert self.target is not None
        miss = np.maximum(p - self.target - _FEASIBLE_TOL, 0.0)
        bad = (miss > 0) | (over > 0)
        return np.where(bad, self.cost_bound + 1.0 + miss + over, c)


def cost_bound(space: Space) -> float:
    """A bound on ``|cost|`` over the whole space: every lever at the top of its range plus
    the largest possible concession (values lie in [0, 1], so at most 1)."""
    return float(sum(float(lv.cost.mean()) for lv in space.inputs.levers)) + 1.0


# -------------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class RunReport:
    """One optimiser run: what it minimised, its effort and its best bundle's point."""

    label: str
    objective: str
    target: float | None
    generations: int
    evaluations: int
    best: FloatArray
    best_p_war: float
    best_cost: float


def _lhs(space: Space, n: int, rng: np.random.Generator) -> FloatArray:
    """A Latin hypercube over the optimiser's bounds (integer coordinates rounded)."""
    from scipy.stats import qmc

    if space.dim == 0:
        return np.empty((n, 0))
    u = qmc.LatinHypercube(d=space.dim, rng=rng).random(n)
    lo = np.array([b[0] for b in space.bounds()])
    hi = np.array([b[1] for b in space.bounds()])
    x = lo + u * (hi - lo)
    ints = space.integrality()
    x[:, ints] = np.rint(x[:, ints])
    return np.asarray(x)


def initial_population(space: Space, seeds: FloatArray, size: int,
                       rng: np.random.Generator) -> FloatArray:
    """``seeds`` (good points from the archive, at most half the population) topped up with
    a Latin hypercube; duplicate rows removed so the population keeps its spread."""
    keep = seeds[: size // 2] if seeds.size else np.empty((0, space.dim))
    if keep.shape[0]:
        _, first = np.unique(keep, axis=0, return_index=True)
        keep = keep[np.sort(first)]
    fill = _lhs(space, size - keep.shape[0], rng)
    return np.vstack([keep, fill]) if keep.shape[0] else fill


def run_de(model: Model, objective: Objective, init: FloatArray, rng: np.random.Generator,
           *, generations: int, label: str, progress: Progress | None = None) -> RunReport:
    """Differential evolution from the population ``init``; every evaluation is archived.

    ``best1bin`` with dithered mutation (0.5–1) and crossover 0.9 (levers interact: a
    guarantee and a concession can substitute for each other, so trial vectors should move
    several coordinates at once); no gradient polish (the objective is a step function), the
    coordinate polish of :func:`polish` is applied afterwards.
    """
    from scipy.optimize import differential_evolution

    space = model.space
    start = model.archive.size

    def f(x: FloatArray) -> FloatArray:
        pts = np.asarray(x, dtype=np.float64).T  # scipy passes (D, S)
        s = model(pts)
        return objective(s.p_war, s.cost)

    done = 0

    def callback(intermediate_result: Any) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(label, done, generations)

    if progress is not None:
        progress(label, 0, generations)
    result = differential_evolution(
        f, space.bounds(), strategy="best1bin", maxiter=generations, init=init, rng=rng,
        mutation=(0.5, 1.0), recombination=0.9, tol=0.0, atol=1e-7, polish=False,
        updating="deferred", vectorized=True, integrality=space.integrality(),
        callback=callback)
    if progress is not None and done < generations:
        progress(label, generations, generations)
    best = np.asarray(result.x, dtype=np.float64)
    s = model(best[None])
    return RunReport(label=label, objective=objective.kind, target=objective.target,
                     generations=int(result.nit), evaluations=model.archive.size - start,
                     best=best, best_p_war=float(s.p_war[0]), best_cost=float(s.cost[0]))


def polish(model: Model, objective: Objective, x0: FloatArray, *, sweeps: int = 3,
           label: str = "polish", progress: Progress | None = None) -> FloatArray:
    """Coordinate search from ``x0``: for each free lever in turn, try every value of a
    discrete lever or a grid plus shrinking steps of a continuous one (one batch per lever),
    keep the best; repeat until a sweep improves nothing (at most ``sweeps``)."""
    space = model.space
    x = np.array(x0, dtype=np.float64)
    s = model(x[None])
    fx = float(objective(s.p_war, s.cost)[0])
    for sweep in range(sweeps):
        improved = False
        for d, var in enumerate(space.variables):
            values = var.candidates(float(x[d]))
            cand = np.repeat(x[None], len(values), axis=0)
            cand[:, d] = values
            sc = model(cand)
            f = objective(sc.p_war, sc.cost)
            i = int(np.argmin(f))
            if f[i] < fx - 1e-15:
                x, fx, improved = cand[i], float(f[i]), True
        if progress is not None:
            progress(label, sweep + 1, sweeps)
        if not improved:
            break
    if progress is not None:
        progress(label, sweeps, sweeps)
    return x


def tidy(model: Model, x: FloatArray, p: FloatArray, c: FloatArray,
         cost_tol: float = 0.0) -> FloatArray:
    """Round the continuous levers of bundles ``x`` ``(F, D)`` to readable steps
    (:meth:`~detente.whatif.space.Variable.rounded`) wherever that raises neither P(war)
    nor the cost (beyond ``cost_tol``): all at once if possible, else lever by lever. An
    evolutionary search leaves residues (a lever at 0.00002) that mean nothing. With no
    tolerance a tidied bundle is at least as good as the original on both counts."""
    space = model.space
    out = np.array(x, dtype=np.float64)
    if not out.size:
        return out
    rounded = np.column_stack([v.rounded(out[:, d]) for d, v in enumerate(space.variables)])

    def ok(cand: FloatArray, rows: np.ndarray) -> np.ndarray:
        sc = model(cand)
        return np.asarray((sc.p_war <= p[rows] + 1e-12) & (sc.cost <= c[rows] + cost_tol))

    every = np.arange(out.shape[0])
    done = ok(rounded, every)
    out[done] = rounded[done]
    rest = every[~done]
    for d in range(space.dim):
        if not rest.size:
            break
        cand = out[rest].copy()
        cand[:, d] = rounded[rest, d]
        if np.array_equal(cand, out[rest]):
            continue
        good = ok(cand, rest)
        out[rest[good]] = cand[good]
    return out


# ---------------------------------------------------------------------------- frontier


def nondominated(p: FloatArray, c: FloatArray) -> np.ndarray:
    """Indices of the Pareto-optimal bundles (minimising both P(war) and cost), sorted by
    cost ascending (so P(war) descending). Among identical scores the first evaluated is
    kept. A bundle is dominated when another is no worse on both and better on one."""
    if p.size == 0:
        return np.empty(0, dtype=np.intp)
    order = np.lexsort((np.arange(p.size), p, c))  # cost, then P(war), then first seen
    keep: list[int] = []
    best_p = math.inf
    for i in order:
        if p[i] < best_p:
            keep.append(int(i))
            best_p = float(p[i])
    return np.asarray(keep, dtype=np.intp)


def thin(p: FloatArray, c: FloatArray, m: int, must: list[int]) -> list[int]:
    """At most ``m`` positions along a frontier (``p``, ``c`` sorted by cost) spread evenly
    by arc length on axes scaled to [0, 1], always keeping both ends and ``must``."""
    n = p.size
    if n <= m:
        return list(range(n))
    ps = (p - p.min()) / max(float(np.ptp(p)), 1e-12)
    cs = (c - c.min()) / max(float(np.ptp(c)), 1e-12)
    arc = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(ps), np.diff(cs)))))
    chosen = {0, n - 1, *must}
    for a in np.linspace(0.0, arc[-1], max(m - len(chosen), 2)):
        chosen.add(int(np.argmin(np.abs(arc - a))))
    return sorted(chosen)
