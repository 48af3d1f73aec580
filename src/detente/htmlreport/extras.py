"""Figures from analyses beyond the core ones, as :class:`ExtraFigure`: P(war) by week from
the escalation simulation, and the ICB backtest's reliability curve (how often crises the
crisis model gave a probability ``p`` did end in war, out of sample)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from detente.backtest.result import IcbBacktest
    from detente.simulate.result import SimulationResult

__all__ = ["ExtraFigure", "reliability_figure", "simulation_figure"]


class ExtraFigure(BaseModel):
    """A line figure an analysis beyond the core ones contributes (P(war) by week from a
    simulation, a backtest's reliability curve): one or more series with optional bands."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    title: str
    caption: str
    x_label: str
    y_label: str
    series: list[dict[str, Any]]  # {"label", "x", "y", optional "low", "high"}
    diagonal: bool = False  # draw y = x (a reliability curve's perfect calibration)


def simulation_figure(result: SimulationResult) -> ExtraFigure:
    """P(war by week t) with its interval, P(capitulation by week t) when the scenario gives
    the defenders' resolve, and P(settled by week t)."""
    weeks = list(range(1, len(result.p_war_by_week) + 1))
    war = {"label": "P(war by week t)", "x": weeks, "y": result.p_war_by_week,
           "low": [lo for lo, _ in result.p_war_interval],
           "high": [hi for _, hi in result.p_war_interval]}
    settled = {"label": "P(settled by week t)", "x": weeks, "y": result.p_settled_by_week}
    gave_way = ([] if result.p_capitulation_by_week is None else
                [{"label": "P(capitulation by week t)", "x": weeks,
                  "y": result.p_capitulation_by_week}])
    caption = (f"{result.headline} ({result.runs:,} simulated crises of {result.weeks} weeks, "
               f"seed {result.seed}; the band is the 90% interval.) See docs/escalation.md.")
    return ExtraFigure(key="escalation", title="Escalation over time: P(war by week)",
                       caption=caption.strip(), x_label="week", y_label="probability",
                       series=[war, *gave_way, settled])


def reliability_figure(backtest: IcbBacktest, era: str = "test",
                       outcome: str = "war") -> ExtraFigure | None:
    """The crisis model's reliability on ICB crises of ``era`` (default: 1980–2017, out of
    sample): forecast probability in bins against the observed frequency."""
    series = []
    for forecaster, label in (("structural", "crisis model"),
                              ("calibrated", "crisis model, calibrated")):
        table = backtest.reliability.get((era, outcome, forecaster))
        if table is None or table.empty:
            continue
        table = table[table["n"] > 0]
        series.append({"label": f"{label} (bins of {int(table['n'].sum())} crises)",
                       "x": [float(v) for v in table["mean_forecast"]],
                       "y": [float(v) for v in table["observed"]]})
    if not series:
        return None
    return ExtraFigure(
        key="reliability", title="Does it predict? The backtest's reliability curve",
        caption=("The crisis model's P(full-scale war) on International Crisis Behavior "
                 "crises of 1980–2017, fitted on earlier crises only: each point is a bin of "
                 "crises, its mean forecast against how often they ended in war. On the "
                 f"dashed line forecasts mean what they say (seed {backtest.seed}, "
                 f"{backtest.draws} draws per crisis). See docs/backtest.md."),
        x_label="forecast P(war)", y_label="observed share ending in war", series=series,
        diagonal=True)
