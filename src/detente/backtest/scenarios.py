"""Score the built-in scenarios' pre-outcome forecasts against their ``outcome:`` blocks.

Each built-in scenario with an outcome is encoded as of a date before that outcome
(``as_of``). Its crisis analysis (``detente crisis``, same seed and draws for every scenario)
gives P(war) at the offer the analysis leads with, and at the status quo (no concession at
all, which is what the defending side offered in the Russia-neighbourhood cases). Each is
scored against the outcome's ``war`` flag (force at the scale of serious clashes or worse)
with the Brier score. The outcome block is read here and nowhere else.

Where the outcome names an ICB crisis, the row also shows that crisis in the century-wide ICB
backtest: its ICB severity and the ICB-mapped structural model's P(serious clashes or worse),
raw and calibrated (``docs/backtest.md``), so a hand-built case can be read against the
statistical record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detente.backtest.fitted import DEFAULT_SEED, load_fitted, training_noise
from detente.backtest.icb import load_icb
from detente.backtest.mapping import crisis_cases
from detente.backtest.structural import DEFAULT_DRAWS as ICB_DRAWS
from detente.backtest.structural import Noise, forecast
from detente.scenario import Scenario, builtin_names, load

STATUS_QUO = "status quo"


@dataclass(frozen=True)
class IcbLink:
    """The scenario's crisis in the ICB backtest."""

    crisno: int
    crisname: str
    year: int
    sevviosy: int
    structural_serious: float
    calibrated_serious: float


@dataclass(frozen=True)
class ScenarioScore:
    """One scenario's pre-outcome forecast and what happened."""

    scenario: str
    title: str
    as_of: str
    outcome_date: str
    war: bool
    severity: int | None
    p_war: float
    p_war_status_quo: float
    p_war_calibrated: float
    brier: float
    brier_status_quo: float
    icb: IcbLink | None = None


@dataclass(frozen=True)
class ScenarioBacktest:
    """Every scored scenario, the mean Brier scores, and the provenance."""

    scores: list[ScenarioScore]
    seed: int
    draws: int
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def mean_brier(self) -> float:
        return float(np.mean([s.brier for s in self.scores]))

    @property
    def mean_brier_status_quo(self) -> float:
        return float(np.mean([s.brier_status_quo for s in self.scores]))

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for s in self.scores:
            row = {k: v for k, v in asdict(s).items() if k != "icb"}
            row.update({f"icb_{k}": v for k, v in (asdict(s.icb) if s.icb else {}).items()})
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"command": "backtest scenarios", "seed", "draws", "mean_brier",
        "mean_brier_status_quo", "scenarios": [{...ScenarioScore, "icb": {...} | null}],
        "versions"}``."""
        return {"command": "backtest scenarios", "seed": self.seed, "draws": self.draws,
                "mean_brier": self.mean_brier,
                "mean_brier_status_quo": self.mean_brier_status_quo,
                "scenarios": [asdict(s) for s in self.scores], "versions": self.versions}


def scenarios_with_outcomes() -> list[str]:
    """The built-in scenarios that carry an ``outcome:`` block."""
    return [name for name in builtin_names() if load(name).outcome is not None]


def score_scenario(scenario: Scenario, *, seed: int = DEFAULT_SEED, draws: int = 10_000,
                   icb: dict[int, IcbLink] | None = None) -> ScenarioScore:
    """The crisis analysis of ``scenario`` (as of its date) scored against its outcome."""
    from detente.backtest.fitted import calibrate
    from detente.crisis import analyse

    outcome = scenario.outcome
    if outcome is None:
        raise ValueError(f"scenario {scenario.id!r} has no outcome: block to score against")
    result = analyse(scenario, draws=draws, seed=seed)
    status_quo = next(r.p_war for r in result.references if r.label == STATUS_QUO)
    y = 1.0 if outcome.war else 0.0
    link = (icb or {}).get(outcome.icb_crisis) if outcome.icb_crisis else None
    return ScenarioScore(
        scenario=scenario.id, title=scenario.title,
        as_of=scenario.as_of.isoformat() if scenario.as_of else "",
        outcome_date=outcome.date.isoformat(), war=outcome.war, severity=outcome.severity,
        p_war=result.p_war, p_war_status_quo=status_quo,
        p_war_calibrated=float(calibrate(result.p_war, "war")),
        brier=(result.p_war - y) ** 2, brier_status_quo=(status_quo - y) ** 2, icb=link)


def icb_links(crisnos: list[int]) -> dict[int, IcbLink]:
    """The ICB backtest's structural P(serious clashes or worse) for these crises, with the
    shipped fit and the same draws as ``detente backtest icb`` (seed 0)."""
    if not crisnos:
        return {}
    fitted = load_fitted()
    cases = crisis_cases(load_icb())
    noise, _ = training_noise(cases, fitted.provenance.get("seed", DEFAULT_SEED),
                              fitted.provenance.get("draws", ICB_DRAWS))
    rows = np.flatnonzero(cases.index.isin(crisnos))
    sub = cases.iloc[rows]
    f = forecast(sub, fitted.constants,
                 Noise(noise.p[rows], noise.cost_a[rows], noise.cost_b[rows]))
    out = {}
    for number, name, year, sev, p in zip(sub.index, sub["crisname"], sub["year"],
                                          sub["sevviosy"], f["serious"], strict=True):
        out[int(number)] = IcbLink(
            crisno=int(number), crisname=str(name), year=int(year), sevviosy=int(sev),
            structural_serious=float(p),
            calibrated_serious=float(fitted.calibration["serious"](float(p))))
    return out


def run_scenario_backtest(names: list[str] | None = None, *, seed: int = DEFAULT_SEED,
                          draws: int = 10_000) -> ScenarioBacktest:
    """Score ``names`` (default: every built-in scenario with an outcome)."""
    from detente.provenance import versions

    chosen = scenarios_with_outcomes() if names is None else names
    if not chosen:
        raise ValueError("no scenario with an outcome: block to score")
    scenarios = [load(n) for n in chosen]
    wanted = [s.outcome.icb_crisis for s in scenarios
              if s.outcome is not None and s.outcome.icb_crisis is not None]
    links = icb_links(wanted)
    scores = [score_scenario(s, seed=seed, draws=draws, icb=links) for s in scenarios]
    return ScenarioBacktest(scores=scores, seed=seed, draws=draws, versions=versions())
