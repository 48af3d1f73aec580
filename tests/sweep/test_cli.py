"""`detente sweep` and `detente runs` as a user meets them: output, exit codes, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from detente.cli.sweep_cmds import runs_app, sweep
from detente.evaluate import EVALUATORS, Evaluator
from detente.sweep import list_runs, open_run

from .conftest import DATA

MINIMAL = str(DATA / "minimal.yaml")
runner = CliRunner()


def _app() -> typer.Typer:
    """The commands registered as detente.cli registers them."""
    app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    app.command()(sweep)
    app.add_typer(runs_app, name="runs")
    return app


def invoke(*args: str) -> tuple[int, str]:
    out = runner.invoke(_app(), list(args))
    assert "Traceback" not in out.output
    return out.exit_code, out.output


def test_sweep_prints_run_id_and_summary(db: Path) -> None:
    code, text = invoke("sweep", MINIMAL, "-n", "2000", "--seed", "3", "-m", "compromise",
                        "-m", "median", "--db", str(db), "--chunk-size", "700", "-q")
    assert code == 0, text
    (info,) = list_runs(db)
    assert f"run {info.run_id}" in text and "complete" in text
    assert "forecast.median.tariff" in text and "50%" in text
    assert info.seed == 3 and info.chunk_size == 700


def test_sweep_json_and_runs_commands(db: Path, tmp_path: Path) -> None:
    code, text = invoke("sweep", MINIMAL, "-n", "500", "--db", str(db), "-f", "json",
                        "--correlate", "actors[0].capability,actors[1].salience.tariff=0.3")
    assert code == 0, text
    data = json.loads(text[text.index("{"): text.rindex("}") + 1])
    run_id = data["run"]["run_id"]
    assert data["run"]["draws_done"] == 500 and data["run"]["correlation"] == [
        ["actors[0].capability", "actors[1].salience.tariff", 0.3]]
    (row,) = data["summary"]
    assert row["name"] == "forecast.compromise.tariff" and row["q05"] <= row["q50"]
    assert data["warnings"] == []

    code, text = invoke("runs", "list", "--db", str(db))
    assert code == 0 and run_id in text and "minimal" in text
    code, text = invoke("runs", "show", run_id[:4], "--db", str(db), "--inputs")
    assert code == 0 and "actors[0].capability" in text and "forecast.compromise" in text
    target = tmp_path / "out.csv"
    code, text = invoke("runs", "export", run_id, "--db", str(db), "-o", str(target))
    assert code == 0 and "500 draws" in text
    assert pd.read_csv(target).shape == (500, 4)


def test_env_var_names_the_database(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_DB", str(db))
    assert invoke("sweep", MINIMAL, "-n", "50", "-q")[0] == 0
    assert len(list_runs(db)) == 1


def test_bad_resume_id_exits_2(db: Path) -> None:
    assert invoke("sweep", MINIMAL, "-n", "50", "--db", str(db), "-q")[0] == 0
    code, text = invoke("sweep", "--resume", "nope", "--db", str(db))
    assert code == 2
    assert "no run 'nope'" in text and "detente runs list" in text
    code, text = invoke("runs", "show", "nope", "--db", str(db))
    assert code == 2 and "no run 'nope'" in text


def test_resume_refuses_to_change_what_defines_a_run(db: Path) -> None:
    assert invoke("sweep", MINIMAL, "-n", "50", "--seed", "1", "--db", str(db), "-q")[0] == 0
    (info,) = list_runs(db)
    code, text = invoke("sweep", "--resume", info.run_id, "--seed", "2", "--db", str(db))
    assert code == 2 and "uses seed 1" in text
    code, text = invoke("sweep", "--resume", info.run_id, "-m", "median", "--db", str(db))
    assert code == 2 and "conflict" in text
    code, text = invoke("sweep", "--resume", info.run_id, "--seed", "1", "-n", "80",
                        "--db", str(db), "-q")
    assert code == 0 and open_run(db, info.run_id).info.draws_done == 80


@pytest.mark.parametrize(("args", "message"), [
    (["--correlate", "actors[0].capability=0.5"], "not of the form NAME_A,NAME_B=RHO"),
    (["--correlate", "actors[0].capability,nope=0.5"], "'nope' is not an uncertain input"),
    (["--evaluate", "nope"], "unknown evaluator 'nope'"),
    (["-m", "nope"], "unknown model 'nope'"),
    (["--eval-set", "colour=red"], "has no setting colour"),
    (["--workers", "2"], "--workers needs --backend processes or dask"),
    (["--backend", "processes", "--dask", "local"], "--dask needs --backend dask"),
    (["--dask", "local:zero"], "expected local or local:N"),
])
def test_user_errors_exit_2(db: Path, args: list[str], message: str) -> None:
    code, text = invoke("sweep", MINIMAL, "-n", "10", "--db", str(db), *args)
    assert code == 2, text
    assert message in " ".join(text.split())
    assert not db.exists()  # nothing was recorded


def test_export_errors_exit_2(db: Path, tmp_path: Path) -> None:
    code, text = invoke("runs", "export", "abc", "--db", str(db), "-o",
                        str(tmp_path / "x.parquet"))
    assert code == 2 and "no run database" in text
    assert invoke("sweep", MINIMAL, "-n", "10", "--db", str(db), "-q")[0] == 0
    (info,) = list_runs(db)
    code, text = invoke("runs", "export", info.run_id, "--db", str(db), "-o",
                        str(tmp_path / "x.txt"))
    assert code == 2 and ".parquet or .csv" in text


def _spread(scale: float = 1.0) -> Evaluator:
    """A toy evaluator: two camps of outcomes from one input, to show that any registered
    evaluator plugs in by name (as `crisis` will)."""
    from detente.sampling import Draws

    def compute(d: Draws) -> dict[str, object]:
        x = d.values[:, 0]
        mid = (x.min() + x.max()) / 2 if d.n else 0
        return {"camp": scale * ((x > 55) * 80.0 + (x <= 55) * 20.0 + (x - mid) * 0.1)}

    return Evaluator("spread", lambda s: ["camp"], compute, {"scale": scale})  # type: ignore[arg-type]


def test_a_registered_evaluator_plugs_in_by_name(db: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(EVALUATORS, "spread", _spread)
    code, text = invoke("sweep", MINIMAL, "-n", "3000", "--evaluate", "spread",
                        "--eval-set", "scale=2", "--db", str(db), "-q")
    assert code == 0, text
    flat = " ".join(text.split())
    assert "camp is bimodal" in flat and "a median between two camps describes neither" in flat
    (info,) = list_runs(db)
    assert info.evaluator == "spread" and info.evaluator_settings == {"scale": 2}
    code, text = invoke("sweep", "--resume", info.run_id, "-n", "4000", "--db", str(db), "-q")
    assert code == 0 and open_run(db, info.run_id).info.draws_done == 4000
