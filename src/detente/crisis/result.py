"""The typed result of the crisis analysis (the `detente crisis` contract, JSON Schema in
``detente/schemas/crisis.schema.json``): frozen pydantic models with ``to_json``/``to_frame``."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: What P(war) is, in one plain sentence: shown under the CLI headline, in the JSON Schema's
#: description of ``p_war`` and in the API docstring.
P_WAR_DEFINITION = (
    "P(war) is the share of Monte Carlo draws, each drawing every uncertain number of the "
    "scenario (positions, saliences, the odds, costs and outcomes of war, the levers' effects) "
    "from its stated range while the offer and the lever settings are held fixed, in which the "
    "challenger or the defending side prefers war to the offer or the challenger faces a "
    "commitment problem no offer today can fix; it measures how much of the analyst's stated "
    "uncertainty points to war, and it is not a calibrated frequency.")

#: What P(capitulation) is; shown beside P(war) when the scenario gives the challenger's belief
#: in the defenders' resolve (``crisis.war.defenders_resolve``).
P_CAPITULATION_DEFINITION = (
    "P(capitulation) is the share of draws, each weighted by the chance that the defending "
    "side gives way, in which the challenger, doubting the defenders' resolve, refuses the "
    "offer and uses force and the defenders concede its terms rather than fight; such draws "
    "count toward P(war) only by the chance that the defenders resist.")

ReferenceKind = Literal["status quo", "offer made", "terms", "analysed", "landmark", "optimum",
                        "counterfactual"]

__all__ = [
    "P_CAPITULATION_DEFINITION",
    "P_WAR_DEFINITION",
    "CrisisResult",
    "IssueOffer",
    "LeverReport",
    "MechanismShare",
    "OfferAssessment",
    "OfferOnTable",
    "OptimalOffer",
    "PartyPreference",
    "RangeReport",
    "ReferenceOffer",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


def _absent(value: object) -> bool:
    return value is None


def _capitulation() -> Any:
    """The optional P(capitulation) field, left out of the JSON when the scenario has no
    resolve uncertainty (so results without it are as they were)."""
    return Field(default=None, exclude_if=_absent, description=P_CAPITULATION_DEFINITION)


class IssueOffer(_Model):
    """The offer on one issue: as proposed and as applied (indivisible issues move to their
    nearest allowed value), beside the status quo, the line's ends and the optimal offer."""

    issue: str
    proposed: float
    applied: float
    source: str
    divisible: bool
    status_quo: float | None
    defenders_ideal: float
    challenger_demand: float
    optimal: float


class LeverReport(_Model):
    """One lever as applied: its setting, where it came from, and its expected cost to the
    defending side (units of its stakes)."""

    id: str
    kind: str
    name: str
    setting: float
    low: float
    high: float
    steps: list[float] | None
    source: str
    paid_by: list[str]
    incurred: str
    expected_cost: float


class RangeReport(_Model):
    """The bargaining range on the divisible offer line, as shares ``t`` of the way from the
    defending side's ideal (0) to the challenger's demand (1), like Fearon's interval, and as
    offers in the issues' units. ``central``: at the analyst's point values. Across draws:
    the share of draws with a range and the medians of its ends among them."""

    exists: bool
    lower_t: float | None
    upper_t: float | None
    lower_offer: dict[str, float] | None
    upper_offer: dict[str, float] | None
    share_of_draws: float
    median_lower_t: float | None
    median_upper_t: float | None
    feasible_t: tuple[float, float] | None


class PartyPreference(_Model):
    """How often and by how much a party prefers war to the offer (margin ``W - V`` in units
    of its stakes). ``decides``: whether this party's preference enters P(war) (the challenger
    and the defending side do; individual defenders are shown for who would be overruled)."""

    party: str
    name: str
    role: Literal["challenger", "defender", "defending side"]
    share_prefers_war: float
    mean_margin: float
    mean_margin_when_war: float | None
    decides: bool


class MechanismShare(_Model):
    """A mechanism's share of the war draws and its contribution to P(war)."""

    mechanism: str
    share_of_war: float
    p: float
    description: str


class OfferAssessment(_Model):
    """P(war) at one offer: the estimate, its 90% Monte Carlo interval (Wilson), the 5-95%
    spread across structural uncertainty, per-party preferences and the mechanisms."""

    p_war: float
    p_war_interval: tuple[float, float]
    p_war_structural: tuple[float, float] | None
    p_war_if_divisible: float
    expected_value_defenders: float
    parties: list[PartyPreference]
    mechanisms: list[MechanismShare]
    p_capitulation: float | None = _capitulation()


