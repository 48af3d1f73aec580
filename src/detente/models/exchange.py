"""Exchange model: actors trade vote shifts across pairs of issues when both gain.

Stokman and Van Oosten's exchange model (Stokman & Van Oosten 1994, "The exchange of voting
positions: an object-oriented model of policy networks", in Bueno de Mesquita & Stokman (eds.),
*European Community Decision Making*, Yale UP) in the form of the Decide model (Dijkstra,
Van Assen & Stokman 2008, "Outcomes of collective decisions with externalities predicted",
*Journal of Theoretical Politics* 20(4), 415-441) as the maintained ``decide-exchange-model``
package computes it. The numerics and the steps of a round are in
:mod:`detente.models._exchange_core`; ``docs/models/exchange.md`` explains them.

Where talks settle: each issue's outcome is the capability × salience weighted mean of the
votes (the compromise model). Two actors on opposite sides of two outcomes can both gain by
trading: each moves its vote toward the other on the issue it cares about less, and the
outcomes move toward each on the issue it cares about more. Rounds of such trades run until a
round finds no exchange that raises both traders' expected utility (``converged``), or
``max_rounds``. The forecast is the weighted mean of the last round's votes; with no gainful
exchange at all it is the compromise forecast.

Actors are put in the order of their ids before the rounds, so that exchanges of exactly equal
gain are taken in an order that does not depend on how the scenario lists its actors (the
package breaks such ties at random).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import Field

from detente.models import _exchange_core as core
from detente.models.base import (
    FloatArray,
    ModelConfig,
    ModelInfo,
    ModelInputError,
    ScenarioArrays,
    Solution,
)
from detente.models.compromise import influence, weighted_mean

__all__ = ["INFO", "Config", "forecast_batch", "solve"]


class Config(ModelConfig):
    """Parameters of the exchange model."""

    rate: Literal["equal", "nash"] = Field(
        "equal", description="exchange rate: 'equal' gain for both traders (Decide), or "
                             "'nash': the shift that maximises the product of their gains")
    max_rounds: int = Field(10, ge=1, le=10_000,
                            description="stop after this many rounds of exchanges (10: the "
                                        "package's default number of iterations)")


def _prepared(arrays: ScenarioArrays) -> tuple[np.ndarray, FloatArray, FloatArray, FloatArray,
                                                FloatArray]:
    """Actor order by id, positions on 0..100, saliences, powers (n, k), and the spans."""
    if arrays.n_actors < 2:
        raise ModelInputError(f"model 'exchange' needs at least 2 actors, got "
                              f"{arrays.n_actors}")
    span = arrays.upper - arrays.lower
    if np.any(span <= 0):
        raise ModelInputError("model 'exchange' needs every issue's upper bound above its "
                              "lower bound")
    order = np.argsort(np.array(arrays.actor_ids), kind="stable")
    x = (arrays.position[order] - arrays.lower) * 100.0 / span
    if np.any(x < -1e-9) or np.any(x > 100 + 1e-9):
        raise ModelInputError("model 'exchange' needs every position within its issue's scale")
    s = np.asarray(arrays.salience[order], dtype=float)
    c = np.broadcast_to(np.asarray(arrays.capability[order], dtype=float)[:, None],
                        s.shape).copy()
    if np.any(c < 0) or np.any(s < 0):
        raise ModelInputError("model 'exchange' needs capabilities and saliences >= 0")
    return order, np.clip(x, 0.0, 100.0), s, c, span


def run(arrays: ScenarioArrays, config: Config) -> tuple[core.Run, np.ndarray, FloatArray]:
    """The rounds on one (unbatched) scenario: the run (actors in id order), that order, and
    the issue spans."""
    order, x, s, c, span = _prepared(arrays)
    return core.simulate(x, s, c, rate=config.rate, max_rounds=config.max_rounds), order, span


def solve(arrays: ScenarioArrays, config: Config, rng: np.random.Generator) -> Solution:
    """Play rounds of exchanges to the stopping rule on one scenario."""
    if arrays.batched:
        raise ValueError("solve takes unbatched arrays; use forecast_batch for draws")
    result, order, span = run(arrays, config)
    back = np.argsort(order)
    votes = [result.starts[0]] + [r.votes for r in result.rounds]
    units = np.stack([_units(arrays, span, v)[back] for v in votes])   # (rounds + 1, n, k)
    outcome = weighted_mean(units, influence(arrays))                    # (rounds + 1, k)
    rounds = len(result.rounds)
    names = [arrays.actor_ids[m] for m in order]
    reason = (f"no gainful exchange left after {rounds} round{'s' if rounds != 1 else ''}"
              if result.converged else
              f"stopped at the {config.max_rounds}-round limit without converging "
              "(raise max_rounds)")
    diagnostics: dict[str, Any] = {
        "rate": config.rate,
        "outcome": outcome,
        "start": np.stack([_units(arrays, span, x)[back] for x in result.starts]),
        "exchanges": [_describe(ex, t, names, arrays, span)
                      for t, r in enumerate(result.rounds, start=1) for ex in r.exchanges],
    }
    return Solution(forecast=outcome[-1],
                    history=[units[:, :, k] for k in range(arrays.n_issues)],
                    stop_reason=reason, rounds=rounds, diagnostics=diagnostics,
                    converged=[result.converged] * arrays.n_issues)


def _units(arrays: ScenarioArrays, span: FloatArray, x: FloatArray) -> FloatArray:
    """Positions on 0..100 back in each issue's units."""
    return np.asarray(arrays.lower + x * span / 100.0, dtype=float)


def _describe(ex: core.Exchange, round_: int, names: list[str], arrays: ScenarioArrays,
              span: FloatArray) -> dict[str, Any]:
    """One carried-out exchange, in the issues' units: who moved where on which issue, and
    what each gained in expected utility."""
    def side(s: core.Side, gain: float) -> dict[str, Any]:
        k = s.supply
        lower, width = float(arrays.lower[k]), float(span[k]) / 100.0
        return {"actor": names[s.actor], "issue": arrays.issue_ids[k],
                "from": lower + s.x * width, "to": lower + s.y * width, "gain": float(gain)}
    return {"round": round_, "gain": float(ex.gain),
            "sides": [side(ex.i, ex.gains[0]), side(ex.j, ex.gains[1])]}


def forecast_batch(arrays: ScenarioArrays, config: Config, rng: np.random.Generator
                   ) -> FloatArray:
    """(B, k) forecasts for B parameter draws. A Python loop over draws: each draw follows its
    own sequence of exchanges (a greedy choice at every step), so draws cannot share arrays."""
    if not arrays.batched:
        return solve(arrays, config, rng).forecast
    out = np.empty((arrays.capability.shape[0], arrays.n_issues))
    for b in range(out.shape[0]):
        draw = arrays.draw(b)
        result, order, span = run(draw, config)
        final = result.rounds[-1].votes if result.rounds else result.starts[0]
        units = _units(draw, span, final)[np.argsort(order)]
        out[b] = weighted_mean(units, influence(draw))
    return out


INFO = ModelInfo(
    name="exchange",
    title="Exchange model (vote trading across issues, Decide form)",
    reference="Stokman & Van Oosten (1994), European Community Decision Making; Dijkstra, "
              "Van Assen & Stokman (2008), J. Theoretical Politics 20(4); decide-exchange-model",
    stochastic=False,
    config=Config,
    solve=solve,
    forecast_batch=forecast_batch,
    issues="joint",
    min_actors=2,
)
