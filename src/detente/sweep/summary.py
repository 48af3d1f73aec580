"""What a sweep's outputs look like: quantiles, and a warning when the draws split in two.

A sweep's headline is usually a median with a 90% band. That summary misleads when the draws
fall into two camps (talks settle near one side's position in some draws and near the other's
in the rest): the median then sits in the valley between the camps, an outcome few draws
produce. "A median between two camps describes neither", so every output is checked.

The check (:func:`bimodality`) asks two questions and flags an output only when both say yes:

1. *Does the shape have two humps?* A Gaussian kernel density estimate of the draws, with
   Terrell's oversmoothed bandwidth (the largest bandwidth any smooth density calls for, so
   the humps left are not sampling noise), must have two peaks separated by a real valley
   (its density at most ``max_dip`` of the lower peak), each side holding at least
   ``min_share`` of the draws.
2. *Are two groups warranted by the data?* A two-component Gaussian mixture, fitted by EM
   from the split the density suggests, must beat a single normal by a BIC margin of at least
   ``min_delta_bic`` (10 is "very strong" evidence on Kass & Raftery's scale). This guards
   small samples, where a density estimate can show humps by chance.

Neither test alone suffices: a mixture fitted to a uniform or skewed sample beats one normal
by BIC although those samples have a single hump, and a density estimate of a few dozen draws
may show a hump that is noise. (Hartigan's dip test, the classical alternative, is not in
scipy.) The camps reported are the density's two peaks and the share of draws on each side
of the valley between them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import signal

from detente.models.base import FloatArray

if TYPE_CHECKING:
    import pandas as pd

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
MIN_DRAWS = 200  # fewer finite draws than this: no bimodality verdict (too noisy)
_EM_DRAWS = 20_000


@dataclass(frozen=True)
class Camp:
    """One camp of draws: where its density peaks and the share of draws in it."""

    mode: float
    share: float


@dataclass(frozen=True)
class Bimodality:
    """Two camps of draws (lower camp first) split at ``antimode``; ``dip`` is the density in
    the valley relative to the lower peak (0: an empty gap); ``delta_bic`` how much better
    two normal components fit than one; ``peaks`` how many humps the density has (more than
    two: each camp is reported by its highest peak)."""

    camps: tuple[Camp, Camp]
    antimode: float
    dip: float
    delta_bic: float
    peaks: int = 2

    def message(self, name: str) -> str:
        a, b = self.camps
        shape = "bimodal" if self.peaks <= 2 else f"multimodal ({self.peaks} peaks)"
        return (f"{name} is {shape}: {a.share:.0%} of draws near {_num(a.mode)}, "
                f"{b.share:.0%} near {_num(b.mode)} (split at {_num(self.antimode)}); "
                "a median between two camps describes neither")


@dataclass(frozen=True)
class OutputSummary:
    """One output over a run's draws (NaN draws, e.g. a model that could not settle, are
    counted in ``missing`` and left out of the statistics)."""

    name: str
    n: int
    missing: int
    mean: float
    std: float
    q05: float
    q25: float
    q50: float
    q75: float
    q95: float
    bimodal: Bimodality | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["bimodal"] = None if self.bimodal is None else {
            "camps": [asdict(c) for c in self.bimodal.camps],
            "antimode": self.bimodal.antimode, "dip": self.bimodal.dip,
            "delta_bic": self.bimodal.delta_bic, "peaks": self.bimodal.peaks,
            "message": self.bimodal.message(self.name)}
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in data.items()}


@dataclass(frozen=True)
class Summary:
    """Every output of a run, in the evaluator's order."""

    outputs: tuple[OutputSummary, ...]

    def __getitem__(self, name: str) -> OutputSummary:
        for o in self.outputs:
            if o.name == name:
                return o
        raise KeyError(f"no output {name!r}; outputs: {', '.join(self.names)}")

    def __iter__(self) -> Iterator[OutputSummary]:
        return iter(self.outputs)

    def __len__(self) -> int:
        return len(self.outputs)

    @property
    def names(self) -> list[str]:
        return [o.name for o in self.outputs]

    def warnings(self) -> list[str]:
        return [o.bimodal.message(o.name) for o in self.outputs if o.bimodal is not None]

    def to_dicts(self) -> list[dict[str, Any]]:
        return [o.to_dict() for o in self.outputs]

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for o in self.outputs:
            row = {k: v for k, v in asdict(o).items() if k != "bimodal"}
            row["bimodal"] = o.bimodal is not None
            rows.append(row)
        return pd.DataFrame(rows)


