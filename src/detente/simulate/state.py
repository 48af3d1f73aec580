"""The state of every run and the crisis core evaluated in it.

The crisis core is :mod:`detente.crisis` as ``detente crisis`` uses it: the scenario's
crisis as arrays (:func:`detente.crisis.inputs.crisis_inputs`), the levers applied by
:func:`detente.crisis.levers.apply_levers`, the war lottery (S2,
:func:`detente.crisis.war_values.values_of_war`), the value of an offer (S1,
:func:`detente.crisis.inputs.values_at`, :func:`~detente.crisis.war_values.values_of_offers`)
and the challenger's commitment problem (S5,
:func:`~detente.crisis.war_values.commitment_margin`) of ``docs/crisis-model.md``. The
simulation calls those functions in two shapes the analysis does not use: one lever setting
and one offer *per run* (the diagonal of the analysis's bundles x draws: the runs that share a
setting are evaluated together as a bundle of one), and every type of the defending side's
belief in every run's public state (distinct settings x types, gathered per run). The golden
test of ``docs/escalation.md`` section 7 checks the result against the analysis draw by
draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputs, values_at
from detente.crisis.levers import LeverArrays, apply_levers, lever_levels
from detente.crisis.war_values import (
    MARGIN_TOL,
    challenge_margin,
    commitment_margin,
    values_of_offers,
    values_of_war,
)

__all__ = ["TOL", "Core", "State", "evaluate_runs", "evaluate_types", "offer_values"]

TOL = MARGIN_TOL  # the crisis core's tie rule: a margin at or below this is peace


@dataclass
class State:
    """The state of ``n`` runs (``docs/escalation.md``, section 1), one row per run.

    ``offer`` ``(n, K)`` in the issues' units; ``settings`` ``(n, L)`` the effect levers'
    settings in their own units; ``mobilisation`` ``M`` in [0, 1]; ``audience_c``/
    ``audience_d`` the two sides' audience costs; ``sunk_c`` the challenger's sunk costs;
    ``held`` whether the coalition has shown it holds (sanctions imposed); ``weights``
    ``(n, N)`` the defending side's belief over the type population; ``status`` 0 ongoing,
    1 war, 2 settled, with the ``week`` it ended (0 while ongoing).
    """

    offer: FloatArray
    settings: FloatArray
    mobilisation: FloatArray
    audience_c: FloatArray
    audience_d: FloatArray
    sunk_c: FloatArray
    held: npt.NDArray[np.bool_]
    weights: FloatArray
    status: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    week: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n(self) -> int:
        return int(self.offer.shape[0])

    def copy(self) -> State:
        return State(*(np.array(getattr(self, f), copy=True) for f in (
            "offer", "settings", "mobilisation", "audience_c", "audience_d", "sunk_c", "held",
            "weights", "status", "week")))


@dataclass(frozen=True)
class Core:
    """The crisis core in one state: margins ``W - V`` (positive: prefers war) and values.

    Shapes are ``(n,)`` for runs and ``(n, N)`` for types. ``m_c`` includes the
    challenger's audience cost; ``kappa`` is the commitment margin (positive: preventive war).
    ``w_d``/``v_d`` are the defending side's war value and value of the offer (runs only).
    ``q`` is the challenger's belief that the defending side will resist a challenge, after
    the levers (:func:`detente.crisis.levers.shown_resolve`), or None when the scenario does
    not give ``war.defenders_resolve``; with it ``m_c`` is the challenger's gain from
    challenging in the deterrence game (:func:`detente.crisis.war_values.challenge_margin`)
    and ``v_cap`` the defending side's value of capitulating, ``V_D(X_c)`` (runs only).
    """

    m_c: FloatArray
    kappa: FloatArray
    m_d: FloatArray | None = None
    w_d: FloatArray | None = None
    v_d: FloatArray | None = None
    q: FloatArray | None = None
    v_cap: FloatArray | None = None

    @property
    def war_now(self) -> npt.NDArray[np.bool_]:
        """War under the crisis core's rule (``war = m_C > tol or m_D > tol or
        commitment``) with the challenger ready."""
        out = (self.m_c > TOL) | (self.kappa > 1e-9)
        if self.m_d is not None:
            out = out | (self.m_d > TOL)
        return np.asarray(out)

    @property
    def p_war_now(self) -> npt.NDArray[np.bool_] | FloatArray:
        """P(war) now with the challenger ready: :attr:`war_now` without ``q``; with it, as
        in the crisis core (``docs/crisis-model.md``, "Resolve"), 1 where the defending side
        prefers war, ``q`` where the challenger challenges, else 0."""
        if self.q is None:
            return self.war_now
        ch = (self.m_c > TOL) | (self.kappa > 1e-9)
        refused = np.zeros_like(ch) if self.m_d is None else self.m_d > TOL
        return np.asarray(np.where(refused, 1.0, ch * self.q))


def _take(lever: LeverArrays, rows: npt.NDArray[np.intp]) -> LeverArrays:
    return replace(lever, cost=lever.cost[rows],
                   effect={k: np.asarray(v)[..., rows] for k, v in lever.effect.items()})


#: The per-draw arrays of :class:`~detente.crisis.inputs.CrisisInputs` (everything else is
#: the scenario's structure, the same in every draw).
PER_DRAW = ("position", "weight", "defender_weight", "value_cw", "value_dw", "value_sq",
            "value_start", "p_win", "p_future", "cost", "discount", "periods")


def take_rows(inputs: CrisisInputs, rows: npt.NDArray[np.intp]) -> CrisisInputs:
    """The crisis arrays of the draws ``rows`` only (what ``crisis_inputs`` gives for those
    draws), levers included."""
    return replace(inputs, **{f: getattr(inputs, f)[rows] for f in PER_DRAW},
                   resolve=None if inputs.resolve is None else inputs.resolve[rows],
                   levers=tuple(_take(lv, rows) for lv in inputs.levers),
                   concessions=tuple(_take(lv, rows) for lv in inputs.concessions))


def _sanctions_keys(n: int, audience_d: FloatArray | None,
                    held: npt.NDArray[np.bool_] | None) -> FloatArray:
    """``(n, 2)``: each run's added audience cost ``A_D`` and whether its coalition has shown
    it holds, the two parts of a run's state the sanctions threat depends on (A2)."""
    a = np.zeros(n) if audience_d is None else np.asarray(audience_d, dtype=np.float64)
    h = np.zeros(n, dtype=bool) if held is None else np.asarray(held, dtype=bool)
    return np.column_stack([a, h.astype(np.float64)])


