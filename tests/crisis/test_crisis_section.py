"""The ``crisis:`` section of a scenario: optional (old files load), validated at the edge with
every problem located (file:line: field path: found vs allowed), and filled for ukraine-2022
from the CFR In Brief of January 2022 with verbatim quotes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.scenario import Scenario, ScenarioError, load, loads
from detente.scenario.crisis import LEVER_EFFECTS, LEVER_KINDS
from detente.scenario.writer import to_json, to_yaml

DATA = Path(__file__).parents[1] / "data"

# A small crisis: two issues (one indivisible), a challenger, two defenders, a third party.
CRISIS = """\
detente: 1
id: toy
title: Toy crisis
sources:
  - {id: memo, citation: A memo}
issues:
  - id: border
    name: Border
    divisible: false
  - id: trade
    name: Trade
actors:
  - id: north
    name: North
    capability: 60
    positions: {border: 100, trade: 80}
    salience: {border: 80, trade: 40}
  - id: south
    name: South
    capability: 40
    positions: {border: 0, trade: 20}
    salience: {border: 70, trade: 50}
  - id: west
    name: West
    capability: 50
    positions: {border: 10, trade: 30}
    salience: {border: 40, trade: 60}
  - id: east
    name: East
    capability: 20
    positions: {border: 50, trade: 50}
    salience: {border: 10, trade: 10}
crisis:
  challenger: north
  defenders: [south, west]
  third_parties: [east]
  war:
    p_win: {triangular: [0.4, 0.6, 0.8], evidence: [{source: memo, quote: "x"}]}
    costs:
      north: 0.1
      south: 0.2
      west: 0.05
    outcomes:
      challenger_wins: {border: 100, trade: 70}
      defenders_win: {border: 0, trade: 30}
  power_shift:
    p_win_future: 0.4
    periods: 2
    discount: 0.9
  steps:
    border: [0, 50, 100]
  levers:
    - id: sanctions
      kind: sanctions
      name: Sanctions
      steps: [0, 0.5, 1]
      default: 0.5
      cost: 0.05
      paid_by: [west, east]
      incurred: if_war
      effect:
        cost_to_challenger: 0.2
        unity: 0.7
    - id: give_trade
      kind: concession
      name: Trade offer
      issue: trade
      range: [20, 60]
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads(text, "toy.yaml")
    return [str(p) for p in info.value.problems]


def line_of(text: str, fragment: str) -> int:
    lines = text.splitlines()
    hits = [n for n, line in enumerate(lines, 1) if fragment in line]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


def test_the_toy_crisis_loads() -> None:
    s = loads(CRISIS, "toy.yaml")
    assert s.crisis is not None
    assert s.crisis.challenger == "north"
    assert s.crisis.defenders == ["south", "west"]
    assert s.crisis.lever("sanctions").discrete
    assert s.crisis.lever("give_trade").issue == "trade"
    paths = [p for p, _ in s.quantities() if p[0] == "crisis"]
    assert ("crisis", "war", "p_win") in paths
    assert ("crisis", "war", "costs", "west") in paths
    assert ("crisis", "war", "outcomes", "defenders_win", "trade") in paths
    assert ("crisis", "power_shift", "discount") in paths
    assert ("crisis", "levers", 0, "effect", "unity") in paths
    assert ("crisis", "levers", 0, "cost") in paths


# -- backward compatibility --------------------------------------------------------------------


def test_a_scenario_without_a_crisis_section_still_loads() -> None:
    s = load(DATA / "minimal.yaml")
    assert s.crisis is None
    assert all(path[0] != "crisis" for path, _ in s.quantities())
    ec = load("ec-emissions-1994")
    assert ec.crisis is None


def test_the_crisis_section_survives_a_round_trip() -> None:
    for s in (loads(CRISIS, "toy.yaml"), load("ukraine-2022")):
        assert loads(to_yaml(s), "back.yaml") == s
        assert loads(to_json(s), "back.json") == s


