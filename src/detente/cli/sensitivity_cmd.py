"""`detente sensitivity`: which uncertain assumptions drive a scenario's answer."""

from __future__ import annotations

import enum
import inspect
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from detente.cli.choices import EVALUATOR_NAMES, MODEL_NAMES, SENSITIVITY_SAMPLES
from detente.cli.common import (
    ForceOpt,
    Format,
    FormatOpt,
    OutputOpt,
    ScenarioArg,
    SeedOpt,
    check_output,
    emit,
    err_console,
    fail,
    replacing,
    user_errors,
)

if TYPE_CHECKING:
    from detente.evaluate import Evaluator
    from detente.sensitivity import OutputIndices, SensitivityResult

DOMINANT = 0.5  # an input with a total index at least this large is flagged in the table


class MethodChoice(enum.StrEnum):
    sobol = "sobol"
    morris = "morris"


def sensitivity(
    scenario: ScenarioArg = None,
    method: Annotated[MethodChoice, typer.Option(
        "--method", help="sobol: variance shares S1/ST (needs more runs); morris: cheap "
                         "screening by elementary effects (mu*, sigma).")] = MethodChoice.sobol,
    samples: Annotated[int | None, typer.Option(
        "--samples", "-n", min=2, show_default=False,
        help=f"Sobol: base samples, a power of two (default {SENSITIVITY_SAMPLES['sobol']}; runs "
             f"N x (inputs + 2)). Morris: trajectories (default {SENSITIVITY_SAMPLES['morris']}; "
             "runs N x (inputs + 1)).")] = None,
    evaluate: Annotated[str | None, typer.Option(
        "--evaluate", "-e", metavar="EVALUATOR", show_default=False,
        help=f"What to compute per run. One of: {', '.join(EVALUATOR_NAMES)}. Default: all "
             "(forecasts and crisis outputs) for a scenario with a crisis section, else "
             "forecast.")] = None,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m",
        help="Negotiation model for the forecast evaluator, repeatable. One of: "
             f"{', '.join(MODEL_NAMES)}. Default: compromise.")] = None,
    output_name: Annotated[list[str] | None, typer.Option(
        "--output-name", metavar="NAME",
        help="Output to analyse, repeatable; glob patterns allowed "
             "(forecast.*.tariff). Default: every output.")] = None,
    input_name: Annotated[list[str] | None, typer.Option(
        "--input", metavar="INPUT",
        help="Vary only this uncertain input (path or label, repeatable); the others stay "
             "at their point values. Default: every uncertain input.")] = None,
    top: Annotated[int, typer.Option(
        "--top", min=0, help="Rows per table (0: every input).")] = 15,
    plot: Annotated[Path | None, typer.Option(
        "--plot", dir_okay=False, metavar="FILE.png|FILE.svg",
        help="Also draw a tornado chart; with several outputs, one file per output "
             "(FILE.<output>.png).")] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """Rank the scenario's uncertain inputs by how much each drives every output (global
    sensitivity analysis with SALib: Sobol indices or Morris screening)."""
    from detente.evaluate import default_evaluator
    from detente.scenario import load
    from detente.sensitivity import SensitivityError, analyse, plot_format

    check_output(output, force=force, protect=[scenario])
    check_output(plot, force=force, protect=[scenario])
    with user_errors():
        try:
            if plot is not None:
                plot_format(plot)
            s = load(scenario)
            evaluator = _evaluator(evaluate or default_evaluator(s), model)
            result = analyse(s, method=method.value, evaluator=evaluator, n=samples, seed=seed,
                             inputs=input_name, outputs=output_name)
        except SensitivityError as exc:
            fail(str(exc))

    def table(console: Console) -> None:
        render(result, console, top=top)

    emit(fmt, output, as_json=result.to_json, as_table=table, force=force,
         protect=[scenario])
    if plot is not None:
        for name, target in plot_targets(plot, result.output_names).items():
            with replacing(target, force=force, protect=[scenario]) as tmp:
                try:
                    result.plot(tmp, name, top=top)
                except SensitivityError as exc:
                    fail(str(exc))
            err_console.print(f"wrote {target}")


def _evaluator(name: str, models: list[str] | None) -> Evaluator:
    from detente.evaluate import EVALUATORS
    from detente.models import registry

    try:
        factory = EVALUATORS[name]
    except KeyError:
        fail(f"unknown evaluator {name!r}; choose from {', '.join(EVALUATORS)}")
    kwargs: dict[str, Any] = {}
    if models:
        if "models" not in inspect.signature(factory).parameters:
            fail(f"--model does not apply to the {name!r} evaluator")
        for m in models:
            registry.get(m)
        kwargs["models"] = list(dict.fromkeys(models))
    return factory(**kwargs)