def evaluate_runs(inputs: CrisisInputs, rows: npt.NDArray[np.intp], settings: FloatArray,
                  offers: FloatArray, audience_c: FloatArray,
                  audience_d: FloatArray | None = None,
                  held: npt.NDArray[np.bool_] | None = None) -> Core:
    """The crisis core for each run in its own state (the diagonal).

    ``rows`` are the runs' draws in ``inputs``; ``settings`` ``(n, L)``, ``offers``
    ``(n, K)`` (snapped), ``audience_c`` ``(n,)``; ``audience_d`` ``(n,)`` is the audience
    cost the defending side has added to its sanctions threat and ``held`` ``(n,)`` marks
    runs whose coalition has shown it holds, both passed to the crisis core's credibility
    rule (A2, :func:`detente.crisis.sanctions.sanctions_credibility`). Runs that share a
    lever setting and sanctions state are one bundle of
    :func:`~detente.crisis.war_values.values_of_war`.
    """
    n = rows.shape[0]
    levels = lever_levels(inputs.levers, settings) if inputs.levers else np.zeros((n, 0))
    keys = np.column_stack([levels, _sanctions_keys(n, audience_d, held)])
    uniq, group = np.unique(keys, axis=0, return_inverse=True)
    group = np.ravel(group)
    war = np.empty((n, len(inputs.party_ids)))
    kappa = np.empty(n)
    q = None if inputs.resolve is None else np.empty(n)
    for g in range(uniq.shape[0]):
        members = np.flatnonzero(group == g)
        sub = take_rows(inputs, rows[members])
        applied = apply_levers(sub.levers, uniq[g:g + 1, :-2], sub.p_win, sub.p_future,
                               sub.cost[:, 0], sub.resolve,
                               added_audience_cost=uniq[g:g + 1, -2:-1],
                               coalition_held=uniq[g:g + 1, -1:] > 0.5)
        war[members] = values_of_war(sub, applied)[0]
        kappa[members] = commitment_margin(sub, applied)[0]
        if q is not None and applied.resolve is not None:
            q[members] = applied.resolve[0]
    values = values_at(inputs.position[rows], inputs.weight[rows], offers)
    dw = inputs.defender_weight[rows]
    w_d = (war[:, 1:] * dw).sum(-1)
    v_d = (values[:, 1:] * dw).sum(-1)
    if q is None:
        return Core(m_c=war[:, 0] - values[:, 0] + audience_c, kappa=kappa, m_d=w_d - v_d,
                    w_d=w_d, v_d=v_d)
    m_c = challenge_margin(inputs.value_cw[rows, 0], q, values[:, 0] - audience_c, war[:, 0])
    v_cap = (inputs.value_cw[rows, 1:] * dw).sum(-1)
    return Core(m_c=m_c, kappa=kappa, m_d=w_d - v_d, w_d=w_d, v_d=v_d, q=q, v_cap=v_cap)