class ReferenceOffer(_Model):
    """P(war) at a reference point, to read the answer against (``kind``): the status quo;
    each offer the scenario lists (``offer made``); each party's own terms and the defending
    side's (``t = 0``); the offer analysed when it is none of these; the most the defenders say
    they would concede and the least concession that reaches the lowest P(war) on the line
    (``landmark``); the defenders' optimal offer; and each negotiation model's forecast read as
    a settlement (``counterfactual``: if talks settled where that model says, not an offer
    anyone made)."""

    label: str
    kind: ReferenceKind = "landmark"
    t: float | None
    offer: dict[str, float]
    p_war: float
    p_commitment: float
    share_challenger_prefers_war: float
    share_defending_side_prefers_war: float
    expected_value_defenders: float
    p_capitulation: float | None = _capitulation()


class OptimalOffer(_Model):
    """The defending side's best offer under its uncertainty (Fearon's risk-return
    trade-off): where on the feasible line, the offer, and its assessment; and the optimum
    if the indivisible issues were divisible."""

    t: float
    offer: dict[str, float]
    assessment: OfferAssessment
    t_if_divisible: float
    p_war_if_divisible: float


class OfferOnTable(_Model):
    """The offer actually put on the table that the analysis leads with."""

    id: str
    name: str | None
    who: list[str]
    date: str


class CrisisResult(_Model):
    """The integrated crisis analysis of one scenario: the `detente crisis` contract.

    ``p_war`` is P(war) at the offer analysed: by default the offer on the table
    (``offer_on_table``, the scenario's latest dated offer), else the ``model``'s forecast.
    ``p_war_definition`` says what P(war) is. ``references`` holds P(war) at every reference
    point, the negotiation models' forecasts among them as counterfactuals.
    ``p_capitulation`` (only when the scenario gives ``war.defenders_resolve``) is the chance
    that the challenger uses force and the defenders concede without a fight.
    """

    scenario: str
    title: str
    seed: int
    draws: int
    model: str
    versions: dict[str, str]
    challenger: str
    defenders: list[str]
    defender_weights: str
    offer: list[IssueOffer]
    offer_on_table: OfferOnTable | None = None
    levers: list[LeverReport]
    range: RangeReport
    p_war: float = Field(description=P_WAR_DEFINITION)
    p_war_definition: str = P_WAR_DEFINITION
    p_war_interval: tuple[float, float]
    p_war_structural: tuple[float, float] | None
    parties: list[PartyPreference]
    mechanisms: list[MechanismShare]
    assessment: OfferAssessment
    optimal: OptimalOffer
    references: list[ReferenceOffer]
    p_commitment: float
    lever_cost: float  # the bundle's cost to the defending side, as :func:`lever_cost`
    concession_cost: float  # of which the value the offer concedes versus the status quo
    headline: str
    notes: list[str] = []
    p_capitulation: float | None = _capitulation()

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> CrisisResult:
        return cls.model_validate_json(text)

    def to_frame(self) -> Any:
        """A long table: one row per reported number (``section``, ``item``, ``metric``,
        ``value``)."""
        import pandas as pd

        rows: list[tuple[str, str, str, float | None]] = [
            ("p_war", "offer", "p_war", self.p_war),
            ("p_war", "offer", "low_90", self.p_war_interval[0]),
            ("p_war", "offer", "high_90", self.p_war_interval[1]),
            ("p_war", "optimal", "p_war", self.optimal.assessment.p_war),
            ("p_war", "commitment", "p", self.p_commitment),
            *([] if self.p_capitulation is None else
              [("p_capitulation", "offer", "p", self.p_capitulation)]),
            ("cost", "levers", "lever_cost", self.lever_cost),
            ("cost", "offer", "concession_cost", self.concession_cost),
        ]
        for o in self.offer:
            rows += [("offer", o.issue, "proposed", o.proposed),
                     ("offer", o.issue, "applied", o.applied),
                     ("offer", o.issue, "optimal", o.optimal)]
        for p in self.parties:
            rows += [("party", p.party, "share_prefers_war", p.share_prefers_war),
                     ("party", p.party, "mean_margin", p.mean_margin)]
        for mech in self.mechanisms:
            rows.append(("mechanism", mech.mechanism, "share_of_war", mech.share_of_war))
        for lv in self.levers:
            rows += [("lever", lv.id, "setting", lv.setting),
                     ("lever", lv.id, "expected_cost", lv.expected_cost)]
        rows += [("range", "central", "lower_t", self.range.lower_t),
                 ("range", "central", "upper_t", self.range.upper_t),
                 ("range", "draws", "share", self.range.share_of_draws)]
        return pd.DataFrame(rows, columns=["section", "item", "metric", "value"])
