"""`detente forecast`: where talks settle, by one or every negotiation model."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from detente.cli.choices import MODEL_NAMES
from detente.cli.common import (
    ForceOpt,
    Format,
    FormatOpt,
    OutputOpt,
    ScenarioArg,
    SeedOpt,
    check_output,
    coerce,
    emit,
    err_console,
    fail,
    parse_pairs,
    user_errors,
)

if TYPE_CHECKING:
    from detente.api import ForecastReport
    from detente.models import ForecastResult
    from detente.scenario import Scenario


def forecast(
    scenario: ScenarioArg = None,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m",
        help=f"Model to run, repeatable, or 'all'. One of: {', '.join(MODEL_NAMES)}.",
    )] = None,
    reading: Annotated[str | None, typer.Option(
        help="Reading of a model that has several (eum: paper or scholz-code).")] = None,
    settings: Annotated[list[str] | None, typer.Option(
        "--set", help="Model setting name=value, repeatable (see docs/models).")] = None,
    rounds: Annotated[bool, typer.Option(
        "--rounds", help="Show every actor's position at every round.")] = False,
    explain: Annotated[str | None, typer.Option(
        help="Show how ACTOR sees every other actor (models that support it: eum).",
        metavar="ACTOR")] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """Forecast where negotiations settle on every issue (default: the compromise and
    weighted-median baselines)."""
    from detente import api
    from detente.models import registry
    from detente.report import forecast_table, rounds_table
    from detente.scenario import load

    names = model or ["compromise", "median"]
    check_output(output, force=force, protect=[scenario])
    with user_errors():
        s = load(scenario)
        chosen = registry.resolve(names)
        config = {name: _settings_for(name, settings, reading) for name in chosen}
        used = {key for cfg in config.values() for key in cfg}
        unknown = sorted(set(parse_pairs(settings, "setting")) - used)
        if unknown:
            allowed = sorted({f for n in chosen for f in registry.get(n).config.model_fields})
            fail(f"unknown setting {', '.join(unknown)} for model {', '.join(chosen)}; "
                 f"settings: {', '.join(allowed) or 'none'}")
        if explain is not None:
            explain = _check_explain(chosen, s, explain)
        _warn_unused_reading(chosen, reading)
        report = api.forecast(s, names, settings=config, seed=seed)

    def table(console: Console) -> None:
        forecast_table(report, s, console)
        if rounds:
            for r in report.results:
                rounds_table(r, s, console)
        if explain:
            _explain(report, s, explain, console)

    emit(fmt, output, as_json=report.to_json, as_table=table, force=force,
         protect=[scenario])


def _check_explain(chosen: list[str], s: Scenario, actor: str) -> str:
    """The actor id ``--explain`` names, checked before anything runs or prints."""
    if not any(_explainer(name) for name in chosen):
        fail("--explain needs a model that explains dyads (use --model eum)")
    try:
        return s.actor(actor).id
    except KeyError:
        fail(f"--explain: unknown actor {actor!r}; actors: {', '.join(s.actor_ids)}")


def _explainer(model: str) -> Callable[..., Any] | None:
    fn: Callable[..., Any] | None = getattr(import_module(f"detente.models.{model}"),
                                            "explain", None)
    return fn


def _warn_unused_reading(chosen: list[str], reading: str | None) -> None:
    """``--reading`` on models that have no readings is ignored: say so."""
    from detente.models import registry

    if reading is None:
        return
    without = [n for n in chosen if "reading" not in registry.get(n).config.model_fields]
    if without:
        having = [n for n in registry.names() if "reading" in registry.get(n).config.model_fields]
        err_console.print(Text.assemble(
            ("warning:", "yellow"),
            f" --reading {reading} ignored by {', '.join(without)} (models with readings: "
            f"{', '.join(having) or 'none'})"), soft_wrap=True)


def _settings_for(name: str, pairs: list[str] | None, reading: str | None) -> dict[str, object]:
    from detente.models import registry

    info = registry.get(name)
    fields = info.config.model_fields
    out: dict[str, object] = {}
    for key, value in parse_pairs(pairs, "setting").items():
        if key in fields:
            out[key] = coerce(value)
    if reading is not None and "reading" in fields:
        out["reading"] = reading
    return out


def _explain(report: ForecastReport, s: Scenario, actor: str, console: Console) -> None:
    """The view from ACTOR (checked by :func:`_check_explain` before the run): how it reckons
    every dyad (models with an ``explain``)."""
    from detente.report import frame_table

    found = [(r, _explainer(r.model)) for r in report.results]
    explainers: list[tuple[ForecastResult, Callable[..., Any]]] = [
        (r, fn) for r, fn in found if fn is not None]
    for r, fn in explainers:
        for issue in s.issue_ids:
            frame = fn(r, actor, 1, issue=issue)
            where = float(frame["position"].iloc[0]) if len(frame) else float("nan")
            shown = frame.drop(columns=["actor", "position", "octant"]).rename(
                columns=_EXPLAIN_HEADS)
            frame_table(shown, f"{r.model}: the view from {actor} (at {where:g}) on {issue}, "
                        "round 1: EU(i→j) is what it expects from challenging the other, "
                        "EU(j→i) what it expects the other to gain from challenging it",
                        console, digits=2)


_EXPLAIN_HEADS = {"other_position": "at", "p_success": "P(win)", "eu_challenge": "EU(i→j)",
                  "eu_challenged": "EU(j→i)", "octant_label": "octant", "accepted": "taken"}
