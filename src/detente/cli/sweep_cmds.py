"""`detente sweep` and `detente runs`: Monte Carlo sweeps, stored and summarised.

``sweep`` runs (or resumes) a sweep and prints the run id and a summary of every output;
``runs list|show|export`` reads the run database afterwards. Progress goes to stderr, results
to stdout (or ``--output``), so ``--format json`` output can be piped.
"""

from __future__ import annotations

import enum
import inspect
import json
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from detente.cli.choices import (
    EVALUATOR_NAMES,
    SWEEP_CHUNK,
    SWEEP_DRAWS,
    SWEEP_ENV_DB,
    SWEEP_MAX_SEED,
)
from detente.cli.common import (
    ForceOpt,
    Format,
    FormatOpt,
    OutputOpt,
    ScenarioArg,
    check_output,
    coerce,
    emit,
    err_console,
    fail,
    parse_pairs,
    replacing,
    show_warnings,
    user_errors,
)
from detente.cli.help import SUMMARIES, Command, Group

if TYPE_CHECKING:
    from detente.scenario import Scenario
    from detente.sweep import RunInfo, Summary, SweepResult

EXIT_INTERRUPTED = 130


class BackendName(enum.StrEnum):
    inprocess = "inprocess"
    processes = "processes"
    dask = "dask"


DbOpt = Annotated[Path | None, typer.Option(
    "--db", envvar=SWEEP_ENV_DB, dir_okay=False, show_default=False,
    help=f"Run database (DuckDB file). Default: ${SWEEP_ENV_DB}, else ./detente-runs.duckdb.")]
RunArg = Annotated[str, typer.Argument(
    help="A run id (or a unique prefix of one), as `detente runs list` shows.",
    show_default=False)]


