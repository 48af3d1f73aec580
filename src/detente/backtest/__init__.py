"""Backtests: score detente's crisis model against history.

* :mod:`~detente.backtest.icb` - the International Crisis Behavior data (v14), shipped with
  the package.

The protocol, the mapping from ICB variables to the crisis model's inputs and the measured
scores are in ``docs/backtest.md``.
"""

from detente.backtest.icb import ICB_CITATION, IcbData, icb_dir, load_icb

__all__ = ["ICB_CITATION", "IcbData", "icb_dir", "load_icb"]
