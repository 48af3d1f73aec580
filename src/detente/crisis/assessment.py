"""An offer assessed in words and numbers: P(war), who prefers war, the mechanisms, and the
headline answer of ``detente crisis``."""

from __future__ import annotations

from typing import Literal

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputs
from detente.crisis.levers import lever_levels
from detente.crisis.mechanisms import listed_mechanisms, mechanisms
from detente.crisis.offers import Ranges
from detente.crisis.result import (
    CrisisResult,
    MechanismShare,
    OfferAssessment,
    PartyPreference,
)
from detente.crisis.uncertainty import wilson
from detente.crisis.war_values import MARGIN_TOL, war_decisions
from detente.scenario.schema import Scenario
from detente.scenario.wording import in_sentence, possessive

__all__ = ["assess_offer", "headline", "mechanism_shares"]


def assess_offer(inputs: CrisisInputs, settings: FloatArray, offer: FloatArray, ranges: Ranges,
            structural: tuple[float, ...] | None) -> OfferAssessment:
    code, ev = mechanisms(inputs, settings, offer, ranges)
    n = inputs.n
    war = ev.p_war[0]
    p_war = float(war.mean())
    levels = lever_levels(inputs.levers, settings.reshape(1, -1))
    div = war_decisions(inputs.with_divisible(), levels, offer.reshape(1, -1))
    s = inputs.scenario
    names = {a.id: a.name for a in s.actors}
    single = len(inputs.party_ids) == 2
    parties = [_preference(pid, names[pid], "challenger" if p == 0 else "defender",
                           ev.margin[0, :, p], decides=p == 0 or single)
               for p, pid in enumerate(inputs.party_ids)]
    if not single:
        rule = s.crisis.defender_weights if s.crisis is not None else "capability"
        label = ("capability-weighted" if rule == "capability"
                 else f"lead defender, {names[inputs.party_ids[1]]}")
        parties.append(_preference("defenders", f"Defending side ({label})", "defending side",
                                   ev.margin_defenders[0], decides=True))
    value = float(ev.value_expected_defenders()[0].mean())
    return OfferAssessment(
        p_war=p_war, p_war_interval=wilson(p_war, n),
        p_war_structural=None if structural is None else (float(structural[0]),
                                                           float(structural[1])),
        p_war_if_divisible=float(div.p_war.mean()), expected_value_defenders=value,
        parties=parties, mechanisms=mechanism_shares(code, war, inputs.resolve is not None),
        p_capitulation=None if ev.p_capitulation is None else float(
            ev.p_capitulation[0].mean()))


def mechanism_shares(code: FloatArray, p_war: FloatArray, resolve: bool
                     ) -> list[MechanismShare]:
    """Each mechanism's share of war: the draws' probabilities of war ``p_war`` summed by
    their code, over all of them (so the shares sum to one), and over the draws (``p``).
    Without resolve uncertainty ``p_war`` is 0 or 1 and these are counts of draws."""
    total = float(p_war.sum())
    out = []
    for c, (name, text) in listed_mechanisms(resolve).items():
        weight = float(p_war[code == c].sum())
        out.append(MechanismShare(mechanism=name, share_of_war=weight / total if total > 0
                                  else 0.0, p=weight / code.shape[0], description=text))
    return out


def _preference(pid: str, name: str, role: Literal["challenger", "defender", "defending side"],
                margin: FloatArray, *, decides: bool) -> PartyPreference:
    prefers = margin > MARGIN_TOL
    return PartyPreference(
        party=pid, name=name, role=role, share_prefers_war=float(prefers.mean()),
        mean_margin=float(margin.mean()),
        mean_margin_when_war=float(margin[prefers].mean()) if prefers.any() else None,
        decides=decides)


def _likelihood(p: float) -> str:
    if p < 0.05:
        return "very unlikely"
    if p < 0.2:
        return "unlikely"
    if p < 0.4:
        return "a serious risk"
    if p < 0.6:
        return "a toss-up"
    if p < 0.85:
        return "likely"
    return "very likely"


