"""Terminal layout at 80 columns (issue #11): identifiers wrap between their parts, never
inside a word, headers are never cut ("defen…"), one naming scheme for inputs, `show` prints
the crisis section with lever ids, option problems are reported before any output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from detente.cli import app
from detente.report import id_lines
from detente.scenario import load
from detente.scenario.errors import format_path

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()
ENV = {"COLUMNS": "80"}


def run(*args: str) -> tuple[int, str, str]:
    out = runner.invoke(app, list(args), env=ENV)
    return out.exit_code, out.stdout, out.stderr


def table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1] in "│┃┏┡└┌"]


def assert_whole(ident: str, text: str) -> None:
    """``ident`` appears, whole or broken only after its separators."""
    for part in id_lines(ident, 1).splitlines():
        assert part in text, f"{part!r} of {ident!r} was cut"


def test_id_lines_breaks_only_after_separators() -> None:
    assert id_lines("ukraine_alignment_donbas", 13) == "ukraine_\nalignment_\ndonbas"
    assert id_lines("actors[1].positions.nato_enlargement", 18) == \
        "actors[1].\npositions.nato_\nenlargement"
    assert id_lines("sanctions", 4) == "sanctions"  # a word longer than the width stays whole


def test_show_at_80_columns_cuts_nothing_and_lists_the_levers() -> None:
    s = load("ukraine-2022")
    assert s.crisis is not None
    code, out, _ = run("show", "ukraine-2022")
    assert code == 0
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "…" not in out
    for issue in s.issues:
        assert_whole(issue.id, out)
    assert "Levers (ids for --lever and --fix" in out
    for lever in s.crisis.levers:
        assert_whole(lever.id, out)
        # lever ids, kinds and issue ids are never split, not even between their parts
        assert re.search(rf"^│ {lever.id} +│ {lever.kind} +│", out, re.MULTILINE), lever.id
        if lever.issue:
            assert re.search(rf"^│ (on )?{lever.issue} +│", out, re.MULTILINE), lever.issue
    assert "challenger" in out and "Russia (russia)" in out


def test_show_evidence_names_fields_as_every_command_does() -> None:
    """One scheme: `actors[0].capability`, as validate, sweep, export and sensitivity print
    it; never `actors.0.capability`."""
    code, out, _ = run("show", "ukraine-2022", "--evidence")
    assert code == 0
    assert "actors.0." not in out
    joined = "".join(line.strip("│ ") for line in table_lines(out))
    assert "actors[0].capability" in joined.replace(" ", "")


def test_crisis_tables_at_80_columns_cut_no_header() -> None:
    code, out, _ = run("crisis", "-n", "200")
    assert code == 0, out
    lines = table_lines(out)
    assert lines and not [line for line in lines if "…" in line]
    # a table wider than the terminal is cropped at its right edge, losing its border
    assert not [line for line in lines if line.rstrip()[-1:] not in "│┃┓┩┘┐┤┫"], out
    assert "defenders'" in out and "Russia's" in out and "commitment" in out
    for issue in load("ukraine-2022").issues:
        assert_whole(issue.id, out)
    # offer ids in the reference-point table stay whole (was "us-geneva-2022-0" / "1")
    refs = out[out.index("P(war) at every reference point"):out.index("counterfactual: where")]
    for offer in load("ukraine-2022").offers:
        assert re.search(rf"^│{re.escape(offer.id)} +│", refs, re.MULTILINE), offer.id
    # the lever table: lever and payer ids never split, not even between their parts
    crisis = load("ukraine-2022").crisis
    assert crisis is not None
    levers = out[out.index("Levers applied"):]
    for lever in crisis.levers:
        assert re.search(rf"^│ {lever.id} +│", levers, re.MULTILINE), lever.id
        for party in lever.paid_by:
            assert re.search(rf"│ {party} +│$", levers, re.MULTILINE), (lever.id, party)


def test_rounds_tables_keep_actor_ids_whole() -> None:
    """Was: `nether / lands`, `united_st / ates` folded inside the id."""
    s = load("ukraine-2022")
    code, out, _ = run("forecast", "ukraine-2022", "-m", "eum", "--rounds")
    assert code == 0
    headers = " ".join(line for line in table_lines(out) if line.startswith("┃"))
    for actor in s.actor_ids:
        assert re.search(rf"\b{re.escape(actor)}\b", headers), actor
    assert "…" not in "".join(table_lines(out))


def test_sensitivity_names_inputs_by_field_and_keeps_them_whole() -> None:
    s = load("ukraine-2022")
    names = {format_path(path) for path, q in s.quantities() if q.is_uncertain}
    code, out, _ = run("sensitivity", "--method", "morris", "-n", "2", "--top", "6",
                       "--output-name", "forecast.compromise.nato_enlargement")
    assert code == 0, out
    rows: list[list[str]] = []
    for line in table_lines(out):
        cells = [c.strip() for c in line.split("│")]
        if len(cells) > 3 and line.startswith("│"):
            if cells[1]:
                rows.append([])
            rows[-1].append(cells[2])
    assert len(rows) == 6
    for parts in rows:
        assert "".join(parts) in names  # the field name, whole
        assert all(p[-1] in "._]" for p in parts[:-1])  # broken only after a separator


def test_explain_an_unknown_actor_fails_before_any_output() -> None:
    code, out, err = run("forecast", "ec-emissions-1994", "-m", "eum", "--explain", "Nobody")
    assert code == 2
    assert out == ""
    assert "unknown actor 'Nobody'" in err


def test_explain_without_an_explaining_model_fails_before_any_output() -> None:
    code, out, err = run("forecast", "ec-emissions-1994", "--explain", "belgium")
    assert code == 2 and out == "" and "--model eum" in err


def test_reading_ignored_by_a_model_is_a_warning() -> None:
    code, _, err = run("forecast", "ec-emissions-1994", "--reading", "scholz-code")
    assert code == 0
    assert "--reading scholz-code ignored by compromise, median" in err
    code, _, err = run("forecast", "ec-emissions-1994", "-m", "eum", "--reading",
                       "scholz-code")
    assert code == 0 and "ignored" not in err


def test_status_quo_off_its_packages_is_a_warning(tmp_path: Path) -> None:
    data = yaml.safe_load((DATA / "whatif-toy.yaml").read_text())
    data["issues"][0]["divisible"] = False
    data["crisis"]["steps"] = {"x": [0, 0.5, 1]}
    data["crisis"]["levers"] = [lv for lv in data["crisis"]["levers"]
                                if lv["kind"] != "concession"]
    path = tmp_path / "lumpy.yaml"
    path.write_text(yaml.safe_dump(data))
    code, out, err = run("crisis", str(path), "-n", "200")
    assert code == 0, out + err
    assert "the status quo 0.3 on x is not one of its packages (0, 0.5, 1); it is analysed " \
           "as 0.5" in err


@pytest.mark.parametrize(("draws", "shown"), [(20_000, True), (500, False)])
def test_a_large_sweep_says_how_much_it_will_store(tmp_path: Path, draws: int,
                                                   shown: bool) -> None:
    db = tmp_path / "runs.duckdb"
    code, _, err = run("sweep", "--draws", str(draws), "--db", str(db), "-q")
    assert code == 0, err
    note = re.search(r"stores about ([\d,]+) MB .*\(([\d,]+) draws × (\d+) numbers\)", err)
    assert bool(note) is shown
    if note:
        estimate = float(note.group(1).replace(",", "")) * 1e6
        assert 0.7 < estimate / db.stat().st_size < 1.4  # against the file actually written


def test_simulate_week_table_at_80_columns_cuts_nothing() -> None:
    """Was: "interv…", "settle…", "escal…" headers and "0.000–…" intervals, once the
    "gave way by" column for doubted resolve made the week table nine columns wide."""
    code, out, _ = run("simulate", "-n", "200")
    assert code == 0, out
    week = out[out.index("Week by week"):out.index("Still in crisis")]
    lines = table_lines(week)
    assert lines and not [line for line in lines if "…" in line], week
    assert not [line for line in lines if line.rstrip()[-1:] not in "│┃┓┩┘┐┤┫"], week
    assert re.search(r"│\d\.\d{3}–\d\.\d{3} │", week), week
