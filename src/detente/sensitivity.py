"""Global sensitivity analysis: which uncertain assumptions of a scenario drive an answer.

Every uncertain number of a scenario (see :mod:`detente.sampling`) becomes one factor of a
SALib problem on the unit hypercube, ``[0, 1]`` per factor. SALib designs the sample there
(Saltelli's scheme on a scrambled Sobol' sequence for ``method="sobol"``, Morris trajectories
on a ``levels``-point grid for ``method="morris"``); each column is then mapped through its
input's inverse CDF (:meth:`~detente.scenario.values.Quantity.ppf`), so a triangular or beta
judgment is respected rather than flattened to a uniform range. The mapped rows are run
through an :class:`~detente.evaluate.Evaluator` in batches, and every output column is
analysed on its own.

>>> from detente.sensitivity import analyse, fragile
>>> result = analyse("tests/data/minimal.yaml", method="sobol", n=256, seed=1)
>>> top = result.ranked("forecast.compromise.tariff")[0]
>>> result.label(top.input), round(top["ST"], 2)
('south.salience.tariff', 0.73)
>>> fragile(result, "forecast.compromise.tariff")
['actors[1].salience.tariff']

Indices reported:

Sobol (variance based; Saltelli et al. 2010 estimators, as implemented by SALib)
    ``S1``  first-order index: the share of the output's variance that the input explains
    on its own. ``ST`` total-order index: the share that would vanish if the input were known
    exactly, interactions included. ``S1_conf`` and ``ST_conf`` are bootstrap half-widths at
    ``conf_level``.
Morris (elementary effects; Morris 1991, Campolongo et al. 2007)
    ``mu_star`` the mean absolute change of the output when the input moves by one grid step
    (expressed per unit of its quantile range, so inputs of different units compare),
    ``mu_star_conf`` its bootstrap half-width, ``mu`` the signed mean (direction), and
    ``sigma`` the spread of the effects (non-linearity or interaction).

An output that does not vary over the sample is flagged ``constant`` and every index of it
is zero: no input moves it. An output with non-finite values is listed in ``skipped``.
Inputs are sampled independently; see ``docs/sensitivity.md`` for what that means.
"""

from __future__ import annotations

import fnmatch
import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from detente import figures
from detente.evaluate import EVALUATORS, Evaluator, category_shares, default_evaluator
from detente.models.base import FloatArray
from detente.provenance import versions
from detente.sampling import Input, from_matrix, uncertain_inputs
from detente.scenario import Scenario, load

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_SAMPLES",
    "INDEX_KEYS",
    "RANK_KEY",
    "InputIndex",
    "InputInfo",
    "Method",
    "OutputIndices",
    "SensitivityError",
    "SensitivityResult",
    "analyse",
    "fragile",
]

Method = Literal["sobol", "morris"]
METHODS: tuple[Method, ...] = ("sobol", "morris")

DEFAULT_SAMPLES: dict[str, int] = {"sobol": 1024, "morris": 100}
"""Sobol: base samples N (evaluations N * (inputs + 2)). Morris: trajectories r
(evaluations r * (inputs + 1))."""

INDEX_KEYS: dict[str, tuple[str, ...]] = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu_star", "mu_star_conf", "mu", "sigma"),
}
RANK_KEY: dict[str, str] = {"sobol": "ST", "morris": "mu_star"}
_CONF_OF: dict[str, str] = {"S1": "S1_conf", "ST": "ST_conf", "mu_star": "mu_star_conf"}
_CONSTANT_RTOL = 1e-12  # an output whose range is below this (relative) does not vary


