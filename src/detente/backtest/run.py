"""Run the ICB backtest: forecasts from every forecaster, scored per era (docs/backtest.md).

The protocol: the mapping, the structural constants, the calibration maps, the logistic
regression and the base rate are all fitted on crises triggered before 1980; crises from
1980 to 2017 are scored separately as the out-of-sample result.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from detente.backtest.baseline import base_rate, logistic_forecasts
from detente.backtest.fitted import DEFAULT_SEED, OUTCOMES, fit, load_fitted, training_noise
from detente.backtest.icb import ICB_CITATION, ICB_VERSION, SHA256, load_icb
from detente.backtest.mapping import crisis_cases
from detente.backtest.result import FORECASTERS, IcbBacktest
from detente.backtest.scoring import reliability_table, score
from detente.backtest.structural import DEFAULT_DRAWS, forecast


def run_icb_backtest(*, seed: int = DEFAULT_SEED, draws: int = DEFAULT_DRAWS,
                     refit: bool = False, plot: Path | None = None,
                     bins: int = 10) -> IcbBacktest:
    """Score the crisis model, its calibrated version, the logistic regression and the base
    rate on ICB v14, per era.

    By default the constants and calibration maps are the shipped fit
    (``detente/backtest/data/fitted.json``, fitted with seed 0 and 100 draws, so the default
    run reproduces it exactly); ``refit=True`` fits them again from ``seed`` and ``draws``
    (about half a minute on one core). ``seed`` also fixes the logistic regression's folds.
    ``plot`` writes the reliability diagram (png or svg).
    """
    from detente.provenance import versions

    if draws < 1:
        raise ValueError(f"draws must be a positive integer; got {draws}")
    fitted = fit(seed, draws) if refit else load_fitted()
    cases = crisis_cases(load_icb())
    noise, _ = training_noise(cases, seed, draws)
    structural = forecast(cases, fitted.constants, noise)
    forecasts = cases[["crisname", "year", "era", "sevviosy"]].copy()
    rates = {o: base_rate(cases, o) for o in OUTCOMES}
    rows, reliability = [], {}
    for outcome in OUTCOMES:
        columns = {
            "structural": structural[outcome].to_numpy(),
            "calibrated": fitted.calibration[outcome](structural[outcome].to_numpy()),
            "logistic": logistic_forecasts(cases, outcome, seed),
            "base rate": np.full(len(cases), rates[outcome]),
        }
        for name in FORECASTERS[:4]:
            forecasts[f"{name.replace(' ', '_')}_{outcome}"] = columns[name]
        for era in ("train", "test"):
            mask = (cases["era"] == era).to_numpy()
            y = cases.loc[mask, outcome].to_numpy(float)
            # Hindsight: the era's own frequency, known only after the era. Not a forecast;
            # the bar a forecast must clear once the base rate itself has moved.
            columns["hindsight"] = np.full(len(cases), np.nan)
            columns["hindsight"][mask] = y.mean()
            for name in FORECASTERS:
                p = columns[name][mask]
                rows.append({"era": era, "outcome": outcome, "forecaster": name,
                             "in_sample": name == "hindsight"
                             or (era == "train" and name != "logistic"),
                             **score(p, y, rates[outcome]).to_dict()})
                if name not in ("base rate", "hindsight"):
                    reliability[(era, outcome, name)] = reliability_table(p, y, bins)
    provenance = {"data": f"ICB v{ICB_VERSION}", "citation": ICB_CITATION,
                  "sha256": dict(SHA256), "fit": fitted.provenance,
                  "versions": versions("scikit-learn", "matplotlib")}
    result = IcbBacktest(scores=pd.DataFrame(rows), reliability=reliability,
                         forecasts=forecasts, constants=fitted.constants.to_dict(),
                         base_rates=rates, seed=seed, draws=draws, refit=refit,
                         provenance=provenance, plot=str(plot) if plot else None)
    if plot is not None:
        result.write_plot(plot)
    return result


__all__ = ["run_icb_backtest"]
