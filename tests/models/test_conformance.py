"""The one test every registered negotiation model passes (the scikit-learn / Axelrod habit):
same seed -> same result, input not mutated, actor order irrelevant, JSON round-trip, and
degenerate sizes give a result or a clear ModelInputError."""

from __future__ import annotations

import copy
import pkgutil
from importlib import import_module

import numpy as np
import pytest

import detente.models
from detente.models import MODELS, ForecastResult, ModelInfo, run_model
from detente.models.base import ModelInputError
from detente.scenario import Quantity, Scenario, load

ALL = list(MODELS.values())


def _ids(info: ModelInfo) -> str:
    return info.name


@pytest.fixture(scope="module")
def scenario(reference_dir) -> Scenario:  # type: ignore[no-untyped-def]
    # KTAB's 3-dimensional test case: 7 actors, 3 issues (KTAB examples/smp/doc), given a
    # status quo so that models needing one (nbs) run too
    s = load(reference_dir / "ktab" / "dummyData_3Dim.csv")
    issues = [i.model_copy(update={"status_quo": Quantity(value=40.0)}) for i in s.issues]
    return s.model_copy(update={"issues": issues})


def _run(info: ModelInfo, s: Scenario, seed: int = 7) -> ForecastResult:
    return run_model(info, s, rng=np.random.default_rng(seed), seed=seed)


def test_every_model_module_is_registered() -> None:
    modules = {m.name for m in pkgutil.iter_modules(detente.models.__path__)
               if not m.name.startswith("_") and m.name not in ("base", "registry")}
    declared = {name for name in modules if hasattr(import_module(f"detente.models.{name}"),
                                                    "INFO")}
    registered = {info.name.replace("-", "_") for info in ALL}
    assert declared <= registered, f"models not in the registry: {declared - registered}"


@pytest.mark.parametrize("info", ALL, ids=_ids)
def test_metadata_is_declared(info: ModelInfo) -> None:
    assert info.name and info.title and info.reference
    assert set(info.needs) <= {"capability", "position", "salience", "status_quo"}
    info.config()  # defaults must be valid


@pytest.mark.parametrize("info", ALL, ids=_ids)
def test_same_seed_same_result(info: ModelInfo, scenario: Scenario) -> None:
    assert _run(info, scenario) == _run(info, scenario)


@pytest.mark.parametrize("info", ALL, ids=_ids)
def test_scenario_not_mutated(info: ModelInfo, scenario: Scenario) -> None:
    before = copy.deepcopy(scenario.model_dump())
    _run(info, scenario)
    assert scenario.model_dump() == before


@pytest.mark.parametrize("info", ALL, ids=_ids)
def test_actor_order_does_not_matter(info: ModelInfo, scenario: Scenario) -> None:
    reversed_ = scenario.model_copy(update={"actors": scenario.actors[::-1]})
    a, b = _run(info, scenario), _run(info, reversed_)
    for ia, ib in zip(a.issues, b.issues, strict=True):
        assert ia.forecast == pytest.approx(ib.forecast, abs=1e-9)


@pytest.mark.parametrize("info", ALL, ids=_ids)
def test_json_round_trip(info: ModelInfo, scenario: Scenario) -> None:
    result = _run(info, scenario)
    assert ForecastResult.from_json(result.to_json()) == result


def _synthetic(n: int, seed: int = 1) -> Scenario:
    rng = np.random.default_rng(seed)
    return Scenario.model_validate({
        "id": f"synthetic-{n}", "title": "synthetic",
        "issues": [{"id": "x", "name": "x", "status_quo": 50}],
        "actors": [{"id": f"a{i}", "name": f"a{i}", "capability": float(rng.uniform(1, 100)),
                    "positions": {"x": float(rng.uniform(0, 100))},
                    "salience": {"x": float(rng.uniform(10, 100))}} for i in range(n)],
    })


@pytest.mark.parametrize("n", [1, 250])
@pytest.mark.parametrize("info", ALL, ids=_ids)
def test_degenerate_sizes(info: ModelInfo, n: int) -> None:
    s = _synthetic(n)
    try:
        result = _run(info, s)
    except ModelInputError as exc:
        assert info.name in str(exc)
        return
    (issue,) = result.issues
    assert 0 <= issue.forecast <= 100
    assert len(issue.history[0]) == n
