"""The typed result of ``detente simulate`` and the summaries built from the runs.

:func:`summarise` turns the per-run record of a simulation (each side's move per week, the
escalation score, the belief) into the reported numbers (``docs/escalation.md``, section 9):
P(war by week t) with Wilson intervals (and P(capitulation by week t) when the scenario
gives the defenders' resolve), the weeks in which runs end, the most common paths,
the escalation score and the belief per week, and which moves moved the belief most.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from detente.crisis.bargaining import FloatArray
from detente.crisis.uncertainty import wilson
from detente.simulate.catalogue import Catalogue

__all__ = ["PathShare", "ReplayStep", "SignalEffect", "SimulationResult", "summarise"]

IntArray = np.ndarray


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class PathShare(_Model):
    """A sequence of weeks, each ``challenger move/defending side's move`` (one name for a
    week that ended in war), and the share of runs that followed it."""

    path: list[str]
    outcome: str
    runs: int
    share: float


class SignalEffect(_Model):
    """How often the challenger made a move and how much it moved the defending side's
    belief that the challenger is resolved (mean change, and mean absolute change)."""

    move: str
    count: int
    mean_shift: float
    mean_abs_shift: float


class ReplayStep(_Model):
    """One move of the history as replayed: the belief that the challenger is resolved and
    P(war now) (the share of runs in which the crisis core says war in this state)."""

    date: str
    actor: str
    move: str
    belief: float
    p_war_now: float


class SimulationResult(_Model):
    """The `detente simulate` contract (``docs/escalation.md``, section 9)."""

    scenario: str
    title: str
    seed: int
    runs: int
    weeks: int
    types: int
    opening: str
    mobilisation: float
    signals: bool
    catalogue: str
    versions: dict[str, str]
    start_date: str | None
    p_war_by_week: list[float]
    p_war_interval: list[tuple[float, float]]
    p_settled_by_week: list[float]
    ongoing: float
    war_in_week: list[int]
    settled_in_week: list[int]
    escalation_by_week: list[float | None]
    belief_by_week: list[float | None]
    paths: list[PathShare]
    signals_moved: list[SignalEffect]
    history: list[ReplayStep] = []
    headline: str = ""
    p_capitulation_by_week: list[float] | None = None
    capitulated_in_week: list[int] | None = None

    def to_json(self, indent: int | None = 2) -> str:
        data = self.model_dump(mode="json")
        if self.p_capitulation_by_week is None:  # no q: the JSON of a simulation without it
            del data["p_capitulation_by_week"], data["capitulated_in_week"]
        return json.dumps(data, indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> SimulationResult:
        return cls.model_validate_json(text)

    def to_frame(self) -> Any:
        """A long table (``section``, ``item``, ``metric``, ``value``) of every number."""
        import pandas as pd

        rows: list[tuple[str, str, str, float | None]] = []
        for t in range(self.weeks):
            week = str(t + 1)
            rows += [("week", week, "p_war_by", self.p_war_by_week[t]),
                     ("week", week, "p_war_low_90", self.p_war_interval[t][0]),
                     ("week", week, "p_war_high_90", self.p_war_interval[t][1]),
                     ("week", week, "p_settled_by", self.p_settled_by_week[t]),
                     ("week", week, "war_in", float(self.war_in_week[t])),
                     ("week", week, "settled_in", float(self.settled_in_week[t])),
                     ("week", week, "escalation", self.escalation_by_week[t]),
                     ("week", week, "belief", self.belief_by_week[t])]
            if self.p_capitulation_by_week is not None and self.capitulated_in_week:
                rows += [("week", week, "p_capitulation_by", self.p_capitulation_by_week[t]),
                         ("week", week, "capitulated_in", float(self.capitulated_in_week[t]))]
        rows.append(("end", "censored", "share", self.ongoing))
        for p in self.paths:
            rows.append(("path", " > ".join(p.path), "share", p.share))
        for s in self.signals_moved:
            rows += [("signal", s.move, "count", float(s.count)),
                     ("signal", s.move, "mean_abs_shift", s.mean_abs_shift)]
        for h in self.history:
            rows += [("history", f"{h.date} {h.move}", "belief", h.belief),
                     ("history", f"{h.date} {h.move}", "p_war_now", h.p_war_now)]
        return pd.DataFrame(rows, columns=["section", "item", "metric", "value"])


def _mean(values: FloatArray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else None


def summarise(catalogue: Catalogue, status: IntArray, week: IntArray, c_move: IntArray,
              d_move: IntArray, escalation: FloatArray, belief: FloatArray,
              shift: FloatArray, *, top: int = 10, capitulation: bool = False
              ) -> dict[str, Any]:
    """The reported numbers from the per-run record (``(R,)`` status and end week, ``(R, T)``
    moves, escalation, belief and belief shift); with ``capitulation`` (the scenario gives
    ``war.defenders_resolve``) also P(capitulation by week t) and the capitulations per
    week (status 3)."""
    runs, weeks = c_move.shape
    war, settled = status == 1, status == 2
    p_war = [float((war & (week <= t)).mean()) for t in range(1, weeks + 1)]
    extra: dict[str, Any] = {}
    if capitulation:
        gave_way = status == 3
        extra = {"p_capitulation_by_week": [float((gave_way & (week <= t)).mean())
                                            for t in range(1, weeks + 1)],
                 "capitulated_in_week": [int((gave_way & (week == t)).sum())
                                         for t in range(1, weeks + 1)]}
    return extra | {
        "p_war_by_week": p_war,
        "p_war_interval": [wilson(p, runs) for p in p_war],
        "p_settled_by_week": [float((settled & (week <= t)).mean())
                              for t in range(1, weeks + 1)],
        "ongoing": float((status == 0).mean()),
        "war_in_week": [int((war & (week == t)).sum()) for t in range(1, weeks + 1)],
        "settled_in_week": [int((settled & (week == t)).sum()) for t in range(1, weeks + 1)],
        "escalation_by_week": [_mean(escalation[:, t]) for t in range(weeks)],
        "belief_by_week": [_mean(belief[:, t]) for t in range(weeks)],
        "paths": _paths(catalogue, status, c_move, d_move, top),
        "signals_moved": _signals(catalogue, c_move, shift),
    }


def _paths(catalogue: Catalogue, status: IntArray, c_move: IntArray, d_move: IntArray,
           top: int) -> list[PathShare]:
    runs = c_move.shape[0]
    width = len(catalogue.names) + 1
    codes = (c_move + 1) * width + (d_move + 1)
    keys = np.column_stack([status, codes])
    uniq, counts = np.unique(keys, axis=0, return_counts=True)
    order = np.lexsort((np.arange(len(counts)), -counts))[:top]
    names = catalogue.names
    out = []
    for i in order:
        steps = []
        for code in uniq[i, 1:]:
            c, d = divmod(int(code), width)
            if c == 0 and d == 0:
                continue
            steps.append(names[c - 1] if d == 0 else f"{names[c - 1] if c else '-'}/"
                         f"{names[d - 1]}")
        outcome = {0: "ongoing", 1: "war", 2: "settled", 3: "capitulation"}[int(uniq[i, 0])]
        out.append(PathShare(path=steps, outcome=outcome, runs=int(counts[i]),
                             share=float(counts[i] / runs)))
    return out


def _signals(catalogue: Catalogue, c_move: IntArray, shift: FloatArray) -> list[SignalEffect]:
    out = []
    for j, name in enumerate(catalogue.names):
        seen = (c_move == j) & np.isfinite(shift)
        if not seen.any():
            continue
        moved = shift[seen]
        out.append(SignalEffect(move=name, count=int(seen.sum()),
                                mean_shift=float(moved.mean()),
                                mean_abs_shift=float(np.abs(moved).mean())))
    return sorted(out, key=lambda s: (-s.mean_abs_shift, s.move))
