"""Scores for probability forecasts of a binary outcome, as pure functions on arrays.

* Brier score: Brier (1950), "Verification of forecasts expressed in terms of probability",
  *Monthly Weather Review* 78(1): ``BS = mean((p - y)^2)``.
* Brier skill score against a reference forecast ``r`` (here the base rate): Murphy (1973),
  *J. Applied Meteorology* 12: ``BSS = 1 - BS(p) / BS(r)``; positive means better than the
  reference.
* Log loss (logarithmic score, Good 1952): ``-mean(y log p + (1 - y) log(1 - p))``, with
  ``p`` clipped to ``[EPS, 1 - EPS]`` so that one confident miss costs ``-log(EPS)`` (6.9),
  not infinity.
* ROC AUC: the probability that a random positive case gets a higher forecast than a random
  negative one (ties count one half), from scikit-learn's ``roc_auc_score``.
* Reliability table: forecasts binned on ``[0, 1]``; per bin, the count, mean forecast and
  observed frequency (Murphy and Winkler 1977, *Applied Statistics* 26(1)).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

EPS = 1e-3

FloatArray = npt.NDArray[np.float64]


def _check(p: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    pa, ya = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if pa.shape != ya.shape or pa.ndim != 1 or pa.size == 0:
        raise ValueError(f"forecasts and outcomes must be equal-length 1-D arrays; got "
                         f"shapes {pa.shape} and {ya.shape}")
    if np.any((pa < 0) | (pa > 1)) or np.any(np.isnan(pa)):
        raise ValueError("forecasts must be probabilities in [0, 1]")
    if not np.all((ya == 0) | (ya == 1)):
        raise ValueError("outcomes must be 0 or 1")
    return pa, ya


def brier(p: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Mean squared difference between forecast and outcome (Brier 1950)."""
    pa, ya = _check(p, y)
    return float(np.mean((pa - ya) ** 2))


def brier_skill(p: npt.ArrayLike, y: npt.ArrayLike, reference: float) -> float:
    """``1 - BS(p) / BS(reference)`` for a constant reference probability (Murphy 1973)."""
    pa, ya = _check(p, y)
    ref = brier(np.full_like(pa, reference), ya)
    return float(1.0 - brier(pa, ya) / ref) if ref > 0 else float("nan")


def log_loss(p: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Mean negative log-likelihood, forecasts clipped to ``[EPS, 1 - EPS]``."""
    pa, ya = _check(p, y)
    pc = np.clip(pa, EPS, 1.0 - EPS)
    return float(-np.mean(ya * np.log(pc) + (1.0 - ya) * np.log(1.0 - pc)))


def roc_auc(p: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Area under the ROC curve (scikit-learn); NaN when only one outcome occurs."""
    from sklearn.metrics import roc_auc_score

    pa, ya = _check(p, y)
    if ya.min() == ya.max():
        return float("nan")
    return float(roc_auc_score(ya, pa))


def reliability_table(p: npt.ArrayLike, y: npt.ArrayLike, bins: int = 10) -> pd.DataFrame:
    """Forecasts in ``bins`` equal-width bins of [0, 1] (the last bin includes 1).

    Columns: ``low``, ``high``, ``n``, ``mean_forecast``, ``observed`` (NaN in empty bins).
    """
    pa, ya = _check(p, y)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, pa, side="right") - 1, 0, bins - 1)
    n = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(which, weights=pa, minlength=bins) / n
        observed = np.bincount(which, weights=ya, minlength=bins) / n
    return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "n": n,
                         "mean_forecast": mean_p, "observed": observed})


@dataclass(frozen=True)
class Scores:
    """All scalar scores of one forecast set against one outcome."""

    n: int
    events: int
    brier: float
    brier_skill: float
    log_loss: float
    roc_auc: float
    mean_forecast: float

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def score(p: npt.ArrayLike, y: npt.ArrayLike, reference: float) -> Scores:
    """Every scalar score at once; ``reference`` is the base rate the skill is measured
    against."""
    pa, ya = _check(p, y)
    return Scores(n=int(pa.size), events=int(ya.sum()), brier=brier(pa, ya),
                  brier_skill=brier_skill(pa, ya, reference), log_loss=log_loss(pa, ya),
                  roc_auc=roc_auc(pa, ya), mean_forecast=float(pa.mean()))
