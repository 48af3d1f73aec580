"""Issue #14: a hypothesis fuzz test of the scenario loader. Valid files (YAML and JSON)
are mutated (lines dropped, duplicated or swapped, characters replaced, text inserted, the
file cut) and run through `detente validate` as a user runs it: the exit status is 0 or 2
and the output never holds a traceback or an internal error."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.cli import main
from detente.scenario import load
from tests.robust.conftest import DATA

SEEDS = {
    "minimal.yaml": (DATA / "minimal.yaml").read_text(),
    "toy.yaml": (DATA / "whatif-toy.yaml").read_text(),
    "toy.json": json.dumps(load(DATA / "whatif-toy.yaml").to_data(), indent=1),
}
ALPHABET = [*":[]{}-,#&*!|>%@`\"' \t\n0123456789.eE+xyz", "\x00", "\x1b", "é", "\u202e",
            "1e400", "true", "050", "1:10"]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    text = SEEDS[name]
    for _ in range(draw(st.integers(1, 4))):
        lines = text.splitlines(keepends=True)
        kind = draw(st.sampled_from(["drop", "dup", "swap", "char", "insert", "cut"]))
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        if kind == "drop" and lines:
            del lines[i]
        elif kind == "dup" and lines:
            lines.insert(i, lines[i])
        elif kind == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        text = "".join(lines)
        pos = draw(st.integers(0, len(text)))
        if kind == "char" and text:
            pos = min(pos, len(text) - 1)
            text = text[:pos] + draw(st.sampled_from(ALPHABET)) + text[pos + 1:]
        elif kind == "insert":
            text = text[:pos] + "".join(draw(st.lists(st.sampled_from(ALPHABET), max_size=8))) \
                + text[pos:]
        elif kind == "cut":
            text = text[:pos]
    return name, text


def _validate(path: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["detente", "validate", str(path)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
    return code, out.getvalue() + err.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_exit_0_or_2_never_a_traceback(case: tuple[str, str]) -> None:
    name, text = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        code, output = _validate(path)
    assert code in (0, 2), output
    assert "Traceback" not in output and "internal error" not in output, output


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_unmutated_seeds_are_valid(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(SEEDS[name], encoding="utf-8")
    code, output = _validate(path)
    assert code == 0, output
