"""The report's figures as inline SVG: matplotlib's object API with the Agg-free SVG backend
(no display, no pyplot state), text drawn as paths so the file needs no fonts, and a fixed
hash salt and no date so the same results give the same bytes.

Each function takes typed results and returns an ``<svg>`` element as text.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from detente.api import ForecastReport
from detente.crisis.analysis import CrisisResult
from detente.crisis.curve import OfferCurve
from detente.htmlreport.extras import ExtraFigure
from detente.scenario import Scenario
from detente.sensitivity import SensitivityResult
from detente.whatif.result import WhatIfResult

__all__ = ["bargaining_range", "extra", "forecasts", "frontier", "label_levels", "mechanisms",
           "offer_risk", "rounds", "sensitivity_ranking"]

BLUE, RED, GREY, ORANGE, GREEN = "#08519c", "#c0392b", "#8c8c8c", "#e67e22", "#2e7d32"
_RC: dict[Any, Any] = {"svg.hashsalt": "detente-report", "svg.fonttype": "path", "font.size": 9.0,
       "axes.spines.top": False, "axes.spines.right": False}


def _svg(fig: Any) -> str:
    from matplotlib import rc_context

    buf = io.StringIO()
    with rc_context(_RC):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float, height: float, rows: int = 1, cols: int = 1) -> tuple[Any, Any]:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(_RC):
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(rows, cols, squeeze=False)
    return fig, axes


def _short(text: str, n: int = 38) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def forecasts(report: ForecastReport, scenario: Scenario) -> str:
    """Per issue: every actor's starting position (grey, labelled) and each model's forecast."""
    issues = scenario.issues
    fig, axes = _figure(7.5, 1.0 + 1.9 * len(issues), rows=len(issues))
    colours = _palette(len(report.results))
    for row, issue in enumerate(issues):
        ax = axes[row][0]
        at: dict[float, list[str]] = {}
        for a in scenario.actors:
            at.setdefault(round(a.positions[issue.id].point, 6), []).append(_short(a.name, 16))
        ax.scatter(list(at), [0.0] * len(at), s=14, color=GREY, zorder=2)
        for i, x in enumerate(sorted(at)):  # staggered so neighbours' names do not collide
            ax.annotate("\n".join(at[x]), (x, 0.0), xytext=(0, -5 - 24 * (i % 3)),
                        textcoords="offset points", ha="center", va="top", fontsize=6,
                        color="#555555", arrowprops={"arrowstyle": "-", "color": "#cccccc",
                                                     "linewidth": 0.5})
        for m, r in enumerate(report.results):
            ax.scatter([r.forecast(issue.id)], [0.6 + 0.25 * m / max(1, len(report.results))],
                       marker="v", s=46, color=colours[m], zorder=3,
                       label=r.model if row == 0 else None)
        if issue.status_quo is not None:
            ax.axvline(issue.status_quo.point, color=ORANGE, linestyle=":", linewidth=1.0,
                       label="status quo" if row == 0 else None)
        ax.set_xlim(issue.scale.low, issue.scale.high)
        ax.set_ylim(-2.4, 1.1)
        ax.set_yticks([])
        ax.spines[["left"]].set_visible(False)
        ax.set_title(_short(issue.name, 90), loc="left", fontsize=9)
    axes[0][0].legend(ncol=min(7, len(report.results) + 1), fontsize=7.5, frameon=False,
                      loc="lower left", bbox_to_anchor=(0.0, 1.25))
    return _svg(fig)


def rounds(report: ForecastReport, scenario: Scenario, model: str) -> str:
    """Every actor's position at every round of one model, one panel per issue."""
    result = report.result(model)
    names = {a.id: a.name for a in scenario.actors}
    n = len(result.issues)
    cols = 2 if n > 1 else 1
    rows_n = math.ceil(n / cols)
    fig, axes = _figure(7.5, 0.6 + 2.4 * rows_n, rows=rows_n, cols=cols)
    colours = _palette(len(result.actors))
    for k, issue in enumerate(result.issues):
        ax = axes[k // cols][k % cols]
        history = issue.history
        for a, actor in enumerate(result.actors):
            ax.plot(range(len(history)), [row[a] for row in history], color=colours[a],
                    linewidth=1.2, marker="o", markersize=2.5,
                    label=_short(names.get(actor, actor), 22) if k == 0 else None)
        ax.axhline(issue.forecast, color="black", linestyle="--", linewidth=0.8)
        ax.set_title(_short(scenario.issue(issue.id).name, 48), loc="left", fontsize=8.5)
        ax.set_xlabel("round")
        sc = scenario.issue(issue.id).scale
        ax.set_ylim(sc.low, sc.high)
    for k in range(n, rows_n * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.legend(loc="outside lower center", ncol=4, fontsize=7, frameon=False)
    return _svg(fig)


class _Mark(NamedTuple):
    """A reference offer on the offer line, numbered as in the report's table."""

    number: int  # its row in the table of reference offers, from 1
    t: float
    on_line: bool  # False: an offer off the line (the status quo), drawn at its projection
    p_war: float


def _line_marks(crisis: CrisisResult, curve: OfferCurve) -> list[_Mark]:
    """Reference offers as points on the offer line (their ``t``, or their projection)."""
    marks = []
    for number, ref in enumerate(crisis.references, 1):
        t = ref.t if ref.t is not None else curve.t_of(ref.offer)
        if t is not None:
            marks.append(_Mark(number, t, ref.t is not None, ref.p_war))
    return marks


def label_levels(ts: Sequence[float], gap: float = 0.035) -> list[int]:
    """A stacking level for the label at each ``t``: going along the line, each label takes
    the lowest level whose last label is at least ``gap`` away, so crowded offers get their
    numbers stacked instead of printed over each other."""
    levels = [0] * len(ts)
    last: list[float] = []  # the t of the latest label on each level
    for i in sorted(range(len(ts)), key=lambda k: ts[k]):
        free = next((k for k, x in enumerate(last) if ts[i] - x >= gap), len(last))
        if free == len(last):
            last.append(0.0)
        last[free] = ts[i]
        levels[i] = free
    return levels


def _mark_refs(ax: Any, marks: Sequence[_Mark], ys: Sequence[float]) -> None:
    """One numbered marker per reference offer (the number is its row in the table below
    the figures), however many there are: a line each crowded the plot past four or five."""
    on = [(m.t, y) for m, y in zip(marks, ys, strict=True) if m.on_line]
    off = [(m.t, y) for m, y in zip(marks, ys, strict=True) if not m.on_line]
    if on:
        ax.scatter(*zip(*on, strict=True), s=24, color=RED, zorder=4,
                   label="reference offers (numbered as in the table)")
    if off:
        ax.scatter(*zip(*off, strict=True), s=28, facecolors="white", edgecolors=RED,
                   linewidths=1.2, zorder=4, label="an offer off the line, at its projection")
    for m, y, level in zip(marks, ys, label_levels([m.t for m in marks]), strict=True):
        ax.annotate(str(m.number), (m.t, y), xytext=(0, 5 + 9 * level),
                    textcoords="offset points", ha="center", va="bottom", fontsize=7,
                    color=RED, annotation_clip=False,
                    arrowprops=None if level == 0 else {"arrowstyle": "-", "color": RED,
                                                        "linewidth": 0.4, "shrinkA": 0,
                                                        "shrinkB": 3})


def _legend_below(ax: Any) -> None:
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(0.0, -0.2),
              ncol=2)


def _t_limits(marks: Sequence[_Mark]) -> tuple[float, float]:
    ts = [m.t for m in marks]
    return min([0.0, *ts]) - 0.03, max([1.0, *ts]) + 0.03


def bargaining_range(crisis: CrisisResult, curve: OfferCurve) -> str:
    """The offer line from the defending side's terms (0) to the challenger's demand (1): the
    range at the point values, the share of draws whose range holds each offer, the
    defenders' concession limits, and every reference offer."""
    fig, axes = _figure(7.5, 3.3)
    ax = axes[0][0]
    rng = crisis.range
    if rng.exists and rng.lower_t is not None and rng.upper_t is not None:
        ax.axvspan(rng.lower_t, rng.upper_t, color=GREEN, alpha=0.13,
                   label=f"range at point values (t = {rng.lower_t:.2f}–{rng.upper_t:.2f})")
    if rng.feasible_t is not None:
        lo, hi = rng.feasible_t
        ax.plot([lo, hi], [-0.06, -0.06], color=ORANGE, linewidth=4, solid_capstyle="butt",
                label=f"what the defenders will concede (t = {lo:.2f}–{hi:.2f})")
    ax.plot(curve.t, curve.in_range, color=GREEN, linewidth=1.6,
            label="share of draws in which the offer is in the range")
    marks = _line_marks(crisis, curve)
    # on the curve (the share at that t); an offer beyond the line's ends at its nearer end
    _mark_refs(ax, marks, [float(np.interp(m.t, curve.t, curve.in_range)) for m in marks])
    ax.set_xlim(*_t_limits(marks))
    ax.set_ylim(-0.1, 1.05)
    ax.set_xlabel("t: share of the way from the defending side's terms to the challenger's "
                  "demand")
    ax.set_ylabel("share of draws")
    _legend_below(ax)
    return _svg(fig)


def offer_risk(crisis: CrisisResult, curve: OfferCurve) -> str:
    """P(war) against the offer along the line, its Monte Carlo band and the spread across
    what could be learnt about the structure, with the reference offers marked."""
    fig, axes = _figure(7.5, 3.3)
    ax = axes[0][0]
    if curve.structural_low is not None and curve.structural_high is not None:
        ax.fill_between(curve.t, curve.structural_low, curve.structural_high, color=BLUE,
                        alpha=0.12, linewidth=0,
                        label="5–95% across the structure (structural interval)")
    ax.fill_between(curve.t, curve.p_war_low, curve.p_war_high, color=BLUE, alpha=0.35,
                    linewidth=0, label="90% Monte Carlo interval")
    ax.plot(curve.t, curve.p_war, color=BLUE, linewidth=1.6, label="P(war)")
    marks = _line_marks(crisis, curve)
    _mark_refs(ax, marks, [m.p_war for m in marks])  # the analysis' own P(war) at each offer
    ax.set_xlim(*_t_limits(marks))
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("t: share of the way from the defending side's terms to the challenger's "
                  "demand")
    ax.set_ylabel("P(war)")
    _legend_below(ax)
    return _svg(fig)


def mechanisms(crisis: CrisisResult) -> str:
    """Why war happens: each mechanism's P at the offer and at the defenders' optimal offer."""
    at_offer = crisis.mechanisms
    at_best = crisis.optimal.assessment.mechanisms
    labels = [m.mechanism.replace("_", " ") for m in at_offer]
    fig, axes = _figure(7.5, 0.8 + 0.42 * len(labels))
    ax = axes[0][0]
    y = list(range(len(labels)))
    ax.barh([v - 0.2 for v in y], [m.p for m in at_offer], height=0.38, color=BLUE,
            label=f"at the offer (P(war) = {crisis.p_war:.2f})")
    ax.barh([v + 0.2 for v in y], [m.p for m in at_best], height=0.38, color=ORANGE,
            label=f"at the defenders' optimal offer (P(war) = "
                  f"{crisis.optimal.assessment.p_war:.2f})")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("P(war through this mechanism) (the first that applies in a draw)")
    _legend_below(ax)
    return _svg(fig)


def frontier(result: WhatIfResult) -> str:
    """The cheapest bundles of levers for each level of risk: P(war) against cost."""
    fig, axes = _figure(7.5, 3.6)
    ax = axes[0][0]
    if result.cloud:
        cx, cy = zip(*result.cloud, strict=True)
        ax.scatter(cx, cy, s=4, color="#cccccc", linewidths=0, label="bundles evaluated")
    if result.curve:
        fx, fy = zip(*result.curve, strict=True)
        ax.step(fx, fy, where="post", color=BLUE, linewidth=1.4, label="frontier")
    ax.scatter([b.cost for b in result.frontier], [b.p_war for b in result.frontier], s=16,
               color=BLUE, zorder=3)
    ax.axhline(result.target, color=RED, linestyle="--", linewidth=1.0,
               label=f"target P(war) = {result.target:g}")
    ax.scatter([result.current.cost], [result.current.p_war], marker="s", s=36,
               color="#444444", zorder=4, label="today's bundle")
    best = result.best
    ax.scatter([best.cost], [best.p_war], marker="*", s=150, color=RED, zorder=5,
               label="cheapest meeting the target" if result.recommended is not None
               else "lowest P(war) reachable")
    ax.set_xlabel("cost to the defending side (units of its stakes; negative = it gains)")
    ax.set_ylabel("P(war)")
    ax.set_ylim(bottom=0.0)
    _legend_below(ax)
    return _svg(fig)


def sensitivity_ranking(result: SensitivityResult, labels: dict[str, str],
                        top: int = 15) -> str:
    """The inputs that move the answer most, most influential at the top; ``labels`` maps an
    input's field name to the words shown."""
    out = result.output()
    key = result.rank_key
    conf = {"mu_star": "mu_star_conf", "ST": "ST_conf"}.get(key)
    rows = out.indices[:top]
    fig, axes = _figure(7.5, 0.8 + 0.28 * max(1, len(rows)))
    ax = axes[0][0]
    y = list(range(len(rows)))
    ax.barh(y, [r.values[key] for r in rows], height=0.6, color=BLUE,
            xerr=[r.values.get(conf, 0.0) for r in rows] if conf else None,
            error_kw={"elinewidth": 0.8, "ecolor": GREY})
    ax.set_yticks(y, [_short(labels.get(r.input, r.input), 60) for r in rows], fontsize=7)
    ax.invert_yaxis()
    what = ("mean absolute elementary effect μ* (Morris)" if key == "mu_star"
            else "total-order index S_T (Sobol)")
    ax.set_xlabel(f"{what} on {out.name}")
    return _svg(fig)


def extra(fig_spec: ExtraFigure) -> str:
    """A line figure contributed by a further analysis (see :class:`ExtraFigure`)."""
    fig, axes = _figure(7.5, 3.3)
    ax = axes[0][0]
    colours = _palette(len(fig_spec.series))
    for i, s in enumerate(fig_spec.series):
        if "low" in s and "high" in s:
            ax.fill_between(s["x"], s["low"], s["high"], color=colours[i], alpha=0.2,
                            linewidth=0)
        ax.plot(s["x"], s["y"], color=colours[i], linewidth=1.5, marker="o", markersize=2.5,
                label=s.get("label"))
    if fig_spec.diagonal:
        ax.plot([0, 1], [0, 1], color=GREY, linestyle="--", linewidth=0.8,
                label="perfect calibration")
    ax.set_xlabel(fig_spec.x_label)
    ax.set_ylabel(fig_spec.y_label)
    ax.legend(fontsize=7, frameon=False)
    return _svg(fig)


def _palette(n: int) -> list[str]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["tab10" if n <= 10 else "tab20"]
    return [to_hex(cmap(i % cmap.N)) for i in range(max(n, 1))]