def sweep(
    scenario: ScenarioArg = None,
    draws: Annotated[int | None, typer.Option(
        "--draws", "-n", min=1, show_default=False,
        help=f"Number of Monte Carlo draws. Default: {SWEEP_DRAWS:,} (with --resume: the "
             "run's; a larger number extends it).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, max=SWEEP_MAX_SEED, show_default=False,
        help="Seed of the draws (stored with the run). Default: 0.")] = None,
    chunk_size: Annotated[int | None, typer.Option(
        "--chunk-size", min=1, show_default=False,
        help=f"Draws per chunk: the unit of work and of storage; does not change any "
             f"number. Default: {SWEEP_CHUNK:,}.")] = None,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", help="Negotiation model for the evaluator, repeatable "
                              "(forecast: every one given; default compromise).")] = None,
    evaluate: Annotated[str | None, typer.Option(
        "--evaluate", "-e", show_default=False,
        help=f"What to compute per draw: {', '.join(EVALUATOR_NAMES)}. Default: all (negotiation "
             "forecast and crisis analysis) when the scenario has a crisis section, else "
             "forecast.")] = None,
    eval_set: Annotated[list[str] | None, typer.Option(
        "--eval-set", metavar="KEY=VALUE",
        help="An evaluator setting (its keyword argument; JSON values), repeatable.")] = None,
    backend: Annotated[BackendName | None, typer.Option(
        "--backend", "-b", show_default=False,
        help="Where chunks run: inprocess (default), processes (a local pool) or dask. The "
             "numbers are the same on each.")] = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="local[:W]|tcp://HOST:PORT",
        help="Dask cluster: start a local one with W workers, or connect to a scheduler "
             "(implies --backend dask).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", min=1, show_default=False,
        help="Worker processes (processes, dask local). Default: one per core.")] = None,
    db: DbOpt = None,
    resume: Annotated[str | None, typer.Option(
        "--resume", metavar="RUN",
        help="Continue an interrupted, killed or failed run: computes only the draws not "
             "stored, with the run's scenario, seed, evaluator and correlations.")] = None,
    correlate: Annotated[list[str] | None, typer.Option(
        "--correlate", metavar="NAME_A,NAME_B=RHO",
        help="Rank-correlate two uncertain inputs (names as in `detente runs show`, e.g. "
             "actors[0].capability), repeatable.")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar (the final line is still printed).")] = False,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Run a Monte Carlo sweep: draw every uncertain input, evaluate each draw, store inputs
    and outputs in the run database, and summarise every output (with a warning when the
    draws split into two camps)."""
    from detente.evaluate import default_evaluator
    from detente.scenario import load
    from detente.sweep import DEFAULT_CHUNK, DEFAULT_DRAWS, resolve_db, resume_sweep, run_sweep

    check_output(output, force=force, protect=[scenario, resolve_db(db)])
    with _errors():
        bar = _ProgressBar(enabled=not quiet and err_console.is_terminal)
        if resume is not None:
            _check_resume_options(resume, db, seed=seed, evaluate=evaluate, model=model,
                                  eval_set=eval_set, correlate=correlate)
            with bar:
                result = resume_sweep(resume, db=db, draws=draws, scenario=scenario,
                                      backend=_backend(backend), workers=workers, dask=dask,
                                      chunk_size=chunk_size, progress=bar)
        else:
            s = load(scenario)
            name = evaluate or default_evaluator(s)
            settings = _evaluator_settings(name, model, eval_set)
            pairs = _correlations(correlate)
            _announce_size(s, name, settings, draws or DEFAULT_DRAWS, resolve_db(db))
            with bar:
                result = run_sweep(s, draws=draws or DEFAULT_DRAWS,
                                   seed=0 if seed is None else seed, evaluator=name,
                                   settings=settings, backend=_backend(backend),
                                   workers=workers, dask=dask,
                                   chunk_size=chunk_size or DEFAULT_CHUNK, correlate=pairs,
                                   db=db, progress=bar)
        _final_line(result, bar)
        summary = result.summary()
    _emit_run(result, summary, fmt, output, force=force, protect=[scenario, result.db])


# Measured: 100,000 draws of ukraine-2022 with the default evaluator (131 inputs, 21 outputs,
# the draw number: 153 columns) take 145 MB in DuckDB, about 9.5 bytes per stored number.
_BYTES_PER_VALUE = 9.5
_ANNOUNCE_BYTES = 10e6


def sweep_size(scenario: Scenario, evaluator: str, settings: dict[str, Any], draws: int
               ) -> tuple[float, int]:
    """The estimated bytes a sweep adds to the run database, and the columns per draw."""
    from detente.sampling import uncertain_inputs
    from detente.sweep.runner import make_evaluator

    columns = 1 + len(uncertain_inputs(scenario)) + len(
        make_evaluator(evaluator, settings).outputs(scenario))
    return draws * columns * _BYTES_PER_VALUE, columns


def _announce_size(scenario: Scenario, evaluator: str, settings: dict[str, Any], draws: int,
                   db: Path) -> None:
    """Say before writing how much a large sweep will store (draws are kept, every input
    and every output of every draw)."""
    size, columns = sweep_size(scenario, evaluator, settings, draws)
    if size >= _ANNOUNCE_BYTES:
        err_console.print(f"this sweep stores about {size / 1e6:,.0f} MB in {db} ({draws:,} "
                          f"draws × {columns} numbers); `detente runs` lists and exports "
                          "stored runs", soft_wrap=True)


runs_app = typer.Typer(
    cls=Group, name="runs", help="Stored sweep runs: list them, show one, export its draws.",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]})


@runs_app.command("list", cls=Command, short_help=SUMMARIES["runs list"])
def runs_list(db: DbOpt = None, fmt: FormatOpt = Format.table,
              output: OutputOpt = None, force: ForceOpt = False) -> None:
    """List the runs in the database, newest first."""
    from detente.sweep import list_runs, resolve_db

    check_output(output, force=force, protect=[resolve_db(db)])
    with _errors():
        runs = list_runs(db)

    def table(console: Console) -> None:
        if not runs:
            console.print(f"no runs in {resolve_db(db)}")
            return
        t = Table(title=f"runs in {resolve_db(db)} (times UTC)", title_justify="left")
        for col in ("run", "created", "scenario", "evaluator", "seed", "draws", "status",
                    "seconds"):
            t.add_column(col, justify="right" if col in ("seed", "draws", "seconds")
                         else "left", no_wrap=col in ("run", "status"))
        for r in runs:
            draws = (f"{r.draws:,}" if r.draws_done == r.draws
                     else f"{r.draws_done:,}/{r.draws:,}")
            t.add_row(r.run_id, f"{r.created:%Y-%m-%d %H:%M}", r.scenario_id,
                      _evaluator_label(r), str(r.seed), draws, _status(r), f"{r.seconds:.1f}")
        console.print(t)

    emit(fmt, output, as_json=lambda: json.dumps(
        [r.model_dump(mode="json") for r in runs], indent=2), as_table=table, force=force,
        protect=[resolve_db(db)])


@runs_app.command("show", cls=Command, short_help=SUMMARIES["runs show"])
def runs_show(run: RunArg, db: DbOpt = None, inputs: Annotated[bool, typer.Option(
        "--inputs", help="Also list the run's input columns.")] = False,
        fmt: FormatOpt = Format.table, output: OutputOpt = None,
        force: ForceOpt = False) -> None:
    """Show a run: what was run, its status, and the summary of every stored output."""
    from detente.sweep import open_run, resolve_db

    check_output(output, force=force, protect=[resolve_db(db)])
    with _errors():
        result = open_run(db, run)
        summary = result.summary()
    _emit_run(result, summary, fmt, output, inputs=inputs, force=force,
              protect=[resolve_db(db)])


@runs_app.command("export", cls=Command, short_help=SUMMARIES["runs export"])
def runs_export(run: RunArg, output: Annotated[Path, typer.Option(
        "--output", "-o", dir_okay=False, show_default=False,
        help="The file to write: .parquet or .csv (by its name).")],
        db: DbOpt = None, force: ForceOpt = False) -> None:
    """Export a run's draws (draw index, every input, every output) to Parquet or CSV."""
    from detente.sweep import open_run, resolve_db

    check_output(output, force=force, protect=[resolve_db(db)])
    with _errors():
        result = open_run(db, run)
        with replacing(output, force=force, protect=[resolve_db(db)]) as tmp:
            result.export(tmp)
        path = output
    info = result.info
    err_console.print(f"wrote {path} ({info.draws_done:,} draws, "
                      f"{1 + len(info.inputs) + len(info.outputs)} columns)", soft_wrap=True,
                      markup=False)


# -- helpers ---------------------------------------------------------------------------------


@contextmanager
def _errors() -> Iterator[None]:
    """The shared user-error rule plus the sweep's own: SweepError -> exit 2, Ctrl-C ->
    the run marked interrupted and the command to continue it, warnings -> stderr."""
    from detente.sweep import SweepError, SweepInterrupted, resolve_db

    with user_errors(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except SweepInterrupted as exc:
            show_warnings(caught)
            again = "" if exc.db == resolve_db(None) else f" --db {exc.db}"
            err_console.print(f"interrupted: {exc.done:,} of {exc.total:,} draws of run "
                              f"{exc.run_id} are stored; continue with\n"
                              f"  detente sweep --resume {exc.run_id}{again}", soft_wrap=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except SweepError as exc:
            show_warnings(caught)
            fail(str(exc))
        except Exception as exc:
            show_warnings(caught)
            if type(exc).__module__.lstrip("_").split(".")[0] != "duckdb":  # lazily imported
                raise
            fail(f"the run database failed ({type(exc).__name__}): {exc}. Stored chunks are "
                 "kept; free the disk or fix the permissions and continue with --resume")
        show_warnings(caught)


def _backend(name: BackendName | None) -> str | None:
    return None if name is None else name.value


def _evaluator_settings(name: str, model: list[str] | None, pairs: list[str] | None
                        ) -> dict[str, Any]:
    """Keyword arguments of evaluator ``name`` from --model and --eval-set: ``--model``
    fills ``models`` (a list) or ``model`` (one), whichever the evaluator takes."""
    from detente.evaluate import EVALUATORS

    factory = EVALUATORS.get(name)
    if factory is None:
        fail(f"unknown evaluator {name!r}; evaluators: {', '.join(EVALUATORS)}")
    settings: dict[str, Any] = {k: coerce(v) for k, v in parse_pairs(pairs, "--eval-set").items()}
    if model:
        params = inspect.signature(factory).parameters
        if "models" in params:
            settings["models"] = list(dict.fromkeys(model))
        elif "model" in params:
            if len(model) != 1:
                fail(f"evaluator {name!r} takes one --model, not {len(model)}")
            settings["model"] = model[0]
        else:
            fail(f"evaluator {name!r} takes no --model")
    return settings


def _correlations(items: list[str] | None) -> list[tuple[str, str, float]]:
    """``["a,b=0.5"]`` -> ``[("a", "b", 0.5)]``, with a clear error for a malformed item."""
    out = []
    for item in items or []:
        names, sep, value = item.rpartition("=")
        parts = [p.strip() for p in names.split(",")]
        try:
            rho = float(value)
        except ValueError:
            rho = math.nan
        if not sep or len(parts) != 2 or not all(parts) or not math.isfinite(rho):
            fail(f"--correlate {item!r} is not of the form NAME_A,NAME_B=RHO "
                 "(e.g. actors[0].capability,actors[1].capability=0.5)")
        out.append((parts[0], parts[1], rho))
    return out


def _check_resume_options(run: str, db: Path | None, *, seed: int | None,
                          evaluate: str | None, model: list[str] | None,
                          eval_set: list[str] | None, correlate: list[str] | None) -> None:
    """Options that define a run may be repeated with --resume but not changed."""
    from detente.sweep import open_run
    from detente.sweep.runner import make_evaluator

    info = open_run(db, run).info
    if seed is not None and seed != info.seed:
        fail(f"run {info.run_id} uses seed {info.seed}; --seed {seed} conflicts (omit it "
             "when resuming)")
    if evaluate is not None and evaluate != info.evaluator:
        fail(f"run {info.run_id} evaluates {info.evaluator!r}; --evaluate {evaluate} "
             "conflicts (omit it when resuming)")
    if model or eval_set:
        wanted = make_evaluator(info.evaluator,
                                _evaluator_settings(info.evaluator, model, eval_set))
        stored = json.loads(json.dumps(info.evaluator_settings))
        if json.loads(json.dumps(wanted.settings, sort_keys=True, default=str)) != stored:
            fail(f"run {info.run_id} used evaluator settings {info.evaluator_settings}; "
                 "--model/--eval-set conflict (omit them when resuming)")
    if correlate and [tuple(c) for c in _correlations(correlate)] != info.correlation:
        fail(f"run {info.run_id} used correlations {info.correlation or 'none'}; "
             "--correlate conflicts (omit it when resuming)")


class _Rate(ProgressColumn):
    """Draws per second over rich's recent window."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("" if speed is None else f"{speed:,.0f} draws/s", style="cyan")


class _ProgressBar:
    """The progress callback of a sweep: a rich bar on stderr (draws done, rate, ETA)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.progress = Progress(
            TextColumn("sweep", style="bold", markup=False), BarColumn(), MofNCompleteColumn(),
            _Rate(),
            TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
            console=err_console, disable=not enabled, transient=True)
        self.task: Any = None
        self.first = 0

    def __enter__(self) -> _ProgressBar:
        if self.enabled:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.progress.stop()

    def __call__(self, done: int, total: int) -> None:
        if self.task is None:
            self.first = done
            self.task = self.progress.add_task("sweep", total=total, completed=done)
        else:
            self.progress.update(self.task, completed=done, total=total)


def _final_line(result: SweepResult, bar: _ProgressBar) -> None:
    info = result.info
    if bar.task is None:  # nothing was computed: a resume of a complete run
        err_console.print(f"run {info.run_id} was already {info.status}: "
                          f"{info.draws_done:,} draws in {result.db}",
                          soft_wrap=True)
        return
    new = info.draws_done - bar.first
    rate = f" ({new / info.seconds:,.0f} draws/s)" if info.seconds > 0 and new > 0 else ""
    err_console.print(f"run {info.run_id} {info.status}: {info.draws_done:,} draws, "
                      f"{info.seconds:.1f} s{rate}, stored in {result.db}",
                      markup=False, soft_wrap=True)


def _evaluator_label(info: RunInfo) -> str:
    settings = info.evaluator_settings
    models = settings.get("models") or ([settings["model"]] if "model" in settings else [])
    return f"{info.evaluator} ({', '.join(map(str, models))})" if models else info.evaluator


def _status(info: RunInfo) -> str:
    return info.status if info.status == "complete" else f"{info.status} (resumable)"


def _emit_run(result: SweepResult, summary: Summary, fmt: Format, output: Path | None,
              *, inputs: bool = False, force: bool = False,
              protect: list[str | Path | None] | None = None) -> None:
    info = result.info

    def as_json() -> str:
        return json.dumps({"run": info.model_dump(mode="json"), "db": str(result.db),
                           "summary": summary.to_dicts(), "warnings": summary.warnings()},
                          indent=2, allow_nan=False)

    def as_table(console: Console) -> None:
        head = Text.assemble(
            "run ", (info.run_id, "bold"), f": {info.scenario_id} · {_evaluator_label(info)} "
            f"· seed {info.seed} · {info.draws_done:,}"
            f"{'' if info.draws_done == info.draws else f' of {info.draws:,}'} draws · "
            f"{_status(info)}")
        console.print(head, soft_wrap=True)
        if info.correlation:
            console.print("correlated: " + "; ".join(f"{a} ~ {b} ({rho:+g})"
                                                     for a, b, rho in info.correlation),
                          markup=False, soft_wrap=True)
        if info.error:
            console.print(Text.assemble(("error:", "red"), f" {info.error}"), soft_wrap=True)
        if inputs:
            console.print(f"inputs ({len(info.inputs)}): " + ", ".join(info.inputs),
                          markup=False, soft_wrap=True)
        _summary_table(summary, console)

    emit(fmt, output, as_json=as_json, as_table=as_table, force=force, protect=protect or [])


def _summary_table(summary: Summary, console: Console) -> None:
    t = Table(show_edge=False, pad_edge=False)
    t.add_column("output", overflow="fold")
    for col in ("mean", "5%", "50%", "95%"):
        t.add_column(col, justify="right")
    t.add_column("note")
    for o in summary:
        note = ""
        if o.bimodal is not None:
            a, b = o.bimodal.camps
            note = f"two camps: {a.share:.0%} ≈ {a.mode:.3g}, {b.share:.0%} ≈ {b.mode:.3g}"
        if o.missing:
            note = (note + "; " if note else "") + f"{o.missing:,} draws NaN"
        t.add_row(o.name, *(_fmt(v) for v in (o.mean, o.q05, o.q50, o.q95)),
                  Text(note, style="yellow"))
    console.print(t)
    for message in summary.warnings():
        console.print(Text.assemble(("warning:", "yellow"), f" {message}"), soft_wrap=True)


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return "–"
    return f"{value:,.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.3g}"

