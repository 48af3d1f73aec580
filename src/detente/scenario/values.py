"""Uncertain quantities: a number, or a distribution over numbers, with its evidence.

Every number in a scenario is a :class:`Quantity`. In a file it is written either as a bare
number (``capability: 80``) or as a mapping that can carry a distribution and the evidence for
it::

    capability:
      value: 80                       # the analyst's point estimate
      triangular: [60, 80, 95]        # low, mode, high
      evidence:
        - {source: cfr-2022, quote: "..."}
      judgment: "why the range is this wide"

Supported distributions (at most one per quantity):

``uniform: [low, high]``
``triangular: [low, mode, high]``
``truncnormal: {mean, sd, low, high}``  normal truncated to [low, high]
``beta: {a, b, low, high}``             beta(a, b) rescaled from [0, 1] to [low, high]
``choice: {values: [...], p: [...]}``   discrete values with probabilities summing to 1

Sampling always goes through an explicit :class:`numpy.random.Generator`.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from typing import Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

_PROB_TOLERANCE = 1e-6
_DISTRIBUTIONS = ("uniform", "triangular", "truncnormal", "beta", "choice")

Text = Annotated[str, Field(min_length=1, max_length=20_000)]
# A number in a file must be written as a number: strict, so that neither a boolean (`true`
# read as 1) nor text (`"1:10"`, `"inf"`) is silently converted. Integers are numbers. The
# magnitude is bounded so that the models' products of three or four inputs stay far inside
# the range of a double (a capability of 1e308 overflowed to inf and NaN).
MAX_MAGNITUDE = 1e15
Number = Annotated[float, Field(strict=True, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(_Frozen):
    """A quotation from one of the scenario's sources that supports a value."""

    source: Annotated[str, Field(min_length=1, max_length=100)]
    quote: Text
    note: Text | None = None


class TruncNormal(_Frozen):
    """Normal(mean, sd) truncated to [low, high]."""

    mean: Number
    sd: Annotated[Number, Field(gt=0)]
    low: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> TruncNormal:
        if not self.low < self.high:
            raise ValueError(f"low {self.low:g} must be below high {self.high:g}")
        return self


class Beta(_Frozen):
    """Beta(a, b) rescaled from [0, 1] to [low, high]."""

    a: Annotated[Number, Field(gt=0)]
    b: Annotated[Number, Field(gt=0)]
    low: Number = 0.0
    high: Number = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> Beta:
        if not self.low < self.high:
            raise ValueError(f"low {self.low:g} must be below high {self.high:g}")
        return self