class SensitivityError(ValueError):
    """A sensitivity analysis cannot be run as asked (a user error, not a bug)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InputInfo(_Frozen):
    """One analysed input: its field path, a readable label and its distribution."""

    name: str
    label: str
    distribution: str


class InputIndex(_Frozen):
    """The indices of one input for one output (keys: :data:`INDEX_KEYS` of the method)."""

    input: str
    values: dict[str, float]

    def __getitem__(self, key: str) -> float:
        return self.values[key]


class OutputIndices(_Frozen):
    """Every input's indices for one output, ranked (largest ``ST`` or ``mu_star`` first)."""

    name: str
    mean: float
    std: float
    constant: bool
    indices: list[InputIndex]

    def index(self, input_name: str) -> InputIndex:
        for row in self.indices:
            if row.input == input_name:
                return row
        raise KeyError(f"no input {input_name!r} in output {self.name!r}")


class SensitivityResult(BaseModel):
    """A global sensitivity analysis of one scenario under one evaluator.

    JSON shape::

        {"scenario": ID, "title": TEXT, "method": "sobol"|"morris", "evaluator": NAME,
         "evaluator_settings": {...}, "seed": INT, "n": INT, "evaluations": INT,
         "levels": INT|null, "conf_level": 0.95, "resamples": INT,
         "inputs": [{"name": PATH, "label": TEXT, "distribution": TEXT}, ...],
         "outputs": [{"name": OUTPUT, "mean": X, "std": X, "constant": BOOL,
                      "indices": [{"input": PATH, "values": {"S1": X, ...}}, ...]}, ...],
         "skipped": {OUTPUT: REASON}, "categories": {OUTPUT: {CATEGORY: SHARE}},
         "versions": {...}}

    ``indices`` are ranked, the input that matters most first. ``categories`` holds the
    nominal outputs (category codes such as the crisis ``mechanism``): the share of runs in
    each category, not indices, since a code's variance means nothing.
    """

    model_config = ConfigDict(frozen=True)

    scenario: str
    title: str
    method: Method
    evaluator: str
    evaluator_settings: dict[str, Any] = {}
    seed: int
    n: int
    evaluations: int
    levels: int | None = None
    conf_level: float
    resamples: int
    inputs: list[InputInfo]
    outputs: list[OutputIndices]
    skipped: dict[str, str] = {}
    categories: dict[str, dict[str, float]] = {}
    versions: dict[str, str] = {}

    # -- lookup ----------------------------------------------------------------------------

    @property
    def output_names(self) -> list[str]:
        return [o.name for o in self.outputs]

    @property
    def rank_key(self) -> str:
        """The index inputs are ranked by: ``ST`` (Sobol) or ``mu_star`` (Morris)."""
        return RANK_KEY[self.method]

    def output(self, name: str | None = None) -> OutputIndices:
        """One output's indices; ``None`` means the only (or first) analysed output."""
        if name is None:
            if not self.outputs:
                raise KeyError("no output was analysed" + _skipped_note(self.skipped))
            return self.outputs[0]
        for o in self.outputs:
            if o.name == name:
                return o
        if name in self.skipped:
            raise KeyError(f"output {name!r} was skipped: {self.skipped[name]}")
        raise KeyError(f"no output {name!r}; outputs: {', '.join(self.output_names)}")

    def ranked(self, output: str | None = None) -> list[InputIndex]:
        """Inputs from most to least influential on ``output``."""
        return list(self.output(output).indices)

    def label(self, input_name: str) -> str:
        for i in self.inputs:
            if i.name == input_name:
                return i.label
        return input_name

    # -- export ----------------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """Long form: one row per (output, input, index) with columns ``output, input,
        index, value, conf`` (``conf`` is NaN for indices without an interval)."""
        import pandas as pd

        keys = INDEX_KEYS[self.method]
        headline = [k for k in keys if not k.endswith("_conf")]
        rows = []
        for o in self.outputs:
            for row in o.indices:
                for k in headline:
                    conf = row.values.get(_CONF_OF[k], math.nan) if k in _CONF_OF else math.nan
                    rows.append((o.name, row.input, k, row.values[k], conf))
        return pd.DataFrame(rows, columns=["output", "input", "index", "value", "conf"])

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> SensitivityResult:
        return cls.model_validate_json(text)

    # -- picture ---------------------------------------------------------------------------

    def plot(self, path: str | Path, output: str | None = None, *, top: int = 15) -> Path:
        """A tornado chart of the ``top`` inputs for one output, with confidence bars.

        Written as PNG or SVG according to the suffix of ``path``. Uses matplotlib's
        object API with the Agg renderer, so no display and no pyplot state are involved.
        """
        target = Path(path)
        fmt = plot_format(target)
        o = self.output(output)
        fig = _tornado(self, o, top)
        try:
            fig.savefig(target, format=fmt, dpi=150, bbox_inches="tight",
                        metadata=_plot_metadata(fmt))
        except OSError as exc:
            raise SensitivityError(f"cannot write {target}: {exc.strerror}") from None
        return target


# -- analysis --------------------------------------------------------------------------------


def analyse(scenario: Scenario | str | Path | None = None, *,
            method: Method = "sobol",
            evaluator: Evaluator | str | None = None,
            n: int | None = None,
            seed: int = 0,
            inputs: Sequence[str] | None = None,
            outputs: Sequence[str] | None = None,
            levels: int = 4,
            resamples: int = 100,
            conf_level: float = 0.95,
            batch_size: int = 8192) -> SensitivityResult:
    """Global sensitivity of every evaluator output to the scenario's uncertain inputs.

    ``n``: Sobol base samples (a power of two; default 1024) or Morris trajectories (default
    100). ``inputs``: names (``actors[0].capability``) or labels (``north.capability``) of the
    uncertain inputs to vary; the others stay at their point values. ``outputs``: output
    names or glob patterns (``forecast.*.tariff``); default every output of the evaluator.
    ``seed`` fixes the design and the bootstrap: the same seed gives the same result.
    ``evaluator`` is an :class:`~detente.evaluate.Evaluator` or the name of a registered one
    (built with its defaults); by default ``all`` (forecasts and crisis outputs) for a
    scenario with a crisis section, else ``forecast``, as for sweeps. Nominal outputs get the
    share of runs per category (``categories``), not indices.
    """
    if method not in METHODS:
        raise SensitivityError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    s = scenario if isinstance(scenario, Scenario) else load(scenario)
    ev = _evaluator(default_evaluator(s) if evaluator is None else evaluator)
    chosen = _choose_inputs(s, inputs)
    wanted = _choose_outputs(ev.outputs(s), outputs, ev.name)
    n = DEFAULT_SAMPLES[method] if n is None else n
    _check_design(method, n, levels, resamples, conf_level)

    names = [i.name for i in chosen]
    problem: dict[str, Any] = {"num_vars": len(chosen), "names": names,
                               "bounds": [[0.0, 1.0]] * len(chosen)}
    sample_seed, analysis_seed = _seeds(seed)
    u = _design(method, problem, n, levels, sample_seed)
    x = np.empty_like(u)
    for j, inp in enumerate(chosen):
        x[:, j] = inp.quantity.ppf(np.clip(u[:, j], 0.0, 1.0))
    y = _evaluate(s, chosen, x, ev, wanted, batch_size)

    analysed: list[OutputIndices] = []
    skipped: dict[str, str] = {}
    nominal = ev.nominal(s)
    categories = {name: category_shares(y[name], nominal[name])
                  for name in wanted if name in nominal}
    for name in (w for w in wanted if w not in nominal):
        col = y[name]
        bad = int(np.count_nonzero(~np.isfinite(col)))
        if bad:
            skipped[name] = (f"{bad} of {col.size} evaluations are not finite numbers; "
                             "indices would be meaningless")
            continue
        analysed.append(_analyse_output(method, problem, u, col, name, levels, resamples,
                                        conf_level, analysis_seed))

    return SensitivityResult(
        scenario=s.id, title=s.title, method=method, evaluator=ev.name,
        evaluator_settings=_jsonable(ev.settings), seed=seed, n=n, evaluations=int(u.shape[0]),
        levels=levels if method == "morris" else None, conf_level=conf_level,
        resamples=resamples,
        inputs=[InputInfo(name=i.name, label=_label(s, i), distribution=i.quantity.describe())
                for i in chosen],
        outputs=analysed, skipped=skipped, categories=categories,
        versions=versions("SALib", "matplotlib"))


def fragile(result: SensitivityResult, output: str | None = None,
            threshold: float = 0.5) -> list[str]:
    """The inputs on which ``output`` hinges: those whose total index is at least
    ``threshold``, most dominant first.

    For Sobol the total index is ``ST`` (the share of the output's variance that goes if the
    input is pinned down). Morris has no variance shares, so ``mu_star`` is normalised by the
    sum over inputs first. A constant output hinges on nothing. Point estimates are used; a
    caller that wants margin can lower ``threshold`` by the reported ``*_conf``.
    """
    if not 0.0 < threshold <= 1.0:
        raise SensitivityError(f"threshold must be in (0, 1], got {threshold:g}")
    o = result.output(output)
    if o.constant:
        return []
    key = result.rank_key
    scores = [(row.input, row.values[key]) for row in o.indices]
    if result.method == "morris":
        total = sum(v for _, v in scores)
        if total <= 0.0:
            return []
        scores = [(name, v / total) for name, v in scores]
    return [name for name, v in sorted(scores, key=lambda t: -t[1]) if v >= threshold]


def plot_format(path: Path) -> str:
    """``png`` or ``svg`` from a plot file's suffix; a clear error otherwise."""
    return figures.plot_format(path, SensitivityError)


