"""The public name resolution of the model registry (detente.models.registry.resolve), which
``detente forecast --model`` and ``detente.forecast(models=...)`` share."""

from __future__ import annotations

import pytest

from detente.models import registry


def test_all_stands_for_every_model_in_registry_order() -> None:
    assert registry.resolve("all") == registry.names()
    assert registry.resolve(["all"]) == registry.names()


def test_order_as_asked_and_each_name_once() -> None:
    everything = registry.names()
    assert registry.resolve(["median", "compromise", "median"]) == ["median", "compromise"]
    resolved = registry.resolve(["eum", "all"])
    assert resolved[0] == "eum" and sorted(resolved) == sorted(everything)


def test_unknown_name_lists_the_choices() -> None:
    with pytest.raises(KeyError, match="unknown model 'nash'; choose from compromise"):
        registry.resolve(["compromise", "nash"])
