"""Why war happens in a draw: commitment, indivisibility, no range, limits, private information.

The mechanisms are attributed in a fixed order, the first that applies winning; the
rationalist explanations are Fearon's (1995) three (private information with incentives to
misrepresent, commitment problems, issue indivisibility) plus two that come from the offer
line itself. See ``docs/crisis-model.md``.
"""

from __future__ import annotations

import numpy as np

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputs, feasible_t, snap
from detente.crisis.levers import lever_levels
from detente.crisis.offers import Ranges
from detente.crisis.war_values import Evaluation, check_offers, war_decisions

__all__ = ["MECHANISMS", "mechanisms"]

#: Mechanism codes, in the order they are attributed (the first that applies wins).
MECHANISMS: dict[int, tuple[str, str]] = {
    1: ("commitment", "commitment problem: the power shift the challenger fears exceeds what "
                      "any settlement today plus what the rising side can promise can cover"),
    2: ("indivisibility", "indivisibility: war here disappears when the indivisible issues "
                          "may take intermediate values"),
    3: ("no_range", "no bargaining range on the offer line: no division along it is preferred "
                    "to war by both sides"),
    4: ("beyond_limits", "the bargaining range lies beyond what the defenders will concede "
                         "(the concession levers' ranges)"),
    5: ("private_information", "private information: a range exists but the offer, made "
                               "without knowing the draw, misses it"),
}


def mechanisms(inputs: CrisisInputs, settings: FloatArray, offer: FloatArray,
               ranges: Ranges) -> tuple[FloatArray, Evaluation]:
    """Per draw, the mechanism behind war at ``offer`` (codes of :data:`MECHANISMS`, 0 for
    peace), attributed in order: commitment, indivisibility, no range on the line, range
    beyond the concession limits, private information. Also returns the evaluation."""
    levels = lever_levels(inputs.levers, settings.reshape(1, -1))
    raw = check_offers(inputs, offer.reshape(1, -1), 1)
    ev = war_decisions(inputs, levels, snap(inputs, raw))
    war = ev.war[0]
    war_div = war_decisions(inputs.with_divisible(), levels, raw).war[0]
    window = feasible_t(inputs)
    if window is None:
        beyond = np.ones(inputs.n, dtype=bool)
    else:
        beyond = (ranges.upper < window[0] - 1e-12) | (ranges.lower > window[1] + 1e-12)
    code = np.select(
        [~war, ev.commitment[0], ~war_div, ~ranges.exists, ranges.exists & beyond],
        [0, 1, 2, 3, 4], default=5)
    return code.astype(np.float64), ev