# -- pieces of analyse -----------------------------------------------------------------------


def _evaluator(evaluator: Evaluator | str) -> Evaluator:
    if isinstance(evaluator, Evaluator):
        return evaluator
    try:
        factory = EVALUATORS[evaluator]
    except KeyError:
        raise SensitivityError(f"unknown evaluator {evaluator!r}; choose from "
                               f"{', '.join(EVALUATORS)}") from None
    return factory()


def _label(s: Scenario, inp: Input) -> str:
    """A readable name of an input: ``north.capability``, ``south.position.tariff``."""
    p = inp.path
    try:
        if p[0] == "actors" and isinstance(p[1], int):
            actor = s.actors[p[1]].id
            if p[2] == "capability":
                return f"{actor}.capability"
            if p[2] in ("positions", "salience") and len(p) == 4:
                what = "position" if p[2] == "positions" else "salience"
                return f"{actor}.{what}.{p[3]}"
        if p[0] == "issues" and isinstance(p[1], int) and p[2:] == ("status_quo",):
            return f"{s.issues[p[1]].id}.status_quo"
    except (IndexError, AttributeError):
        pass
    return inp.name


def _choose_inputs(s: Scenario, names: Sequence[str] | None) -> list[Input]:
    every = uncertain_inputs(s)
    if not every:
        raise SensitivityError(
            f"scenario {s.id!r} has no uncertain inputs, so there is nothing to analyse; "
            "give some numbers a distribution (uniform, triangular, truncnormal, beta or "
            "choice) in the scenario file")
    if names is None:
        return every
    by_key: dict[str, Input] = {}
    for inp in every:
        by_key[inp.name] = inp
        by_key.setdefault(_label(s, inp), inp)
    chosen: list[Input] = []
    for name in names:
        if name not in by_key:
            raise SensitivityError(
                f"{name!r} is not an uncertain input of {s.id!r}; inputs: "
                + ", ".join(f"{i.name} ({_label(s, i)})" for i in every))
        if by_key[name] not in chosen:
            chosen.append(by_key[name])
    if not chosen:
        raise SensitivityError("no inputs chosen")
    return [i for i in every if i in chosen]  # keep file order


