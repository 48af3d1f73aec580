"""The two yardsticks the structural model is scored against: the base rate, and a
cross-validated logistic regression on exactly the ICB variables the structural mapping reads
(:data:`detente.backtest.mapping.FEATURES`).

The regression (scikit-learn: standardised features, L2-penalised ``LogisticRegressionCV``,
the penalty chosen among six values by 5-fold stratified cross-validation on log loss) is
fitted on training-era crises only. Its training-era forecasts are out-of-fold: each crisis
is forecast by a model (penalty search included) that never saw it, so the training-era row
of the table is an honest cross-validated score, unlike the structural model's in-sample
one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from detente.backtest.mapping import FEATURES

FloatArray = npt.NDArray[np.float64]
PENALTIES = np.logspace(-3, 2, 6)
FOLDS = 5


def _model(seed: int) -> Any:
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    search = LogisticRegressionCV(Cs=PENALTIES, cv=folds, scoring="neg_log_loss",
                                  l1_ratios=(0.0,), use_legacy_attributes=False,
                                  solver="newton-cholesky", max_iter=1000)
    return make_pipeline(StandardScaler(), search)


def logistic_forecasts(cases: pd.DataFrame, outcome: str, seed: int) -> FloatArray:
    """P(``outcome``) for every crisis in ``cases``: out-of-fold for the training era, from
    the model fitted on the whole training era for the test era. ``seed`` fixes the folds."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    train = (cases["era"] == "train").to_numpy()
    x = cases[list(FEATURES)].to_numpy(float)
    y = cases[outcome].to_numpy(int)
    out = np.empty(len(cases))
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    out[train] = cross_val_predict(_model(seed), x[train], y[train], cv=folds,
                                   method="predict_proba")[:, 1]
    fitted = _model(seed).fit(x[train], y[train])
    out[~train] = fitted.predict_proba(x[~train])[:, 1]
    return out


def base_rate(cases: pd.DataFrame, outcome: str) -> float:
    """The training-era frequency of ``outcome``: the forecast one could have made in 1979
    without looking at any crisis's variables."""
    return float(cases.loc[cases["era"] == "train", outcome].mean())
