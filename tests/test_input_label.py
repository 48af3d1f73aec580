"""Uncertain inputs in words (detente.whatif.fragility.input_label): a lever's name keeps its
capitals inside a sentence, by the project's rule (detente.scenario.wording.in_sentence)."""

from __future__ import annotations

import pytest

from detente.scenario import Scenario, load
from detente.whatif.fragility import input_label


def _renamed(scenario: Scenario, lever_id: str, name: str) -> tuple[Scenario, int]:
    crisis = scenario.crisis
    assert crisis is not None
    index = next(i for i, lv in enumerate(crisis.levers) if lv.id == lever_id)
    levers = list(crisis.levers)
    levers[index] = levers[index].model_copy(update={"name": name})
    new_crisis = crisis.model_copy(update={"levers": levers})
    return scenario.model_copy(update={"crisis": new_crisis}), index


@pytest.mark.parametrize(("name", "expected"), [
    ("Germany's gas embargo", "the cost of Germany's gas embargo"),
    ("NATO forces on the eastern flank", "the cost of NATO forces on the eastern flank"),
    ("US troops in Poland", "the cost of US troops in Poland"),
    ("The full sanctions package", "the cost of the full sanctions package"),
])
def test_lever_cost_keeps_proper_nouns_and_acronyms(name: str, expected: str) -> None:
    scenario, index = _renamed(load("ukraine-2022"), "force_posture", name)
    assert input_label(scenario, ("crisis", "levers", index, "cost")) == expected
