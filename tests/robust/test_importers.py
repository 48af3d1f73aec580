"""Issue #14 rows 12 (KTAB part), 14 and 15: the importers refuse what they cannot read
faithfully instead of dropping or misscaling it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robust.conftest import CLI

KTAB = """Test; scen 1,Two dims, 3, 2,
Actor,Description,Influence,Policy Position,Policy Salience,Comp Position,Comp Salience,
XJ,Xi,100,30,24,20,48,
LK,Li,60,45,44,65,41,
ZG,Zhang,35,30,28,15,65,
"""


def test_ktab_reads_when_consistent(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text(KTAB)
    run = cli("validate", path)
    assert run.code == 0, run.err
    assert "3 actors, 2 issues" in run.out


@pytest.mark.parametrize("dims", ["inf", "1e9", "nan", "-2", "two"])
def test_ktab_dimension_count_must_be_a_whole_number(cli: CLI, tmp_path: Path,
                                                     dims: str) -> None:
    """Row 12: a KTAB title row with dims `inf` was an internal error (OverflowError)."""
    path = tmp_path / "k.csv"
    path.write_text(KTAB.replace(" 3, 2,", f" 3, {dims},", 1))
    run = cli("validate", path)
    assert run.code == 2
    assert f"k.csv:1: number of dimensions is '{dims}'; expected a positive whole number" \
        in run.err


def test_ktab_rows_wider_than_declared_are_refused(cli: CLI, tmp_path: Path) -> None:
    """Row 15: the title row said 2 dims but rows held 3: the third was dropped silently."""
    text = KTAB.replace(" 3, 2,", " 3, 1,", 1)
    path = tmp_path / "k.csv"
    path.write_text(text)
    run = cli("validate", path)
    assert run.code == 2
    assert "k.csv:2: header has 7 columns; the title row declares 1 dimensions, which need 5" \
        in run.err
    # header as declared, but one actor row one dimension wider
    one = "\n".join(",".join(line.split(",")[:5]) + "," if n else line
                    for n, line in enumerate(text.splitlines()))
    rows = one.splitlines()
    rows[3] = rows[3] + "77,12,"
    path.write_text("\n".join(rows) + "\n")
    run = cli("validate", path)
    assert run.code == 2
    assert "k.csv:4: actors[1]: 7 fields; the title row declares 1 dimensions, so expected 5" \
        in run.err


@pytest.mark.parametrize("cell", ["inf", "nan", "1e400", "1_000"])
def test_table_numbers_must_be_finite_decimals(cli: CLI, tmp_path: Path, cell: str) -> None:
    path = tmp_path / "k.csv"
    path.write_text(KTAB.replace("LK,Li,60,", f"LK,Li,{cell},", 1))
    run = cli("validate", path)
    assert run.code == 2
    assert f"k.csv:4: Influence: '{cell}' is not a finite number" in run.err


def test_eum_table_mixing_salience_conventions_is_refused(cli: CLI, tmp_path: Path) -> None:
    """Row 14: one salience `80` among fractions was read unscaled, beside fractions
    scaled to 0..100."""
    path = tmp_path / "e.csv"
    path.write_text("Actor,Capability,Position,Salience\nA,10,0,0.5\nB,20,50,0.9\n"
                    "C,30,100,80\n")
    run = cli("validate", path)
    assert run.code == 2
    assert ("e.csv:4: salience: saliences mix fractions and percentages: line 2 has 0.5 (a "
            "fraction of 1) but line 4 has 80 (out of 100)") in run.err
    path.write_text("Actor,Capability,Position,Salience\nA,10,0,0.5\nB,20,50,0.9\n"
                    "C,30,100,0.8\n")
    assert cli("validate", path).code == 0
