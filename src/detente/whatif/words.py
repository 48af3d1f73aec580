"""Bundles in plain words, generated from the scenario: lever names and units, issue names and
what the ends of each issue's scale mean (``low_means``/``high_means``). Nothing here knows
about any particular crisis."""

from __future__ import annotations

import re

from detente.scenario.crisis import Lever
from detente.scenario.schema import Issue

__all__ = ["concession_words", "lever_words", "short"]

_CLAUSE = re.compile(r"[:;(]|\.\s|\.$|,\s(?=and |but |or |with )")


def short(text: str | None, limit: int = 60) -> str:
    """The first clause of a scale end's meaning, at most ``limit`` characters (cut at a
    word): "Open door acted on: a membership path ..." -> "Open door acted on"."""
    if not text:
        return ""
    head = _CLAUSE.split(" ".join(text.split()), maxsplit=1)[0].strip().rstrip(",")
    if len(head) > limit:
        head = head[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return head


def _num(v: float) -> str:
    return f"{v:.2g}" if abs(v) < 1 else f"{v:.3g}"


def lever_words(lever: Lever, setting: float) -> str:
    """An effect lever's setting: "Sanctions threatened against an invasion at 0.75 (share
    of the full package threatened)", or "... not pulled" at the bottom of its range."""
    if setting <= lever.low + 1e-9:
        return f"{lever.name}: not pulled"
    unit = f" ({lever.units})" if lever.units else f" (of {lever.low:g}–{lever.high:g})"
    top = " — the top of its range" if setting >= lever.high - 1e-9 else ""
    return f"{lever.name} at {_num(setting)}{unit}{top}"


def concession_words(issue: Issue, value: float, lever: Lever | None,
                     status_quo: float | None) -> str:
    """An offer on one issue: "Offer on NATO enlargement at 40, 40% of the way from 'Open
    door acted on' to 'Russia's demand' (status quo 20)"."""
    scale = issue.scale
    name = lever.name if lever is not None else f"Offer on {issue.name}"
    text = f"{name} at {value:.3g}"
    low, high = short(scale.low_means), short(scale.high_means)
    share = (value - scale.low) / scale.span
    if low and high:
        if share <= 1e-9:
            text += f": '{low}'"
        elif share >= 1 - 1e-9:
            text += f": '{high}'"
        else:
            text += f", {share:.0%} of the way from '{low}' to '{high}'"
    else:
        text += f" on {scale.low:g}–{scale.high:g} ({scale.units})"
    if status_quo is not None:
        if abs(value - status_quo) <= 1e-9 * scale.span:
            text += " (the status quo)"
        else:
            text += f" (status quo {status_quo:g})"
    return text