class Choice(_Frozen):
    """Discrete values with probabilities that sum to one."""

    values: Annotated[list[Number], Field(min_length=1)]
    p: Annotated[list[Annotated[Number, Field(ge=0, le=1)]], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Choice:
        if len(self.values) != len(self.p):
            raise ValueError(
                f"{len(self.values)} values but {len(self.p)} probabilities; give one p per value"
            )
        total = math.fsum(self.p)
        if abs(total - 1.0) > _PROB_TOLERANCE:
            raise ValueError(f"probabilities sum to {total:g}; they must sum to 1")
        return self


class Quantity(_Frozen):
    """A scenario number: a point value, or a distribution, plus the evidence behind it."""

    value: Number | None = None
    uniform: tuple[Number, Number] | None = None
    triangular: tuple[Number, Number, Number] | None = None
    truncnormal: TruncNormal | None = None
    beta: Beta | None = None
    choice: Choice | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    judgment: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("expected a number or a mapping, found a boolean")
        if isinstance(data, int | float):
            return {"value": data}
        if isinstance(data, str):
            raise ValueError(f"expected a number or a mapping, found the text {data!r} "
                             "(numbers are read by YAML 1.2: write digits, unquoted; 1:10, "
                             "yes and 1_000 are text)")
        return data

    @model_validator(mode="after")
    def _check(self) -> Quantity:
        given = [name for name in _DISTRIBUTIONS if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(f"give at most one distribution, found {', '.join(given)}")
        if not given and self.value is None:
            raise ValueError(f"give a value or one distribution ({', '.join(_DISTRIBUTIONS)})")
        if self.uniform is not None and not self.uniform[0] < self.uniform[1]:
            lo, hi = self.uniform
            raise ValueError(f"uniform low {lo:g} must be below high {hi:g}")
        if self.triangular is not None:
            lo, mode, hi = self.triangular
            if not (lo <= mode <= hi and lo < hi):
                raise ValueError(f"triangular needs low <= mode <= high, low < high; got {lo:g}, "
                                 f"{mode:g}, {hi:g}")
        for number in (self.value, *self._support()):
            if number is not None and not math.isfinite(number):
                raise ValueError(f"{number} is not a finite number")
        if self.value is not None and given:
            lo, hi = self._support()
            if not lo <= self.value <= hi:
                raise ValueError(f"value {self.value:g} lies outside its distribution's range "
                                 f"{lo:g}..{hi:g}")
        if given and self.value is None:
            self._check_centre(given[0])
        return self

    def _check_centre(self, name: str) -> None:
        """The computed point estimate must be a number inside the range: a truncated normal
        whose mean is thousands of sd outside it defeats the numerics (scipy returned
        -6.2e24 for mean 1e6, sd 0.001 on 70..90)."""
        lo, hi = self._support()
        centre = self.point
        if not (math.isfinite(centre) and lo <= centre <= hi):
            hint = ""
            if self.truncnormal is not None:
                t = self.truncnormal
                far = max(t.low - t.mean, t.mean - t.high, 0.0) / t.sd
                hint = (f" (its mean lies {far:.3g} sd outside the range; put the mean within "
                        "a few sd of it, or use a triangular or uniform)")
            raise ValueError(f"the {name} distribution's centre cannot be computed inside its "
                             f"range {lo:g}..{hi:g}{hint}")

    # -- description -----------------------------------------------------------------------

    @property
    def distribution(self) -> str | None:
        """Name of the distribution, or None for a point value."""
        for name in _DISTRIBUTIONS:
            if getattr(self, name) is not None:
                return name
        return None

    @property
    def is_uncertain(self) -> bool:
        return self.distribution is not None

    @property
    def is_supported(self) -> bool:
        """True when the value cites evidence or explains the analyst's judgment."""
        return bool(self.evidence) or self.judgment is not None

    def _support(self) -> tuple[float, float]:
        if self.uniform is not None:
            return self.uniform
        if self.triangular is not None:
            return self.triangular[0], self.triangular[2]
        if self.truncnormal is not None:
            return self.truncnormal.low, self.truncnormal.high
        if self.beta is not None:
            return self.beta.low, self.beta.high
        if self.choice is not None:
            return min(self.choice.values), max(self.choice.values)
        assert self.value is not None
        return self.value, self.value

    @property
    def low(self) -> float:
        return self._support()[0]

    @property
    def high(self) -> float:
        return self._support()[1]

    @property
    def point(self) -> float:
        """The point estimate used by deterministic runs.

        The stated ``value`` when given; otherwise the distribution's most telling centre:
        the midpoint of a uniform, the mode of a triangular, the mean of a truncated normal
        or beta, and the most probable value of a choice.
        """
        if self.value is not None:
            return self.value
        if self.uniform is not None:
            return 0.5 * (self.uniform[0] + self.uniform[1])
        if self.triangular is not None:
            return self.triangular[1]
        if self.truncnormal is not None:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)  # checked by _check_centre
                return float(self._truncnorm().mean())
        if self.beta is not None:
            b = self.beta
            return b.low + (b.high - b.low) * b.a / (b.a + b.b)
        assert self.choice is not None
        return self.choice.values[int(np.argmax(self.choice.p))]

    def describe(self) -> str:
        """Short human text: ``80`` or ``80 (60..95 triangular)``."""
        point = f"{self.point:g}"
        if not self.is_uncertain:
            return point
        return f"{point} ({self.low:g}..{self.high:g} {self.distribution})"

    # -- sampling ----------------------------------------------------------------------------

    def _truncnorm(self) -> Any:
        t = self.truncnormal
        assert t is not None
        a, b = (t.low - t.mean) / t.sd, (t.high - t.mean) / t.sd
        from scipy import stats  # here, not at the top: scipy.stats costs ~1 s to import

        return stats.truncnorm(a, b, loc=t.mean, scale=t.sd)

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw ``size`` values; a point value is repeated."""
        if self.uniform is not None:
            return rng.uniform(self.uniform[0], self.uniform[1], size)
        if self.triangular is not None:
            lo, mode, hi = self.triangular
            return rng.triangular(lo, mode, hi, size)
        if self.truncnormal is not None:
            return np.asarray(self._truncnorm().rvs(size=size, random_state=rng), dtype=float)
        if self.beta is not None:
            b = self.beta
            return b.low + (b.high - b.low) * rng.beta(b.a, b.b, size)
        if self.choice is not None:
            return rng.choice(np.asarray(self.choice.values, float), size, p=self.choice.p)
        return np.full(size, self.point, dtype=float)

    def ppf(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Map uniform [0, 1] numbers to this quantity (inverse CDF), for designed samples."""
        u = np.asarray(u, dtype=float)
        if self.uniform is not None:
            lo, hi = self.uniform
            return lo + (hi - lo) * u
        if self.triangular is not None:
            lo, mode, hi = self.triangular
            return triangular_ppf(u, lo, mode, hi)
        if self.truncnormal is not None:
            return np.asarray(self._truncnorm().ppf(u), dtype=float)
        if self.beta is not None:
            b = self.beta
            from scipy import stats

            return b.low + (b.high - b.low) * np.asarray(stats.beta(b.a, b.b).ppf(u), dtype=float)
        if self.choice is not None:
            cdf = np.cumsum(self.choice.p)
            idx = np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)
            return np.asarray(self.choice.values, dtype=float)[idx]
        return np.full(u.shape, self.point, dtype=float)

    def to_data(self) -> float | dict[str, Any]:
        """The shortest file form: a bare number when nothing else is attached."""
        data = self.model_dump(exclude_none=True, exclude_defaults=True)
        if set(data) == {"value"}:
            return float(data["value"])
        return data


