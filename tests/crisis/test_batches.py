"""The crisis analysis in batches of draws (issue #14 row 21: `crisis --draws 10000000`
tried to allocate 9.8 GiB): whatever the batch size, the same seed gives the same answer as
the analysis of all draws at once (common random numbers: draw i depends only on the seed
and i). Proportions must agree exactly (they are counts over the draws); other means to
rounding (P(war) among them where a draw's war is weighted by the defenders' resolve)."""

from __future__ import annotations

import math
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.crisis.analysis import analyse
from detente.crisis.batches import DrawBatches, merge
from detente.crisis.result import PartyPreference
from detente.scenario import load

TOY = Path(__file__).parents[1] / "data" / "whatif-toy.yaml"


def _flat(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _flat(item, f"{path}.{key}")
                .items()}
    if isinstance(value, (list, tuple)):
        return {k: v for i, item in enumerate(value) for k, v in _flat(item, f"{path}[{i}]")
                .items()}
    return {path: value}


def _proportion(path: str, weighted: bool) -> bool:
    """Whether the number is a count of draws. Where the scenario gives the defenders'
    resolve, the probabilities of war (and the mechanisms' shares of it) weight each draw by
    its chance of war (docs/crisis-model.md, (R3)): means, not counts."""
    leaf = path.rsplit(".", 1)[-1]
    if weighted and leaf in {"p", "p_war", "share_of_war", "p_war_if_divisible",
                             "p_capitulation"}:
        return False
    return leaf in {"p", "p_war", "p_commitment", "share_of_draws", "share_of_war",
                    "p_war_if_divisible"} or leaf.startswith("share_")


@pytest.mark.parametrize("scenario, draws, seed", [(TOY, 700, 3), ("ukraine-2022", 300, 0)])
def test_batches_give_the_answer_of_all_draws_at_once(scenario: Any, draws: int,
                                                      seed: int) -> None:
    s = load(scenario)
    assert s.crisis is not None
    weighted = s.crisis.war.defenders_resolve is not None
    whole = analyse(s, draws=draws, seed=seed, batch_size=draws)
    reference = _flat(whole.model_dump(exclude={"versions"}))
    for size in (97, 250):
        batched = _flat(analyse(s, draws=draws, seed=seed, batch_size=size)
                        .model_dump(exclude={"versions"}))
        assert batched.keys() == reference.keys()
        for key, want in reference.items():
            got = batched[key]
            if isinstance(want, float) and not _proportion(key, weighted):
                assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12), (size, key)
            else:  # proportions, the offers' t, names and texts: exactly
                assert got == want, (size, key, got, want)


def test_proportions_count_draws_not_rounded_means() -> None:
    """Batches of 3 and 4 draws with 1 and 2 wars: P = 3/7 exactly, not 1/3*3/7 + 2/4*4/7."""
    one = PartyPreference(party="a", name="A", role="challenger", share_prefers_war=1 / 3,
                          mean_margin=0.1, mean_margin_when_war=0.3, decides=True)
    two = one.model_copy(update={"share_prefers_war": 2 / 4, "mean_margin_when_war": 0.6})
    merged = merge([one, two], [3, 4])
    assert merged.share_prefers_war == 3 / 7
    assert merged.mean_margin_when_war == pytest.approx((0.3 * 1 + 0.6 * 2) / 3)
    assert merged.mean_margin == 0.1


def test_merge_refuses_what_is_not_a_mean() -> None:
    with pytest.raises(ValueError, match="not a mean"):
        merge(["challenger", "defender"], [5, 5])


def test_batches_cover_every_draw_once() -> None:
    s = load(TOY)
    batches = DrawBatches(s, 1, 1000, size=300)
    assert batches.spans == [(0, 300), (300, 600), (600, 900), (900, 1000)]
    p_win = np.concatenate([inputs.p_win for _, inputs in batches])
    whole = next(iter(DrawBatches(s, 1, 1000, size=1000)))[1]
    np.testing.assert_array_equal(p_win, whole.p_win)


def test_memory_grows_by_a_few_numbers_a_draw_not_by_the_sample() -> None:
    """Four times the draws in batches of 250: the peak of traced allocations grows by the
    numbers kept of every draw (about 30 bytes), not by the draws' inputs and evaluations
    (all at once, the same step costs about 18,000 bytes a draw)."""
    s = load(TOY)
    analyse(s, draws=100, seed=0)  # imports and caches outside the measurement

    def peak(draws: int) -> int:
        tracemalloc.start()
        try:
            analyse(s, draws=draws, seed=0, batch_size=250)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert peak(4000) - peak(1000) < 3000 * 100
