"""The README's "What it says about January 2022" quotes `detente crisis` as it prints now
(issue #8: no stale numbers). Every number in that section must be one the analysis gives at
the README's settings (seed 0, 10,000 draws), formatted as the command prints it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import detente
from detente.crisis.result import CrisisResult

README = Path(__file__).parents[2] / "README.md"
SEED, DRAWS = 0, 10_000
OWN_TERMS = "defending side's own terms (t = 0)"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## What it says about January 2022")
    return text[start:text.index("\n## ", start + 1)]


def _figures(r: CrisisResult, by_sanctions: dict[float, float],
             by_resolve: dict[str, float]) -> set[str]:
    refs = {x.label: x for x in r.references}
    counterfactual = sorted(x.p_war for x in r.references if x.kind == "counterfactual")
    mech = {m.mechanism: m.share_of_war for m in r.mechanisms}
    levers = {lever.id: lever.setting for lever in r.levers}
    challenger, side = r.parties[0], r.parties[-1]
    lo, hi = r.p_war_interval
    assert r.p_war_structural is not None
    s_lo, s_hi = r.p_war_structural
    return {
        f"{r.p_war:.2f}", f"{lo:.2f}–{hi:.2f}", f"{s_lo:.2f}–{s_hi:.2f}",
        f"{challenger.share_prefers_war:.0%}", f"{side.share_prefers_war:.0%}",
        f"{mech['private_information']:.0%}", f"{mech['commitment']:.0%}",
        f"{mech['doubted_resolve']:.0%}", f"{r.p_capitulation:.2f}",
        *(f"{p:.2f}" for p in by_resolve.values()),
        f"{refs['status quo'].p_war:.2f}",
        f"{refs[OWN_TERMS].p_war:.2f}",
        f"{counterfactual[0]:.2f}", f"{counterfactual[-1]:.2f}",
        f"{r.optimal.t:.2f}", f"{r.optimal.assessment.p_war:.2f}",
        f"{levers['sanctions']:.2f}", f"{levers['defensive_arms']:.2f}",
        *(f"{p:.2f}" for p in by_sanctions.values()), f"{DRAWS:,}", "0",
    }


@pytest.mark.slow
def test_the_january_2022_section_quotes_the_current_output() -> None:
    r = detente.crisis_analysis("ukraine-2022", draws=DRAWS, seed=SEED)
    assert r.offer_on_table is not None
    by_sanctions = {s: detente.crisis_analysis("ukraine-2022", levers={"sanctions": s},
                                               draws=DRAWS, seed=SEED).p_war
                    for s in (0.0, 0.5, 1.0)}
    by_resolve = {name: detente.crisis_analysis("ukraine-2022", levers=dict.fromkeys(
                      name.split("+"), 1.0), draws=DRAWS, seed=SEED).p_war
                  for name in ("defensive_arms", "force_posture",
                               "defensive_arms+force_posture")}
    section = _section()
    assert f"`{r.offer_on_table.id}`" in section
    allowed = _figures(r, by_sanctions, by_resolve)
    # every number written in the section (ranges as one, percentages with their sign)
    prose = re.sub(r"`[^`]*`", "", section)  # ids and commands are not figures
    written = re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?(?:–\d+(?:\.\d+)?)?%?", prose)
    written = [w for w in written if w not in ("2022", "90%")]  # the title; the interval
    stale = [w for w in written if w not in allowed]
    assert not stale, f"README numbers not in the current output: {stale}; allowed {allowed}"
    # and the figures the section is about are all there
    for key in (f"P = {r.p_war:.2f}", f"{by_sanctions[0.0]:.2f}", f"{by_sanctions[1.0]:.2f}",
                f"P(capitulation) = {r.p_capitulation:.2f}",
                f"{by_resolve['defensive_arms+force_posture']:.2f}"):
        assert key in section