def headline(result: CrisisResult, scenario: Scenario) -> str:
    """A short answer in words: how likely war is at the offer, who prefers it, why, and what
    the defending side's own terms and its best offer would give."""
    names = {a.id: a.name for a in scenario.actors}
    challenger = names[result.challenger]
    table = result.offer_on_table
    if table is not None:
        who = ", ".join(in_sentence(names.get(w, w)) for w in table.who)
        where = (f"the offer on the table ({in_sentence(table.name or table.id)}: {who}, "
                 f"{table.date})")
    elif all(o.source.startswith("model") for o in result.offer):
        where = (f"the {result.model} model's forecast, used as the offer because the scenario "
                 "lists no offers made")
    else:
        where = "the offer given"
    lo, hi = result.p_war_interval
    text = (f"At {where}, war is {_likelihood(result.p_war)}: P = {result.p_war:.2f} (90% "
            f"interval {lo:.2f}–{hi:.2f}")
    if result.p_war_structural is not None:
        s_lo, s_hi = result.p_war_structural
        text += f"; {s_lo:.2f}–{s_hi:.2f} across what could be learnt about the structure"
    ch = result.parties[0]
    text += (f"). {challenger} prefers war to this offer in {ch.share_prefers_war:.0%} of "
             "draws")
    side = next((p for p in result.parties if p.role == "defending side"), None)
    if side is not None:
        text += f" and the defending side in {side.share_prefers_war:.0%}"
    if result.p_capitulation:  # only where a challenge may meet no resistance
        text += (f"; doubting that the defenders would fight, it may also use force anyway: "
                 f"P(capitulation) = {result.p_capitulation:.2f}, the chance that it does and "
                 "they give way without a fight")
    main = [m for m in sorted(result.mechanisms, key=lambda m: -m.p) if m.p > 0][:2]
    if main:
        text += "; the risk comes mainly from " + " and ".join(
            f"{_MECH_WORDS[m.mechanism]} ({m.share_of_war:.0%} of war draws)" for m in main)
    text += "."
    refs = {r.label: r for r in result.references}
    own = refs.get("defending side's own terms (t = 0)")
    sq = refs.get("status quo")
    opt = result.optimal
    parts = []
    if sq is not None:
        parts.append(f"at the status quo P(war) = {sq.p_war:.2f}")
    if own is not None:
        parts.append(f"at the defending side's own terms {own.p_war:.2f}")
    if parts:
        text += " For comparison, " + ", ".join(parts) + "."
    models = sorted((r for r in result.references if r.kind == "counterfactual"),
                    key=lambda r: r.p_war)
    if models:
        def model_of(label: str) -> str:
            return label.removeprefix("if talks settled where ").removesuffix(
                " says (counterfactual)")
        text += (" If talks settled where the negotiation models forecast (counterfactuals, "
                 f"not offers anyone made), P(war) would run from {models[0].p_war:.2f} "
                 f"({model_of(models[0].label)}) to {models[-1].p_war:.2f} "
                 f"({model_of(models[-1].label)}).")
    text += (f" The defenders' best offer under their uncertainty concedes t = {opt.t:.2f} of "
             f"the way from their terms to {possessive(in_sentence(challenger))} demand, "
             f"for P(war) = "
             f"{opt.assessment.p_war:.2f}")
    if result.range.exists and result.range.lower_t is not None:
        text += (f"; at the point values the bargaining range is t = "
                 f"{result.range.lower_t:.2f}–{result.range.upper_t:.2f}")
    else:
        text += "; at the point values there is no bargaining range on the offer line"
    return text + ". " + result.p_war_definition[0].upper() + result.p_war_definition[1:]


_MECH_WORDS = {"commitment": "the commitment problem", "indivisibility": "indivisibility",
               "outside_own_limits": "an offer beyond the defenders' own limits, which they "
                                     "would rather fight than stand by",
               "no_range": "the absence of a bargaining range on the line",
               "beyond_limits": "a range beyond what the defenders will concede",
               "doubted_resolve": "doubted resolve (a challenge the defenders were not "
                                  "believed to resist)",
               "private_information": "private information"}