def evaluate_types(types: CrisisInputs, settings: FloatArray, offers: FloatArray,
                   audience_c: FloatArray, audience_d: FloatArray | None = None,
                   held: npt.NDArray[np.bool_] | None = None) -> Core:
    """The crisis core for every type of the population in every run's public state:
    ``(n, N)`` margins of the challenger (with the run's audience cost) and commitment
    margins. ``audience_d`` and ``held`` ``(n,)``: each run's sanctions state, as in
    :func:`evaluate_runs`.

    Runs share few distinct lever settings and offers (moves change them in steps), so the
    war values and the commitment margins are computed once per distinct setting (one bundle
    each) and the offer values once per distinct offer, then gathered for every run.
    """
    n = settings.shape[0]
    keys = np.column_stack([settings, _sanctions_keys(n, audience_d, held)])
    uniq, group = np.unique(keys, axis=0, return_inverse=True)
    group = np.ravel(group)
    u_set = uniq[:, :-2]
    levels = (lever_levels(types.levers, u_set) if types.levers
              else np.zeros((uniq.shape[0], 0)))
    applied = apply_levers(types.levers, levels, types.p_win, types.p_future,
                           types.cost[:, 0], types.resolve, added_audience_cost=uniq[:, -2:-1],
                           coalition_held=uniq[:, -1:] > 0.5)
    w_c = values_of_war(types, applied)[..., 0]
    kappa = commitment_margin(types, applied)
    u_offer, o_group = np.unique(offers, axis=0, return_inverse=True)
    v_c = values_of_offers(types, u_offer)[..., 0]
    if applied.resolve is None:
        m_c = w_c[group] - v_c[np.ravel(o_group)] + audience_c[:, None]
        return Core(m_c=np.asarray(m_c), kappa=np.asarray(kappa[group]))
    q = applied.resolve[group]
    m_c = challenge_margin(types.value_cw[None, :, 0], q,
                           v_c[np.ravel(o_group)] - audience_c[:, None], w_c[group])
    return Core(m_c=m_c, kappa=np.asarray(kappa[group]), q=q)


def offer_values(inputs: CrisisInputs, offers: FloatArray, rows: npt.NDArray[np.intp]
                 ) -> FloatArray:
    """``V_i(x)`` (S1) of each run's offer ``(n, K)`` for every party: ``(n, P)``."""
    return values_at(inputs.position[rows], inputs.weight[rows], offers)
