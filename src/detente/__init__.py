"""detente: inspectable, rerunnable models of international crises.

The Python API mirrors the ``detente`` command line::

    import detente
    scenario = detente.load("ukraine-2022")        # a built-in name or a file path
    report = detente.forecast(scenario, models="all", seed=0)
    report.to_frame()
"""

__version__ = "0.1.0"

from detente.api import ForecastReport, convert, crisis_analysis, forecast, load

__all__ = ["ForecastReport", "__version__", "convert", "crisis_analysis", "forecast", "load"]