# -- located errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("old, new, fragment, expected", [
    ("  challenger: north", "  challenger: nort", "  challenger: nort",
     "crisis.challenger: 'nort' is not an actor (the challenger must be one of the actors; "
     "actors: north, south, west, east)"),
    ("  defenders: [south, west]", "  defenders: [south, north]", "  defenders: [south, north]",
     "crisis.defenders[1]: 'north' is the challenger; it cannot also defend"),
    ("  third_parties: [east]", "  third_parties: [west]", "  third_parties: [west]",
     "crisis.third_parties[0]: 'west' is already the challenger or a defender"),
    ("      challenger_wins: {border: 100, trade: 70}",
     "      challenger_wins: {border: 100, trad: 70}", "challenger_wins: {border: 100, trad",
     "crisis.war.outcomes.challenger_wins.trad: 'trad' is not an issue (issues: border, trade)"),
    ("      defenders_win: {border: 0, trade: 30}", "      defenders_win: {border: 0, trade: 130}",
     "defenders_win: {border: 0, trade: 130}",
     "crisis.war.outcomes.defenders_win.trade: 130 is outside 0..100"),
    ("    p_win: {triangular: [0.4, 0.6, 0.8]", "    p_win: {triangular: [0.4, 0.6, 1.2]",
     "p_win: {triangular", "crisis.war.p_win: 1.2 is outside 0..1"),
    ("      west: 0.05", "      west: 0.05\n      east: 0.1", "      east: 0.1",
     "crisis.war.costs.east: 'east' is neither the challenger nor a defender (allowed: north, "
     "south, west); third parties do not fight, their costs belong to levers"),
    ("      south: 0.2", "      south: -0.2", "      south: -0.2",
     "crisis.war.costs.south: -0.2 is outside >= 0"),
    ("    discount: 0.9", "    discount: 1", "    discount: 1",
     "crisis.power_shift.discount: 1 is outside 0..1 (a discount factor must be at least 0 and "
     "below 1)"),
    ("    border: [0, 50, 100]", "    trade: [0, 50, 100]", "    trade: [0, 50, 100]",
     "crisis.steps.trade: issue 'trade' is divisible; steps apply only to issues marked "
     "divisible: false (mark it so, or drop its steps)"),
    ("    border: [0, 50, 100]", "    border: [0, 50, 50]", "    border: [0, 50, 50]",
     "crisis.steps.border: steps must be strictly increasing, found 0, 50, 50"),
    ("        unity: 0.7", "        unty: 0.7", "        unty: 0.7",
     "crisis.levers[0].effect.unty: unknown effect 'unty' for a sanctions lever; allowed: "
     "cost_to_challenger, unity, retained_if_split, unity_at_low, audience_cost"),
    ("      default: 0.5", "      default: 0.6", "      default: 0.6",
     "crisis.levers[0].default: 0.6 is not one of the lever's steps (0, 0.5, 1)"),
    ("      paid_by: [west, east]", "      paid_by: [west, eest]", "      paid_by: [west, eest]",
     "crisis.levers[0].paid_by[1]: 'eest' is not an actor (actors: north, south, west, east)"),
    ("      issue: trade", "      issue: trad", "      issue: trad",
     "crisis.levers[1].issue: 'trad' is not an issue (issues: border, trade)"),
    ("      range: [20, 60]", "      range: [20, 160]", "      range: [20, 160]",
     "crisis.levers[1].range: 20..160 is outside issue 'trade''s scale 0..100"),
    ("      range: [20, 60]", "      range: [60, 20]", "      range: [60, 20]",
     "crisis.levers[1].range: low 60 must be below high 20"),
])
def test_bad_crisis_values_are_located(old: str, new: str, fragment: str,
                                       expected: str) -> None:
    bad = CRISIS.replace(old, new, 1)
    assert bad != CRISIS
    line = line_of(bad, fragment)
    assert f"toy.yaml:{line}: {expected}" in problems_of(bad)


@pytest.mark.parametrize("old, new, expected", [
    ("      west: 0.05\n", "", "crisis.war.costs: no cost of war for 'west'; the challenger and "
                               "every defender need one"),
    ("        unity: 0.7\n", "", "crisis.levers[0].effect: a sanctions lever needs effect "
                                 "'unity' (probability that the coalition holds together and "
                                 "imposes the package as threatened)"),
    ("      issue: trade\n", "", "crisis.levers[1]: a concession lever needs the issue it "
                                 "concedes on (issue: one of border, trade)"),
    ("      challenger_wins: {border: 100, trade: 70}",
     "      challenger_wins: {border: 100}",
     "crisis.war.outcomes.challenger_wins: no outcome for issue 'trade'; war decides every "
     "issue, so give the position the victor would impose on each"),
])
def test_missing_crisis_values_are_located(old: str, new: str, expected: str) -> None:
    bad = CRISIS.replace(old, new, 1)
    assert bad != CRISIS
    found = problems_of(bad)
    assert any(p.startswith("toy.yaml:") and p.endswith(expected) for p in found), found


def test_unknown_keys_and_kinds_name_what_is_allowed() -> None:
    found = "\n".join(problems_of(CRISIS.replace("  challenger: north", "  chalenger: north")))
    assert "crisis.chalenger: unknown key 'chalenger'; allowed: description, challenger" in found
    assert "crisis: required field 'challenger' is missing" in found
    found = "\n".join(problems_of(CRISIS.replace("kind: sanctions", "kind: embargo")))
    assert "crisis.levers[0].kind: 'embargo':" in found
    assert "sanctions" in found and "insurgency_support" in found


def test_evidence_in_the_crisis_section_must_cite_a_listed_source() -> None:
    bad = CRISIS.replace('evidence: [{source: memo, quote: "x"}]',
                         'evidence: [{source: memoo, quote: "x"}]')
    line = line_of(bad, "source: memoo")
    assert (f"toy.yaml:{line}: crisis.war.p_win.evidence[0].source: 'memoo' is not a listed "
            "source (sources: memo)") in problems_of(bad)


