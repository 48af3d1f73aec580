"""Issue #14 rows 5-7: `--output` never destroys an input and never leaves a half-written
file: it refuses an existing file without `--force`, always refuses the command's own
scenario or run database, and writes through a temporary file renamed into place."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from tests.robust.conftest import CLI, DATA


@pytest.fixture
def db(cli: CLI, tmp_path: Path) -> Path:
    path = tmp_path / "r.duckdb"
    assert cli("sweep", DATA / "minimal.yaml", "-n", "20", "-q", "--db", path).code == 0
    return path


def test_run_database_is_never_an_output(cli: CLI, db: Path) -> None:
    """Row 5: `runs list --db r.duckdb -o r.duckdb` replaced a run database by a table."""
    before = db.read_bytes()
    for force in ([], ["--force"]):
        for args in (["runs", "list"], ["runs", "show", "0"]):
            run = cli(*args, "--db", db, "-o", db, *force)
            assert run.code == 2
            assert f"{db} is an input of this command" in run.err
        run = cli("sweep", DATA / "minimal.yaml", "-n", "20", "-q", "--db", db, "-o", db, *force)
        assert run.code == 2 and "is an input of this command" in run.err
        run = cli("runs", "export", "0", "--db", db, "-o", db, *force)
        assert run.code == 2
    assert db.read_bytes() == before


@pytest.mark.parametrize("args", [["show"], ["forecast", "-f", "json"], ["crisis", "-n", "100"]])
def test_input_scenario_is_never_an_output(cli: CLI, tmp_path: Path, args: list[str]) -> None:
    """Row 6: `show u.yaml -o u.yaml` silently overwrote the scenario."""
    scenario = tmp_path / "u.yaml"
    shutil.copy(DATA / "whatif-toy.yaml", scenario)
    before = scenario.read_bytes()
    os.symlink(scenario, tmp_path / "link.yaml")
    for target in (scenario, tmp_path / "link.yaml", tmp_path / "." / "u.yaml"):
        run = cli(args[0], scenario, *args[1:], "-o", target, "--force")
        assert run.code == 2 and "is an input of this command" in run.err
    assert scenario.read_bytes() == before


def test_existing_output_needs_force(cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("precious\n")
    run = cli("show", DATA / "minimal.yaml", "-o", target)
    assert run.code == 2 and "exists; pass --force" in run.err
    assert target.read_text() == "precious\n"
    os.chmod(target, 0o640)
    run = cli("show", DATA / "minimal.yaml", "-o", target, "--force")
    assert run.code == 0 and "A minimal scenario for tests" in target.read_text()
    assert os.stat(target).st_mode & 0o777 == 0o640  # the file's permissions are kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_convert_refuses_its_source(cli: CLI, tmp_path: Path) -> None:
    source = tmp_path / "s.yaml"
    shutil.copy(DATA / "minimal.yaml", source)
    before = source.read_bytes()
    run = cli("convert", source, source, "--force")
    assert run.code == 2 and "is an input" in run.err
    assert source.read_bytes() == before


def test_full_disk_leaves_the_old_file_whole(cli: CLI, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 7: `-o` on a full disk exited 2 but left the old file truncated."""
    import detente.cli.common as common

    target = tmp_path / "out.json"
    target.write_bytes(b'{"old": "result"}\n' * 100)
    before = target.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(common.os, "fsync", full)
    run = cli("forecast", DATA / "minimal.yaml", "-f", "json", "-o", target, "--force")
    assert run.code == 2
    assert f"cannot write {target}: No space left on device" in run.err
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


def test_device_output_is_written_directly(cli: CLI) -> None:
    """`-o /dev/null` (an existing non-regular file) is written, never replaced."""
    run = cli("show", DATA / "minimal.yaml", "-o", "/dev/null")
    assert run.code == 0, run.err
    assert Path("/dev/null").is_char_device()
