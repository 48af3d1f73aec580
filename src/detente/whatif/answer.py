"""The answer of `detente whatif` in words, generated from the result: the headline (the
cheapest bundle meeting the target, its cost, risk and what it hinges on), why a target is out
of reach, and the notes. See ``docs/whatif.md``."""

from __future__ import annotations

from detente.crisis.result import MechanismShare
from detente.scenario import Scenario
from detente.whatif.result import Bundle, WhatIfResult
from detente.whatif.space import Space

__all__ = ["answer_notes", "headline", "unreachable_reason"]

_MECH_WORDS = {"commitment": "the commitment problem",
               "indivisibility": "indivisibility",
               "no_range": "the absence of a bargaining range on the offer line",
               "beyond_limits": "a bargaining range beyond what the defenders will concede",
               "outside_own_limits": "an offer beyond the defenders' own limits",
               "doubted_resolve": "doubted resolve, a challenge made because the defenders "
                                  "were not believed to fight",
               "private_information": "private information, an offer that misses a range "
                                      "that exists"}


def answer_notes(s: Scenario, space: Space, draws: int, check_draws: int, refuted: int, *,
                 unconfirmed: bool = False) -> list[str]:
    """What the reader should know about the answer: unconfirmed or refuted bundles, issues
    without a concession lever, small samples, an unmodelled commitment problem."""
    notes = []
    if unconfirmed:
        notes.append(f"the recommended bundle meets the target on the search's draws but not "
                     f"on {check_draws:,} fresh draws, and neither did the next bundles along "
                     "the frontier: treat the target as met only on the search's sample (more "
                     "--draws would help).")
    if refuted:
        notes.append(f"{refuted} cheaper bundle{'s' if refuted > 1 else ''} met the target on "
                     f"the search's draws but not on {check_draws:,} fresh draws (the search's "
                     "draws happened to favour them), so the recommendation is the cheapest "
                     "bundle that meets it on both.")
    for key, how in space.sources.items():
        if how.startswith("status quo (no concession lever)"):
            notes.append(f"{key} has no concession lever: the offer on it stays at the "
                         "status quo.")
    if not check_draws:
        notes.append("no check on fresh draws was asked for (--check-draws 0).")
    if draws < 1000:
        notes.append(f"only {draws} draws: treat P(war) as rough.")
    if s.crisis is not None and s.crisis.power_shift is None:
        notes.append("no power_shift in the scenario: the commitment problem is not modelled.")
    return notes


def _mech_text(ms: list[MechanismShare] | None, k: int = 2) -> str:
    main = [m for m in sorted(ms or [], key=lambda m: -m.p) if m.p > 0][:k]
    return " and ".join(f"{_MECH_WORDS.get(m.mechanism, m.mechanism)} "
                        f"({m.share_of_war:.0%} of the war draws)" for m in main)


def unreachable_reason(r: WhatIfResult, s: Scenario, space: Space) -> str:
    """Why no bundle meets the target: the lowest reachable P(war), what remains of it, and
    the levers already at the top of their range."""
    b = r.frontier[r.lowest]
    lo, hi = b.p_war_interval
    within = "" if r.budget is None else f" within a budget of {r.budget:g}"
    text = (f"no bundle found{within} brings P(war) to {r.target:.0%} or below; the lowest "
            f"reachable is {b.p_war:.3f} (90% interval {lo:.3f}–{hi:.3f})")
    mech = _mech_text(b.mechanisms)
    if mech:
        text += f", and what remains comes from {mech}"
    maxed = [lv.name for lv in b.levers if lv.free and _at_top(s, lv.lever, lv.value)]
    if maxed:
        text += f"; at (or within 2% of) the top of their range: {', '.join(maxed)}"
    return text


def _at_top(s: Scenario, lever_id: str, value: float) -> bool:
    assert s.crisis is not None
    try:
        lever = s.crisis.lever(lever_id)
    except KeyError:
        return False
    return value >= lever.high - 0.02 * (lever.high - lever.low)


def _hinge_text(b: Bundle, target: float) -> str:
    hinging = [d for d in b.dependence if d.hinges]
    if not hinging:
        if not b.dependence:
            return "it does not hinge on any one uncertain input"
        d = max(b.dependence, key=lambda d: max(d.p_war_lower, d.p_war_upper))
        worst = max(d.p_war_lower, d.p_war_upper)
        return (f"it does not hinge on any one uncertain input: in no input's lower or "
                f"upper third does P(war) rise clearly above {target:.0%} (the most "
                f"sensitive, {d.label}, gives {worst:.3f} in its worse third)")
    d = max(hinging, key=lambda d: abs(d.p_war_upper - d.p_war_lower))
    text = (f"it hinges on {d.label}: P(war) = {d.p_war_lower:.3f} if that is in its lower "
            f"third (≤ {d.lower_cut:.3g}) and {d.p_war_upper:.3f} in its upper third "
            f"(≥ {d.upper_cut:.3g})")
    if d.dominant and d.total_index is not None:
        text += (f"; Sobol's total-order index puts {min(d.total_index, 1.0):.0%} of the "
                 "variance of war on it")
    others = [x.label for x in hinging if x is not d]
    others += [x for x in b.hinges_on if x not in others and x != d.label]
    if others:
        text += f"; the target is also missed in a third of {', '.join(others[:3])}"
        if len(others) > 3:
            text += f" and {len(others) - 3} more"
    return text


def headline(r: WhatIfResult, s: Scenario) -> str:
    """The answer in words: the cheapest bundle meeting the target, its cost, its risk and
    what it hinges on; or why the target is out of reach."""
    cur = r.current
    tail = (f" Today's bundle (the scenario's settings, offers at the status quo) gives "
            f"P(war) = {cur.p_war:.3f} at a cost of {cur.cost:.3f}.")
    if r.recommended is None:
        b = r.frontier[r.lowest]
        return (f"{r.reason[:1].upper() + r.reason[1:] if r.reason else ''}. The lowest-risk "
                f"bundle found is: {b.words}; it costs {b.cost:.3f}." + tail)
    b = r.frontier[r.recommended]
    lo, hi = b.p_war_interval
    text = (f"To bring the risk of war to {r.target:.0%} or below, the cheapest bundle found "
            f"is: {b.words}. It costs {b.cost:.3f} in units of the defending side's stakes "
            f"({b.lever_cost:.3f} for the levers, {b.concession_cost:+.3f} in value conceded "
            f"against the status quo) and gives P(war) = {b.p_war:.3f} (90% interval "
            f"{lo:.3f}–{hi:.3f}")
    if b.p_war_check is not None:
        text += f"; {b.p_war_check:.3f} on {r.check_draws:,} fresh draws"
    text += f"); {_hinge_text(b, r.target)}."
    mech = _mech_text(b.mechanisms)
    if mech:
        text += f" The remaining risk comes from {mech}."
    return text + tail
