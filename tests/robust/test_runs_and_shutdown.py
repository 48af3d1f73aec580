"""Issue #14 rows 19 and 20: the remaining internal errors are located errors with exit
status 2 (option values, DuckDB failures, another program's database), and a killed sweep
leaves no processes and no temporary folders behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.robust.conftest import CLI, DATA

TOY = DATA / "whatif-toy.yaml"


@pytest.mark.parametrize("setting, message", [
    ("seed=-1", "evaluator 'crisis' setting seed=-1: give a whole number from 0 to"),
    ('offer={"x": "a"}', "evaluator 'crisis' setting offer.x='a': Input should be a valid "
                         "number"),
    ("model=7", "evaluator 'crisis' setting model=7: Input should be a valid string"),
])
def test_bad_evaluator_settings_are_usage_errors(cli: CLI, tmp_path: Path, setting: str,
                                                 message: str) -> None:
    """Row 19: `--eval-set seed=-1` was an internal error (exit 1)."""
    run = cli("sweep", TOY, "-n", "20", "-q", "-e", "crisis", "--eval-set", setting,
              "--db", tmp_path / "r.duckdb")
    assert run.code == 2
    assert message in run.err


def test_another_programs_database_is_refused_untouched(cli: CLI, tmp_path: Path) -> None:
    """Row 19: `--db` naming another program's DuckDB got detente's tables added to it."""
    import duckdb

    db = tmp_path / "sales.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE sales (id INTEGER, amount DOUBLE)")
    con.execute("INSERT INTO sales VALUES (1, 9.5)")
    con.close()
    before = db.read_bytes()
    for args in (["sweep", DATA / "minimal.yaml", "-n", "20", "-q"], ["runs", "list"]):
        run = cli(*args, "--db", db)
        assert run.code == 2
        assert f"{db} is a DuckDB database of another program (tables: sales)" in run.err
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sales.duckdb"]


def test_database_failure_mid_sweep_is_a_usage_error(cli: CLI, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 19: a full disk (DuckDB IOException while storing a chunk) was an internal error.
    Now: exit 2 with DuckDB's message, and the run can be resumed."""
    import duckdb

    from detente.sweep.store import Store

    def full(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException("Could not write file: No space left on device")

    db = tmp_path / "r.duckdb"
    monkeypatch.setattr(Store, "write_chunk", full)
    run = cli("sweep", DATA / "minimal.yaml", "-n", "20", "-q", "--db", db)
    assert run.code == 2
    assert "the run database failed (IOException): Could not write file: No space left on " \
           "device" in run.err
    monkeypatch.undo()
    listed = cli("runs", "list", "--db", db, "-f", "json")
    assert listed.code == 0 and '"status": "failed"' in listed.out


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    found = _children(pid)
    for child in list(found):
        found += _descendants(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(params=["short", "long"])
def temporary_folder(request: pytest.FixtureRequest, tmp_path: Path
                     ) -> Iterator[tuple[Path, str]]:
    """``$TMPDIR`` for the sweep: a short one, where workers fork from a forkserver, and one
    too long for the forkserver's socket, where they are spawned (under pytest-xdist every
    tmp_path is that long: the pool used to die with "AF_UNIX path too long")."""
    if request.param == "long":
        folder = tmp_path / ("t" * 40)
        folder.mkdir()
        yield folder, "spawn"
        return
    folder = Path(tempfile.mkdtemp(prefix="dt-", dir="/tmp"))
    try:
        yield folder, "forkserver"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists() or sys.platform != "linux",
                    reason="reads the process tree from /proc")
def test_killed_sweep_leaves_no_workers_and_no_temporary_folder(
        tmp_path: Path, temporary_folder: tuple[Path, str]) -> None:
    """Row 20: after SIGKILL of `sweep --backend processes` the forkserver and its workers
    (about 475 MB) were alive 79 s later, and a temporary folder was left behind."""
    tmp, method = temporary_folder
    expected = 3 if method == "forkserver" else 2
    log = tmp_path / "driver.log"
    env = {**os.environ, "TMPDIR": str(tmp)}
    with log.open("w") as err:
        driver = subprocess.Popen(
            [sys.executable, "-m", "detente", "sweep", str(TOY), "-n", "5000000", "-q",
             "--backend", "processes", "--workers", "1", "--chunk-size", "2000",
             "--db", str(tmp_path / "r.duckdb")],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    try:
        # the resource tracker, then (forkserver) the server and its worker or (spawn) the
        # worker
        deadline = time.monotonic() + 120
        family: list[int] = []
        while time.monotonic() < deadline and driver.poll() is None:
            time.sleep(0.5)
            family = _descendants(driver.pid)
            if len(family) >= expected:
                break
        assert driver.poll() is None and len(family) >= expected, \
            f"the sweep never started a worker: {log.read_text()}"
        assert any(f"multiprocessing.{method}" in _cmdline(p) for p in family)
        assert any(p.name.startswith("pymp-") for p in tmp.iterdir())
        driver.send_signal(signal.SIGKILL)
        driver.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in family):
            time.sleep(0.5)
        assert not [(p, _cmdline(p)) for p in family if _alive(p)]
        assert not [p.name for p in tmp.iterdir() if p.name.startswith("pymp-")]
    finally:
        if driver.poll() is None:
            driver.kill()


@pytest.mark.parametrize("args", [["whatif", "--draws", "10000000"],
                                  ["whatif", "--check-draws", "10000000"]])
def test_draws_beyond_memory_are_refused_not_allocated(cli: CLI, args: list[str]) -> None:
    """Row 21: `crisis --draws 10000000` (then the documented maximum) tried to allocate
    9.8 GiB for one array. The lever search, which holds every draw in memory, takes at most
    MAX_DRAWS_IN_MEMORY (about 1 GB at the peak); `detente sweep` streams any number."""
    from detente.cli.common import MAX_DRAWS_IN_MEMORY

    run = cli(args[0], TOY, *args[1:])
    assert run.code == 2
    flat = " ".join(run.err.replace("│", " ").split())
    assert f"Input should be less than or equal to {MAX_DRAWS_IN_MEMORY}" in flat


def test_crisis_takes_the_documented_maximum_in_batches(cli: CLI,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 21: `crisis` runs its draws in batches (tests/crisis/test_batches.py checks the
    answer and the memory), so it takes the documented 10,000,000 draws and refuses more."""
    from detente import api
    from detente.crisis.batches import BATCH_DRAWS, DrawBatches

    asked: list[int] = []

    def record(scenario: object, **options: int) -> None:
        asked.append(options["draws"])
        raise SystemExit(0)

    monkeypatch.setattr(api, "crisis_analysis", record)
    assert cli("crisis", TOY, "--draws", "10000000").code == 0
    assert asked == [10_000_000]
    spans = DrawBatches(None, 0, 10_000_000).spans  # type: ignore[arg-type]
    assert len(spans) == 10_000_000 // BATCH_DRAWS
    assert max(stop - start for start, stop in spans) == BATCH_DRAWS
    run = cli("crisis", TOY, "--draws", "10000001")
    assert run.code == 2
    flat = " ".join(run.err.replace("│", " ").split())
    assert "Input should be less than or equal to 10000000" in flat
