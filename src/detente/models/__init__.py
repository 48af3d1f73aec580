"""Negotiation models: where talks settle. See :mod:`detente.models.registry`."""

from detente.models.base import ForecastResult, ModelInfo, ScenarioArrays, run_model
from detente.models.registry import MODELS, get, names

__all__ = ["MODELS", "ForecastResult", "ModelInfo", "ScenarioArrays", "get", "names",
           "run_model"]
