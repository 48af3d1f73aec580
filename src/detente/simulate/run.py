"""Running a simulation: runs in batches, the per-run record, the summary and the result.

:func:`simulate_record` plays runs ``start..stop`` and returns their per-run record; because
a run depends only on the seed, its global index and the type population, any split of the
runs into batches (:func:`simulate` uses batches of ``batch`` runs; the sweep backends use
their chunks) gives the same record. :func:`simulate` assembles the typed result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputError
from detente.scenario.schema import Scenario
from detente.simulate.catalogue import Catalogue, load_catalogue
from detente.simulate.engine import Game, Record, prepare
from detente.simulate.replay import played, replay, replay_settings
from detente.simulate.result import ReplayStep, SimulationResult, summarise

__all__ = ["RunRecord", "simulate", "simulate_record"]


@dataclass(frozen=True)
class RunRecord:
    """Per run: ``status`` (0 ongoing, 1 war, 2 settled, 3 capitulation: the defending
    side gave way to an invasion), the ``week`` it ended, and per
    week each side's move, the escalation score, the belief and the belief's shift."""

    status: np.ndarray
    week: np.ndarray
    c_move: np.ndarray
    d_move: np.ndarray
    escalation: FloatArray
    belief: FloatArray
    shift: FloatArray

    @staticmethod
    def join(parts: list[RunRecord]) -> RunRecord:
        return RunRecord(*(np.concatenate([getattr(p, f) for p in parts]) for f in (
            "status", "week", "c_move", "d_move", "escalation", "belief", "shift")))


def _check(scenario: Scenario, weeks: int, runs: int, types: int, mobilisation: float) -> None:
    if scenario.crisis is None:
        raise CrisisInputError(f"scenario {scenario.id!r} has no crisis: section, so there is "
                               "no war to simulate; add one (docs/crisis-section.md)")
    if not 1 <= weeks <= 520:
        raise CrisisInputError(f"--weeks must be between 1 and 520; got {weeks}")
    if not 1 <= runs <= 10_000_000:
        raise CrisisInputError(f"--runs must be between 1 and 10,000,000; got {runs}")
    if not 1 <= types <= 4096:
        raise CrisisInputError(f"--types must be between 1 and 4096; got {types}")
    if not 0.0 <= mobilisation <= 1.0:
        raise CrisisInputError(f"--mobilisation must be in [0, 1]; got {mobilisation:g}")


def simulate_record(scenario: Scenario, catalogue: Catalogue, *, seed: int, start: int,
                    stop: int, weeks: int, types: int = 128, opening: str = "defenders",
                    mobilisation: float = 0.0, signals: bool = True,
                    model: str = "compromise", history: bool = False,
                    history_to: str | None = None) -> RunRecord:
    """Play runs ``start..stop`` for ``weeks`` weeks (``docs/escalation.md``, section 1),
    after replaying the scenario's history up to ``history_to`` if ``history`` (section 8)."""
    return _play(scenario, catalogue, seed=seed, start=start, stop=stop, weeks=weeks,
                 types=types, opening=opening, mobilisation=mobilisation, signals=signals,
                 model=model, history=history, history_to=history_to)[0]


def _play(scenario: Scenario, catalogue: Catalogue, *, seed: int, start: int, stop: int,
          weeks: int, types: int, opening: str, mobilisation: float, signals: bool,
          model: str, history: bool, history_to: str | None
          ) -> tuple[RunRecord, list[ReplayStep], str | None]:
    _check(scenario, weeks, max(stop - start, 1), types, mobilisation)
    setup = prepare(scenario, catalogue, seed=seed, start=start, stop=stop, weeks=weeks,
                    types=types, opening=opening, model=model, signals=signals)
    steps: list[ReplayStep] = []
    when: str | None = None
    if history:
        events, date = played(scenario, history_to)
        kinds = [lv.kind for lv in setup.runs.levers]
        game = Game.start(setup, mobilisation=0.0,
                          settings=replay_settings(scenario, catalogue, setup.settings, kinds))
        steps, when = replay(game, events), date.isoformat()
    else:
        game = Game.start(setup, mobilisation=mobilisation)
    record = Record.empty(setup.n, weeks)
    for t in range(1, weeks + 1):
        game.week(t, record)
    st = game.state
    return (RunRecord(status=st.status.copy(), week=st.week.copy(), c_move=record.c_move,
                      d_move=record.d_move, escalation=record.escalation,
                      belief=record.belief, shift=record.shift), steps, when)


