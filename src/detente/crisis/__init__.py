"""Canonical rationalist crisis-bargaining models as pure, documented functions.

* :mod:`~detente.crisis.bargaining` - Fearon (1995): the bargaining range under complete
  information and the risk-return trade-off under private information.
* :mod:`~detente.crisis.commitment` - preventive war from shifting power (Fearon 1995;
  Powell 2006): multi-period backward induction, the two-period closed form and Powell's
  inefficiency condition.
* :mod:`~detente.crisis.deterrence` - deterrence with incomplete information about the
  defender's resolve (Morrow 1994, ch. 8; Zagare and Kilgour 2000).
* :mod:`~detente.crisis.sanctions` - the sanctions threat game with TIES outcome codes
  (Lacy and Niou 2004; Whang, McLean and Kuberski 2013).

The integrated analysis of a scenario's ``crisis:`` section (``detente crisis``) maps the
scenario onto these models over Monte Carlo draws; :mod:`~detente.crisis.analysis` is its entry
point and docstring, and its parts live beside it:

* :mod:`~detente.crisis.inputs` - the crisis as arrays per draw, and the line of offers;
* :mod:`~detente.crisis.levers` - what the levers do to the war lottery;
* :mod:`~detente.crisis.war_values` - the values of war and of an offer, and the decision;
* :mod:`~detente.crisis.costs` - what a bundle of levers and an offer cost the defenders;
* :mod:`~detente.crisis.offers` - the offer on the table, the bargaining range, the best offer;
* :mod:`~detente.crisis.mechanisms` - why war happens in a draw;
* :mod:`~detente.crisis.uncertainty` - Monte Carlo precision and structural spread;
* :mod:`~detente.crisis.assessment` and :mod:`~detente.crisis.result` - the typed answer.

Every function validates its inputs (``ValueError`` naming the parameter and its allowed range)
and returns a frozen dataclass with ``to_dict()``. The models and their limits are set out in
``docs/crisis-model.md``.
"""

from detente.crisis.analysis import CrisisOutputs, analyse
from detente.crisis.bargaining import (
    BargainingRange,
    ContinuousDistribution,
    RiskReturn,
    bargaining_range,
    risk_return,
    risk_return_uniform,
)
from detente.crisis.commitment import (
    CommitmentOutcome,
    PowellCondition,
    TwoPeriodCommitment,
    commitment_war,
    commitment_war_two_period,
    powell_condition,
    power_path,
)
from detente.crisis.costs import concession_cost, lever_cost
from detente.crisis.deterrence import DeterrenceResult, deterrence
from detente.crisis.inputs import CrisisInputError, CrisisInputs, crisis_inputs, point_inputs
from detente.crisis.mechanisms import MECHANISMS
from detente.crisis.offers import bargaining_ranges, optimal_offer, resolve_offer
from detente.crisis.result import CrisisResult
from detente.crisis.sanctions import (
    GAME_OUTCOMES,
    NO_THREAT,
    TIES_OUTCOMES,
    SanctionsEquilibrium,
    SanctionsOutcome,
    sanctions_complete_information,
    sanctions_credibility,
    sanctions_incomplete_information,
)
from detente.crisis.uncertainty import structural_spread, wilson
from detente.crisis.war_values import evaluate_bundles, p_war_batch, war_decisions

__all__ = [
    "GAME_OUTCOMES",
    "MECHANISMS",
    "NO_THREAT",
    "TIES_OUTCOMES",
    "BargainingRange",
    "CommitmentOutcome",
    "ContinuousDistribution",
    "CrisisInputError",
    "CrisisInputs",
    "CrisisOutputs",
    "CrisisResult",
    "DeterrenceResult",
    "PowellCondition",
    "RiskReturn",
    "SanctionsEquilibrium",
    "SanctionsOutcome",
    "TwoPeriodCommitment",
    "analyse",
    "bargaining_range",
    "bargaining_ranges",
    "commitment_war",
    "commitment_war_two_period",
    "concession_cost",
    "crisis_inputs",
    "deterrence",
    "evaluate_bundles",
    "lever_cost",
    "optimal_offer",
    "p_war_batch",
    "point_inputs",
    "powell_condition",
    "power_path",
    "resolve_offer",
    "risk_return",
    "risk_return_uniform",
    "sanctions_complete_information",
    "sanctions_credibility",
    "sanctions_incomplete_information",
    "structural_spread",
    "war_decisions",
    "wilson",
]
