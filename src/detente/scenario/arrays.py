"""A scenario's negotiation inputs as arrays: what every model reads.

Positions are in each issue's own units; saliences are fractions (0..1, the file's 0..100
divided by 100); capabilities are as given. :meth:`detente.sampling.Draws.arrays` gives the
same arrays batched over Monte Carlo draws; :mod:`detente.models.base` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.scenario.schema import Scenario

__all__ = ["FloatArray", "ScenarioArrays", "scenario_arrays"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ScenarioArrays:
    """A scenario as arrays. Optionally batched: a leading axis of parameter draws.

    Shapes (``B`` only when batched): ``capability`` (B, n), ``position`` (B, n, k),
    ``salience`` (B, n, k), ``lower``/``upper``/``status_quo`` (k,).
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    lower: FloatArray
    upper: FloatArray
    status_quo: FloatArray

    @property
    def batched(self) -> bool:
        return self.capability.ndim == 2

    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        return len(self.issue_ids)

    def issue(self, k: int) -> ScenarioArrays:
        """The same arrays restricted to issue ``k`` (issue axis kept, length 1)."""
        sl = slice(k, k + 1)
        return ScenarioArrays(
            self.actor_ids, (self.issue_ids[k],), self.capability,
            self.position[..., sl], self.salience[..., sl],
            self.lower[sl], self.upper[sl], self.status_quo[sl],
        )

    def draw(self, b: int) -> ScenarioArrays:
        """One draw of a batched set of arrays."""
        if not self.batched:
            raise ValueError("these arrays are not batched")
        return ScenarioArrays(
            self.actor_ids, self.issue_ids, self.capability[b], self.position[b],
            self.salience[b], self.lower, self.upper, self.status_quo,
        )


def scenario_arrays(scenario: Scenario) -> ScenarioArrays:
    """The point estimates of a scenario as (unbatched) arrays."""
    issues = scenario.issues
    ids = [i.id for i in issues]
    return ScenarioArrays(
        actor_ids=tuple(a.id for a in scenario.actors),
        issue_ids=tuple(ids),
        capability=np.array([a.capability.point for a in scenario.actors], dtype=float),
        position=np.array([[a.positions[i].point for i in ids] for a in scenario.actors],
                          dtype=float).reshape(len(scenario.actors), len(ids)),
        salience=np.array([[a.salience[i].point / 100.0 for i in ids] for a in scenario.actors],
                          dtype=float).reshape(len(scenario.actors), len(ids)),
        lower=np.array([i.scale.low for i in issues], dtype=float),
        upper=np.array([i.scale.high for i in issues], dtype=float),
        status_quo=np.array([_status_quo(i) for i in issues], dtype=float),
    )


def _status_quo(issue: Any) -> float:
    if issue.status_quo is not None:
        return float(issue.status_quo.point)
    return float("nan")