def simulate(scenario: Scenario, *, weeks: int = 12, runs: int = 10_000, seed: int = 0,
             types: int = 128, opening: str = "defenders", mobilisation: float = 0.0,
             signals: bool = True, model: str = "compromise",
             catalogue: Catalogue | str | Path | None = None, batch: int = 20_000,
             versions: dict[str, str] | None = None, history: bool = False,
             start: str | None = None) -> SimulationResult:
    """Simulate the crisis week by week over ``runs`` seeded runs (``docs/escalation.md``).

    ``opening`` is the week-1 offer (``"defenders"``: their own terms; ``"model"``: the offer
    of ``detente crisis``); ``mobilisation`` the challenger's readiness at the start;
    ``signals=False`` removes every signalling move (the challenger can then neither
    mobilise nor threaten); ``catalogue`` a catalogue or a catalogue file (default: the
    built-in one). ``history`` replays the scenario's dated moves up to ``start`` (an ISO
    date; default the last move) and simulates onward from there (``docs/escalation.md``,
    section 8). ``versions`` are stored with the result.
    """
    _check(scenario, weeks, runs, types, mobilisation)
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    played_parts = [_play(scenario, cat, seed=seed, start=s, stop=min(s + batch, runs),
                          weeks=weeks, types=types, opening=opening,
                          mobilisation=mobilisation, signals=signals, model=model,
                          history=history, history_to=start)
                    for s in range(0, runs, batch)]
    rec = RunRecord.join([p[0] for p in played_parts])
    steps = _weighted_steps([p[1] for p in played_parts], [p[0].status.size
                                                           for p in played_parts])
    resolve = scenario.crisis is not None and scenario.crisis.war.defenders_resolve is not None
    summary = summarise(cat, rec.status, rec.week, rec.c_move, rec.d_move, rec.escalation,
                        rec.belief, rec.shift, capitulation=resolve)
    result = SimulationResult(
        scenario=scenario.id, title=scenario.title, seed=seed, runs=runs, weeks=weeks,
        types=types, opening=opening, mobilisation=mobilisation, signals=signals,
        catalogue=cat.source, versions=dict(versions or {}),
        start_date=played_parts[0][2], history=steps, **summary)
    return result.model_copy(update={"headline": headline(result)})


def _weighted_steps(parts: list[list[ReplayStep]], sizes: list[int]) -> list[ReplayStep]:
    """The replay's means over every batch of runs (each batch's mean weighted by its
    runs)."""
    if not parts or not parts[0]:
        return []
    total = float(sum(sizes))
    out = []
    for i, step in enumerate(parts[0]):
        belief = sum(p[i].belief * n for p, n in zip(parts, sizes, strict=True)) / total
        p_war = sum(p[i].p_war_now * n for p, n in zip(parts, sizes, strict=True)) / total
        out.append(step.model_copy(update={"belief": belief, "p_war_now": p_war}))
    return out


def headline(r: SimulationResult) -> str:
    """The answer in words: how war risk builds, how runs end, the commonest path and the
    move that taught the defending side most."""
    lo, hi = r.p_war_interval[-1]
    settled = r.p_settled_by_week[-1]
    start = "" if r.start_date is None else f" after the history to {r.start_date}"
    text = (f"Over {r.weeks} week{'s' if r.weeks != 1 else ''}{start}, P(war) reaches "
            f"{r.p_war_by_week[-1]:.2f} (90% interval {lo:.2f}–{hi:.2f}); {settled:.0%} of "
            f"runs settle and {r.ongoing:.0%} are still in crisis.")
    if r.p_capitulation_by_week:
        text = text[:-1] + (f"; in {r.p_capitulation_by_week[-1]:.0%} the challenger "
                            "invades and the defending side gives way.")
    if r.paths:
        p = r.paths[0]
        text += (f" Most common path ({p.share:.0%}, {p.outcome}): "
                 f"{' → '.join(p.path) or 'no move'}.")
    moved = [s for s in r.signals_moved if s.mean_abs_shift > 0]
    if moved:
        s = moved[0]
        text += (f" The move that moved the defending side's belief most: {s.move} (mean "
                 f"change {s.mean_shift:+.2f} in P(resolved), seen {s.count:,} times).")
    return text
