"""The run database: records, exports that round-trip, the database path rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from detente.provenance import versions
from detente.scenario import Scenario
from detente.sweep import (
    DEFAULT_DB,
    SweepError,
    list_runs,
    open_run,
    resolve_db,
    run_sweep,
    scenario_hash,
)
from detente.sweep.store import Store


def test_run_record(minimal: Scenario, db: Path) -> None:
    pairs = {("actors[0].capability", "actors[1].salience.tariff"): -0.4}
    r = run_sweep(minimal, draws=250, seed=5, chunk_size=100, correlate=pairs, db=db,
                  settings={"models": ["compromise", "median"]})
    info = r.info
    assert info.status == "complete" and (info.draws, info.draws_done) == (250, 250)
    assert (info.seed, info.chunk_size, info.scenario_id) == (5, 100, "minimal")
    assert info.scenario_hash == scenario_hash(minimal) and len(info.scenario_hash) == 64
    assert info.evaluator == "forecast"
    assert info.evaluator_settings == {"models": ["compromise", "median"], "settings": {}}
    assert info.correlation == [("actors[0].capability", "actors[1].salience.tariff", -0.4)]
    assert info.versions == versions()
    assert info.inputs == ["actors[0].capability", "actors[1].salience.tariff"]
    assert info.outputs == ["forecast.compromise.tariff", "forecast.median.tariff"]
    frame = r.to_frame()
    assert list(frame.columns) == ["draw", *info.inputs, *info.outputs]
    assert r.to_frame(["forecast.median.tariff"]).shape == (250, 2)
    with pytest.raises(SweepError, match="no column"):
        r.to_frame(["nope"])
    # plain DuckDB and pandas read it too
    con = duckdb.connect(str(db), read_only=True)
    raw = con.sql(f'SELECT * FROM "draws_{r.run_id}" ORDER BY draw').df()
    con.close()
    assert raw.equals(frame)


def test_hash_ignores_file_form(minimal: Scenario, tmp_path: Path) -> None:
    from detente.scenario import load
    from detente.scenario.writer import write

    again = load(write(minimal, tmp_path / "again.json"))
    assert scenario_hash(again) == scenario_hash(minimal)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_export_round_trip(minimal: Scenario, db: Path, tmp_path: Path, suffix: str) -> None:
    r = run_sweep(minimal, draws=1_234, seed=8, chunk_size=500, db=db)
    target = r.export(tmp_path / f"draws{suffix}")
    back = pd.read_parquet(target) if suffix == ".parquet" else pd.read_csv(target)
    frame = r.to_frame()
    assert list(back.columns) == list(frame.columns)
    assert np.array_equal(back.to_numpy(), frame.to_numpy())  # bitwise, CSV included
    if suffix == ".parquet":
        meta = pq.read_schema(target).metadata[b"detente.run"]
        assert json.loads(meta)["run_id"] == r.run_id
    assert not list(tmp_path.glob("*.partial"))


def test_export_needs_a_known_suffix(minimal: Scenario, db: Path, tmp_path: Path) -> None:
    r = run_sweep(minimal, draws=10, db=db)
    with pytest.raises(SweepError, match=r"\.parquet or \.csv"):
        r.export(tmp_path / "draws.xlsx")


def test_runs_are_listed_newest_first_and_found_by_prefix(minimal: Scenario,
                                                          db: Path) -> None:
    assert list_runs(db) == []
    first = run_sweep(minimal, draws=10, db=db)
    second = run_sweep(minimal, draws=20, db=db)
    assert [r.run_id for r in list_runs(db)] == [second.run_id, first.run_id]
    assert open_run(db, first.run_id[:6]).info == first.info


def test_db_path_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DETENTE_DB", raising=False)
    assert resolve_db(None) == Path(DEFAULT_DB)
    monkeypatch.setenv("DETENTE_DB", str(tmp_path / "env.duckdb"))
    assert resolve_db(None) == tmp_path / "env.duckdb"
    assert resolve_db(tmp_path / "x.duckdb") == tmp_path / "x.duckdb"


def test_a_locked_or_foreign_file_is_a_clear_error(minimal: Scenario, db: Path,
                                                   tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    with pytest.raises(SweepError, match=r"not a detente run database|cannot open"):
        Store.open(junk)
    # another process holding the database (a sweep running elsewhere)
    run_sweep(minimal, draws=10, db=db)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         "con = duckdb.connect(sys.argv[1])\nprint('open', flush=True)\ntime.sleep(60)",
         str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(SweepError, match="in use by another process"):
            list_runs(db)
    finally:
        holder.kill()
        holder.wait()
    assert len(list_runs(db)) == 1
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(SweepError, match="holds no detente runs"):
        Store.open(other, read_only=True)
