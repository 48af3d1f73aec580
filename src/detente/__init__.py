"""detente: inspectable, rerunnable models of international crises.

The Python API mirrors the ``detente`` command line::

    import detente
    scenario = detente.load("ukraine-2022")        # a built-in name or a file path
    report = detente.forecast(scenario, models="all", seed=0)
    report.to_frame()

The API is imported on first use (PEP 562 ``__getattr__``), so ``import detente.cli`` and
``detente --help`` do not pay for numpy, scipy and pandas (issue #11).
"""

from __future__ import annotations

import sys
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import TYPE_CHECKING, Any

from detente.provenance import __version__

if TYPE_CHECKING:
    from detente.api import (
        ForecastReport,
        convert,
        crisis_analysis,
        deals,
        forecast,
        game,
        load,
        simulate,
        whatif,
    )

__all__ = ["ForecastReport", "__version__", "convert", "crisis_analysis", "deals", "forecast",
           "game", "load", "simulate", "whatif"]

_API = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    """An API name imports :mod:`detente.api` on first use; any other name a submodule
    (``detente.report``), as the eager package used to offer."""
    if name in _API:
        value = getattr(import_module("detente.api"), name)
        globals()[name] = value  # bound once; later lookups do not come here
        return value
    if not name.startswith("_") and find_spec(f"{__name__}.{name}") is not None:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})


class _Package(ModuleType):
    """``detente.whatif``, ``detente.simulate`` and ``detente.deals`` are API functions that
    share their names with subpackages. Importing such a subpackage (``from
    detente.whatif.result import ...``) makes the import system bind it on this module; that
    binding is refused, so the name stays the function whichever is imported first."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _API and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
