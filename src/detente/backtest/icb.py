"""The International Crisis Behavior (ICB) data, version 14, as shipped with detente.

Brecher, Wilkenfeld, Beardsley, James and Quinn, *International Crisis Behavior Data
Codebook, Version 14*. The two files live in ``detente/backtest/data/icb`` with their README
(provenance, citation, terms). :func:`load_icb` checks their sha256 sums, so a scored result
always refers to the published files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pandas as pd

ICB_VERSION = "14"
ICB_CITATION = (
    "Brecher, Michael, Jonathan Wilkenfeld, Kyle Beardsley, Patrick James and David Quinn. "
    "International Crisis Behavior Data Codebook, Version 14."
)
SYSTEM_FILE = "icb1v14.csv"
ACTOR_FILE = "icb2v14.csv"
SHA256 = {
    SYSTEM_FILE: "f0115d16b6ca8266a471cf53c8db54de32a64ba8e5855d727a51ee699014db1f",
    ACTOR_FILE: "ccffd1fa3bbe8be1394e7e5199c78b161fdc498f0ea7d4faebe0634b621be5ba",
}
SEVERITY = {1: "no violence", 2: "minor clashes", 3: "serious clashes", 4: "full-scale war"}


def icb_dir() -> Path:
    """The folder of the packaged ICB files (and their README)."""
    return Path(str(files("detente.backtest") / "data" / "icb"))


@dataclass(frozen=True)
class IcbData:
    """Both ICB levels: ``system`` (one row per crisis) and ``actor`` (one row per crisis
    actor), with the codebook's lower-case variable names and missing values as NaN."""

    system: pd.DataFrame
    actor: pd.DataFrame
    folder: Path

    @property
    def checksums(self) -> dict[str, str]:
        return dict(SHA256)


def load_icb(folder: Path | None = None) -> IcbData:
    """Read ``icb1v14.csv`` and ``icb2v14.csv`` from ``folder`` (default: the packaged copy).

    Raises ``ValueError`` naming the file when a file is missing or its sha256 differs from
    the published one: a backtest on edited data would not be a backtest of ICB v14.
    """
    folder = icb_dir() if folder is None else Path(folder)
    frames = {}
    for name, digest in SHA256.items():
        path = folder / name
        if not path.is_file():
            raise ValueError(f"{path}: ICB file not found (expected ICB v14 {name})")
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != digest:
            raise ValueError(f"{path}: sha256 {actual} is not the published ICB v14 "
                             f"{name} ({digest}); the file has been altered")
        # The system file starts with a UTF-8 byte-order mark.
        frames[name] = pd.read_csv(path, encoding="utf-8-sig", low_memory=False)
    return IcbData(system=frames[SYSTEM_FILE], actor=frames[ACTOR_FILE], folder=folder)