def plot_targets(plot: Path, outputs: list[str]) -> dict[str, Path]:
    """One plot file per output: ``plot`` itself for one, ``stem.<output>.suffix`` for many."""
    if len(outputs) <= 1:
        return {name: plot for name in outputs}
    return {name: plot.with_name(f"{plot.stem}.{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}"
                                 f"{plot.suffix}")
            for name in outputs}


def render(result: SensitivityResult, console: Console, *, top: int = 15) -> None:
    """One ranked table per output."""
    what = ("Sobol indices (S1 first order, ST total order, ± half-width of the "
            f"{result.conf_level:.0%} bootstrap interval)" if result.method == "sobol" else
            f"Morris screening with {result.levels} levels (mu* mean |effect|, mu signed, "
            "sigma spread)")
    console.print(Text.assemble(
        (result.title, "bold"), f" ({result.scenario}): {what}; {len(result.inputs)} uncertain "
        f"inputs, {result.evaluations} runs of the {result.evaluator} evaluator, seed "
        f"{result.seed}"))
    for o in result.outputs:
        if o.constant:
            console.print(Text.assemble((o.name, "bold"), f": constant at {o.mean:.4g} over "
                                        "every run; no input moves it"), soft_wrap=True)
            continue
        console.print(_table(result, o, top))
        console.print(_summary(result, o), soft_wrap=True)
    for name, shares in result.categories.items():
        parts = ", ".join(f"{k} {v:.1%}" for k, v in sorted(shares.items(), key=lambda kv: -kv[1]))
        console.print(Text.assemble((name, "bold"), " is a category code, so it gets the share "
                                    f"of runs in each category, not indices: {parts}"),
                      soft_wrap=True)
    for name, reason in result.skipped.items():
        console.print(Text.assemble(("skipped", "yellow"), f" {name}: {reason}"),
                      soft_wrap=True)


def _table(result: SensitivityResult, o: OutputIndices, top: int) -> Table:
    from detente.sensitivity import fragile

    t = Table(title=f"{o.name}: mean {o.mean:.4g}, sd {o.std:.4g}", title_justify="left")
    t.add_column("#", justify="right", style="dim")
    t.add_column("input", no_wrap=True)
    rows = o.indices[:top] if top > 0 else o.indices
    dominant = set(fragile(result, o.name, DOMINANT))
    if result.method == "sobol":
        for col in ("S1", "ST", "ST−S1"):
            t.add_column(col, justify="right")
        t.add_column("")
        for k, r in enumerate(rows, 1):
            v = r.values
            t.add_row(str(k), _input_cell(result, r.input, r.input in dominant),
                      f"{v['S1']:.3f} ± {v['S1_conf']:.3f}",
                      f"{v['ST']:.3f} ± {v['ST_conf']:.3f}",
                      f"{max(v['ST'] - v['S1'], 0.0):.3f}", _bar(v["ST"], 1.0))
    else:
        for col in ("mu*", "mu", "sigma"):
            t.add_column(col, justify="right")
        t.add_column("")
        biggest = max((r.values["mu_star"] for r in o.indices), default=0.0)
        for k, r in enumerate(rows, 1):
            v = r.values
            t.add_row(str(k), _input_cell(result, r.input, r.input in dominant),
                      f"{v['mu_star']:.4g} ± {v['mu_star_conf']:.2g}", f"{v['mu']:.4g}",
                      f"{v['sigma']:.4g}", _bar(v["mu_star"], biggest))
    if len(rows) < len(o.indices):
        t.caption = f"{len(o.indices) - len(rows)} more inputs below (--top 0 shows all)"
    return t


def _input_cell(result: SensitivityResult, name: str, dominant: bool) -> Text:
    """The input's field name (``actors[1].positions.nato_enlargement``, the name every
    command and export uses), broken between its parts rather than inside a word."""
    from detente.report import id_lines

    return Text(id_lines(name, 18), style="bold red" if dominant else "")


def _bar(value: float, scale: float, width: int = 10) -> str:
    if scale <= 0.0 or value <= 0.0:
        return ""
    return "█" * max(1, round(width * min(value / scale, 1.0)))


def _summary(result: SensitivityResult, o: OutputIndices) -> Text:
    from detente.sensitivity import fragile

    if o.constant:
        return Text()
    hinges = fragile(result, o.name, DOMINANT)
    notes: list[Text] = []
    if result.method == "sobol":
        s1 = sum(r.values["S1"] for r in o.indices)
        inter = max(0.0, 1.0 - s1)
        notes.append(Text(f"inputs acting alone explain {min(s1, 1.0):.0%} of the variance"
                          + (f"; about {inter:.0%} comes from interactions" if inter >= 0.05
                             else ""), style="dim"))
    if hinges:
        notes.append(Text.assemble(
            (f"hinges on {', '.join(hinges)}", "bold red"),
            f" (total index >= {DOMINANT:g})"))
    return Text("; ", style="dim").join(notes)
