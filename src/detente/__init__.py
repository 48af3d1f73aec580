"""detente: inspectable, rerunnable models of international crises.

The Python API mirrors the ``detente`` command line::

    import detente
    scenario = detente.load("ukraine-2022")        # a built-in name or a file path
    report = detente.forecast(scenario, models="all", seed=0)
    report.to_frame()
"""

# The package detente.whatif is loaded before the function of the same name is bound, so that
# `detente.whatif` is always the function (loading a submodule later would rebind the name).
import detente.deals as _deals_module  # noqa: F401
import detente.simulate as _simulate_package  # noqa: F401
import detente.whatif as _whatif_package  # noqa: F401
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
from detente.provenance import __version__

__all__ = ["ForecastReport", "__version__", "convert", "crisis_analysis", "deals", "forecast",
           "game", "load", "simulate", "whatif"]