def _choose_outputs(available: list[str], wanted: Sequence[str] | None,
                    evaluator: str) -> list[str]:
    if not available:
        raise SensitivityError(f"evaluator {evaluator!r} has no outputs for this scenario")
    if wanted is None:
        return list(available)
    chosen: list[str] = []
    for pattern in wanted:
        hits = [a for a in available if fnmatch.fnmatchcase(a, pattern)]
        if not hits:
            raise SensitivityError(f"no output of evaluator {evaluator!r} matches "
                                   f"{pattern!r}; outputs: {', '.join(available)}")
        chosen += [h for h in hits if h not in chosen]
    return chosen


def _check_design(method: Method, n: int, levels: int, resamples: int,
                  conf_level: float) -> None:
    if method == "sobol":
        if n < 2 or n & (n - 1):
            nearest = 1 << max(1, round(math.log2(max(n, 2))))
            raise SensitivityError(
                f"Sobol samples must be a power of two (the Sobol' sequence is balanced only "
                f"then); got {n}, try {nearest}")
    elif n < 2:
        raise SensitivityError(f"Morris needs at least 2 trajectories, got {n}")
    if method == "morris" and (levels < 2 or levels % 2):
        raise SensitivityError(f"Morris levels must be an even number >= 2, got {levels}")
    if resamples < 2:
        raise SensitivityError(f"resamples must be at least 2, got {resamples}")
    if not 0.0 < conf_level < 1.0:
        raise SensitivityError(f"conf_level must lie strictly between 0 and 1, got "
                               f"{conf_level:g}")


