"""Scenarios: the schema, loading and validation at the edge, importers and writers."""

from detente.scenario.errors import Problem, ScenarioError
from detente.scenario.loader import DEFAULT_SCENARIO, builtin_names, load, loads
from detente.scenario.schema import Actor, Issue, Scale, Scenario, Source
from detente.scenario.values import Evidence, Quantity

__all__ = ["DEFAULT_SCENARIO", "Actor", "Evidence", "Issue", "Problem", "Quantity", "Scale",
           "Scenario", "ScenarioError", "Source", "builtin_names", "load", "loads"]
