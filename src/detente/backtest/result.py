"""The result of an ICB backtest: scores per era, outcome and forecaster, reliability tables,
every crisis's forecasts, and the provenance; JSON, a table frame and a reliability plot."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from detente.backtest.fitted import OUTCOME_LABELS, OUTCOMES

#: Forecasters in table order; ``structural`` is detente's crisis core through the mapping.
FORECASTERS = ("structural", "calibrated", "logistic", "base rate", "hindsight")
FORECASTER_LABELS = {
    "structural": "crisis model",
    "calibrated": "crisis model, calibrated",
    "logistic": "logistic regression (CV)",
    "base rate": "base rate (pre-1980)",
    "hindsight": "the era's own frequency",
}
ERA_LABELS = {"train": "1918–1979 (fitting era)", "test": "1980–2017 (out of sample)"}


@dataclass(frozen=True)
class IcbBacktest:
    """Scores (one row per era × outcome × forecaster), reliability tables (one per era ×
    outcome × forecaster, base rate excluded), the per-crisis forecasts, and provenance.

    ``scores`` columns: ``era``, ``outcome``, ``forecaster``, ``in_sample`` (True where the
    forecaster was fitted on the very crises it is scored on), ``n``, ``events``, ``brier``,
    ``brier_skill`` (against the pre-1980 base rate), ``log_loss``, ``roc_auc``,
    ``mean_forecast``.
    """

    scores: pd.DataFrame
    reliability: dict[tuple[str, str, str], pd.DataFrame]
    forecasts: pd.DataFrame
    constants: dict[str, float]
    base_rates: dict[str, float]
    seed: int
    draws: int
    refit: bool
    provenance: dict[str, Any]
    plot: str | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.scores.copy()

    def score(self, era: str, outcome: str, forecaster: str) -> pd.Series:
        s = self.scores
        row = s[(s["era"] == era) & (s["outcome"] == outcome) & (s["forecaster"] == forecaster)]
        if row.empty:
            raise KeyError(f"no score for {era}/{outcome}/{forecaster}")
        return row.iloc[0]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"command": "backtest icb", "seed", "draws", "refit", "constants",
        "base_rates", "scores": [...], "reliability": [{"era", "outcome", "forecaster",
        "bins": [...]}], "crises": [{"crisno", "crisname", "year", "era", "sevviosy",
        "structural_war", ...}], "plot", "provenance"}``. NaN becomes null."""
        out: dict[str, Any] = _clean({
            "command": "backtest icb", "seed": self.seed, "draws": self.draws,
            "refit": self.refit, "constants": self.constants, "base_rates": self.base_rates,
            "scores": self.scores.to_dict(orient="records"),
            "reliability": [{"era": e, "outcome": o, "forecaster": f,
                             "bins": t.to_dict(orient="records")}
                            for (e, o, f), t in self.reliability.items()],
            "crises": self.forecasts.reset_index().to_dict(orient="records"),
            "plot": self.plot, "provenance": self.provenance,
        })
        return out

    def write_plot(self, path: Path) -> Path:
        """A reliability diagram per outcome and era (png or svg by suffix)."""
        from detente.figures import plot_format

        fmt = plot_format(path)
        figure(self).savefig(path, format=fmt, dpi=150)
        return path


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item"):  # numpy scalars
        obj = obj.item()
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj


def figure(r: IcbBacktest) -> Any:
    """Observed frequency against mean forecast per bin, one panel per outcome and era."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.0, 8.0), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True, sharey=True)
    styles = {"structural": ("o-", "#b2182b"), "calibrated": ("s--", "#ef8a62"),
              "logistic": ("^-", "#2166ac")}
    for i, outcome in enumerate(OUTCOMES):
        for j, era in enumerate(("train", "test")):
            ax = axes[i][j]
            ax.plot([0, 1], [0, 1], color="#999999", lw=0.8)
            ax.axhline(r.base_rates[outcome], color="#999999", ls=":", lw=0.8)
            for name, (marker, colour) in styles.items():
                t = r.reliability[(era, outcome, name)].dropna()
                ax.plot(t["mean_forecast"], t["observed"], marker, color=colour, ms=4,
                        label=FORECASTER_LABELS[name])
            ax.set_title(f"{OUTCOME_LABELS[outcome]}, {ERA_LABELS[era]}", fontsize=9)
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
            if i == 1:
                ax.set_xlabel("forecast probability (bin mean)")
            if j == 0:
                ax.set_ylabel("observed frequency")
    axes[0][0].legend(fontsize=8, loc="upper left")
    fig.suptitle("ICB v14 backtest: reliability (diagonal = calibrated; dotted = pre-1980 "
                 "base rate)", fontsize=10)
    return fig
