"""`detente crisis`: will diplomacy beat war, for whom, through which mechanism, and at what
offer. The integrated analysis of a scenario's ``crisis:`` section
(:mod:`detente.crisis.analysis`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
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
    emit,
    err_console,
    number_pairs,
    user_errors,
)

if TYPE_CHECKING:
    from detente.crisis.analysis import CrisisResult
    from detente.scenario import Scenario


def crisis(
    scenario: ScenarioArg = None,
    offer: Annotated[list[str] | None, typer.Option(
        "--offer", help="The offer on an issue, issue=value in the issue's units, repeatable "
                        "(default: the offer on the table).",
        metavar="ISSUE=VALUE")] = None,
    offer_id: Annotated[str | None, typer.Option(
        "--offer-id", help="Which of the scenario's offers made is on the table (default: the "
                           "latest dated).", metavar="ID")] = None,
    lever: Annotated[list[str] | None, typer.Option(
        "--lever", help="A lever's setting, lever=value in its units, repeatable (default: "
                        "the scenario's setting; see `detente show --evidence`).",
        metavar="LEVER=VALUE")] = None,
    model: Annotated[str, typer.Option(
        "--model", "-m", help="Negotiation model whose forecast is the offer when the scenario "
                              "lists no offers made (every model's forecast is shown as a "
                              f"counterfactual either way). One of: "
                              f"{', '.join(MODEL_NAMES)}.")] = "compromise",
    draws: Annotated[int, typer.Option(
        "--draws", "-n", help="Monte Carlo draws of the uncertain inputs, up to 10,000,000 "
                              "(evaluated in batches of 50,000 draws: memory grows by "
                              "about 32 bytes a draw).", min=100,
        max=10_000_000)] = 10_000,
    calibrated: Annotated[bool, typer.Option(
        "--calibrated", help="Also give P(war) through the calibration map fitted on ICB "
                             "crises before 1980 (docs/backtest.md).")] = False,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """Will diplomacy beat war? P(war) at the offer on the table and at every reference point
    (status quo, each party's terms, the defenders' best offer, each negotiation model's
    forecast as a counterfactual), who prefers war and why, and the bargaining range."""
    from detente import api
    from detente.models import registry
    from detente.scenario import load

    check_output(output, force=force, protect=[scenario])
    with user_errors():
        s = load(scenario)
        registry.get(model)
        offers = number_pairs(offer, "--offer")
        levers = number_pairs(lever, "--lever")
        _warn_snapped_status_quo(s)
        result = api.crisis_analysis(s, offer=offers, levers=levers, model=model, draws=draws,
                                     seed=seed, offer_id=offer_id)

    extra = _calibrated(result) if calibrated else None

    def table(console: Console) -> None:
        crisis_tables(result, s, console)
        if extra is not None:
            lo, hi = extra["p_war_interval"]
            console.print(f"Calibrated on ICB crises 1918-1979: P(war) {extra['p_war']:.2f} "
                          f"(interval {lo:.2f}-{hi:.2f}); see docs/backtest.md for what the "
                          "map assumes.", soft_wrap=True)

    def as_json() -> str:
        if extra is None:
            return result.to_json()
        return json.dumps({**json.loads(result.to_json()), "calibrated": extra}, indent=2)

    emit(fmt, output, as_json=as_json, as_table=table, force=force, protect=[scenario])


def _calibrated(result: CrisisResult) -> dict[str, Any]:
    from detente.backtest.fitted import calibrated_report

    return calibrated_report(result.p_war, result.p_war_interval)


def _warn_snapped_status_quo(s: Scenario) -> None:
    """An indivisible issue's status quo off its packages is analysed at the nearest one:
    say so rather than change it silently."""
    if s.crisis is None:
        return
    for issue in s.issues:
        if issue.divisible or issue.status_quo is None:
            continue
        ladder = s.crisis.steps.get(issue.id, [issue.scale.low, issue.scale.high])
        sq = issue.status_quo.point
        nearest = min(ladder, key=lambda v: (abs(v - sq), v))
        if abs(nearest - sq) > 1e-9:
            err_console.print(Text.assemble(
                ("warning:", "yellow"),
                f" the status quo {sq:g} on {issue.id} is not one of its packages "
                f"({', '.join(f'{v:g}' for v in ladder)}); it is analysed as {nearest:g}"),
                soft_wrap=True)


def _p(x: float) -> str:
    return f"{x:.2f}"


def _pct(x: float) -> str:
    return f"{x:.0%}"


_SHORT = {"commitment": "commitment problem", "indivisibility": "indivisibility",
          "outside_own_limits": "offer beyond the offerers' own limits",
          "no_range": "no range on the offer line",
          "beyond_limits": "range beyond concession limits",
          "doubted_resolve": "doubted resolve (challenge resisted)",
          "private_information": "private information (offer misses range)"}


def _short_label(label: str) -> str:
    if label.startswith("offer made: "):
        return label.split(" (")[0]
    if label.startswith("if talks settled where "):
        return "counterfactual: " + label.removeprefix("if talks settled where ").removesuffix(
            " says (counterfactual)")
    if label.startswith("defending side's own terms"):
        return "defenders' own terms"
    if label.startswith("most the defenders would concede"):
        return "defenders' limit"
    if label.startswith("least concession"):
        return "least offer, lowest risk"
    return {"the defenders' optimal offer": "optimal offer"}.get(label, label)


def _capitulation(r: CrisisResult, challenger: str, console: Console) -> None:
    """P(capitulation) beside P(war) where the scenario gives the defenders' resolve."""
    at = [f"{_short_label(ref.label)} {ref.p_capitulation:.2f}" for ref in r.references
          if ref.p_capitulation is not None and ref.kind in ("status quo", "offer made",
                                                             "optimum")]
    console.print(f"P(capitulation), {challenger} using force and the defenders giving way "
                  f"without a fight: {'; '.join(at)}.", style="dim")


