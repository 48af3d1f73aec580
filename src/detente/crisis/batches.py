"""The crisis analysis over any number of draws in bounded memory: the draws in batches.

Draws are counter-based: draw ``i`` depends only on the seed and ``i``
(:func:`detente.sampling.draw`), so the draws ``start..stop`` of a batch are exactly those
rows of the whole sample, whatever the batch size, and every batch meets the same offers and
levers (common random numbers). :class:`DrawBatches` hands the analysis its draws one batch
at a time and keeps of every draw only what a summary needs whole (the bargaining range's
ends and the challenger's threshold, for medians and quantiles; four numbers a draw).

Everything else the analysis reports is a mean over the draws, and the mean over all draws
is the batch means weighted by the batches' sizes (:func:`merge`); a conditional mean (the
margin among the draws where a party prefers war, a mechanism's share of the war draws) is
weighted by the batch's count of its condition. Proportions are recombined as whole counts,
so they equal the unbatched ones exactly; other means agree to rounding (a few units in the
last place). With a single batch nothing is recombined and the draws are computed once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputs, crisis_inputs
from detente.crisis.offers import Ranges, bargaining_ranges
from detente.crisis.result import MechanismShare, OfferAssessment, PartyPreference
from detente.crisis.uncertainty import wilson
from detente.crisis.war_values import BundleSummary, evaluate_bundles
from detente.sampling import Draws, draw
from detente.scenario.schema import Scenario

__all__ = ["BATCH_DRAWS", "DrawBatches", "merge"]

#: Draws per batch. The analysis' working memory grows with the batch, not with ``--draws``:
#: peak RSS of `detente crisis` 264 MiB at 1,000 draws and 810 MiB at 100,000 on
#: ukraine-2022; on the whatif toy 216, 421, 444 and 779 MiB at 1,000, 100,000, 1,000,000
#: and 10,000,000 draws (benchmarks/bench_crisis_draws.py, 2-core machine under load).
BATCH_DRAWS = 50_000

T = TypeVar("T")


class DrawBatches:
    """Draws ``0..draws`` of ``scenario`` under ``seed``, as crisis inputs in batches of at
    most ``size`` draws."""

    def __init__(self, scenario: Scenario, seed: int, draws: int, size: int = BATCH_DRAWS):
        if size < 1:
            raise ValueError(f"batch size must be at least 1; got {size}")
        self.scenario, self.seed, self.draws = scenario, seed, draws
        self.spans = [(start, min(start + size, draws)) for start in range(0, draws, size)]
        self._first: CrisisInputs | None = None

    @property
    def first(self) -> CrisisInputs:
        """The first batch. What does not vary by draw (scales, steps, the offer line, the
        levers' ranges) is the same in every batch; the analysis reads it here."""
        if self._first is None:
            start, stop = self.spans[0]
            self._first = crisis_inputs(self.sample(stop, start))
        return self._first

    def sample(self, stop: int, start: int = 0) -> Draws:
        """Draws ``start..stop`` (at most the last draw)."""
        return draw(self.scenario, self.seed, start, min(stop, self.draws))

    def __iter__(self) -> Iterator[tuple[slice, CrisisInputs]]:
        """Each batch's place among the draws and its inputs (computed afresh, except a
        lone batch, which is kept)."""
        if len(self.spans) == 1:
            yield slice(0, self.draws), self.first
            return
        for start, stop in self.spans:
            yield slice(start, stop), crisis_inputs(self.sample(stop, start))

    def mean(self, per_batch: Callable[[CrisisInputs, slice], T]) -> T:
        """``per_batch`` (means over a batch's draws) as means over all draws (:func:`merge`)."""
        parts, sizes = [], []
        for where, inputs in self:
            parts.append(per_batch(inputs, where))
            sizes.append(where.stop - where.start)
        return parts[0] if len(parts) == 1 else merge(parts, sizes)

    def ranges(self, settings: FloatArray) -> Ranges:
        """:func:`detente.crisis.offers.bargaining_ranges` of every draw, batch by batch."""
        fields = [f.name for f in dataclasses.fields(Ranges)]
        whole: dict[str, Any] = {}
        for where, inputs in self:
            part = bargaining_ranges(inputs, settings)
            if len(self.spans) == 1:
                return part
            for name in fields:
                value = getattr(part, name)
                if name not in whole:
                    whole[name] = np.empty(self.draws, dtype=value.dtype)
                whole[name][where] = value
        return Ranges(**whole)

    def evaluator(self, settings: FloatArray, *, divisible: bool = False
                  ) -> Callable[[FloatArray], BundleSummary]:
        """Offers ``(n, K)`` -> :func:`detente.crisis.war_values.evaluate_bundles` over all
        draws at one lever setting, batch by batch (with every issue divisible if asked)."""
        row = np.asarray(settings, dtype=np.float64).reshape(1, -1)

        def evaluate(offers: FloatArray) -> BundleSummary:
            return self.mean(lambda inputs, _: evaluate_bundles(
                inputs.with_divisible() if divisible else inputs, row, offers))

        return evaluate


def ranges_at(ranges: Ranges, where: slice) -> Ranges:
    """The draws ``where`` of per-draw ranges."""
    return Ranges(**{f.name: getattr(ranges, f.name)[where] for f in dataclasses.fields(Ranges)})


# ------------------------------------------------------------------------------ merging


def merge(parts: Sequence[Any], sizes: Sequence[int]) -> Any:
    """One result from results over batches of ``sizes`` draws: numbers (floats, arrays) are
    means over the draws and become the size-weighted mean; everything else (names, offers,
    flags) must be the same in every batch. A party's mean margin where it prefers war is
    weighted by how many draws of each batch it prefers war in; an assessment's mechanism
    shares of war and its Wilson interval are recomputed from the merged counts."""
    first = parts[0]
    if isinstance(first, OfferAssessment):
        return _merge_assessment(parts, sizes)
    if isinstance(first, PartyPreference):
        return _merge_preference(parts, sizes)
    if isinstance(first, BaseModel):
        return type(first)(**{name: merge([getattr(p, name) for p in parts], sizes)
                              for name in type(first).model_fields})
    if dataclasses.is_dataclass(first) and not isinstance(first, type):
        return type(first)(**{f.name: merge([getattr(p, f.name) for p in parts], sizes)
                              for f in dataclasses.fields(first)})
    if isinstance(first, (list, tuple)):
        if any(len(p) != len(first) for p in parts):
            raise ValueError("batches disagree on the length of a result list")
        return type(first)(merge([p[i] for p in parts], sizes) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: merge([p[k] for p in parts], sizes) for k in first}
    if isinstance(first, np.ndarray) and first.dtype.kind == "f":
        return _weighted(np.stack(parts), sizes)
    if isinstance(first, float):
        return float(_weighted(np.array(parts), sizes))
    if any(not _same(p, first) for p in parts):
        raise ValueError(f"batches disagree on a value that is not a mean: {first!r}")
    return first


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    return bool(a == b)


def _weighted(means: FloatArray, sizes: Sequence[int]) -> FloatArray:
    """Size-weighted mean over the leading (batch) axis; where every batch's mean times its
    size is a whole number (a proportion: a count over the batch), the counts are added and
    divided once, which is exactly the unbatched proportion."""
    n = np.asarray(sizes, dtype=np.float64).reshape((-1,) + (1,) * (means.ndim - 1))
    totals = means * n
    counts = np.round(totals)
    whole = np.all(np.abs(totals - counts) <= 1e-9 * np.maximum(1.0, np.abs(totals)), axis=0)
    mean = np.where(whole, counts.sum(0), totals.sum(0)) / n.sum()
    # a number every batch agrees on (a setting, a bound) is kept as it is
    return np.asarray(np.where(np.all(means == means[:1], axis=0), means[0], mean))


def _merge_preference(parts: Sequence[PartyPreference], sizes: Sequence[int]
                      ) -> PartyPreference:
    counts = [round(p.share_prefers_war * n) for p, n in zip(parts, sizes, strict=True)]
    given = [(p.mean_margin_when_war, c) for p, c in zip(parts, counts, strict=True) if c > 0]
    when = (None if not given else
            float(_weighted(np.array([m for m, _ in given], dtype=np.float64),
                            [c for _, c in given])))
    merged = {name: merge([getattr(p, name) for p in parts], sizes)
              for name in type(parts[0]).model_fields if name != "mean_margin_when_war"}
    return PartyPreference(**merged, mean_margin_when_war=when)


def _merge_assessment(parts: Sequence[OfferAssessment], sizes: Sequence[int]
                      ) -> OfferAssessment:
    n = sum(sizes)
    merged = {name: merge([getattr(p, name) for p in parts], sizes)
              for name in type(parts[0]).model_fields}
    wars = _total(merged["p_war"], n)
    merged["p_war_interval"] = wilson(merged["p_war"], n)
    merged["mechanisms"] = [
        MechanismShare(**{**m.model_dump(), "share_of_war": _total(m.p, n) / wars if wars
                          else 0.0}) for m in merged["mechanisms"]]
    return OfferAssessment(**merged)


def _total(mean: float, n: int) -> float:
    """``mean * n``: a whole count where it is one (P(war) without resolve uncertainty counts
    draws), else the sum of the draws' probabilities of war."""
    total = mean * n
    return float(round(total)) if abs(total - round(total)) <= 1e-9 * max(1.0, total) else total
