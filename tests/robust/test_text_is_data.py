"""Issue #14 rows 1-4: every name, title, file name, option value and exception text is
printed literally: no rich markup, no emoji codes, control characters made visible."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.robust.conftest import CLI, DATA, scenario_data, write_json

HOSTILE_NAME = "[bold red]Germany[/bold red] [/] :fire:"
HOSTILE_TITLE = "North [has] the larger navy [/]"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    data = scenario_data()
    data["title"] = HOSTILE_TITLE
    data["actors"][0]["name"] = HOSTILE_NAME
    return write_json(tmp_path / "hostile.json", data)


@pytest.mark.parametrize("command", [["show"], ["show", "--evidence"], ["forecast"],
                                     ["crisis", "-n", "100"]])
def test_markup_in_names_and_titles_is_printed_as_written(cli: CLI, hostile: Path,
                                                          command: list[str]) -> None:
    """Row 1 (a `[/]` crashed the command and the last-resort handler) and row 3 (markup
    rendered, `[has]` swallowed, `:fire:` turned into an emoji)."""
    run = cli(command[0], hostile, *command[1:])
    assert run.code == 0, run.err
    assert HOSTILE_TITLE in run.out
    if command[0] != "forecast":  # the forecast table names issues, not actors
        assert HOSTILE_NAME in run.out
    assert "🔥" not in run.out


def test_markup_in_option_values_is_printed_as_written(cli: CLI, tmp_path: Path) -> None:
    """Row 2: `--offer 'x[/]=5'`, `--model '[/]'`, `runs show '[/]'`."""
    toy = DATA / "whatif-toy.yaml"
    run = cli("crisis", toy, "-n", "100", "--offer", "x[/]=5")
    assert run.code == 2 and "'x[/]'" in run.err and "is not an issue" in run.err
    run = cli("forecast", toy, "--model", "[/]")
    assert run.code == 2 and "unknown model '[/]'" in run.err
    db = tmp_path / "runs.duckdb"
    assert cli("sweep", DATA / "minimal.yaml", "-n", "20", "-q", "--db", db).code == 0
    run = cli("runs", "show", "[/]", "--db", db)
    assert run.code == 2 and "[/]" in run.err


def test_output_file_names_are_printed_as_written(cli: CLI, tmp_path: Path) -> None:
    """Rows 2 and 3: `-o 'x[/].json'` crashed; `-o 'y[bold red].json'` said "wrote y.json"."""
    toy = DATA / "whatif-toy.yaml"
    target = tmp_path / "y[bold red].json"
    run = cli("crisis", toy, "-n", "100", "-f", "json", "-o", target)
    assert run.code == 0, run.err
    assert target.exists()
    assert f"wrote {target}" in run.err
    missing = tmp_path / "x[/].json"  # a folder "x[" that does not exist
    run = cli("crisis", toy, "-n", "100", "-f", "json", "-o", missing)
    assert run.code == 2
    assert f"cannot write {missing}: No such file or directory" in run.err


def test_error_on_line_100_is_not_an_emoji(cli: CLI, tmp_path: Path) -> None:
    """Row 3: `file:100:` was printed as `file💯` (rich's emoji code `:100:`)."""
    text = (DATA / "minimal.yaml").read_text()
    lines = text.splitlines()
    padding = ["# padding"] * (99 - len(lines))
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join([*lines, *padding, "bogus_key: 1", ""]))
    run = cli("validate", bad)
    assert run.code == 2
    assert f"{bad}:100: bogus_key: unknown key" in run.err
    assert "💯" not in run.err


def test_control_characters_are_shown_not_obeyed(cli: CLI, tmp_path: Path) -> None:
    """Row 4: an ESC sequence in a name cleared and recoloured the terminal."""
    data = scenario_data()
    data["actors"][0]["name"] = "Evil\x1b[2J\x1b[31m\x9b31m\u202eName"
    path = tmp_path / "esc.json"  # JSON escapes: YAML refuses raw C1 characters
    path.write_text(json.dumps(data))
    for args in (["show"], ["show", "--evidence"], ["crisis", "-n", "100"]):
        run = cli(args[0], path, *args[1:])
        assert run.code == 0, run.err
        assert "\x1b" not in run.out and "\x9b" not in run.out and "\u202e" not in run.out
        assert "Evil\\x1b[2J\\x1b[31m\\x9b31m\\u202eName" in run.out
    run = cli("show", path, "-f", "json")
    assert "\x1b" not in run.out and "\x9b" not in run.out and "\\u001b[2J" in run.out


def test_last_resort_handler_prints_any_exception_text(cli: CLI,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 1: the handler for internal errors must not fail on the text it prints."""
    from detente import api

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bad [/] text \x1b[2J :100:")

    monkeypatch.setattr(api, "forecast", broken)
    run = cli("forecast", DATA / "minimal.yaml")
    assert run.code == 1
    assert "internal error: RuntimeError: bad [/] text \\x1b[2J :100:" in run.err
    assert "\x1b" not in run.err


def test_no_rich_markup_in_terminal_code() -> None:
    """The consoles print strings literally, so markup in the code would show as brackets:
    styling is given with ``rich.text.Text`` instead. This catches a ``"[dim]..."`` added
    to the CLI or the report tables."""
    import detente.cli
    import detente.report

    files = [*Path(detente.cli.__file__).parent.glob("*.py"), Path(detente.report.__file__)]
    found = []
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for literal in re.findall(r"\"[^\"]*\"|'[^']*'", line):
                if re.search(r"\[/\]|\[/?(bold|dim|italic|red|green|yellow|cyan)\b", literal):
                    found.append(f"{path.name}:{number}: {literal}")
    assert not found, "rich markup in console strings (use Text):\n" + "\n".join(found)
