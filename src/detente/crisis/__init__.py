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

Every function validates its inputs (``ValueError`` naming the parameter and its allowed range)
and returns a frozen dataclass with ``to_dict()``. The models and their limits are set out in
``docs/crisis-model.md``.
"""

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
from detente.crisis.deterrence import DeterrenceResult, deterrence
from detente.crisis.sanctions import (
    GAME_OUTCOMES,
    NO_THREAT,
    TIES_OUTCOMES,
    SanctionsEquilibrium,
    SanctionsOutcome,
    sanctions_complete_information,
    sanctions_incomplete_information,
)

__all__ = [
    "GAME_OUTCOMES",
    "NO_THREAT",
    "TIES_OUTCOMES",
    "BargainingRange",
    "CommitmentOutcome",
    "ContinuousDistribution",
    "DeterrenceResult",
    "PowellCondition",
    "RiskReturn",
    "SanctionsEquilibrium",
    "SanctionsOutcome",
    "TwoPeriodCommitment",
    "bargaining_range",
    "commitment_war",
    "commitment_war_two_period",
    "deterrence",
    "powell_condition",
    "power_path",
    "risk_return",
    "risk_return_uniform",
    "sanctions_complete_information",
    "sanctions_incomplete_information",
]
