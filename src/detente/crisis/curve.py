"""P(war) along the offer line: the risk of every division from the defending side's terms
to the challenger's demand, on one set of seeded draws.

The offer line is ``x(t) = D + t (C - D)`` of :mod:`detente.crisis.analysis` (``D`` the
defending side's ideal, ``C`` the challenger's demand, ``t`` the share of the distance
conceded). At each of ``points`` evenly spaced ``t`` the curve reports

- ``p_war``: the share of draws that end in war (:func:`~detente.crisis.analysis.p_war_batch`,
  indivisible issues moved to their nearest package), with its 90% Wilson interval (the
  Monte Carlo precision);
- ``structural``: the 5th and 95th percentiles of P(war) given the structure, averaging over
  the challenger's private information only
  (:func:`~detente.crisis.analysis.structural_spread`): how much the answer could move with
  what better analysis could learn;
- ``in_range``: the share of draws whose bargaining range (Fearon 1995, on the divisible
  line; :func:`~detente.crisis.analysis.bargaining_ranges`) contains ``t``.

Every point uses the same draws (common random numbers), so the curve's shape is not noise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
from pydantic import BaseModel, ConfigDict

from detente.crisis.analysis import (
    CrisisInputError,
    bargaining_ranges,
    crisis_inputs,
    line,
    p_war_batch,
    resolve_offer,
    structural_spread,
    wilson,
)
from detente.sampling import draw
from detente.scenario.schema import Scenario

__all__ = ["OfferCurve", "offer_curve"]


class OfferCurve(BaseModel):
    """P(war) against the offer along the line from the defending side's terms (``t = 0``)
    to the challenger's demand (``t = 1``). Lists run over ``t``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario: str
    seed: int
    draws: int
    model: str
    versions: dict[str, str]
    issues: list[str]
    line_start: dict[str, float]
    line_end: dict[str, float]
    levers: dict[str, float]
    t: list[float]
    p_war: list[float]
    p_war_low: list[float]
    p_war_high: list[float]
    structural_low: list[float] | None
    structural_high: list[float] | None
    in_range: list[float]

    def offer_at(self, t: float) -> dict[str, float]:
        """The offer per issue at ``t`` on the line (before snapping indivisible issues)."""
        return {k: self.line_start[k] + t * (self.line_end[k] - self.line_start[k])
                for k in self.issues}

    def t_of(self, offer: Mapping[str, float]) -> float | None:
        """Where an offer falls on the line: its least-squares projection onto ``x(t)`` in
        units of each issue's distance, or None if the line has no length."""
        d = np.array([self.line_end[k] - self.line_start[k] for k in self.issues])
        x = np.array([offer[k] - self.line_start[k] for k in self.issues])
        norm = float(d @ d)
        return None if norm <= 0.0 else float(x @ d / norm)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent, allow_nan=False)

    def to_frame(self) -> object:
        """One row per ``t``: the offer's P(war), its bands and the share in range."""
        import pandas as pd

        frame = pd.DataFrame({"t": self.t, "p_war": self.p_war, "p_war_low": self.p_war_low,
                              "p_war_high": self.p_war_high, "in_range": self.in_range})
        if self.structural_low is not None and self.structural_high is not None:
            frame["structural_low"] = self.structural_low
            frame["structural_high"] = self.structural_high
        return frame


def offer_curve(scenario: Scenario, *, levers: Mapping[str, float] | None = None,
                model: str = "compromise", draws: int = 10_000, seed: int = 0,
                points: int = 41, structural: bool = True, versions: dict[str, str]
                ) -> OfferCurve:
    """P(war), its bands and the share of draws in range at ``points`` offers on the line,
    with the effect levers at ``levers`` (default: the scenario's settings). ``versions`` is
    the provenance stored with the result."""
    if scenario.crisis is None:
        raise CrisisInputError(f"scenario {scenario.id!r} has no crisis: section, so there is "
                               "no offer line (docs/crisis-section.md)")
    if not 2 <= points <= 1001:
        raise CrisisInputError(f"points must be between 2 and 1001; got {points}")
    if not 100 <= draws <= 10_000_000:
        raise CrisisInputError(f"draws must be between 100 and 10,000,000; got {draws}")
    sample = draw(scenario, seed, 0, draws)
    inputs = crisis_inputs(sample)
    _, _, settings, _ = resolve_offer(scenario, inputs, model, seed, None, levers)
    t = np.linspace(0.0, 1.0, points)
    offers = line(inputs, t)
    p = p_war_batch(inputs, settings.reshape(1, -1), offers)
    bands = np.array([wilson(float(v), draws) for v in p])
    ranges = bargaining_ranges(inputs, settings)
    inside = (ranges.exists[None, :] & (ranges.lower[None, :] <= t[:, None] + 1e-12)
              & (t[:, None] <= ranges.upper[None, :] + 1e-12)).mean(axis=1)
    spread = structural_spread(sample, settings, offers, outer=100, inner=500) \
        if structural else None
    ids = list(inputs.issue_ids)
    return OfferCurve(
        scenario=scenario.id, seed=seed, draws=draws, model=model, versions=versions,
        issues=ids, line_start=dict(zip(ids, map(float, inputs.line_start), strict=True)),
        line_end=dict(zip(ids, map(float, inputs.line_end), strict=True)),
        levers=dict(zip(inputs.lever_ids, map(float, settings), strict=True)),
        t=[float(v) for v in t], p_war=[float(v) for v in p],
        p_war_low=[float(v) for v in bands[:, 0]], p_war_high=[float(v) for v in bands[:, 1]],
        structural_low=None if spread is None else [float(v) for v in spread[:, 0]],
        structural_high=None if spread is None else [float(v) for v in spread[:, 1]],
        in_range=[float(v) for v in inside])