def triangular_ppf(u: NDArray[np.float64], low: float, mode: float, high: float
                   ) -> NDArray[np.float64]:
    """Inverse CDF of the triangular distribution on [low, high] with its peak at ``mode``.
    On the unit scale with the peak at c = (mode - low)/(high - low) the CDF is x²/c up to c
    and 1 - (1-x)²/(1-c) beyond it; solved for x: x = sqrt(c·u) if u < c, else
    1 - sqrt((1-c)(1-u)); then low + (high - low)·x.

    The same operations in the same order as ``scipy.stats.triang(c, loc=low,
    scale=high - low).ppf(u)`` (scipy 1.17: ``triang_gen._ppf``, ``rv_continuous.ppf``), so
    the numbers are scipy's to the last bit (tests/scenario/test_values.py checks it), without
    importing scipy.stats (over a second at every sweep worker's start)."""
    scale = high - low
    c = (mode - low) / scale
    out = np.full(u.shape, np.nan)
    if not (0.0 <= c <= 1.0 and scale > 0.0):
        return out
    out[u == 0] = 0.0 * scale + low
    out[u == 1] = 1.0 * scale + low
    inside = (u > 0) & (u < 1)
    q = u[inside]
    x = np.where(q < c, np.sqrt(c * q), 1 - np.sqrt((1 - c) * (1 - q)))
    out[inside] = x * scale + low
    return out


def point(value: float) -> Quantity:
    """A bare point quantity (no evidence)."""
    return Quantity(value=value)


def as_date(value: Any) -> dt.date | None:
    """A scenario date (a YAML date or an ISO 8601 string) as a date; None when it is neither."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
