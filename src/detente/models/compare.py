"""How far the negotiation models disagree: the spread of their forecasts, issue by issue.

The models rest on different theories of how talks settle (a weighted mean, a median voter,
a Nash product, rounds of challenges), so on a contested issue their forecasts can lie far
apart. The spread says how far, in the issue's units and as a share of its scale, and which
models sit at either end, so that a single model's number is never read alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from detente.models.base import ForecastResult
from detente.scenario.schema import Scenario


class IssueSpread(BaseModel):
    """The range of the models' forecasts on one issue."""

    model_config = ConfigDict(frozen=True)

    issue: str
    low: float
    high: float
    #: the models whose forecast is the lowest / the highest (ties listed together)
    low_models: list[str]
    high_models: list[str]
    #: high - low, in the issue's units
    spread: float
    #: spread / (scale high - scale low): 0 all agree, 1 they span the whole scale
    share_of_scale: float
    #: models that stopped at their round limit on this issue without converging
    unconverged: list[str] = []

    def describe(self) -> str:
        """One line: ``low (models) to high (models), spread S (P % of the scale)``."""
        text = (f"{self.low:.2f} ({', '.join(self.low_models)}) to {self.high:.2f} "
                f"({', '.join(self.high_models)}): spread {self.spread:.2f}, "
                f"{100 * self.share_of_scale:.0f} % of the scale")
        if self.unconverged:
            text += f"; not converged: {', '.join(self.unconverged)}"
        return text


def issue_spread(results: Sequence[ForecastResult], scenario: Scenario) -> list[IssueSpread]:
    """The spread of ``results``' forecasts on every issue of ``scenario`` (empty for fewer
    than two results)."""
    if len(results) < 2:
        return []
    out = []
    for issue in scenario.issues:
        values = {r.model: r.forecast(issue.id) for r in results}
        low, high = min(values.values()), max(values.values())
        span = issue.scale.high - issue.scale.low
        tol = 1e-9 * max(1.0, abs(span))
        unconverged = [r.model for r in results
                       for i in r.issues if i.id == issue.id and i.converged is False]
        out.append(IssueSpread(
            issue=issue.id, low=low, high=high,
            low_models=[m for m, v in values.items() if v - low <= tol],
            high_models=[m for m, v in values.items() if high - v <= tol],
            spread=high - low,
            share_of_scale=(high - low) / span if span > 0 else 0.0,
            unconverged=unconverged,
        ))
    return out
