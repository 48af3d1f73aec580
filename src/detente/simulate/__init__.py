"""Escalation over time: a turn-based crisis simulation with signals, beliefs and learning.

Each week every side picks a move from a typed catalogue (:mod:`~detente.simulate.catalogue`:
CAMEO codes and Goldstein weights); moves change the state (:mod:`~detente.simulate.state`),
the defending side learns about the challenger by Bayes' rule
(:mod:`~detente.simulate.beliefs`) from costly signals whose equilibrium is the two-type
sunk-cost and tied-hands game (:mod:`~detente.simulate.policy`), and war and settlement come
from the crisis core of ``detente crisis``. :mod:`~detente.simulate.engine` plays the weeks,
vectorised over runs; :mod:`~detente.simulate.result` holds the typed result. The game, the
catalogue and the derivations are in ``docs/escalation.md``.
"""

from detente.simulate.catalogue import Catalogue, load_catalogue
from detente.simulate.policy import StageEquilibrium, stage_game
from detente.simulate.result import SimulationResult
from detente.simulate.run import RunRecord, simulate, simulate_record

__all__ = ["Catalogue", "RunRecord", "SimulationResult", "StageEquilibrium", "load_catalogue",
           "simulate", "simulate_record", "stage_game"]