def _seeds(seed: int) -> tuple[int, int]:
    """Two independent seeds (design, bootstrap) from the one user seed.

    Both are non-zero: SALib's Sobol analysis treats a falsy seed as "unseeded".
    """
    state = np.random.SeedSequence(seed).generate_state(2, dtype=np.uint32)
    return int(state[0]) or 1, int(state[1]) or 1


def _design(method: Method, problem: dict[str, Any], n: int, levels: int,
            seed: int) -> FloatArray:
    if method == "sobol":
        from SALib.sample import sobol as sobol_sample

        u = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    else:
        from SALib.sample import morris as morris_sample

        u = morris_sample.sample(problem, n, num_levels=levels, seed=seed)
    return np.asarray(u, dtype=float)


def _evaluate(s: Scenario, chosen: Sequence[Input], x: FloatArray, ev: Evaluator,
              wanted: Sequence[str], batch_size: int) -> dict[str, FloatArray]:
    """Run the evaluator over the rows of ``x`` in batches; the wanted output columns."""
    step = max(1, batch_size)
    parts: dict[str, list[FloatArray]] = {name: [] for name in wanted}
    for start in range(0, x.shape[0], step):
        out = ev(from_matrix(s, chosen, x[start:start + step]))
        missing = [name for name in wanted if name not in out]
        if missing:
            raise SensitivityError(f"evaluator {ev.name!r} did not compute "
                                   f"{', '.join(missing)}; it computed {', '.join(out)}")
        for name in wanted:
            parts[name].append(np.asarray(out[name], dtype=float))
    return {name: np.concatenate(cols) for name, cols in parts.items()}


def _analyse_output(method: Method, problem: dict[str, Any], u: FloatArray, y: FloatArray,
                    name: str, levels: int, resamples: int, conf_level: float,
                    seed: int) -> OutputIndices:
    mean, std = float(np.mean(y)), float(np.std(y))
    keys = INDEX_KEYS[method]
    constant = float(np.ptp(y)) <= _CONSTANT_RTOL * max(1.0, float(np.max(np.abs(y))))
    if constant:
        values = {k: [0.0] * problem["num_vars"] for k in keys}
    else:
        values = _salib_indices(method, problem, u, y, levels, resamples, conf_level, seed)
    rows = [InputIndex(input=inp, values={k: float(values[k][j]) for k in keys})
            for j, inp in enumerate(problem["names"])]
    key = RANK_KEY[method]
    rows.sort(key=lambda r: -r.values[key])  # stable: ties keep file order
    return OutputIndices(name=name, mean=mean, std=0.0 if constant else std,
                         constant=constant, indices=rows)


