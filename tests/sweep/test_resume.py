"""Interrupted, killed and failed runs keep their finished chunks, and a resume finishes
them into exactly the table an uninterrupted run writes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from detente.scenario import Scenario
from detente.sweep import (
    Store,
    SweepError,
    SweepInterrupted,
    list_runs,
    open_run,
    resume_sweep,
    run_sweep,
)

MODELS = {"models": ["compromise", "median"]}

KILLER = textwrap.dedent("""
    import os, signal, sys
    from detente.sweep import run_sweep

    def progress(done, total):
        if done >= int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)  # kill -9, right after a chunk is stored

    run_sweep("ukraine-2022", draws=3000, seed=4, chunk_size=500, db=sys.argv[1],
              settings={"models": ["compromise", "median"]}, progress=progress)
""")


def test_resume_after_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "killed.duckdb"
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    proc = subprocess.run([sys.executable, str(script), str(db), "1500"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == -9, proc.stderr
    (info,) = list_runs(db)
    assert info.status == "running"  # nobody could mark it: it was killed
    assert info.draws_done == 1500
    with Store.open(db, read_only=True) as store:
        assert store.stored_ranges(info.run_id) == [(0, 500), (500, 1000), (1000, 1500)]
        assert len(store.frame(info)) == 1500  # the table holds exactly the stored chunks

    resumed = resume_sweep(info.run_id[:5], db=db, chunk_size=700)
    assert resumed.complete and resumed.info.draws_done == 3000
    whole = run_sweep("ukraine-2022", draws=3000, seed=4, settings=MODELS,
                      db=tmp_path / "whole.duckdb")
    assert resumed.to_frame().equals(whole.to_frame())
    assert resumed.scenario_hash == whole.scenario_hash


def _stop_after(chunks: int, error: BaseException):  # type: ignore[no-untyped-def]
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) > chunks:  # the first call comes before any chunk
            raise error

    return progress


def test_ctrl_c_marks_the_run_interrupted_and_resume_completes_it(minimal: Scenario,
                                                                  db: Path) -> None:
    with pytest.raises(SweepInterrupted) as caught:
        run_sweep(minimal, draws=1000, seed=9, chunk_size=100, db=db,
                  progress=_stop_after(3, KeyboardInterrupt()))
    run_id = caught.value.run_id
    assert caught.value.done == 300 and caught.value.total == 1000
    info = open_run(db, run_id).info
    assert (info.status, info.draws_done) == ("interrupted", 300)

    done = resume_sweep(run_id, db=db, chunk_size=250)
    fresh = run_sweep(minimal, draws=1000, seed=9, db=db)
    assert done.complete and done.to_frame().equals(fresh.to_frame())
    # resuming a complete run changes nothing
    assert resume_sweep(run_id, db=db).info.updated == done.info.updated


def test_a_failed_run_records_the_error_and_can_be_resumed(minimal: Scenario,
                                                           db: Path) -> None:
    with pytest.raises(RuntimeError, match="disk on fire"):
        run_sweep(minimal, draws=500, seed=2, chunk_size=100, db=db,
                  progress=_stop_after(2, RuntimeError("disk on fire")))
    (info,) = list_runs(db)
    assert info.status == "failed" and info.error == "RuntimeError: disk on fire"
    assert info.draws_done == 200
    done = resume_sweep(info.run_id, db=db)
    assert done.complete and done.info.error is None
    assert done.to_frame().equals(run_sweep(minimal, draws=500, seed=2, db=db).to_frame())


def test_resume_can_extend_a_run(minimal: Scenario, db: Path) -> None:
    short = run_sweep(minimal, draws=400, seed=3, db=db)
    longer = resume_sweep(short.run_id, draws=1000, db=db)
    assert longer.info.draws == longer.info.draws_done == 1000
    assert longer.to_frame().equals(run_sweep(minimal, draws=1000, seed=3, db=db).to_frame())
    with pytest.raises(SweepError, match="would drop"):
        resume_sweep(short.run_id, draws=10, db=db)


def test_resume_uses_the_stored_scenario_and_checks_a_given_one(minimal: Scenario,
                                                                ukraine: Scenario,
                                                                db: Path) -> None:
    with pytest.raises(SweepInterrupted) as caught:
        run_sweep(minimal, draws=300, chunk_size=100, db=db,
                  progress=_stop_after(1, KeyboardInterrupt()))
    run_id = caught.value.run_id
    with pytest.raises(SweepError, match="differs from the one run"):
        resume_sweep(run_id, db=db, scenario=ukraine)
    assert open_run(db, run_id).scenario() == minimal
    assert resume_sweep(run_id, db=db, scenario=minimal).complete


def test_unknown_run_ids_are_clear_errors(minimal: Scenario, db: Path) -> None:
    with pytest.raises(SweepError, match="no run database"):
        open_run(db, "abc")
    run_sweep(minimal, draws=10, db=db)
    with pytest.raises(SweepError, match="no run 'zzz'"):
        resume_sweep("zzz", db=db)
    with pytest.raises(SweepError, match="no run"):
        open_run(db, "")
