"""Package deals: the trades the exchange model finds, in words, and the risk of war at the
package they add up to (``detente deals``).

The exchange model (:mod:`detente.models.exchange`) lets two actors on opposite sides of two
issues each move toward the other on the issue it cares about less. Each exchange carried out
is reported as a sentence ("Germany moves toward Russia on transparency_limits; Russia moves
toward Germany on ukraine_alignment_donbas"), with the moves in the issues' units and what each
side gains in expected utility. The package is where the issues settle after the trades (the
model's forecast after ``rounds`` rounds); the crisis analysis
(:func:`detente.crisis.analysis.analyse`) gives P(war) at that package and, for comparison, at
the settlement without trades (the compromise model: the same weighted mean of the votes,
before anybody trades).
"""

from __future__ import annotations

import json
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from detente.models import exchange
from detente.models.base import run_model
from detente.models.compromise import INFO as COMPROMISE
from detente.models.compromise import Config as CompromiseConfig
from detente.provenance import versions
from detente.scenario import Scenario


class Move(BaseModel):
    """One side of an exchange: who moves its vote on which issue, from where to where."""

    model_config = ConfigDict(frozen=True)

    actor: str
    toward: str
    issue: str
    start: float
    end: float
    gain: float


class Deal(BaseModel):
    """One exchange carried out: two moves, and the sentence that says it."""

    model_config = ConfigDict(frozen=True)

    round: int
    moves: tuple[Move, Move]
    text: str


class IssuePackage(BaseModel):
    """Where one issue settles with and without the trades."""

    model_config = ConfigDict(frozen=True)

    issue: str
    without_trades: float
    package: float


class DealsResult(BaseModel):
    """The `detente deals` contract."""

    model_config = ConfigDict(frozen=True)

    scenario: str
    title: str
    seed: int
    draws: int
    rate: str
    rounds: int
    converged: bool
    deals: list[Deal]
    package: list[IssuePackage]
    p_war_package: float | None
    p_war_package_interval: tuple[float, float] | None
    p_war_without_trades: float | None
    p_war_without_trades_interval: tuple[float, float] | None
    note: str = ""
    versions: dict[str, str]

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> DealsResult:
        return cls.model_validate_json(text)

    def to_frame(self) -> Any:
        """One row per move."""
        import pandas as pd

        return pd.DataFrame([{"round": d.round, **m.model_dump()} for d in self.deals
                             for m in d.moves])


def sentence(a: Move, b: Move, names: dict[str, str]) -> str:
    """``A moves toward B on p; B moves toward A on q``."""
    return (f"{names[a.actor]} moves toward {names[a.toward]} on {a.issue}; "
            f"{names[b.actor]} moves toward {names[b.toward]} on {b.issue}")


def find_deals(scenario: Scenario, *, rounds: int = 1,
               rate: Literal["equal", "nash"] = "equal", draws: int = 10_000,
               seed: int = 0) -> DealsResult:
    """The exchanges of the first ``rounds`` rounds of the exchange model, and P(war) at the
    package they produce (and without trades) when the scenario has a ``crisis:`` section."""
    config = exchange.Config(rate=rate, max_rounds=rounds)
    traded = run_model(exchange.INFO, scenario, config=config,
                       rng=np.random.default_rng(seed), seed=seed)
    plain = run_model(COMPROMISE, scenario, config=CompromiseConfig(),
                      rng=np.random.default_rng(seed), seed=seed)
    names = {a.id: a.name for a in scenario.actors}
    deals = [_deal(d, names) for d in traded.diagnostics["exchanges"]]
    package = {i.id: i.forecast for i in traded.issues}
    without = {i.id: i.forecast for i in plain.issues}
    p_pkg = p_plain = None
    note = ""
    if scenario.crisis is not None:
        from detente.crisis.analysis import analyse

        p_pkg = analyse(scenario, offer=package, draws=draws, seed=seed)
        p_plain = analyse(scenario, offer=without, draws=draws, seed=seed)
    else:
        note = (f"scenario {scenario.id!r} has no crisis: section, so there is no P(war) to "
                "weigh the package against")
    return DealsResult(
        scenario=scenario.id, title=scenario.title, seed=seed, draws=draws, rate=rate,
        rounds=traded.rounds, converged=bool(traded.converged), deals=deals,
        package=[IssuePackage(issue=k, without_trades=without[k], package=package[k])
                 for k in scenario.issue_ids],
        p_war_package=None if p_pkg is None else p_pkg.p_war,
        p_war_package_interval=None if p_pkg is None else p_pkg.p_war_interval,
        p_war_without_trades=None if p_plain is None else p_plain.p_war,
        p_war_without_trades_interval=None if p_plain is None else p_plain.p_war_interval,
        note=note, versions=versions())


def _deal(record: dict[str, Any], names: dict[str, str]) -> Deal:
    first, second = record["sides"]
    a = Move(actor=first["actor"], toward=second["actor"], issue=first["issue"],
             start=first["from"], end=first["to"], gain=first["gain"])
    b = Move(actor=second["actor"], toward=first["actor"], issue=second["issue"],
             start=second["from"], end=second["to"], gain=second["gain"])
    return Deal(round=record["round"], moves=(a, b), text=sentence(a, b, names))