def crisis_tables(r: CrisisResult, s: Scenario, console: Console) -> None:
    """The answer first, then the tables it rests on."""
    from detente.report import header, id_lines, word_width
    from detente.scenario.wording import in_sentence, possessive

    names = {a.id: a.name for a in s.actors}
    challenger = names[r.challenger]
    console.print(Text.assemble((r.title, "bold"),
                                f" ({r.scenario}): {r.draws:,} draws, seed {r.seed}"))
    console.print(r.headline)
    console.print()

    t = Table(title="The offer by issue (issue units)", title_justify="left")
    t.add_column("issue", no_wrap=True)
    for col in ("status quo", "defenders' terms", "offer", "applied", "optimal",
                f"{possessive(challenger)} demand"):
        header(t, col, justify="right")
    for o in r.offer:
        t.add_row(id_lines(o.issue + ("" if o.divisible else "*"), 13),
                  "" if o.status_quo is None else f"{o.status_quo:g}",
                  f"{o.defenders_ideal:.1f}", f"{o.proposed:.1f}", f"{o.applied:.1f}",
                  f"{o.optimal:.1f}", f"{o.challenger_demand:.1f}")
    console.print(t)
    sources = sorted({o.source for o in r.offer})
    console.print(f"* indivisible: applied as the nearest package. Offer from: "
                  f"{', '.join(sources)}.", style="dim")

    demand = f"{possessive(in_sentence(challenger))} demand"
    t = Table(title=f"P(war) at every reference point, same draws and levers (t = share of the "
                    f"way from the defenders' terms to {demand})",
              title_justify="left", pad_edge=False, collapse_padding=True)  # fits 80
    labels = [_short_label(ref.label) for ref in r.references]
    t.add_column("reference point", max_width=36, overflow="fold",
                 min_width=max(word_width(x) for x in ["counterfactual:", *labels]))
    for col in ("t", "P(war)", "commitment", f"{challenger} wants war", "defenders want war",
                "E[V] defenders"):
        header(t, col, justify="right")
    for ref, label in zip(r.references, labels, strict=True):
        t.add_row(label, "" if ref.t is None else f"{ref.t:.2f}",
                  _p(ref.p_war), _p(ref.p_commitment), _pct(ref.share_challenger_prefers_war),
                  _pct(ref.share_defending_side_prefers_war),
                  f"{ref.expected_value_defenders:.3f}",
                  style="bold" if ref.kind == "offer made" else
                  "dim" if ref.kind == "counterfactual" else None)
    console.print(t)
    console.print("counterfactual: where a negotiation model says talks would settle, read as "
                  "if it had been offered; no one made these offers. Bold: offers made.",
                  style="dim")
    if r.p_capitulation is not None:
        _capitulation(r, challenger, console)

    t = Table(title="Who prefers war to the offer (margin = value of war minus value of the "
                    "offer, in units of the party's stakes)", title_justify="left")
    t.add_column("party", no_wrap=True)
    for col in ("share of draws", "mean margin", "mean margin if war", "counts"):
        header(t, col, justify="right")
    for p in r.parties:
        label = "defending side" if p.role == "defending side" else p.name
        t.add_row(label, _pct(p.share_prefers_war), f"{p.mean_margin:+.3f}",
                  "" if p.mean_margin_when_war is None else f"{p.mean_margin_when_war:+.3f}",
                  "yes" if p.decides else "no")
    console.print(t)
    side = next((p for p in r.parties if p.role == "defending side"), None)
    if side is not None:
        rule = side.name.removeprefix("Defending side (").removesuffix(")")
        console.print(f"defending side: {rule} aggregate of the defenders' values; each "
                      "defender is shown to reveal a deal over a member's head.", style="dim")

    t = Table(title="Why war happens: share of war draws (and P) by mechanism",
              title_justify="left")
    t.add_column("mechanism", no_wrap=True)
    t.add_column("at the offer", justify="right")
    t.add_column("at the optimal offer", justify="right")
    for m, mo in zip(r.mechanisms, r.optimal.assessment.mechanisms, strict=True):
        t.add_row(_SHORT.get(m.mechanism, m.mechanism), f"{_pct(m.share_of_war)} ({_p(m.p)})",
                  f"{_pct(mo.share_of_war)} ({_p(mo.p)})")
    console.print(t)
    opt = r.optimal
    console.print(
        f"Optimal offer: t = {opt.t:.2f}, P(war) = {opt.assessment.p_war:.2f} (90% interval "
        f"{opt.assessment.p_war_interval[0]:.2f}–{opt.assessment.p_war_interval[1]:.2f}); "
        f"with every issue divisible: t = {opt.t_if_divisible:.2f}, P(war) = "
        f"{opt.p_war_if_divisible:.2f}.")

    rng = r.range
    if rng.exists and rng.lower_offer is not None and rng.upper_offer is not None:
        ends = ", ".join(f"{k} {rng.lower_offer[k]:.0f}–{rng.upper_offer[k]:.0f}"
                         for k in rng.lower_offer)
        console.print(f"Bargaining range at the point values: t = {rng.lower_t:.2f}–"
                      f"{rng.upper_t:.2f} ({ends}).")
    else:
        console.print("Bargaining range at the point values: none on the offer line.")
    line = f"A range exists in {rng.share_of_draws:.0%} of draws"
    if rng.median_lower_t is not None and rng.median_upper_t is not None:
        line += f" (median t = {rng.median_lower_t:.2f}–{rng.median_upper_t:.2f})"
    if rng.feasible_t is not None:
        line += (f"; the defenders' concession limits allow t = {rng.feasible_t[0]:.2f}–"
                 f"{rng.feasible_t[1]:.2f}")
    console.print(line + ".")
    console.print()

    t = Table(title="Levers applied (cost: expected, in units of the defending side's stakes)",
              title_justify="left")
    # ids are never cut: one to a line, in columns that do not wrap (the range column gives)
    t.add_column("lever", no_wrap=True)
    t.add_column("setting", justify="right")
    t.add_column("range")
    t.add_column("from", no_wrap=True)
    t.add_column("cost", justify="right")
    t.add_column("paid by", no_wrap=True)
    for lv in r.levers:
        span = (" ".join(f"{v:g}" for v in lv.steps) if lv.steps is not None
                else f"{lv.low:g}..{lv.high:g}")
        t.add_row(lv.id, f"{lv.setting:.3g}", span, _source_cell(lv.source),
                  "" if lv.kind == "concession" else f"{lv.expected_cost:.3f}",
                  "\n".join(lv.paid_by))
    console.print(t)
    console.print(f"Cost of the bundle to the defending side: {r.lever_cost:.3f} = levers "
                  f"{r.lever_cost - r.concession_cost:.3f} + value conceded by the offer versus "
                  f"the status quo {r.concession_cost:+.3f}.")
    for note in r.notes:
        console.print(f"note: {note}", style="dim")


def _source_cell(source: str) -> str:
    """What set a lever, in a word for the lever table: the offer's or model's id is left out
    (the line under the offer table names it in full), so no id is cut at 80 columns."""
    if source.endswith("default"):  # "scenario default", "lever concede_nato default"
        return "scenario"
    if source.startswith("not pulled"):  # "not pulled (bottom of range)"
        return "unpulled"
    if source.startswith("lever "):  # a concession set by --lever
        return "set"
    return source.split(" ")[0]  # "offer us-geneva-2022-01", "model compromise", "set"
