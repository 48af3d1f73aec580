"""SMP on detente scenarios: saliences scored per issue (0-100 each) become KTAB's shares of
attention only when they sum past 100 %; KTAB's own files are untouched."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.models import smp
from detente.models.base import ModelInputError, run_model
from detente.scenario import load


def test_ktab_files_are_untouched(reference_dir: Path) -> None:
    s = load(reference_dir / "ktab" / "dummyData_3Dim.csv")
    a = run_model(smp.INFO, s, config=smp.Config(), rng=np.random.default_rng(0))
    b = run_model(smp.INFO, s, config=smp.Config(share_saliences=False),
                  rng=np.random.default_rng(0))
    assert a.issues == b.issues


def test_per_issue_saliences_become_shares() -> None:
    s = load("ukraine-2022")
    result = run_model(smp.INFO, s, rng=np.random.default_rng(0))
    assert all(0 <= i.forecast <= 100 for i in result.issues)
    with pytest.raises(ModelInputError, match="sum per actor"):
        run_model(smp.INFO, s, config=smp.Config(share_saliences=False),
                  rng=np.random.default_rng(0))
