"""`detente whatif`: what will it take to bring the risk of war under a target?

The search (:mod:`detente.whatif.search`) runs differential evolution over every free lever
and concession, on one set of seeded draws shared by every bundle, and keeps the Pareto
frontier of cost to the defending side versus P(war). This module orders the runs, checks
the answer on fresh draws, tests the recommended bundle's fragility
(:mod:`detente.whatif.fragility`) and writes the answer in words. See ``docs/whatif.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import numpy as np

from detente.crisis.assessment import mechanism_shares
from detente.crisis.bargaining import FloatArray
from detente.crisis.costs import concession_cost, lever_cost
from detente.crisis.inputs import CrisisInputs, crisis_inputs, snap
from detente.crisis.mechanisms import mechanisms
from detente.crisis.offers import bargaining_ranges
from detente.crisis.result import MechanismShare
from detente.crisis.uncertainty import wilson
from detente.crisis.war_values import evaluate_bundles
from detente.provenance import versions
from detente.sampling import Draws, Input, draw
from detente.scenario import Scenario, load
from detente.scenario.crisis import Lever
from detente.whatif.answer import answer_notes, headline, unreachable_reason
from detente.whatif.fragility import (
    Tercile,
    bundle_evaluator,
    input_label,
    relevant_inputs,
    terciles,
    war_by_draw,
)
from detente.whatif.result import (
    Bundle,
    Dependence,
    LeverSetting,
    SearchRun,
    WhatIfResult,
)
from detente.whatif.search import (
    Model,
    Objective,
    Progress,
    RunReport,
    cost_bound,
    initial_population,
    nondominated,
    polish,
    run_de,
    thin,
    tidy,
)
from detente.whatif.space import Space, WhatIfError, build_space
from detente.whatif.words import concession_words, lever_words

__all__ = ["Effort", "headline", "whatif"]

T = TypeVar("T")

@dataclass(frozen=True)
class Effort:
    """How hard the search works. Generations are per differential-evolution run; the
    population is ``per_dim`` times the number of free levers, within ``[min_pop,
    max_pop]``; ``levels`` extra epsilon-constraint runs trace the frontier between the
    lowest P(war) and the cheapest bundle."""

    floor_generations: int = 60
    target_generations: int = 80
    level_generations: int = 25
    levels: int = 4
    per_dim: int = 4
    min_pop: int = 16
    max_pop: int = 40
    polish_sweeps: int = 3

    def scaled(self, factor: float) -> Effort:
        def g(n: int) -> int:
            return max(2, round(n * factor))
        return Effort(g(self.floor_generations), g(self.target_generations),
                      g(self.level_generations), self.levels, self.per_dim, self.min_pop,
                      self.max_pop, self.polish_sweeps)

    def population(self, dim: int) -> int:
        return min(max(self.per_dim * dim, self.min_pop), self.max_pop)


def whatif(scenario: Scenario | str | Path | None = None, *, target: float = 0.10,
           draws: int = 2_000, seed: int = 0, fix: Mapping[str, float] | None = None,
           free: Sequence[str] | None = None, budget: float | None = None,
           check_draws: int = 10_000, effort: float = 1.0, frontier_size: int = 15,
           sobol_samples: int = 256, workers: int = 1, demands: bool = False,
           progress: Progress | None = None) -> WhatIfResult:
    """The cheapest bundles of levers and concessions that bring P(war) to ``target`` or
    below, and the whole frontier of cost to the defending side versus P(war).

    ``draws`` seeded Monte Carlo draws of every uncertain input are shared by every bundle
    (common random numbers); ``check_draws`` fresh draws (after those, same seed) re-check
    the frontier. ``fix`` holds levers (lever or issue id -> value); ``free`` limits the search
    to the levers named; ``budget`` caps the cost. Offers only concede (from the status quo
    towards the challenger) unless ``demands`` lets them ask for more than the status quo.
    ``effort`` scales the optimiser's generations; ``workers`` splits each population over
    threads (same answer).
    ``sobol_samples`` (a power of two; 0 to skip) sizes the fragility analysis.
    """
    s = scenario if isinstance(scenario, Scenario) else load(scenario)
    if s.crisis is None:
        raise WhatIfError(f"scenario {s.id!r} has no crisis: section, so there is no war to "
                          "avert; add one (docs/crisis-section.md)")
    _check_args(target, draws, budget, check_draws, effort, frontier_size, sobol_samples)
    say = progress or (lambda stage, done, total: None)

    sample = draw(s, seed, 0, draws)
    inputs = crisis_inputs(sample)
    space = build_space(inputs, fix, free, demands=demands)
    streams = [np.random.default_rng(c) for c in np.random.SeedSequence(seed).spawn(8)]
    plan = Effort().scaled(effort)
    model = Model(space, workers=workers)
    try:
        return _answer(s, sample, inputs, space, model, plan, streams, say, target=target,
                       budget=budget, seed=seed, draws=draws, check_draws=check_draws,
                       frontier_size=frontier_size, sobol_samples=sobol_samples)
    finally:
        model.close()


def _answer(s: Scenario, sample: Draws, inputs: CrisisInputs, space: Space, model: Model,
            plan: Effort, streams: list[np.random.Generator], say: Progress, *,
            target: float, budget: float | None, seed: int, draws: int, check_draws: int,
            frontier_size: int, sobol_samples: int) -> WhatIfResult:
    """Search, pick the frontier and the recommendation, check and describe them."""
    runs = _search(model, plan, target, budget, draws, streams, say)

    x_all, p_all, c_all = model.archive.arrays()
    within = np.ones(p_all.size, dtype=bool) if budget is None else c_all <= budget + 1e-12
    if not within.any():
        raise WhatIfError(f"--budget {budget:g}: no bundle found costs that little; the "
                          f"cheapest found costs {float(c_all.min()):.3f}")
    idx = np.flatnonzero(within)
    front = idx[nondominated(p_all[idx], c_all[idx])]
    fp, fc = p_all[front], c_all[front]
    fresh = (crisis_inputs(draw(s, seed, draws, draws + check_draws)) if check_draws
             else None)
    rec_pos, refuted, confirmed = _recommend(space, x_all[front], fp, target, fresh)
    keep = thin(fp, fc, frontier_size, [] if rec_pos is None else [rec_pos])
    rows = front[keep]
    recommended = None if rec_pos is None else keep.index(rec_pos)
    points = _finish_frontier(model, x_all[rows], recommended, fresh, target)
    lowest = len(points) - 1

    say("checking the frontier", 0, 1)
    ctx = _Context(s, inputs, fresh, space, sample, target)
    settings, offers = space.decode(points)
    frontier = ctx.bundles(settings, offers)
    current = ctx.bundles(space.settings[None], space.offers[None])[0]
    say("checking the frontier", 1, 1)

    focus = lowest if recommended is None else recommended
    frontier[focus] = ctx.deepen(frontier[focus], sobol_samples, streams[7], say)
    current = current.model_copy(update={"mechanisms": ctx.mechanisms(current)})

    # the whole non-dominated set and a sample of every bundle evaluated, for the plot
    x_all, p_all, c_all = model.archive.arrays()
    ok = np.flatnonzero(np.ones(p_all.size, dtype=bool) if budget is None
                        else c_all <= budget + 1e-12)
    best = ok[nondominated(p_all[ok], c_all[ok])]
    curve = [(float(c_all[i]), float(p_all[i])) for i in best]
    stride = max(1, p_all.size // 1500)
    cloud = [(float(c_all[i]), float(p_all[i])) for i in range(0, p_all.size, stride)]
    result = WhatIfResult(
        scenario=s.id, title=s.title, seed=seed, draws=draws, check_draws=check_draws,
        target=target, budget=budget, versions=versions("SALib", "matplotlib"), free=space.free,
        held=dict(space.sources), current=current, frontier=frontier,
        recommended=recommended, lowest=lowest, reachable=recommended is not None,
        reason=None, headline="", evaluations=model.archive.size,
        runs=[_run_row(r) for r in runs], curve=curve, cloud=cloud,
        notes=answer_notes(s, space, draws, check_draws, refuted,
                     unconfirmed=rec_pos is not None and fresh is not None and not confirmed))
    reason = None if recommended is not None else unreachable_reason(result, s, space)
    result = result.model_copy(update={"reason": reason})
    return result.model_copy(update={"headline": headline(result, s)})


def _check_args(target: float, draws: int, budget: float | None, check_draws: int,
                effort: float, frontier_size: int, sobol_samples: int) -> None:
    if not (math.isfinite(target) and 0.0 <= target < 1.0):
        raise WhatIfError(f"--target must be a probability in [0, 1), got {target:g}")
    if not 100 <= draws <= 10_000_000:
        raise WhatIfError(f"--draws must be between 100 and 10,000,000; got {draws}")
    if budget is not None and not math.isfinite(budget):
        raise WhatIfError("--budget must be a finite number")
    if check_draws != 0 and not 100 <= check_draws <= 10_000_000:
        raise WhatIfError(f"--check-draws must be 0 (no check) or between 100 and "
                          f"10,000,000; got {check_draws}")
    if not (math.isfinite(effort) and 0.05 <= effort <= 20):
        raise WhatIfError(f"--effort must lie between 0.05 and 20, got {effort:g}")
    if frontier_size < 2:
        raise WhatIfError(f"the frontier needs at least 2 bundles, got {frontier_size}")
    if sobol_samples and (sobol_samples < 16 or sobol_samples & (sobol_samples - 1)):
        raise WhatIfError(f"Sobol samples must be 0 or a power of two >= 16, got "
                          f"{sobol_samples}")


# -------------------------------------------------------------------------------- search


def _search(model: Model, plan: Effort, target: float, budget: float | None, draws: int,
            streams: list[np.random.Generator], say: Progress) -> list[RunReport]:
    """The runs, in order: the cheapest bundle of all (a coordinate search from every lever
    at the bottom of its range: the cost is nearly separable by lever), the lowest P(war)
    (differential evolution), the cheapest bundle meeting the target (differential evolution
    from a cold start: a population seeded with the best bundles so far converges on them too
    early), then runs at other levels of P(war), warm-started from the archive. Every run ends
    with a coordinate polish; the target's best bundle in the whole archive is polished once
    more at the end."""
    space = model.space
    current = space.encode(space.settings, space.offers)
    if space.dim == 0:
        model(current)
        return []
    bottom = np.array([b[0] for b in space.bounds()])
    top = np.array([b[1] for b in space.bounds()])
    model(np.vstack([current, bottom, top]))
    bound = cost_bound(space)
    pop = plan.population(space.dim)
    runs: list[RunReport] = []

    def objective(level: float | None) -> Objective:
        return Objective("floor" if level is None else "target", level, budget, bound, draws)

    def finish(label: str, obj: Objective, x0: FloatArray, generations: int,
               start: int) -> None:
        x = polish(model, obj, x0, sweeps=plan.polish_sweeps, label=f"{label}: polish",
                   progress=say)
        sc = model(x[None])
        runs.append(RunReport(label=label, objective=obj.kind, target=obj.target,
                              generations=generations, evaluations=model.archive.size - start,
                              best=x, best_p_war=float(sc.p_war[0]),
                              best_cost=float(sc.cost[0])))

    def evolve(label: str, obj: Objective, seeds: FloatArray, rng: np.random.Generator,
               generations: int) -> None:
        start = model.archive.size
        init = initial_population(space, seeds, pop, rng)
        run = run_de(model, obj, init, rng, generations=generations, label=label,
                     progress=say)
        finish(label, obj, run.best, run.generations, start)

    finish("cheapest of all", objective(1.0), bottom, 0, model.archive.size)
    evolve("lowest P(war)", objective(None), np.vstack([current, top]), streams[0],
           plan.floor_generations)
    obj = objective(target)
    evolve(f"cheapest with P(war) <= {target:g}", obj, current, streams[1],
           plan.target_generations)
    for n, level in enumerate(_levels(model, plan.levels, target, budget)):
        evolve(f"cheapest with P(war) <= {level:.3f}", objective(level),
               _best_for(model, objective(level), pop // 2), streams[2 + n % 5],
               plan.level_generations)
    best = _best_for(model, obj, 1)
    if best.shape[0] and not any(np.array_equal(best[0], r.best) for r in runs):
        finish(f"cheapest with P(war) <= {target:g}, again", obj, best[0], 0,
               model.archive.size)
    return runs


def _best_for(model: Model, objective: Objective, k: int) -> FloatArray:
    """The ``k`` archived points that score best on ``objective`` (distinct)."""
    x, p, c = model.archive.arrays()
    if not p.size:
        return np.empty((0, model.space.dim))
    f = objective(p, c)
    order = np.lexsort((np.arange(f.size), f))
    _, first = np.unique(x[order], axis=0, return_index=True)
    return np.asarray(x[order][np.sort(first)][:k])


def _levels(model: Model, n: int, target: float, budget: float | None) -> list[float]:
    """Levels of P(war) for the extra epsilon-constraint runs: geometric between the lowest
    P(war) found and that of the cheapest bundle, skipping levels close to the target."""
    _, p, c = model.archive.arrays()
    ok = np.ones(p.size, dtype=bool) if budget is None else c <= budget + 1e-12
    if n <= 0 or not ok.any():
        return []
    p_lo = float(p[ok].min())
    p_hi = float(p[ok][np.argmin(c[ok])])
    if p_hi - p_lo < 0.01:
        return []
    start = max(p_lo, 0.005)
    grid = np.geomspace(start, p_hi, n + 2)[1:-1]
    return [float(v) for v in grid if abs(v - target) > 0.15 * max(target, 0.01)]


def _run_row(r: RunReport) -> SearchRun:
    return SearchRun(label=r.label, objective="floor" if r.objective == "floor" else "target",
                     target=r.target, generations=r.generations, evaluations=r.evaluations,
                     best_p_war=r.best_p_war, best_cost=r.best_cost)


# ------------------------------------------------------------------------------ bundles


def _finish_frontier(model: Model, x: FloatArray, recommended: int | None,
                     fresh: CrisisInputs | None, target: float) -> FloatArray:
    """Round the frontier bundles to readable settings where that raises neither P(war)
    nor the cost (the recommended bundle only if it still meets the target on the fresh
    draws). A rounded bundle goes back to its original if it would dominate a neighbour (the
    frontier stays non-dominated) or if rounding brought it under the target (it would be a
    cheaper bundle meeting the target that the fresh draws never checked)."""
    space = model.space
    out = np.array(x, dtype=np.float64)
    sc = model.bundles(*space.decode(out))
    before = sc.p_war
    tidied = tidy(model, out, sc.p_war, sc.cost, cost_tol=1e-6)
    if recommended is not None and fresh is not None:
        check = evaluate_bundles(fresh, *space.decode(tidied[recommended:recommended + 1]))
        if check.p_war[0] > target + 1e-12:
            tidied[recommended] = out[recommended]
    for _ in range(out.shape[0]):
        sc = model.bundles(*space.decode(tidied))
        p, c = sc.p_war, sc.cost
        dominates = ((p[:, None] <= p[None, :]) & (c[:, None] <= c[None, :])
                     & ((p[:, None] < p[None, :]) | (c[:, None] < c[None, :]))).any(axis=1)
        changed = np.any(tidied != out, axis=1)
        crossed = (before > target + 1e-12) & (p <= target + 1e-12)
        revert = (dominates | crossed) & changed
        if not revert.any():
            break
        tidied[revert] = out[revert]
    return tidied


def _recommend(space: Space, x: FloatArray, p: FloatArray, target: float,
               fresh: CrisisInputs | None, look: int = 200, batch: int = 40
               ) -> tuple[int | None, int, bool]:
    """The cheapest frontier bundle (``x``, ``p`` sorted by cost) meeting the target both on
    the search's draws and on the fresh ones. The fresh draws guard against the optimiser's
    curse: among thousands of bundles, the one picked as cheapest under the target is likely
    one the search's draws happen to favour. Returns its position, how many cheaper ones met
    the target only on the search's draws, and whether the fresh draws confirmed it;
    ``(None, 0, False)`` if no bundle meets the target on the search's draws. If the fresh
    draws refute the first ``look`` candidates, the cheapest is returned unconfirmed (the
    notes say so)."""
    meets = np.flatnonzero(p <= target + 1e-12)
    if not meets.size:
        return None, 0, False
    if fresh is None:
        return int(meets[0]), 0, False
    for start in range(0, min(look, meets.size), batch):
        chunk = meets[start:start + batch]
        settings, offers = space.decode(x[chunk])
        check = evaluate_bundles(fresh, settings, offers).p_war
        passed = np.flatnonzero(check <= target + 1e-12)
        if passed.size:
            return int(chunk[passed[0]]), start + int(passed[0]), True
    return int(meets[0]), 0, False


@dataclass(frozen=True)
class _Context:
    scenario: Scenario
    inputs: CrisisInputs
    fresh: CrisisInputs | None
    space: Space
    sample: Draws
    target: float

    @cached_property
    def relevant(self) -> list[Input]:
        return relevant_inputs(self.scenario)

    def bundles(self, settings: FloatArray, offers: FloatArray) -> list[Bundle]:
        """Full reports of bundles: scores, the check on fresh draws, words, terciles."""
        inputs = self.inputs
        offers = snap(inputs, offers)
        summary = evaluate_bundles(inputs, settings, offers)
        cost = lever_cost(inputs, settings, offers, p_war=summary.p_war)
        conceded = concession_cost(inputs, offers)
        fresh = self.fresh
        check = None if fresh is None else evaluate_bundles(fresh, settings, offers).p_war
        relevant = self.relevant
        out = []
        for b in range(settings.shape[0]):
            p = float(summary.p_war[b])
            meets = p <= self.target + 1e-12
            war, _, _ = war_by_draw(inputs, settings[b], offers[b])
            deps = terciles(self.sample, war, relevant)
            hinging = [t for t in deps if meets and t.hinges(self.target)]
            shown = _unique([*hinging[:3], *deps[:3]])
            out.append(Bundle(
                settings={lid: float(settings[b, j]) for j, lid in enumerate(inputs.lever_ids)},
                offer={iid: float(offers[b, k]) for k, iid in enumerate(inputs.issue_ids)},
                p_war=p, p_war_interval=wilson(p, inputs.n),
                p_war_check=None if check is None else float(check[b]),
                p_war_check_interval=None if fresh is None or check is None
                else wilson(float(check[b]), fresh.n),
                cost=float(cost[b]), lever_cost=float(cost[b] - conceded[b]),
                concession_cost=float(conceded[b]),
                p_commitment=float(summary.p_commitment[b]),
                expected_value_defenders=float(summary.expected_value_defenders[b]),
                meets_target=meets, levers=self.lever_settings(settings[b], offers[b]),
                words=self.words(settings[b], offers[b]),
                dependence=[self.dependence(t, meets) for t in shown],
                hinges_on=[input_label(self.scenario, t.input.path) for t in hinging]))
        return out

    def dependence(self, t: Tercile, meets: bool, index: float | None = None,
                   conf: float | None = None, dominant: bool = False) -> Dependence:
        return Dependence(input=t.input.name, label=input_label(self.scenario, t.input.path),
                          lower_cut=t.lower_cut, upper_cut=t.upper_cut,
                          p_war_lower=t.p_lower, p_war_upper=t.p_upper, total_index=index,
                          total_index_conf=conf, hinges=meets and t.hinges(self.target),
                          dominant=dominant)

    def lever_settings(self, settings: FloatArray, offer: FloatArray) -> list[LeverSetting]:
        s = self.scenario
        assert s.crisis is not None
        free = set(self.space.free)
        rows = []
        for j, lv in enumerate(self.inputs.levers):
            lever = s.crisis.lever(lv.id)
            rows.append(LeverSetting(lever=lv.id, name=lever.name, kind=lever.kind,
                                     value=float(settings[j]), free=lv.id in free,
                                     pulled=float(settings[j]) > lever.low + 1e-9,
                                     words=lever_words(lever, float(settings[j]))))
        for k, issue in enumerate(s.issues):
            conc = _concession(s, issue.id)
            sq = None if issue.status_quo is None else float(issue.status_quo.point)
            value = float(offer[k])
            rows.append(LeverSetting(
                lever=conc.id if conc is not None else issue.id,
                name=conc.name if conc is not None else f"Offer on {issue.name}",
                kind="concession", issue=issue.id, value=value,
                free=conc is not None and conc.id in free,
                pulled=sq is None or abs(value - sq) > 1e-9 * issue.scale.span,
                words=concession_words(issue, value, conc, sq)))
        return rows

    def words(self, settings: FloatArray, offer: FloatArray) -> str:
        rows = self.lever_settings(settings, offer)
        offers = [r.words for r in rows if r.kind == "concession"]
        pulled = [r.words for r in rows if r.kind != "concession" and r.pulled]
        idle = [r.name for r in rows if r.kind != "concession" and not r.pulled]
        text = "; ".join([*offers, *pulled])
        if idle:
            text += "; not pulled: " + ", ".join(idle)
        return text

    def mechanisms(self, b: Bundle) -> list[MechanismShare]:
        """Why war still happens at a bundle: each mechanism's share of the war draws."""
        inputs = self.inputs
        settings = np.array([b.settings[i] for i in inputs.lever_ids], dtype=np.float64)
        offer = np.array([b.offer[i] for i in inputs.issue_ids], dtype=np.float64)
        code, ev = mechanisms(inputs, settings, offer, bargaining_ranges(inputs, settings))
        return mechanism_shares(code, ev.p_war[0], inputs.resolve is not None)

    def deepen(self, b: Bundle, sobol_samples: int, rng: np.random.Generator,
               say: Progress) -> Bundle:
        """The recommended (or lowest-risk) bundle: mechanisms and the Sobol analysis."""
        update: dict[str, object] = {"mechanisms": self.mechanisms(b)}
        if sobol_samples and b.p_war > 0:
            say("fragility (Sobol)", 0, 1)
            update["dependence"] = self.sobol(b, sobol_samples, int(rng.integers(1, 2**31)))
            say("fragility (Sobol)", 1, 1)
        return b.model_copy(update=update)

    def sobol(self, b: Bundle, n: int, seed: int) -> list[Dependence]:
        from detente.sensitivity import analyse, fragile

        chosen = relevant_inputs(self.scenario, b.settings)
        if not chosen:
            return list(b.dependence)
        result = analyse(self.scenario, method="sobol",
                         evaluator=bundle_evaluator(b.settings, b.offer), n=n, seed=seed,
                         inputs=[i.name for i in chosen], outputs=["war"], resamples=50)
        dominant = set(fragile(result, "war", 0.5)) if result.outputs else set()
        ranked = result.ranked("war") if result.outputs else []
        st = {r.input: (r["ST"], r["ST_conf"]) for r in ranked}
        war, _, _ = war_by_draw(self.inputs, np.array([b.settings[i] for i in
                                                       self.inputs.lever_ids]),
                                np.array([b.offer[i] for i in self.inputs.issue_ids]))
        thirds = {t.input.name: t for t in terciles(self.sample, war, self.relevant)}
        meets = b.meets_target
        hinging = [t for t in thirds.values() if meets and t.hinges(self.target)]
        hinging.sort(key=lambda t: -t.spread)
        top = [r.input for r in ranked[:3]]
        names = _unique([*(t.input.name for t in hinging[:3]),
                         *(d.input for d in b.dependence), *top])
        out = []
        for name in names:
            if name not in thirds:
                continue
            index, conf = st.get(name, (None, None))
            out.append(self.dependence(thirds[name], meets, index, conf, name in dominant))
        return out


def _unique(items: Iterable[T]) -> list[T]:
    """The items in order, each once."""
    seen: list[T] = []
    for it in items:
        if it not in seen:
            seen.append(it)
    return seen


def _concession(s: Scenario, issue_id: str) -> Lever | None:
    assert s.crisis is not None
    return next((lv for lv in s.crisis.levers if lv.kind == "concession"
                 and lv.issue == issue_id), None)
