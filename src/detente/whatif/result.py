"""The typed answer of a lever search: the `detente whatif` contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from detente import figures
from detente.crisis.result import MechanismShare
from detente.whatif.space import WhatIfError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Bundle", "Dependence", "LeverSetting", "SearchRun", "WhatIfResult"]



class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LeverSetting(_Model):
    """One lever in a bundle: its value (a setting in the lever's units, or for a concession
    the offer in the issue's units), whether the search moved it, and the value in words."""

    lever: str
    name: str
    kind: str
    issue: str | None = None
    value: float
    free: bool
    pulled: bool
    words: str


class Dependence(_Model):
    """How P(war) at a bundle depends on one uncertain input: P(war) among the draws with the
    input in its lower third (at most ``lower_cut``) and in its upper third (at least
    ``upper_cut``); ``total_index`` is its Sobol total-order index where one was computed.
    ``hinges``: the bundle meets the target, but not in one of the input's thirds (beyond
    Monte Carlo noise). ``dominant``: the input's total-order index is at least one half."""

    input: str
    label: str
    lower_cut: float
    upper_cut: float
    p_war_lower: float
    p_war_upper: float
    total_index: float | None = None
    total_index_conf: float | None = None
    hinges: bool = False
    dominant: bool = False


class Bundle(_Model):
    """One bundle of levers and offers with its P(war) and its cost to the defending side.

    ``cost`` (units of the defending side's stakes) = ``lever_cost`` (each pulled lever's
    expected cost at its level, times P(war) for costs incurred only in war) +
    ``concession_cost`` (the value the offer concedes against the status quo; negative
    when the offer is better for the defenders than the status quo). ``p_war_interval``: 90%
    Wilson interval from the draws; ``p_war_check``: P(war) on fresh draws never used by the
    search (the check against the optimiser's luck).
    """

    settings: dict[str, float]
    offer: dict[str, float]
    p_war: float
    p_war_interval: tuple[float, float]
    p_war_check: float | None = None
    p_war_check_interval: tuple[float, float] | None = None
    cost: float
    lever_cost: float
    concession_cost: float
    p_commitment: float
    expected_value_defenders: float
    meets_target: bool
    levers: list[LeverSetting]
    words: str
    dependence: list[Dependence] = []
    hinges_on: list[str] = []
    mechanisms: list[MechanismShare] | None = None


class SearchRun(_Model):
    """One optimiser run of the search."""

    label: str
    objective: Literal["floor", "target", "polish"]
    target: float | None
    generations: int
    evaluations: int
    best_p_war: float
    best_cost: float


class WhatIfResult(_Model):
    """The cheapest bundles of levers and concessions that bring P(war) under a target.

    JSON shape::

        {"scenario": ID, "title": TEXT, "seed": INT, "draws": INT, "check_draws": INT,
         "target": X, "budget": X|null, "versions": {...}, "free": [LEVER, ...],
         "held": {LEVER_OR_ISSUE: HOW}, "current": BUNDLE, "frontier": [BUNDLE, ...],
         "recommended": INT|null, "lowest": INT, "reachable": BOOL, "reason": TEXT|null,
         "headline": TEXT, "evaluations": INT, "runs": [...], "curve": [[COST, P], ...],
         "cloud": [[COST, P], ...], "notes": [TEXT, ...]}

    ``frontier`` is sorted by cost (cheapest first, so P(war) falls down the list) and thinned
    to a readable number of bundles spread along the curve; ``curve`` is the whole
    non-dominated set (cost, P(war)) and ``cloud`` a sample of every bundle evaluated.
    ``recommended`` indexes the cheapest frontier bundle meeting the target (None if none
    does); ``lowest`` the bundle with the lowest P(war).
    """

    scenario: str
    title: str
    seed: int
    draws: int
    check_draws: int
    target: float
    budget: float | None
    versions: dict[str, str]
    free: list[str]
    held: dict[str, str]
    current: Bundle
    frontier: list[Bundle]
    recommended: int | None
    lowest: int
    reachable: bool
    reason: str | None
    headline: str
    evaluations: int
    runs: list[SearchRun]
    curve: list[tuple[float, float]]
    cloud: list[tuple[float, float]]
    notes: list[str] = []

    @property
    def best(self) -> Bundle:
        """The recommended bundle, or the lowest-risk one when the target is out of reach."""
        return self.frontier[self.lowest if self.recommended is None else self.recommended]

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> WhatIfResult:
        return cls.model_validate_json(text)

    def to_frame(self) -> pd.DataFrame:
        """One row per frontier bundle: P(war) and its interval, the check on fresh draws,
        the cost and its parts, whether it meets the target or is recommended, then one
        column per effect lever (its setting) and per issue (``offer.<issue>``)."""
        import pandas as pd

        rows: list[dict[str, Any]] = []
        for i, b in enumerate(self.frontier):
            row: dict[str, Any] = {
                "bundle": i, "p_war": b.p_war, "p_war_low": b.p_war_interval[0],
                "p_war_high": b.p_war_interval[1], "p_war_check": b.p_war_check,
                "cost": b.cost, "lever_cost": b.lever_cost,
                "concession_cost": b.concession_cost, "meets_target": b.meets_target,
                "recommended": i == self.recommended, "hinges_on": "; ".join(b.hinges_on)}
            row.update(b.settings)
            row.update({f"offer.{k}": v for k, v in b.offer.items()})
            rows.append(row)
        return pd.DataFrame(rows)

    def plot(self, path: str | Path) -> Path:
        """The frontier: P(war) against cost, every evaluated bundle in grey, the target
        line, today's bundle and the recommended one marked. PNG or SVG by suffix; matplotlib's
        object API with the Agg renderer (no display, no pyplot state)."""
        target = Path(path)
        fmt = plot_format(target)
        fig = _figure(self)
        try:
            fig.savefig(target, format=fmt, dpi=150, bbox_inches="tight",
                        metadata={"Date": None} if fmt == "svg" else {"Software": "detente"})
        except OSError as exc:
            raise WhatIfError(f"cannot write {target}: {exc.strerror}") from None
        return target


def plot_format(path: Path) -> str:
    """``png`` or ``svg`` from a plot file's suffix; a clear error otherwise."""
    return figures.plot_format(path, WhatIfError)


def _figure(r: WhatIfResult) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 5.0), layout="constrained")
    ax = fig.add_subplot()
    if r.cloud:
        cx, cy = zip(*r.cloud, strict=True)
        ax.scatter(cx, cy, s=4, color="#cccccc", alpha=0.6, linewidths=0,
                   label="bundles evaluated", rasterized=True)
    if r.curve:
        fx, fy = zip(*r.curve, strict=True)
        ax.step(fx, fy, where="post", color="#08519c", linewidth=1.4, label="frontier")
    ax.scatter([b.cost for b in r.frontier], [b.p_war for b in r.frontier], s=18,
               color="#08519c", zorder=3)
    ax.axhline(r.target, color="#d62728", linestyle="--", linewidth=1.0,
               label=f"target P(war) = {r.target:g}")
    if r.budget is not None:
        ax.axvline(r.budget, color="#ff7f0e", linestyle=":", linewidth=1.0,
                   label=f"budget = {r.budget:g}")
    ax.scatter([r.current.cost], [r.current.p_war], marker="s", s=40, color="#444444",
               zorder=4, label="today's bundle")
    best = r.best
    ax.scatter([best.cost], [best.p_war], marker="*", s=160, color="#d62728", zorder=5,
               label="cheapest meeting the target" if r.recommended is not None
               else "lowest P(war) reachable")
    ax.set_xlabel("cost to the defending side (units of its stakes)")
    ax.set_ylabel("P(war)")
    ax.set_ylim(bottom=0.0)
    ax.set_title(f"{r.scenario}: cheapest bundles for each level of risk ({r.draws:,} draws, "
                 f"seed {r.seed})", fontsize=10, loc="left")
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