def summarize(columns: Mapping[str, FloatArray]) -> Summary:
    """Quantiles (5/25/50/75/95%), mean, standard deviation and the bimodality check of
    every column."""
    return Summary(tuple(summarize_one(name, values) for name, values in columns.items()))


def summarize_one(name: str, values: FloatArray) -> OutputSummary:
    x = np.asarray(values, dtype=float)
    finite = x[np.isfinite(x)]
    missing = int(x.size - finite.size)
    if finite.size == 0:
        nan = float("nan")
        return OutputSummary(name, 0, missing, nan, nan, nan, nan, nan, nan, nan, None)
    q05, q25, q50, q75, q95 = (float(v) for v in np.quantile(finite, QUANTILES))
    return OutputSummary(name, int(finite.size), missing, float(finite.mean()),
                         float(finite.std(ddof=1)) if finite.size > 1 else 0.0,
                         q05, q25, q50, q75, q95, bimodality(finite))


def bimodality(values: FloatArray, *, min_share: float = 0.05, max_dip: float = 0.75,
               min_delta_bic: float = 10.0) -> Bimodality | None:
    """Two camps in ``values``, or None (see the module docstring for the method).

    Outputs with at most two distinct values (an indicator such as war/no war) are not
    checked: their median is one of the values, never between them, and their mean is the
    share of ones.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n < MIN_DRAWS:
        return None
    lo, hi = float(x.min()), float(x.max())
    if not hi > lo or np.unique(x).size <= 2:
        return None
    split = _kde_split(x, min_share=min_share, max_dip=max_dip)
    if split is None:
        return None
    modes, antimode, dip, peaks = split
    below = float(np.mean(x < antimode))
    # BIC is a guard for small samples; past a few thousand draws it is decisive anyway, so a
    # strided subsample (draws are in random order) bounds the cost of EM
    sub = x[:: max(1, -(-n // _EM_DRAWS))]
    delta = _delta_bic(sub, antimode)
    if delta < min_delta_bic:
        return None
    camps = (Camp(modes[0], below), Camp(modes[1], 1.0 - below))
    return Bimodality(camps, antimode, dip, delta, peaks)


def _bandwidth(x: FloatArray) -> float:
    """Terrell's (1990) oversmoothed bandwidth, 1.144·s·n^(-1/5), with s the smaller of the
    standard deviation and IQR/1.349 (robust to a few wild draws)."""
    sd = float(x.std())
    q25, q75 = np.quantile(x, [0.25, 0.75])
    iqr = float(q75 - q25) / 1.349
    scale = min(sd, iqr) if iqr > 0 else sd
    return float(1.144 * scale * x.size ** -0.2)


def _kde_split(x: FloatArray, *, min_share: float, max_dip: float
               ) -> tuple[tuple[float, float], float, float, int] | None:
    """Split the draws at the deepest valley between two adjacent peaks of the density
    estimate, if the valley is real and each side holds ``min_share`` of the draws.

    Returns the highest peak on each side, the valley, its depth and the number of peaks.
    """
    h = _bandwidth(x)
    if not h > 0:
        return None
    grid, dens = _binned_kde(x, h)
    peaks, _ = signal.find_peaks(dens, prominence=0.05 * float(dens.max()))
    best: tuple[float, int, int, int] | None = None
    for i, j in itertools.pairwise(peaks):
        valley = int(i) + int(np.argmin(dens[i: j + 1]))
        dip = float(dens[valley] / min(dens[i], dens[j]))
        share = float(np.mean(x < grid[valley]))
        if dip <= max_dip and min(share, 1.0 - share) >= min_share and (
                best is None or dip < best[0]):
            best = (dip, valley, int(i), int(j))
    if best is None:
        return None
    dip, valley = best[0], best[1]
    left = peaks[peaks < valley]
    right = peaks[peaks > valley]
    modes = (float(grid[left[np.argmax(dens[left])]]), float(grid[right[np.argmax(dens[right])]]))
    return modes, float(grid[valley]), dip, int(peaks.size)


def _binned_kde(x: FloatArray, h: float) -> tuple[FloatArray, FloatArray]:
    """A Gaussian KDE on a grid, by linear binning and one FFT convolution: O(n) in the number
    of draws (scipy's ``gaussian_kde`` is O(n·grid), slow for a 10^6-draw sweep). The grid is
    fine enough (a third of a bandwidth or less, up to 16,384 points) that peaks are resolved."""
    lo, hi = float(x.min()) - 4 * h, float(x.max()) + 4 * h
    points = int(min(max(512, math.ceil(3 * (hi - lo) / h)), 16_384))
    grid = np.linspace(lo, hi, points)
    step = float(grid[1] - grid[0])
    pos = (x - lo) / step
    left = np.clip(np.floor(pos).astype(np.int64), 0, points - 2)
    frac = pos - left
    counts = (np.bincount(left, 1.0 - frac, minlength=points)
              + np.bincount(left + 1, frac, minlength=points))
    half = min(math.ceil(4 * h / step), points)
    offsets = np.arange(-half, half + 1) * step
    kernel = np.exp(-0.5 * (offsets / h) ** 2) / (h * math.sqrt(2 * math.pi) * x.size)
    dens = np.clip(signal.fftconvolve(counts, kernel, mode="same"), 0.0, None)
    return grid, np.asarray(dens, dtype=float)


def _delta_bic(x: FloatArray, split: float, iterations: int = 200) -> float:
    """BIC(one normal) − BIC(two-component normal mixture, fitted by EM from ``split``).

    Variances are floored at a millionth of the range, squared, so a camp of identical draws
    (a point mass) gives a large but finite likelihood.
    """
    n = x.size
    floor = (1e-6 * float(x.max() - x.min())) ** 2 + 1e-300
    var1 = max(float(x.var()), floor)
    ll1 = -0.5 * n * (math.log(2 * math.pi * var1) + 1.0)
    low = x < split
    w = np.array([low.mean(), 1.0 - low.mean()])
    mu = np.array([x[low].mean(), x[~low].mean()])
    var = np.maximum(np.array([x[low].var(), x[~low].var()]), floor)
    ll2 = -math.inf
    for _ in range(iterations):
        logp = (np.log(w)[:, None] - 0.5 * np.log(2 * math.pi * var)[:, None]
                - 0.5 * (x[None, :] - mu[:, None]) ** 2 / var[:, None])
        top = logp.max(axis=0)
        total = top + np.log(np.exp(logp - top).sum(axis=0))
        new_ll = float(total.sum())
        resp = np.exp(logp - total)
        nk = resp.sum(axis=1)
        if nk.min() < 1.0:  # a component emptied out: one group fits as well
            return -math.inf
        w = nk / n
        mu = (resp @ x) / nk
        var = np.maximum((resp * (x[None, :] - mu[:, None]) ** 2).sum(axis=1) / nk, floor)
        if new_ll - ll2 < 1e-9 * n:
            ll2 = new_ll
            break
        ll2 = new_ll
    bic1 = 2 * math.log(n) - 2 * ll1
    bic2 = 5 * math.log(n) - 2 * ll2
    return float(bic1 - bic2)


def _num(value: float) -> str:
    """A number for a message: a few significant figures, no scientific notation for the
    usual magnitudes."""
    if value == 0 or 1e-3 <= abs(value) < 1e6:
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{value:.3g}"
