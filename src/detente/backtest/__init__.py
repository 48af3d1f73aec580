"""Backtests: score detente's crisis model against history (``docs/backtest.md``).

* :mod:`~detente.backtest.icb` - the International Crisis Behavior data (v14), shipped with
  the package and checked against the published sha256 sums.
* :mod:`~detente.backtest.mapping` - one case per ICB crisis: the dyad and the onset
  variables the models read.
* :mod:`~detente.backtest.structural` - the crisis core's P(war) for each case, and the fit of
  the mapping's constants on the pre-1980 era.
* :mod:`~detente.backtest.baseline` - the base rate and the cross-validated logistic
  regression it is compared with.
* :mod:`~detente.backtest.scoring` - Brier, Brier skill, log loss, ROC AUC, reliability.
* :mod:`~detente.backtest.fitted` - the shipped fit and calibration maps, and
  :func:`calibrate`.
* :mod:`~detente.backtest.run` and :mod:`~detente.backtest.scenarios` - the two backtests
  behind ``detente backtest icb`` and ``detente backtest scenarios``.
"""

from detente.backtest.fitted import calibrate
from detente.backtest.icb import ICB_CITATION, IcbData, icb_dir, load_icb
from detente.backtest.run import run_icb_backtest
from detente.backtest.scenarios import run_scenario_backtest

__all__ = ["ICB_CITATION", "IcbData", "calibrate", "icb_dir", "load_icb", "run_icb_backtest",
           "run_scenario_backtest"]