def _salib_indices(method: Method, problem: dict[str, Any], u: FloatArray, y: FloatArray,
                   levels: int, resamples: int, conf_level: float,
                   seed: int) -> dict[str, list[float]]:
    with warnings.catch_warnings():
        # a bootstrap resample of a nearly constant output can be constant; SALib warns and
        # returns zeros for it, which is the right answer here
        warnings.filterwarnings("ignore", message="Constant values encountered")
        if method == "sobol":
            from SALib.analyze import sobol as sobol_analyze

            si = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                       num_resamples=resamples, conf_level=conf_level,
                                       seed=seed)
        else:
            from SALib.analyze import morris as morris_analyze

            si = morris_analyze.analyze(problem, u, y, num_resamples=resamples,
                                        conf_level=conf_level, num_levels=levels, seed=seed)
    out: dict[str, list[float]] = {}
    for k in INDEX_KEYS[method]:
        col = np.asarray(si[k], dtype=float)
        # an interval SALib could not form (too few distinct resamples) is reported as 0
        out[k] = [float(v) if math.isfinite(v) else 0.0 for v in col]
    return out


def _jsonable(settings: dict[str, Any]) -> dict[str, Any]:
    try:
        return dict(json.loads(json.dumps(settings, default=str)))
    except (TypeError, ValueError):
        return {"repr": repr(settings)}



def _skipped_note(skipped: dict[str, str]) -> str:
    if not skipped:
        return ""
    return "; skipped: " + "; ".join(f"{k}: {v}" for k, v in skipped.items())


# -- plotting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bar:
    key: str
    label: str
    colour: str


_BARS: dict[str, tuple[_Bar, ...]] = {
    "sobol": (_Bar("ST", "total order ST", "#9ecae1"),
              _Bar("S1", "first order S1", "#08519c")),
    "morris": (_Bar("mu_star", "μ* (mean |effect|)", "#08519c"),
               _Bar("sigma", "σ (spread of effects)", "#fdae6b")),
}


def _tornado(result: SensitivityResult, o: OutputIndices, top: int) -> Any:
    from matplotlib.figure import Figure

    rows = o.indices[:top] if top > 0 else o.indices
    labels = [result.label(r.input) for r in rows]
    fig = Figure(figsize=(7.5, 1.6 + 0.42 * max(len(rows), 1)), layout="constrained")
    ax = fig.add_subplot()
    ypos = np.arange(len(rows), dtype=float)
    bars = _BARS[result.method]
    height = 0.8 / len(bars)
    for b, bar in enumerate(bars):
        vals = np.array([r.values[bar.key] for r in rows])
        conf_key = _CONF_OF.get(bar.key)
        err = np.array([r.values[conf_key] for r in rows]) if conf_key else None
        offset = (b - (len(bars) - 1) / 2) * height
        ax.barh(ypos + offset, vals, height=height, color=bar.colour, label=bar.label,
                xerr=err, error_kw={"ecolor": "#444444", "capsize": 2, "elinewidth": 0.8})
    ax.set_yticks(ypos, labels)
    ax.invert_yaxis()  # the most influential input on top
    ax.axvline(0.0, color="#888888", linewidth=0.6)
    interval = f"whiskers: {result.conf_level:.0%} bootstrap interval"
    if result.method == "sobol":
        ax.set_xlabel(f"share of the output's variance ({interval})")
    else:
        ax.set_xlabel(f"change of the output per full-range move of the input ({interval})")
    title = f"{result.scenario}: what drives {o.name}"
    if o.constant:
        title += " (constant: nothing does)"
    ax.set_title(title, fontsize=10, loc="left")
    fig.legend(loc="outside lower center", ncols=len(bars), fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _plot_metadata(fmt: str) -> dict[str, Any]:
    # no creation date, so the same result writes the same file
    return {"Date": None} if fmt == "svg" else {"Software": "detente"}
