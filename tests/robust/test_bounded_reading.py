"""Issue #14 rows 8-11: only regular files are read, never more than the size limit, and
the value, alias and nesting limits are enforced while parsing (not after building)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from detente.scenario import ScenarioError, load
from detente.scenario.loader import MAX_BYTES, read_bytes
from detente.scenario.yamlread import MAX_ALIASES, MAX_NODES
from tests.robust.conftest import CLI


def _detente(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real console script in a child process (a hang fails by timeout)."""
    return subprocess.run([sys.executable, "-m", "detente", *args], capture_output=True,
                          text=True, timeout=timeout, check=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX named pipes")
def test_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    """Row 8: `mkfifo f.yaml; detente validate f.yaml` hung for ever."""
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    done = _detente("validate", str(fifo))
    assert done.returncode == 2
    assert f"{fifo}: is not a regular file (a pipe, device or socket)" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_device_is_refused_without_reading(cli: CLI) -> None:
    """Row 9: `detente validate /dev/zero` read without bound (2.5 GB after 8 s)."""
    run = cli("validate", "/dev/zero")
    assert run.code == 2
    assert "/dev/zero: is not a regular file" in run.err


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_reported_size_is_not_trusted() -> None:
    """A file whose size the file system reports as 0 is still read only up to the limit."""
    assert os.stat("/proc/self/status").st_size == 0
    assert 0 < len(read_bytes(Path("/proc/self/status"))) <= MAX_BYTES


def test_too_many_values_are_refused_while_parsing(tmp_path: Path) -> None:
    """Row 10: a 4 MB YAML holding a 2M-element list took 108 s and 1.6 GB before
    "more than 1,000,000 values". Now the parser stops at the limit; the error names the
    line where the limit was crossed."""
    path = tmp_path / "long.yaml"
    items = "".join(f"- {i % 10}\n" for i in range(2_000_000))
    path.write_text("id: long\nvalues:\n" + items)
    assert path.stat().st_size > 4_000_000
    with pytest.raises(ScenarioError) as info:
        load(path)
    (problem,) = info.value.problems
    assert problem.message == f"file has more than {MAX_NODES:,} values"
    # counted as parsed: the mapping, "id", "long", "values", the list, then item k on line
    # 3 + k is value 6 + k, so value MAX_NODES + 1 is on line MAX_NODES - 2
    assert problem.line == MAX_NODES - 2


def test_too_many_aliases_are_refused_while_parsing(tmp_path: Path) -> None:
    """Row 11: a 1.5 MB YAML with 500k aliases took 20 s before it was refused."""
    path = tmp_path / "aliases.yaml"
    path.write_text("id: &a x\nlist:\n" + "- *a\n" * 500_000)
    assert path.stat().st_size > 1_500_000
    with pytest.raises(ScenarioError) as info:
        load(path)
    (problem,) = info.value.problems
    assert problem.message == f"file has more than {MAX_ALIASES:,} aliases (*name)"
    assert problem.line == MAX_ALIASES + 3


def test_alias_expansion_is_bounded(tmp_path: Path) -> None:
    """Few aliases, each standing for a large subtree (a 'billion laughs'): the values
    reached through them count against the limit too."""
    rows = ["a: &a [" + ", ".join(["1"] * 1000) + "]"]
    rows += [f"b{i}: *a" for i in range(MAX_NODES // 1000 + 1)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ScenarioError, match=f"more than {MAX_NODES:,} values"):
        load(path)
