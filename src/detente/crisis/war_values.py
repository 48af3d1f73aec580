"""War or peace in every draw: each party's value of war and of the offer, and the decision.

War is Fearon's (1995) costly lottery over the outcomes the victor would impose,
``W_i = p V_i(X_c) + (1 - p) V_i(X_d) - c_i``, with ``p`` and the challenger's cost after the
levers (:mod:`detente.crisis.levers`). A draw ends in war when the challenger or the defending
side prefers war to the offer, or when the challenger faces a commitment problem it cannot be
bought out of (Fearon 1995; Powell 2006). Everything is array code over a leading bundle axis
and the draw axis; :func:`evaluate_bundles` evaluates many lever bundles and offers on the same
draws (common random numbers). See ``docs/crisis-model.md``.

Resolve. When the scenario gives ``q`` (``war.defenders_resolve``: the challenger's belief
that the defending side will resist a challenge by force), the challenger facing the offer
plays the deterrence game of :func:`detente.crisis.deterrence.deterrence` (Morrow 1994, ch. 8;
Fearon 1994): challenging (refusing the offer and using force) wins it its own terms
``V_C(X_c)`` if the defenders concede and the war lottery ``W_C`` if they resist, so it
challenges iff ``(1 - q) V_C(X_c) + q W_C > V_C(x)``, i.e. iff ``q < q* = (V_C(X_c) - V_C(x))
/ (V_C(X_c) - W_C)``. A challenger with a commitment problem challenges too. The defenders'
type is drawn from the same prior, so a challenge ends in war with probability ``q`` and in
capitulation (the defenders concede ``X_c`` unresisted) with ``1 - q``: ``P(war | draw) = 1``
when the defending side prefers war to the offer, else ``q`` when the challenger challenges,
else 0. The weights replace a draw of the type, so the random stream is the one without
``q``; without ``q`` (``q = 1``) the decision is exactly the one above.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.crisis.bargaining import BoolArray, FloatArray
from detente.crisis.commitment import commitment_war_two_period
from detente.crisis.deterrence import deterrence
from detente.crisis.inputs import CrisisInputs, snap
from detente.crisis.levers import Applied, apply_levers, lever_levels

__all__ = ["MARGIN_TOL", "BundleSummary", "Evaluation", "bundle_arrays", "bundle_chunks",
           "challenge", "challenge_margin", "check_offers", "commitment_margin",
           "evaluate_bundles", "p_war_batch", "values_of_offers", "values_of_war",
           "war_decisions"]

MARGIN_TOL = 1e-12  # margins at or below this are peace: an indifferent party settles
_CHUNK = 4_000_000  # elements (bundles x draws x parties x issues) evaluated at once


@dataclass(frozen=True)
class Evaluation:
    """Everything decided per bundle and draw, each ``(n_bundles, B)`` (``margin`` has a
    trailing party axis). A margin is ``W - V``: positive means that party prefers war."""

    margin: FloatArray
    margin_defenders: FloatArray
    value_defenders: FloatArray
    war_value_defenders: FloatArray
    commitment: BoolArray
    commitment_margin: FloatArray
    war: BoolArray
    applied: Applied
    p_war: FloatArray
    challenges: BoolArray
    p_capitulation: FloatArray | None = None
    expected_value_defenders: FloatArray | None = None

    def value_expected_defenders(self) -> FloatArray:
        """The defending side's expected value per bundle and draw: ``W_D`` in war, ``V_D(X_c)``
        in capitulation, ``V_D(x)`` in peace, weighted by their probabilities."""
        if self.expected_value_defenders is not None:
            return self.expected_value_defenders
        return np.asarray(np.where(self.war, self.war_value_defenders, self.value_defenders))


def values_of_war(inputs: CrisisInputs, applied: Applied) -> FloatArray:
    """``W_i = p V_i(X_c) + (1 - p) V_i(X_d) - c_i``: ``(n_bundles, B, P)``."""
    p = applied.p_now[..., None]
    w = p * inputs.value_cw[None] + (1.0 - p) * inputs.value_dw[None] - inputs.cost[None]
    w[..., 0] = w[..., 0] + inputs.cost[None, :, 0] - applied.cost_challenger
    return np.asarray(w)


def values_of_offers(inputs: CrisisInputs, offers: FloatArray) -> FloatArray:
    """``V_i(x)`` of fixed offers ``(n_bundles, K)`` in every draw: ``(n_bundles, B, P)``."""
    v = np.ones((offers.shape[0], inputs.n, len(inputs.party_ids)))
    for k in range(offers.shape[1]):
        v -= inputs.weight[None, :, :, k] * np.abs(offers[:, k, None, None]
                                                   - inputs.position[None, :, :, k])
    return v


def commitment_margin(inputs: CrisisInputs, applied: Applied) -> FloatArray:
    """Margin of the challenger's preventive war (positive: war), ``(n_bundles, B)``.

    The pie is the offer line: normalised by the challenger's value of the defenders' ideal
    ``v0`` and of its own ideal (1), its costless war payoff is ``p~ = (p V_C(X_c) + (1 - p)
    V_C(X_d) - v0) / (1 - v0)`` and its cost ``c~ = c_C / (1 - v0)``. Power falls from
    ``p~(p_now)`` to ``p~(p_future)`` in ``periods`` equal steps; with the rising side proposing
    (Fearon's preventive-war setting) the first step decides, so the two-period closed form of
    :func:`detente.crisis.commitment_war_two_period` gives the exact equilibrium.
    """
    nb = applied.p_now.shape[0]
    if not inputs.has_shift:
        return np.full((nb, inputs.n), -np.inf)
    v0 = inputs.value_start[:, 0]
    pie = 1.0 - v0
    ok = pie > 1e-9
    safe = np.where(ok, pie, 1.0)

    def tilde(p: FloatArray) -> FloatArray:
        raw = (p * inputs.value_cw[:, 0] + (1.0 - p) * inputs.value_dw[:, 0] - v0) / safe
        return np.asarray(np.clip(raw, 0.0, 1.0))

    p0 = tilde(applied.p_now)
    p_end = np.minimum(tilde(applied.p_future), p0)
    p1 = p0 - (p0 - p_end) / inputs.periods
    cost = applied.cost_challenger / safe
    result = commitment_war_two_period(p0, p1, inputs.discount, cost, 0.0, proposer="rising")
    margin = np.asarray(result.margin, dtype=np.float64)
    return np.where(ok, margin, -np.inf)


def war_decisions(inputs: CrisisInputs, levels: FloatArray, offers: FloatArray) -> Evaluation:
    """The war decision for each bundle (``levels`` ``(nb, L)`` or one row shared by every
    bundle, snapped ``offers`` ``(nb, K)``) in each draw.

    The levers' effects (the war lottery and the commitment problem) do not depend on the
    offer, so a shared row of levels is evaluated once and broadcast over the offers.
    """
    applied = apply_levers(inputs.levers, levels, inputs.p_win, inputs.p_future,
                           inputs.cost[:, 0], inputs.resolve)
    war_values = values_of_war(inputs, applied)
    values = values_of_offers(inputs, offers)
    margin = war_values - values
    dw = inputs.defender_weight[None]
    war_d = (war_values[..., 1:] * dw).sum(-1)
    value_d = (values[..., 1:] * dw).sum(-1)
    margin_d = war_d - value_d
    shape = margin_d.shape
    commit_margin = np.broadcast_to(commitment_margin(inputs, applied), shape)
    commitment = commit_margin > 1e-9
    war_d_all = np.broadcast_to(war_d, shape)
    refused = margin_d > MARGIN_TOL
    if applied.resolve is None:
        challenges = (margin[..., 0] > MARGIN_TOL) | commitment
        war = challenges | refused
        return Evaluation(margin=margin, margin_defenders=margin_d, value_defenders=value_d,
                          war_value_defenders=war_d_all, commitment=commitment,
                          commitment_margin=commit_margin, war=war, applied=applied,
                          p_war=war.astype(np.float64), challenges=challenges)
    q = applied.resolve
    challenges = challenge(inputs, q, values[..., 0], war_values[..., 0]) | commitment
    p_war = np.where(refused, 1.0, challenges * q)
    p_cap = np.where(refused, 0.0, challenges * (1.0 - q))
    conceded = (inputs.value_cw[None, :, 1:] * dw).sum(-1)
    expected = p_war * war_d_all + p_cap * conceded + (1.0 - p_war - p_cap) * value_d
    return Evaluation(margin=margin, margin_defenders=margin_d, value_defenders=value_d,
                      war_value_defenders=war_d_all, commitment=commitment,
                      commitment_margin=commit_margin, war=p_war > 0, applied=applied,
                      p_war=p_war, challenges=challenges, p_capitulation=p_cap,
                      expected_value_defenders=expected)


def challenge(inputs: CrisisInputs, resolve: FloatArray, value_offer: FloatArray,
              value_war: FloatArray) -> BoolArray:
    """Whether the challenger refuses the offer and uses force, ``(n_bundles, B)``: the
    deterrence game of :func:`detente.crisis.deterrence.deterrence` with ``win = V_C(X_c)``,
    ``status_quo = V_C(x)`` (the offer), ``war = W_C`` and belief ``q = resolve`` (module
    docstring), an indifferent challenger settling: :func:`challenge_margin` above
    :data:`MARGIN_TOL`."""
    win = np.broadcast_to(inputs.value_cw[None, :, 0], value_war.shape)
    return np.asarray(challenge_margin(win, resolve, value_offer, value_war) > MARGIN_TOL)


def challenge_margin(win: FloatArray, resolve: FloatArray, value_offer: FloatArray,
                     value_war: FloatArray) -> FloatArray:
    """The challenger's gain from challenging over accepting the offer, ``EU(challenge) -
    V_C(x) = (1 - q) V_C(X_c) + q W_C - V_C(x)`` (Morrow 1994, ch. 8; step 3 of
    :func:`detente.crisis.deterrence.deterrence`, whose ``expected_utility_challenge`` it is),
    with ``win = V_C(X_c)``, ``resolve = q``, ``value_offer = V_C(x)`` (what accepting is worth
    to it, audience costs included) and ``value_war = W_C``; inputs broadcast. The challenger
    challenges iff it is above :data:`MARGIN_TOL` (an indifferent challenger settles, the
    deterrence game's ``ties="settle"``); at ``q = 1`` it is the war margin ``W_C - V_C(x)``.
    Where conceding ``X_c`` is worth no more to the challenger than war (``V_C(X_c) <= W_C``:
    it cannot lose by war) the game's ``win > war`` does not hold and the expected value is
    taken directly."""
    win, q, offer, war = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (win, resolve, value_offer, value_war)))
    ok = win > war
    game = deterrence(q, win=np.where(ok, win, war + 1.0), status_quo=offer, war=war,
                      ties="settle")
    direct = (1.0 - q) * win + q * war
    return np.asarray(np.where(ok, game.expected_utility_challenge, direct) - offer)


def _shared(levels: FloatArray) -> FloatArray:
    """One row when every bundle pulls the levers the same way, else the rows as given."""
    if levels.shape[0] > 1 and np.all(levels == levels[:1]):
        return levels[:1]
    return levels


def bundle_chunks(inputs: CrisisInputs, nb: int) -> list[slice]:
    per = max(1, _CHUNK // max(1, inputs.n * len(inputs.party_ids) * len(inputs.issue_ids)))
    return [slice(i, min(i + per, nb)) for i in range(0, nb, per)]


def check_offers(inputs: CrisisInputs, offers: Any, nb: int) -> FloatArray:
    o = np.atleast_2d(np.asarray(offers, dtype=np.float64))
    if o.shape[-1] != len(inputs.issue_ids):
        raise ValueError(f"offers have {o.shape[-1]} columns but there are "
                         f"{len(inputs.issue_ids)} issues ({', '.join(inputs.issue_ids)})")
    o = np.broadcast_to(o, (nb, o.shape[-1]))
    bad = ~np.isfinite(o) | (o < inputs.lower - 1e-9) | (o > inputs.upper + 1e-9)
    if np.any(bad):
        row, k = np.argwhere(bad)[0]
        raise ValueError(f"offer {o[row, k]:g} on {inputs.issue_ids[k]!r} is outside its "
                         f"scale {inputs.lower[k]:g}..{inputs.upper[k]:g}")
    return np.asarray(o)


def bundle_arrays(inputs: CrisisInputs, settings: Any, offers: Any
                  ) -> tuple[FloatArray, FloatArray]:
    """Levels and snapped offers, one row per bundle (a single row of either is repeated)."""
    s = np.asarray(settings, dtype=np.float64)
    s = s.reshape(-1, len(inputs.levers)) if s.size or inputs.levers else np.zeros((1, 0))
    levels = lever_levels(inputs.levers, s)
    n_offers = np.atleast_2d(np.asarray(offers, dtype=np.float64)).shape[0]
    nb = max(levels.shape[0], n_offers)
    if levels.shape[0] not in (1, nb) or n_offers not in (1, nb):
        raise ValueError(f"{levels.shape[0]} lever settings but {n_offers} offers; give one "
                         "of each per bundle, or a single one for every bundle")
    o = check_offers(inputs, offers, nb)
    return np.ascontiguousarray(np.broadcast_to(levels, (nb, levels.shape[1]))), snap(inputs, o)


@dataclass(frozen=True)
class BundleSummary:
    """Per-bundle summaries over the draws (each ``(n_bundles,)``)."""

    p_war: FloatArray
    p_commitment: FloatArray
    expected_value_defenders: FloatArray
    mean_margin_challenger: FloatArray
    p_capitulation: FloatArray


def evaluate_bundles(inputs: CrisisInputs, settings: Any, offers: Any) -> BundleSummary:
    """Evaluate many lever bundles and offers on the same draws (common random numbers).

    ``settings`` ``(n_bundles, L)``: one column per effect lever (``inputs.lever_ids``), in the
    levers' own units; ``offers`` ``(n_bundles, K)`` (or ``(K,)`` for one offer for all
    bundles): the offer per issue, in the issues' units, indivisible issues snapped. The
    defending side's expected value is ``E[V_D(x)]`` in peace and ``E[W_D]`` in war.
    """
    levels, snapped = bundle_arrays(inputs, settings, offers)
    nb = levels.shape[0]
    p_war, p_commit, p_cap = np.empty(nb), np.empty(nb), np.zeros(nb)
    value, margin_c = np.empty(nb), np.empty(nb)
    levels = _shared(levels)
    for sl in bundle_chunks(inputs, nb):
        ev = war_decisions(inputs, levels if levels.shape[0] == 1 else levels[sl], snapped[sl])
        p_war[sl] = ev.p_war.mean(axis=1)
        p_commit[sl] = ev.commitment.mean(axis=1)
        value[sl] = ev.value_expected_defenders().mean(axis=1)
        margin_c[sl] = ev.margin[..., 0].mean(axis=1)
        if ev.p_capitulation is not None:
            p_cap[sl] = ev.p_capitulation.mean(axis=1)
    return BundleSummary(p_war=p_war, p_commitment=p_commit, expected_value_defenders=value,
                         mean_margin_challenger=margin_c, p_capitulation=p_cap)


def p_war_batch(inputs: CrisisInputs, settings: Any, offers: Any) -> FloatArray:
    """P(war) for each bundle: ``(n_bundles, L)`` settings, ``(n_bundles, K)`` offers ->
    ``(n_bundles,)``, every bundle on the same draws (common random numbers).

    Columns of ``settings`` follow ``inputs.lever_ids`` (the effect levers, file order); a
    setting outside its lever's range or off its steps raises ``ValueError``. Offers are in
    the issues' units; indivisible issues are moved to their nearest allowed value.
    """
    return evaluate_bundles(inputs, settings, offers).p_war
