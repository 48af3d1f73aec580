"""The packaged ICB v14 files: counts against the ICB README (icb/README.md, "Counts in v14")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from detente.backtest.icb import SEVERITY, icb_dir, load_icb


def test_packaged_files_load_with_published_counts() -> None:
    data = load_icb()
    assert len(data.system) == 487
    # 1,077 coded crisis actors plus one uncoded placeholder row for crisis 474 (Houthi
    # Rebellion), which is also uncoded at the system level.
    assert len(data.actor) == 1078
    assert data.actor["yrtrig"].notna().sum() == 1077
    assert data.system.loc[data.system["crisno"] == 474, "sevviosy"].isna().all()
    counts = data.system["sevviosy"].value_counts().to_dict()
    # Counts stated in the ICB README shipped beside the files.
    assert {SEVERITY[int(k)]: v for k, v in counts.items()} == {
        "no violence": 192, "minor clashes": 77, "serious clashes": 124, "full-scale war": 93}
    assert (icb_dir() / "README.md").is_file()


def test_crises_the_scenarios_link_to_are_present() -> None:
    names = load_icb().system.set_index("crisno")["crisname"].str.strip()
    assert names[458] == "RUSSO-GEORGIAN WAR"
    assert names[471] == "CRIMEA-DONBASS"
    assert names[196] == "CUBAN MISSILES"


def test_altered_file_is_refused(tmp_path: Path) -> None:
    for f in icb_dir().glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    with (tmp_path / "icb2v14.csv").open("a") as fh:
        fh.write("\n")
    with pytest.raises(ValueError, match=r"icb2v14\.csv.*altered"):
        load_icb(tmp_path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"icb1v14\.csv: ICB file not found"):
        load_icb(tmp_path)
