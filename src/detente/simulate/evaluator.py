"""The simulation as a sweep evaluator: one row of outputs per run, so that ``detente sweep
--evaluator simulate`` stores the runs of a simulation on any backend (in this process, a
process pool, a Dask cluster) with the same numbers whatever the chunking.

A chunk's runs are the sweep's draws of the chunk; the defending side's type population
(the first ``types`` draws) and the runs' weekly uniform numbers come from the evaluator's
``seed``, so each run depends only on that seed, the sweep's seed and its own index
(``docs/escalation.md``, section 1). With ``seed`` equal to the sweep's seed the rows are
exactly the runs of ``detente simulate`` with that seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.crisis.bargaining import FloatArray
from detente.sampling import Draws
from detente.scenario.schema import Scenario
from detente.simulate.catalogue import load_catalogue
from detente.simulate.engine import Game, Record, prepare

__all__ = ["OUTCOMES", "SimulateOutputs"]

#: Codes of ``simulate.status`` (3 only for a scenario that gives ``war.defenders_resolve``).
OUTCOMES: dict[int, str] = {0: "ongoing", 1: "war", 2: "settled", 3: "capitulation"}


@dataclass(frozen=True)
class SimulateOutputs:
    """Per run: ``simulate.status`` (:data:`OUTCOMES`), ``simulate.week`` (the week it
    ended, 0 if still in crisis), ``simulate.escalation`` (its mean weekly escalation score,
    E1) and ``simulate.belief`` (the defending side's last belief that the challenger is
    resolved)."""

    weeks: int = 12
    types: int = 128
    opening: str = "defenders"
    mobilisation: float = 0.0
    signals: bool = True
    model: str = "compromise"
    seed: int = 0

    def names(self, scenario: Scenario) -> list[str]:
        return ["simulate.status", "simulate.week", "simulate.escalation", "simulate.belief"]

    def categories(self, scenario: Scenario) -> dict[str, dict[int, str]]:
        crisis = scenario.crisis
        resolve = crisis is not None and crisis.war.defenders_resolve is not None
        return {"simulate.status": {k: v for k, v in OUTCOMES.items() if resolve or k < 3}}

    def __call__(self, draws: Draws) -> dict[str, FloatArray]:
        index = np.asarray(draws.index)
        start = int(index[0]) if index.size else 0
        if index.size and not np.array_equal(index, np.arange(start, start + index.size)):
            raise ValueError("the simulate evaluator needs consecutive draws")
        setup = prepare(draws.scenario, load_catalogue(), seed=self.seed, start=start,
                        stop=start + index.size, weeks=self.weeks, types=self.types,
                        opening=self.opening, model=self.model, signals=self.signals,
                        draws=draws)
        game = Game.start(setup, mobilisation=self.mobilisation)
        record = Record.empty(setup.n, self.weeks)
        for t in range(1, self.weeks + 1):
            game.week(t, record)
        with np.errstate(invalid="ignore"):
            escalation = np.nanmean(np.where(np.isnan(record.escalation), np.nan,
                                             record.escalation), axis=1)
        seen = np.isfinite(record.belief)
        last = np.where(seen.any(axis=1), seen.shape[1] - 1 - np.argmax(seen[:, ::-1], axis=1),
                        0)
        belief = np.where(seen.any(axis=1), record.belief[np.arange(setup.n), last], np.nan)
        return {"simulate.status": game.state.status.astype(np.float64),
                "simulate.week": game.state.week.astype(np.float64),
                "simulate.escalation": np.asarray(escalation, dtype=np.float64),
                "simulate.belief": np.asarray(belief, dtype=np.float64)}
