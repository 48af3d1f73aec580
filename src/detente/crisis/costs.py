"""What a bundle of levers and an offer cost the defending side, in units of its stakes."""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputs
from detente.crisis.levers import sanctions_threat
from detente.crisis.war_values import (
    bundle_arrays,
    bundle_chunks,
    p_war_batch,
    values_of_offers,
)

__all__ = ["concession_cost", "lever_cost"]


def lever_cost(inputs: CrisisInputs, settings: Any, offers: Any,
               p_war: FloatArray | None = None) -> FloatArray:
    """The defending side's cost of each bundle, in units of its stakes, ``(n_bundles,)``.

    ``sum_l lam_l E[k_l] (x P(war) for levers incurred only if war) + E[V_D(sq) - V_D(x)]``
    (a sanctions lever with an audience cost counts, instead of ``lam E[k]``, what the
    senders pay if defied: imposition on the credible part, the audience cost on the rest):
    the pulled levers' costs (``lam`` the level, ``k`` the cost at the top of the range) plus
    the value the offer concedes relative to the status quo (negative when the offer is better
    for the defenders than the status quo). ``p_war`` may be passed to avoid recomputing it.
    """
    levels, snapped = bundle_arrays(inputs, settings, offers)
    if p_war is None and any(lv.incurred == "if_war" for lv in inputs.levers):
        p_war = p_war_batch(inputs, settings, offers)
    total = np.zeros(levels.shape[0])
    for j, lever in enumerate(inputs.levers):
        share = (np.asarray(p_war, dtype=np.float64) if lever.incurred == "if_war"
                 and p_war is not None else 1.0)
        if lever.kind == "sanctions" and "audience_cost" in lever.effect:
            # the threat game: in war the senders impose what is credible and pay the
            # audience cost on what they back down from (crisis/levers.py, sanctions_threat)
            _, paid = sanctions_threat(levels[:, j, None], lever.effect, lever.cost)
            total += paid.mean(axis=1) * share
            continue
        total += levels[:, j] * float(lever.cost.mean()) * share
    return total + concession_cost(inputs, snapped)


def concession_cost(inputs: CrisisInputs, offers: FloatArray) -> FloatArray:
    """``E[V_D(sq) - V_D(x)]`` for snapped offers ``(n, K)``: the value the defending side
    concedes relative to the status quo, in units of its stakes, ``(n,)``."""
    dw = inputs.defender_weight
    v_sq = (inputs.value_sq[:, 1:] * dw).sum(-1)
    out = np.empty(offers.shape[0])
    for sl in bundle_chunks(inputs, offers.shape[0]):
        v_offer = (values_of_offers(inputs, offers[sl])[..., 1:] * dw[None]).sum(-1)
        out[sl] = (v_sq[None] - v_offer).mean(axis=1)
    return out
