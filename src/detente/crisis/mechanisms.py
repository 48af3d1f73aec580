"""Why war happens in a draw: commitment, an offer beyond the offerers' own limits, doubted
resolve, indivisibility, no range, a range beyond the limits, private information.

The mechanisms are attributed in a fixed order, the first that applies winning; the
rationalist explanations are Fearon's (1995) three (private information with incentives to
misrepresent, commitment problems, issue indivisibility) plus three that come from the offer
and the offer line themselves. See ``docs/crisis-model.md``.
"""

from __future__ import annotations

import numpy as np

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputs, feasible_t, snap
from detente.crisis.levers import lever_levels
from detente.crisis.offers import Ranges
from detente.crisis.war_values import MARGIN_TOL, Evaluation, check_offers, war_decisions

__all__ = ["MECHANISMS", "listed_mechanisms", "mechanisms", "outside_limits"]


def outside_limits(inputs: CrisisInputs, offer: FloatArray) -> bool:
    """Whether an offer ``(K,)`` lies outside what the defenders' concession levers say they
    would offer on some issue (their ``range``)."""
    for lever in inputs.concessions:
        x = float(offer[inputs.issue_ids.index(str(lever.issue))])
        if not lever.low - 1e-9 <= x <= lever.high + 1e-9:
            return True
    return False

#: Mechanism codes, in the order they are attributed (the first that applies wins; codes 6
#: and 7 came later and are attributed second and third, the numbers kept so older codes stay
#: valid).
MECHANISMS: dict[int, tuple[str, str]] = {
    1: ("commitment", "commitment problem: the power shift the challenger fears exceeds what "
                      "any settlement today plus what the rising side can promise can cover"),
    6: ("outside_own_limits", "an offer outside the offering side's own limits: the offer "
                              "concedes more than the defenders' concession levers allow, and "
                              "the defending side prefers war to it; a party refusing an offer "
                              "it would never make"),
    2: ("indivisibility", "indivisibility: war here disappears when the indivisible issues "
                          "may take intermediate values"),
    3: ("no_range", "no bargaining range on the offer line: no division along it is preferred "
                    "to war by both sides"),
    4: ("beyond_limits", "the bargaining range lies beyond what the defenders will concede "
                         "(the concession levers' ranges)"),
    7: ("doubted_resolve", "doubted resolve: the challenger would accept the offer if it were "
                           "sure the defenders would fight, but it doubts their resolve "
                           "(private information about resolve), challenges, and is resisted"),
    5: ("private_information", "private information: a range exists but the offer, made "
                               "without knowing the draw, misses it"),
}


def listed_mechanisms(resolve: bool) -> dict[int, tuple[str, str]]:
    """The mechanisms a scenario's results list: doubted resolve (code 7) only when the
    scenario gives the challenger's belief in the defenders' resolve (``resolve``); without it
    that war cannot happen and the results stay as they were before the code existed."""
    return {c: m for c, m in MECHANISMS.items() if resolve or c != 7}


def mechanisms(inputs: CrisisInputs, settings: FloatArray, offer: FloatArray,
               ranges: Ranges) -> tuple[FloatArray, Evaluation]:
    """Per draw, the mechanism behind war at ``offer`` (codes of :data:`MECHANISMS`, 0 for
    peace), attributed in order: commitment, an offer outside the defenders' own limits that
    the defending side would rather fight than accept, doubted resolve (war only because the
    challenger doubts the defenders will fight: it would not challenge at ``q = 1``),
    indivisibility, no range on the line, range beyond the concession limits, private
    information. A draw's war has probability ``ev.p_war``; shares of war weight each draw's
    code by it. Also returns the evaluation."""
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
    refused = outside_limits(inputs, raw[0]) & (ev.margin_defenders[0] > MARGIN_TOL)
    # a war the challenger would not start if sure of resistance (q = 1): no commitment
    # problem, the defending side accepts the offer, the challenger prefers it to war
    doubted = ~((ev.margin[0, :, 0] > MARGIN_TOL) | (ev.margin_defenders[0] > MARGIN_TOL))
    code = np.select(
        [~war, ev.commitment[0], refused, doubted, ~war_div, ~ranges.exists,
         ranges.exists & beyond],
        [0, 1, 6, 7, 2, 3, 4], default=5)
    return code.astype(np.float64), ev