def test_every_problem_in_the_section_is_reported_together() -> None:
    bad = (CRISIS.replace("  challenger: north", "  challenger: nort")
           .replace("        unity: 0.7", "        unity: 1.7")
           .replace("      range: [20, 60]", "      range: [20, 160]"))
    found = problems_of(bad)
    assert len(found) >= 3
    assert sorted(found, key=lambda p: int(p.split(":")[1])) == found


def test_every_lever_kind_declares_its_effects() -> None:
    assert set(LEVER_KINDS) == set(LEVER_EFFECTS)
    for kind, effects in LEVER_EFFECTS.items():
        for key, (_, (lo, hi), meaning) in effects.items():
            assert lo < hi and meaning, (kind, key)


# -- the built-in ukraine-2022 crisis (CFR In Brief, January 2022) -----------------------------


@pytest.fixture(scope="module")
def ukraine() -> Scenario:
    return load("ukraine-2022")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_ukraine_crisis_parties(ukraine: Scenario) -> None:
    crisis = ukraine.crisis
    assert crisis is not None
    assert crisis.challenger == "russia"
    assert set(crisis.defenders) == {"united_states", "ukraine"}
    assert {"germany", "poland", "baltic_states"} <= set(crisis.third_parties)
    assert crisis.power_shift is not None
    assert crisis.steps["nato_enlargement"][0] == 0 and crisis.steps["nato_enlargement"][-1] == 100
    kinds = {lever.kind for lever in crisis.levers}
    assert kinds == set(LEVER_KINDS), "every lever kind the article names is encoded"
    assert {lever.issue for lever in crisis.levers if lever.kind == "concession"} == set(
        ukraine.issue_ids)


def test_ukraine_crisis_numbers_are_supported_ranges(ukraine: Scenario) -> None:
    """Every crisis number is a distribution with a quote or a judgment (the scenario-wide
    rules of tests/scenario/test_builtin.py then hold for the section too)."""
    crisis_q = [(p, q) for p, q in ukraine.quantities() if p[0] == "crisis"]
    assert len(crisis_q) >= 25
    for path, q in crisis_q:
        assert q.is_uncertain and q.high > q.low, path
        assert q.is_supported, path


def test_ukraine_lever_quotes_are_verbatim(ukraine: Scenario, sources_dir: Path) -> None:
    """Lever-level evidence (for the range and default) quotes the CFR article exactly;
    curly quotes and dashes as printed."""
    assert ukraine.crisis is not None
    text = _norm((sources_dir / "cfr-in-brief-2022-01-us-russia-diplomacy.txt").read_text(
        encoding="utf-8"))
    quotes = [ev.quote for lever in ukraine.crisis.levers for ev in lever.evidence]
    assert quotes
    missing = [q for q in quotes if _norm(q) not in text]
    assert not missing, missing
    for lever in ukraine.crisis.levers:
        assert lever.evidence or lever.judgment, lever.id


def test_ukraine_war_costs_follow_the_article(ukraine: Scenario) -> None:
    """Ukraine, on whose territory war would be fought, pays most; Washington, which will not
    fight, least; the article's "prepared to suffer great pain" keeps Russia's low."""
    assert ukraine.crisis is not None
    costs = {k: q.point for k, q in ukraine.crisis.war.costs.items()}
    assert costs["ukraine"] > costs["russia"] > costs["united_states"]
    sanctions = ukraine.crisis.lever("sanctions")
    assert sanctions.incurred == "if_war"
    assert 0 < sanctions.effect["unity"].point < 1


# -- property: any well-formed crisis section on any valid scenario loads ------------------------


@st.composite
def crisis_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    from tests.strategies import quantities, scenario_data

    data = draw(scenario_data(max_actors=4, max_issues=3))
    actors = [a["id"] for a in data["actors"]]
    if len(actors) < 2:
        data["actors"].append({**data["actors"][0], "id": actors[0] + "x"})
        actors.append(actors[0] + "x")
    issues = data["issues"]

    def outcome() -> dict[str, Any]:
        return {i["id"]: draw(quantities(i["scale"]["low"], i["scale"]["high"])) for i in issues}

    data["crisis"] = {
        "challenger": actors[0], "defenders": actors[1:],
        "war": {"p_win": draw(quantities(0, 1)),
                "costs": {a: draw(quantities(0, 2)) for a in actors},
                "outcomes": {"challenger_wins": outcome(), "defenders_win": outcome()}},
        "power_shift": {"p_win_future": draw(quantities(0, 1)),
                        "periods": draw(st.integers(1, 5)),
                        "discount": draw(quantities(0, 0.99))},
        "levers": [{"id": "s", "kind": "sanctions", "name": "S",
                    "effect": {"cost_to_challenger": draw(quantities(0, 1)),
                               "unity": draw(quantities(0, 1))}}],
    }
    return data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crisis_scenarios())
def test_any_well_formed_crisis_section_loads(data: dict[str, Any]) -> None:
    s = loads(yaml.safe_dump(data, allow_unicode=True), "gen.yaml")
    assert s.crisis is not None
    assert loads(to_yaml(s), "back.yaml") == s
