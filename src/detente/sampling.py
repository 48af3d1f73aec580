"""Joint draws of every uncertain number in a scenario, reproducible under any chunking.

Each uncertain quantity is drawn by its inverse CDF from uniform numbers, so the same code
serves plain Monte Carlo, designed samples (Saltelli, Morris) and correlated inputs (a
Gaussian copula). The uniforms come from a counter-based generator (Philox): the uniforms of
draw ``i`` depend only on the seed and ``i``, so a sweep split into chunks, resumed after an
interruption, or spread over a cluster gives the same numbers as one uninterrupted run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from detente.scenario.arrays import FloatArray, ScenarioArrays, scenario_arrays
from detente.scenario.errors import format_path
from detente.scenario.schema import Scenario
from detente.scenario.values import Quantity

Path = tuple[str | int, ...]
_LANES = 4  # Philox4x64 yields four 64-bit words per counter step


@dataclass(frozen=True)
class Input:
    """One uncertain number of a scenario: its field path and its distribution."""

    path: Path
    quantity: Quantity

    @property
    def name(self) -> str:
        return format_path(self.path)


def uncertain_inputs(scenario: Scenario) -> list[Input]:
    """Every uncertain number in file order (point values are not sampled)."""
    return [Input(path, q) for path, q in scenario.quantities() if q.is_uncertain]


def uniforms(seed: int, start: int, stop: int, width: int) -> FloatArray:
    """Uniform [0, 1) numbers for draws ``start..stop`` (rows), ``width`` per draw.

    Row ``i`` is the same whatever ``start`` and ``stop`` are: the Philox counter is advanced
    to draw ``i``'s first word. Rows are padded to whole counter steps.
    """
    padded = -(-max(width, 1) // _LANES) * _LANES
    bitgen = np.random.Philox(key=seed)
    bitgen.advance(start * padded // _LANES)
    gen = np.random.Generator(bitgen)
    u = gen.random((stop - start, padded))
    return u[:, :width]


def correlate(u: FloatArray, correlation: FloatArray | None) -> FloatArray:
    """Impose a rank correlation through a Gaussian copula (Iman & Conover 1982 spirit).

    The standard normal's inverse CDF and CDF come from scipy.special (``ndtri``, ``ndtr``),
    with the arithmetic ``scipy.stats.norm.ppf``/``cdf`` add around them (``· 1 + 0``), so
    the numbers are those of scipy.stats, which a sweep worker then need not import."""
    if correlation is None:
        return u
    from scipy.special import ndtr, ndtri

    chol = np.asarray(np.linalg.cholesky(correlation), dtype=np.float64)
    z = _rows_times(ndtri(np.clip(u, 1e-16, 1 - 1e-16)) * 1.0 + 0.0, chol.T)
    return np.asarray(ndtr(z), dtype=float)


def _rows_times(z: FloatArray, m: FloatArray) -> FloatArray:
    """``z @ m`` computed so that each row's result is bitwise the same whatever the number
    of rows: BLAS picks different kernels (and summation orders) for different row counts,
    which made a draw's correlated values depend on its chunk in the last bits. Column-wise
    multiply-adds are plain IEEE operations per element; zeros of ``m`` (most of it for a few
    correlated pairs) are skipped."""
    out = np.zeros((z.shape[0], m.shape[1]))
    for j, k in zip(*np.nonzero(m), strict=True):
        out[:, k] += z[:, j] * m[j, k]
    return out


@dataclass(frozen=True)
class Draws:
    """``values[d, j]`` is draw ``d`` of input ``j``; ``index`` numbers the draws globally."""

    scenario: Scenario
    inputs: tuple[Input, ...]
    values: FloatArray
    index: np.ndarray

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    @property
    def names(self) -> list[str]:
        return [i.name for i in self.inputs]

    def column(self, path: Path) -> FloatArray | None:
        for j, inp in enumerate(self.inputs):
            if inp.path == path:
                return self.values[:, j]
        return None

    def get(self, path: Path, quantity: Quantity) -> FloatArray:
        """Draws of the number at ``path``; its point value repeated if it is not uncertain."""
        col = self.column(path)
        return col if col is not None else np.full(self.n, quantity.point)

    def arrays(self) -> ScenarioArrays:
        """The negotiation inputs of every draw, batched on a leading axis."""
        base = scenario_arrays(self.scenario)
        cap = np.repeat(base.capability[None], self.n, axis=0)
        pos = np.repeat(base.position[None], self.n, axis=0)
        sal = np.repeat(base.salience[None], self.n, axis=0)
        issues = {k: j for j, k in enumerate(base.issue_ids)}
        for j, inp in enumerate(self.inputs):
            path = inp.path
            if path[0] != "actors" or not isinstance(path[1], int):
                continue
            a = path[1]
            if path[2] == "capability":
                cap[:, a] = self.values[:, j]
            elif path[2] == "positions":
                pos[:, a, issues[str(path[3])]] = self.values[:, j]
            elif path[2] == "salience":
                sal[:, a, issues[str(path[3])]] = self.values[:, j] / 100.0
        return ScenarioArrays(base.actor_ids, base.issue_ids, cap, pos, sal, base.lower,
                              base.upper, base.status_quo)


def draw(scenario: Scenario, seed: int, start: int, stop: int, *,
         correlation: FloatArray | None = None,
         only: Sequence[Path] | None = None) -> Draws:
    """Draws ``start..stop`` of every uncertain input (or of the inputs ``only`` names)."""
    inputs = uncertain_inputs(scenario)
    if only is not None:
        chosen = set(only)
        inputs = [i for i in inputs if i.path in chosen]
    if correlation is None and scenario.correlations:
        correlation = declared_correlation(scenario, inputs)
    u = correlate(uniforms(seed, start, stop, len(inputs)), correlation)
    values = np.empty_like(u)
    for j, inp in enumerate(inputs):
        values[:, j] = inp.quantity.ppf(u[:, j])
    return Draws(scenario, tuple(inputs), values, np.arange(start, stop))


def from_matrix(scenario: Scenario, inputs: Sequence[Input], values: FloatArray) -> Draws:
    """Draws from a designed sample (for example SALib's), one row per evaluation."""
    return Draws(scenario, tuple(inputs), np.asarray(values, dtype=float),
                 np.arange(values.shape[0]))


def declared_correlation(scenario: Scenario, inputs: Sequence[Input]) -> FloatArray | None:
    """The rank correlations the scenario declares (``correlations:``) among ``inputs``, as a
    matrix for :func:`correlate`; pairs with an input not drawn are left out."""
    names = {i.name for i in inputs}
    pairs = {(c.between[0], c.between[1]): c.rho for c in scenario.correlations
             if c.between[0] in names and c.between[1] in names}
    return correlation_matrix(inputs, pairs) if pairs else None


def correlation_matrix(inputs: Sequence[Input], pairs: Mapping[tuple[str, str], float]
                       ) -> FloatArray:
    """A correlation matrix from ``{(name_a, name_b): rho}`` pairs of input names."""
    names = [i.name for i in inputs]
    corr = np.eye(len(names))
    for (a, b), rho in pairs.items():
        for name in (a, b):
            if name not in names:
                raise KeyError(f"{name!r} is not an uncertain input; inputs: {', '.join(names)}")
        i, j = names.index(a), names.index(b)
        corr[i, j] = corr[j, i] = rho
    try:
        np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise ValueError("the correlations given are not a valid (positive definite) "
                         "correlation matrix") from None
    return corr
