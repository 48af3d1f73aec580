"""Replay of a dated history (docs/escalation.md, section 8): ukraine-2022's moves bring the
levers to the scenario's settings, the real path is reported, and a bad history is a located
error with exit status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import detente
from detente.cli import app
from detente.scenario import ScenarioError
from detente.scenario.loader import BUILTIN_DIR, load
from detente.simulate import load_catalogue
from detente.simulate import simulate as run_simulate
from detente.simulate.engine import Game, prepare
from detente.simulate.replay import played, replay, replay_settings


@pytest.fixture(scope="module")
def ukraine() -> Any:
    return detente.load("ukraine-2022")


def test_replay_to_as_of_reaches_the_scenarios_lever_settings(ukraine: Any) -> None:
    cat = load_catalogue()
    setup = prepare(ukraine, cat, seed=0, start=0, stop=50, weeks=1, types=32)
    kinds = [lv.kind for lv in setup.runs.levers]
    before = replay_settings(ukraine, cat, setup.settings, kinds)
    assert before[kinds.index("sanctions")] == 0.0
    game = Game.start(setup, settings=before)
    events, when = played(ukraine, None)
    assert str(when) <= str(ukraine.as_of)
    steps = replay(game, events)
    assert [s.move for s in steps] == [e.move for e in ukraine.history]
    np.testing.assert_allclose(game.state.settings, np.repeat(setup.settings[None], 50, 0))
    assert np.all(game.state.mobilisation == 0.75)
    assert all(0.0 <= s.belief <= 1.0 and 0.0 <= s.p_war_now <= 1.0 for s in steps)


def test_history_result_reports_the_path_and_continues(ukraine: Any) -> None:
    r = detente.simulate(ukraine, weeks=4, runs=200, seed=0, types=32, history=True,
                         start="2021-12-31")
    assert r.start_date == "2021-12-31"
    assert [h.date for h in r.history] == [e.date.isoformat() for e in ukraine.history
                                           if e.date.isoformat() <= "2021-12-31"]
    again = run_simulate(ukraine, weeks=4, runs=200, seed=0, types=32, history=True,
                         start="2021-12-31", batch=70)
    assert again.p_war_by_week == r.p_war_by_week and again.paths == r.paths
    for a, b in zip(again.history, r.history, strict=True):
        assert a.belief == pytest.approx(b.belief, abs=1e-12)
        assert a.p_war_now == pytest.approx(b.p_war_now, abs=1e-12)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (BUILTIN_DIR / "ukraine-2022.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "ukraine-broken.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    for f in (BUILTIN_DIR / "sources").iterdir():
        (sources / f.name).write_bytes(f.read_bytes())
    return path


@pytest.mark.parametrize(("old", "new", "field", "says"), [
    ("    actor: russia\n    move: demand", "    actor: russia\n    move: ultimatum",
     "history[3].move", "not a move of the catalogue"),
    ("    actor: russia\n    move: demand", "    actor: united_states\n    move: demand",
     "history[3].move", "move of the challenger"),
    ("  - date: 2022-01-12\n", "  - date: 2022-02-24\n", "history[8].date", "after the "
     "scenario's as_of"),
    ("  - date: 2021-12-20\n", "  - date: 2021-12-01\n", "history[4].date", "earlier than"),
    ("    actor: russia\n    move: demand", "    actor: kremlin\n    move: demand",
     "history[3].actor", "not an actor"),
])
def test_bad_history_is_located(tmp_path: Path, old: str, new: str, field: str,
                                says: str) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(ScenarioError) as info:
        load(path)
    problem = next(p for p in info.value.problems if p.path == field)
    assert says in problem.message
    line = path.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert field.rsplit(".", 1)[-1] in line
    res = CliRunner().invoke(app, ["simulate", str(path), "--history", "--runs", "10"])
    assert res.exit_code == 2
    assert f"{path}:{problem.line}: {field}" in res.output


def test_from_before_the_history_is_a_clear_error() -> None:
    res = CliRunner().invoke(app, ["simulate", "--history", "--from", "2020-01-01",
                                   "--runs", "10"])
    assert res.exit_code == 2 and "history starts on" in res.output
    res = CliRunner().invoke(app, ["simulate", "--history", "--from", "soon", "--runs", "10"])
    assert res.exit_code == 2 and "not a date" in res.output
    res = CliRunner().invoke(app, ["simulate", "ec-emissions-1994", "--history"])
    assert res.exit_code == 2
