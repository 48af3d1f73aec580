"""Every negotiation model detente ships, by name.

Adding a model: write ``detente/models/<name>.py`` with an ``INFO`` (see
:mod:`detente.models.base`) and add it to ``_MODULES`` below. The conformance test in
``tests/models/test_conformance.py`` fails for a model module that is not listed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import import_module
from typing import Any

from pydantic import ValidationError

from detente.models.base import ModelInfo, ModelInputError

# order = the order of columns in `detente forecast --model all`
_MODULES = ("compromise", "median", "mean", "nbs", "eum", "smp", "exchange")


def _load() -> dict[str, ModelInfo]:
    infos = [import_module(f"detente.models.{m}").INFO for m in _MODULES]
    return {info.name: info for info in infos}


MODELS: dict[str, ModelInfo] = _load()


def get(name: str) -> ModelInfo:
    """The model called ``name``; a clear error listing the choices otherwise."""
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; choose from {', '.join(MODELS)}") from None


def names() -> list[str]:
    """Every registered model's name, in registry order."""
    return list(MODELS)


def resolve(models: str | Sequence[str]) -> list[str]:
    """The model names a request stands for, in the order asked, each once: ``"all"`` stands
    for every registered model (in registry order), any other entry for itself.
    ``resolve(["median", "all"])`` is ``["median", "compromise", "mean", ...]``. An unknown
    name raises :class:`KeyError` listing the choices (:func:`get`)."""
    asked = [models] if isinstance(models, str) else list(models)
    out: list[str] = []
    for entry in asked:
        for name in names() if entry == "all" else [entry]:
            get(name)
            if name not in out:
                out.append(name)
    return out


def make_config(model: str, settings: Mapping[str, Any] | None = None) -> Any:
    """A model's config from plain settings (for example from ``--set key=value``)."""
    info = get(model)
    try:
        return info.config(**dict(settings or {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in exc.errors())
        allowed = ", ".join(info.config.model_fields) or "none"
        raise ModelInputError(f"bad settings for model {model!r}: {problems} "
                              f"(settings: {allowed})") from None
