"""What the backtest fits on the training era, stored with its provenance.

Two things are fitted, both on crises triggered before 1980 only:

* the structural mapping's constants (:func:`detente.backtest.structural.fit_constants`);
* a calibration map per outcome: isotonic regression (scikit-learn ``IsotonicRegression``;
  Zadrozny and Elkan 2002, "Transforming classifier scores into accurate multiclass
  probability estimates", KDD) of the outcome on the structural forecast, each pooled block
  smoothed by Laplace's rule of succession (:meth:`CalibrationMap.fit`). It is monotone, so
  it keeps the model's ranking of crises and only changes what the numbers mean.

They ship as ``detente/backtest/data/fitted.json`` so that ``detente backtest icb`` and
``detente crisis --calibrated`` need no refit. ``python -m detente.backtest.fitted`` refits
and rewrites that file; a test checks that a refit reproduces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from detente.backtest.icb import ICB_CITATION, ICB_VERSION, SHA256, load_icb
from detente.backtest.mapping import TEST_FROM_YEAR, crisis_cases
from detente.backtest.structural import DEFAULT_DRAWS, Constants, Noise, fit_constants, forecast

FloatArray = npt.NDArray[np.float64]
OUTCOMES = ("war", "serious")
OUTCOME_LABELS = {"war": "P(full-scale war)", "serious": "P(serious clashes or worse)"}
DEFAULT_SEED = 0


def fitted_path() -> Path:
    return Path(str(files("detente.backtest") / "data" / "fitted.json"))


@dataclass(frozen=True)
class CalibrationMap:
    """A monotone map from a forecast probability to a calibrated one: linear interpolation
    between the isotonic fit's knots, constant beyond the first and last."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __call__(self, p: npt.ArrayLike) -> FloatArray:
        pa = np.asarray(p, dtype=float)
        if np.any((pa < 0) | (pa > 1)) or np.any(np.isnan(pa)):
            raise ValueError("a calibration map takes probabilities in [0, 1]")
        out: FloatArray = np.interp(pa, self.x, self.y)
        return out

    @classmethod
    def fit(cls, p: npt.ArrayLike, outcome: npt.ArrayLike) -> CalibrationMap:
        """Isotonic regression (pool-adjacent-violators), then Laplace's rule of succession
        on each pooled block, then isotonic again so the result stays monotone.

        Plain isotonic regression sets a block to its observed frequency, so the lowest block
        (a handful of crises, none of which became a war) maps to exactly 0 and the highest to
        exactly 1. ``(events + 1) / (n + 2)`` per block keeps every calibrated probability
        inside (0, 1), as befits a few hundred crises.
        """
        from sklearn.isotonic import IsotonicRegression

        pa, ya = np.asarray(p, float), np.asarray(outcome, float)
        first = IsotonicRegression(out_of_bounds="clip").fit(pa, ya)
        block = first.predict(pa)
        smoothed = np.empty_like(ya)
        for value in np.unique(block):
            members = block == value
            smoothed[members] = (ya[members].sum() + 1.0) / (members.sum() + 2.0)
        second = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        second.fit(pa, smoothed)
        return cls(tuple(float(v) for v in second.X_thresholds_),
                   tuple(float(v) for v in second.y_thresholds_))


@dataclass(frozen=True)
class Fitted:
    """The training era's constants and calibration maps, with where they came from."""

    constants: Constants
    calibration: dict[str, CalibrationMap]
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"constants": self.constants.to_dict(),
                "calibration": {o: {"x": list(m.x), "y": list(m.y)}
                                for o, m in self.calibration.items()},
                "provenance": self.provenance}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Fitted:
        return cls(Constants(**d["constants"]),
                   {o: CalibrationMap(tuple(m["x"]), tuple(m["y"]))
                    for o, m in d["calibration"].items()},
                   dict(d["provenance"]))


def training_noise(cases: pd.DataFrame, seed: int, draws: int) -> tuple[Noise, Noise]:
    """Common random numbers for all crises, and the training era's rows of them. One
    generator from ``seed``; the draws of a crisis do not depend on which era is fitted."""
    noise = Noise.draw(len(cases), draws, np.random.default_rng(seed))
    rows = np.flatnonzero((cases["era"] == "train").to_numpy())
    return noise, Noise(noise.p[rows], noise.cost_a[rows], noise.cost_b[rows])


def fit(seed: int = DEFAULT_SEED, draws: int = DEFAULT_DRAWS) -> Fitted:
    """Fit the constants and the calibration maps on crises triggered before 1980."""
    from detente.provenance import versions

    cases = crisis_cases(load_icb())
    train = cases[cases["era"] == "train"]
    _, train_noise = training_noise(cases, seed, draws)
    constants = fit_constants(train, train_noise)
    f = forecast(train, constants, train_noise)
    maps = {o: CalibrationMap.fit(f[o], train[o]) for o in OUTCOMES}
    provenance = {
        "data": f"ICB v{ICB_VERSION}", "citation": ICB_CITATION, "sha256": dict(SHA256),
        "training_era": f"crises triggered before {TEST_FROM_YEAR}",
        "training_crises": len(train), "status_slope": cases.attrs["status_slope"],
        "seed": seed, "draws": draws, "versions": versions("scikit-learn"),
    }
    return Fitted(constants, maps, provenance)


def load_fitted(path: Path | None = None) -> Fitted:
    """The shipped fit (or the one at ``path``)."""
    path = fitted_path() if path is None else path
    return Fitted.from_dict(json.loads(path.read_text(encoding="utf-8")))


def calibrate(p: npt.ArrayLike, outcome: str = "war", fitted: Fitted | None = None) -> FloatArray:
    """Map a model probability through the training era's calibration map for ``outcome``
    (``"war"``: full-scale war; ``"serious"``: serious clashes or worse)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}; got {outcome!r}")
    return (fitted or load_fitted()).calibration[outcome](p)


def calibrated_report(p_war: float, interval: tuple[float, float] | None = None,
                      fitted: Fitted | None = None) -> dict[str, Any]:
    """A crisis analysis's P(war) (and its interval) through the full-scale-war map, with
    what the map is, for ``detente crisis --calibrated``."""
    fitted = fitted or load_fitted()
    out: dict[str, Any] = {
        "p_war": float(calibrate(p_war, "war", fitted)),
        "map": "isotonic, P(full-scale war) of the crisis model on ICB v14 crises triggered "
               "before 1980 (docs/backtest.md)",
        "provenance": fitted.provenance,
    }
    if interval is not None:
        out["p_war_interval"] = [float(v) for v in calibrate(list(interval), "war", fitted)]
    return out


def write(fitted: Fitted, path: Path | None = None) -> Path:
    path = fitted_path() if path is None else path
    path.write_text(json.dumps(fitted.to_dict(), indent=1) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    print(write(fit()))
