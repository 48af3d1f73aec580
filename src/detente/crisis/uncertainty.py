"""How sure the answer is: Monte Carlo precision and the spread across structural uncertainty.

:func:`wilson` is the Wilson (1927) score interval for a proportion; :func:`structural_spread`
separates the challenger's private information from what better analysis could pin down with a
nested Monte Carlo on the same seeded draws. See ``docs/crisis-model.md``.
"""

from __future__ import annotations

import math

import numpy as np

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputs, crisis_inputs, snap
from detente.crisis.levers import lever_levels
from detente.crisis.war_values import war_decisions
from detente.sampling import Draws, from_matrix
from detente.scenario.schema import Scenario

__all__ = ["STRUCTURAL_DRAWS", "private_paths", "structural_spread", "wilson"]

_Z90 = 1.6448536269514722
_OUTER, _INNER = 200, 1000
#: :func:`structural_spread` at its defaults reads only the draws before this one
STRUCTURAL_DRAWS = max(_OUTER, _INNER)


def wilson(p: float, n: int, z: float = _Z90) -> tuple[float, float]:
    """Wilson score interval for a proportion ``p`` observed in ``n`` draws (90% by default):
    the Monte Carlo precision of P(war), not the uncertainty about the crisis."""
    if n <= 0:
        return (0.0, 1.0)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def private_paths(scenario: Scenario) -> set[tuple[str | int, ...]]:
    """Inputs that are the challenger's private information: its positions and saliences, its
    probability of prevailing (now and after the shift), its cost of war, its cost of
    enduring sanctions and its belief that the defenders will resist. Everything else is
    structural (knowable in principle)."""
    crisis = scenario.crisis
    assert crisis is not None
    a = scenario.actor_ids.index(crisis.challenger)
    paths: set[tuple[str | int, ...]] = set()
    for iid in scenario.issue_ids:
        paths.add(("actors", a, "positions", iid))
        paths.add(("actors", a, "salience", iid))
    paths |= {("crisis", "war", "p_win"), ("crisis", "war", "costs", crisis.challenger),
              ("crisis", "power_shift", "p_win_future"), ("crisis", "war", "defenders_resolve")}
    for m, lever in enumerate(crisis.levers):
        if lever.kind == "sanctions":
            paths.add(("crisis", "levers", m, "effect", "cost_to_challenger"))
    return paths


def structural_spread(draws: Draws, settings: FloatArray, offers: FloatArray, *,
                      outer: int = _OUTER, inner: int = _INNER) -> FloatArray:
    """5th and 95th percentiles of P(war | structure) for each offer ``(n_offers, K)``.

    P(war) over all draws mixes two uncertainties: the challenger's private information (which
    no analyst or defender can know; see :func:`private_paths`) and the structural inputs
    (which better analysis could pin down). For ``outer`` draws of the structural inputs,
    P(war) is averaged over ``inner`` draws of the private ones (a nested Monte Carlo on the
    same seeded draws); the spread of these conditional probabilities is how much the answer
    depends on what could be learnt. Returns ``(n_offers, 2)``.
    """
    private = private_paths(draws.scenario)
    keep = [j for j, inp in enumerate(draws.inputs) if _used(draws.scenario, inp.path)]
    cols = [draws.inputs[j] for j in keep]
    values = draws.values[:, keep]
    is_private = np.array([inp.path in private for inp in cols], dtype=bool)
    m, i_n = min(outer, draws.n), min(inner, draws.n)
    inner_private = values[:i_n, is_private]
    probs = np.empty((len(offers), m))
    step = max(1, 40_000 // i_n)
    for start in range(0, m, step):
        stop = min(start + step, m)
        block = np.empty((stop - start, i_n, len(cols)))
        block[:] = values[start:stop, None, :]
        block[:, :, is_private] = inner_private[None]
        nested = crisis_inputs(from_matrix(draws.scenario, cols,
                                           block.reshape((stop - start) * i_n, len(cols))))
        probs[:, start:stop] = _nested_p_war(nested, settings, offers, stop - start, i_n)
    return np.asarray(np.quantile(probs, [0.05, 0.95], axis=1).T)


def _used(scenario: Scenario, path: tuple[str | int, ...]) -> bool:
    """Whether the crisis analysis reads the input at ``path`` (actors outside the crisis do
    not enter it)."""
    crisis = scenario.crisis
    if path[0] != "actors" or crisis is None:
        return True
    actor = scenario.actors[int(path[1])].id
    if actor == crisis.challenger:
        return path[2] != "capability"
    return actor in crisis.defenders


def _nested_p_war(nested: CrisisInputs, settings: FloatArray, offers: FloatArray, m: int,
                  i_n: int) -> FloatArray:
    levels = lever_levels(nested.levers, settings.reshape(1, -1))
    out = np.empty((len(offers), m))
    for r, offer in enumerate(offers):
        ev = war_decisions(nested, levels, snap(nested, offer.reshape(1, -1)))
        out[r] = ev.p_war[0].reshape(m, i_n).mean(axis=1)
    return out
