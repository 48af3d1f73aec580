"""The defending side's belief about the challenger: weights over a population of types.

Each type is one draw of the scenario (``docs/escalation.md``, section 2). A belief is a
row of weights per run; Bayes' rule multiplies each type's weight by the probability that a
challenger of its class makes the observed move (B2). The two-type projection summarises a
belief for the stage game (section 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.crisis.bargaining import FloatArray

__all__ = ["Projection", "condition", "prior", "project", "resolved_share", "update"]

BoolArray = npt.NDArray[np.bool_]


def prior(runs: int, types: int) -> FloatArray:
    """Equal weight on every type of the population, in every run."""
    return np.full((runs, types), 1.0 / types)


def condition(weights: FloatArray, likelihood: FloatArray) -> FloatArray:
    """Bayes' rule (B2): ``w' ∝ w · likelihood``, row by row.

    A row in which the observed move had probability zero under every type keeps its
    weights: the move is outside the model's population, and nothing is learnt from it.
    """
    post = weights * likelihood
    total = post.sum(axis=1, keepdims=True)
    ok = total > 0.0
    return np.asarray(np.where(ok, post / np.where(ok, total, 1.0), weights))


def resolved_share(weights: FloatArray, resolved: BoolArray) -> FloatArray:
    """``mu = sum_n w_n [m_C(n) > 0]`` (B1)."""
    return np.asarray((weights * resolved).sum(axis=1))


@dataclass(frozen=True)
class Projection:
    """A belief reduced to the two types of the stage game: ``mu`` (B1), each class's mean
    war margin ``w_h``/``w_l`` and mean payoff ``v_h``/``v_l`` when the defending side
    concedes (the better of the concession and war)."""

    mu: FloatArray
    w_h: FloatArray
    w_l: FloatArray
    v_h: FloatArray
    v_l: FloatArray


def project(weights: FloatArray, margin: FloatArray, gain: FloatArray) -> Projection:
    """The two-type projection of a belief (``docs/escalation.md``, section 3).

    ``margin`` ``(n, N)`` is each type's war margin over the offer on the table and ``gain``
    its gain from the next concession step; a type is resolved when its margin is positive.
    A class with no weight gets zero means (it does not enter the stage game: ``mu`` is 0 or
    1 then).
    """
    resolved = margin > 0.0
    w_h_mass = (weights * resolved).sum(axis=1)
    w_l_mass = (weights * ~resolved).sum(axis=1)
    conceded = np.maximum(gain, margin)

    def mean(values: FloatArray, mask: BoolArray, mass: FloatArray) -> FloatArray:
        s = (weights * mask * values).sum(axis=1)
        return np.asarray(np.where(mass > 0.0, s / np.where(mass > 0.0, mass, 1.0), 0.0))

    total = w_h_mass + w_l_mass
    mu = np.where(total > 0.0, w_h_mass / np.where(total > 0.0, total, 1.0), 0.0)
    return Projection(mu=np.asarray(mu), w_h=mean(margin, resolved, w_h_mass),
                      w_l=mean(margin, ~resolved, w_l_mass),
                      v_h=mean(conceded, resolved, w_h_mass),
                      v_l=mean(conceded, ~resolved, w_l_mass))


def update(weights: FloatArray, resolved: BoolArray, sigma_h: FloatArray, sigma_l: FloatArray,
           signalled: BoolArray) -> FloatArray:
    """Bayes' rule after a signal or its absence (B2): each type's likelihood is its class's
    probability of the observed choice."""
    p_signal = np.where(resolved, sigma_h[:, None], sigma_l[:, None])
    likelihood = np.where(signalled[:, None], p_signal, 1.0 - p_signal)
    return condition(weights, likelihood)
