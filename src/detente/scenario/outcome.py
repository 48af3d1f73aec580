"""The ``outcome:`` block of a scenario: what happened after the scenario's date.

A scenario is encoded as of a date (``as_of``), before its outcome was known. The outcome block
records what then happened, dated and quoted from a source, so that ``detente backtest
scenarios`` can score the pre-outcome forecast. **No model reads it**: the analyses see the
scenario as it stood on ``as_of``; only the backtest compares their answer with this block.

``war`` is the event scored: whether the crisis ended in war between the challenger and a
defender within the horizon the scenario asks about. ``severity`` is the same crisis on the
ICB scale of violence (``sevviosy``: 1 no violence, 2 minor clashes, 3 serious clashes,
4 full-scale war) and ``icb_crisis`` its ICB crisis number, which links the case to the ICB
backtest (``docs/backtest.md``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from detente.scenario.values import Evidence, Text, as_date

Path = tuple[str | int, ...]

__all__ = ["Outcome", "outcome_cross_check"]


class Outcome(BaseModel):
    """What happened after ``as_of``: when, what, whether it was war, and the evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    summary: Text
    war: bool
    severity: Annotated[int, Field(ge=1, le=4)] | None = None
    icb_crisis: Annotated[int, Field(ge=1)] | None = None
    evidence: Annotated[list[Evidence], Field(min_length=1)]


def outcome_cross_check(outcome: Any, as_of: Any, sources: list[str]) -> list[tuple[Path, str]]:
    """The outcome comes after the scenario's date, and quotes listed sources."""
    problems: list[tuple[Path, str]] = []
    if not isinstance(outcome, dict):
        return problems
    date, start = as_date(outcome.get("date")), as_date(as_of)
    if date is not None and start is not None and date <= start:
        problems.append((("outcome", "date"),
                         f"the outcome ({date}) must come after the scenario's as_of date "
                         f"({start}): a forecast is scored on what happened later"))
    evidence = outcome.get("evidence")
    for e, item in enumerate(evidence if isinstance(evidence, list) else []):
        src = item.get("source") if isinstance(item, dict) else None
        if isinstance(src, str) and src not in sources:
            problems.append((("outcome", "evidence", e, "source"),
                             f"{src!r} is not a listed source (sources: "
                             f"{', '.join(sources) or 'none'})"))
    return problems

