"""The state of every run and the crisis core evaluated in it.

The crisis core is :mod:`detente.crisis` as ``detente crisis`` uses it: the scenario's
crisis as arrays (:func:`detente.crisis.analysis.crisis_inputs`), the levers applied by
:func:`detente.crisis.levers.apply_levers`, the war lottery (S2), the value of an offer (S1)
and the challenger's commitment problem (S5, :func:`detente.crisis.commitment_war_two_period`)
of ``docs/crisis-model.md``. The simulation needs them in two shapes the analysis does not
evaluate: one lever setting and one offer *per run* (the diagonal of the analysis's bundles x
draws), and every type of the defending side's belief in every run's public state
(runs x types). This module computes both with the same equations; the golden test of
``docs/escalation.md`` section 7 checks them against the analysis draw by draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from detente.crisis import commitment_war_two_period
from detente.crisis.analysis import CrisisInputs
from detente.crisis.bargaining import FloatArray
from detente.crisis.levers import Applied, LeverArrays, apply_levers, lever_levels

__all__ = ["TOL", "Core", "State", "evaluate_runs", "evaluate_types", "offer_values"]

TOL = 1e-12  # the crisis core's tie rule: a margin at or below this is peace


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
    """

    m_c: FloatArray
    kappa: FloatArray
    m_d: FloatArray | None = None
    w_d: FloatArray | None = None
    v_d: FloatArray | None = None

    @property
    def war_now(self) -> npt.NDArray[np.bool_]:
        """War under the crisis core's rule (``war = m_C > tol or m_D > tol or
        commitment``) with the challenger ready."""
        out = (self.m_c > TOL) | (self.kappa > 1e-9)
        if self.m_d is not None:
            out = out | (self.m_d > TOL)
        return np.asarray(out)


def offer_values(inputs: CrisisInputs, offers: FloatArray, party: int | slice,
                 rows: npt.NDArray[np.intp] | None = None) -> FloatArray:
    """``V_i(x) = 1 - sum_k weight_ik |x_k - x_ik|`` (S1) of a per-run offer.

    ``rows`` selects the draws (runs) that the ``(n, K)`` offers belong to (the diagonal);
    without it the offers are evaluated for every draw of ``inputs`` (runs x types):
    ``(n, N)`` for one party, ``(n, N, P)`` for a slice.
    """
    if rows is not None:
        w = inputs.weight[rows][:, party]
        pos = inputs.position[rows][:, party]
        x = offers[:, None, :] if w.ndim == 3 else offers
        return np.asarray(1.0 - (w * np.abs(x - pos)).sum(axis=-1))
    w = inputs.weight[:, party]
    pos = inputs.position[:, party]
    if w.ndim == 3:
        gap = np.abs(offers[:, None, None, :] - pos[None])
        return np.asarray(1.0 - (w[None] * gap).sum(axis=-1))
    return np.asarray(1.0 - (w[None] * np.abs(offers[:, None, :] - pos[None])).sum(axis=-1))


def _with_credible(levers: tuple[LeverArrays, ...], credible: npt.NDArray[np.bool_] | None
                   ) -> tuple[LeverArrays, ...]:
    """The levers with each sanctions lever's ``unity`` raised to 1 where the threat is
    credible whatever the coalition's type (A2); ``credible`` broadcasts against the
    levers' per-draw effect arrays."""
    if credible is None or not np.any(credible):
        return levers
    return tuple(replace(lv, effect={**lv.effect, **{key: np.where(
        credible, 1.0, np.asarray(lv.effect[key], dtype=np.float64))
        for key in ("unity", "unity_at_low") if key in lv.effect}})
        if lv.kind == "sanctions" else lv for lv in levers)


def _take(lever: LeverArrays, rows: npt.NDArray[np.intp]) -> LeverArrays:
    return replace(lever, cost=lever.cost[rows],
                   effect={k: np.asarray(v)[..., rows] for k, v in lever.effect.items()})


def _commitment(inputs: CrisisInputs, applied: Applied, rows: npt.NDArray[np.intp] | None
                ) -> FloatArray:
    """The challenger's preventive-war margin, (S5) with the rising side proposing.

    The pie is the offer line: ``p~ = (p V_C(X_c) + (1 - p) V_C(X_d) - v0) / (1 - v0)``,
    ``c~ = c_C / (1 - v0)``; power falls from ``p~(p_now)`` toward ``p~(p_future)`` in
    ``periods`` equal steps and the first step decides (``docs/crisis-model.md``, "The
    commitment problem"; :func:`detente.crisis.commitment_war_two_period`).
    """
    shape = applied.p_now.shape
    if not inputs.has_shift:
        return np.full(shape, -np.inf)
    sel = slice(None) if rows is None else rows
    v0 = inputs.value_start[sel, 0]
    vcw, vdw = inputs.value_cw[sel, 0], inputs.value_dw[sel, 0]
    pie = 1.0 - v0
    ok = pie > 1e-9
    safe = np.where(ok, pie, 1.0)

    def tilde(p: FloatArray) -> FloatArray:
        return np.asarray(np.clip((p * vcw + (1.0 - p) * vdw - v0) / safe, 0.0, 1.0))

    p0 = tilde(applied.p_now)
    p_end = np.minimum(tilde(applied.p_future), p0)
    p1 = p0 - (p0 - p_end) / inputs.periods[sel]
    result = commitment_war_two_period(p0, p1, inputs.discount[sel], applied.cost_challenger
                                       / safe, 0.0, proposer="rising")
    return np.asarray(np.where(ok, np.asarray(result.margin, dtype=np.float64), -np.inf))


def evaluate_runs(inputs: CrisisInputs, rows: npt.NDArray[np.intp], settings: FloatArray,
                  offers: FloatArray, audience_c: FloatArray,
                  credible: npt.NDArray[np.bool_] | None = None) -> Core:
    """The crisis core for each run in its own state (the diagonal).

    ``rows`` are the runs' draws in ``inputs``; ``settings`` ``(n, L)``, ``offers``
    ``(n, K)`` (snapped), ``audience_c`` ``(n,)``; where ``credible`` ``(n,)`` holds the
    sanctions threat is carried out whatever the coalition's type (A2). Runs that share a
    lever setting go through :func:`~detente.crisis.levers.apply_levers` together.
    """
    n = rows.shape[0]
    full = None
    if credible is not None:
        full = np.zeros(inputs.n, dtype=bool)
        full[rows] = credible
    levers = _with_credible(inputs.levers, full)
    levels = lever_levels(inputs.levers, settings) if inputs.levers else np.zeros((n, 0))
    p_now, p_fut, cost = np.empty(n), np.empty(n), np.empty(n)
    parts: dict[str, FloatArray] = {}
    uniq, group = np.unique(levels, axis=0, return_inverse=True)
    group = np.ravel(group)
    for g in range(uniq.shape[0]):
        members = np.flatnonzero(group == g)
        r = rows[members]
        applied = apply_levers(tuple(_take(lv, r) for lv in levers), uniq[g:g + 1],
                               inputs.p_win[r], inputs.p_future[r], inputs.cost[r, 0])
        p_now[members], p_fut[members] = applied.p_now[0], applied.p_future[0]
        cost[members] = applied.cost_challenger[0]
    applied_all = Applied(p_now=p_now, p_future=p_fut, cost_challenger=cost,
                          sanctions_cost=np.zeros(n), arms_cost=np.zeros(n),
                          escalation_cost=np.zeros(n), occupation_cost=np.zeros(n),
                          sanctions_credibility=np.zeros(n), sanctions_sender_cost=np.zeros(n))
    parts["kappa"] = _commitment(inputs, applied_all, rows)
    p = p_now[:, None]
    war = p * inputs.value_cw[rows] + (1.0 - p) * inputs.value_dw[rows] - inputs.cost[rows]
    war[:, 0] = war[:, 0] + inputs.cost[rows, 0] - cost
    values = offer_values(inputs, offers, slice(None), rows)
    dw = inputs.defender_weight[rows]
    w_d = (war[:, 1:] * dw).sum(-1)
    v_d = (values[:, 1:] * dw).sum(-1)
    return Core(m_c=war[:, 0] - values[:, 0] + audience_c, kappa=parts["kappa"],
                m_d=w_d - v_d, w_d=w_d, v_d=v_d)


def evaluate_types(types: CrisisInputs, settings: FloatArray, offers: FloatArray,
                   audience_c: FloatArray, credible: npt.NDArray[np.bool_] | None = None
                   ) -> Core:
    """The crisis core for every type of the population in every run's public state:
    ``(n, N)`` margins of the challenger (with the run's audience cost) and commitment
    margins. ``credible`` ``(n,)``: runs whose sanctions threat is credible (A2).

    Runs share few distinct lever settings and offers (moves change them in steps), so the
    war values and the commitment margins are computed once per distinct setting and the
    offer values once per distinct offer, then gathered for every run.
    """
    n = settings.shape[0]
    cred = np.zeros(n, dtype=bool) if credible is None else np.asarray(credible, dtype=bool)
    keys = np.column_stack([settings, cred.astype(np.float64)])
    uniq, group = np.unique(keys, axis=0, return_inverse=True)
    group = np.ravel(group)
    u_set, u_cred = uniq[:, :-1], uniq[:, -1] > 0.5
    levels = (lever_levels(types.levers, u_set) if types.levers
              else np.zeros((uniq.shape[0], 0)))
    applied = apply_levers(_with_credible(types.levers, u_cred[:, None]), levels, types.p_win,
                           types.p_future, types.cost[:, 0])
    p = applied.p_now
    w_c = p * types.value_cw[None, :, 0] + (1.0 - p) * types.value_dw[None, :, 0] \
        - applied.cost_challenger
    kappa = _commitment(types, applied, None)
    u_offer, o_group = np.unique(offers, axis=0, return_inverse=True)
    v_c = offer_values(types, u_offer, 0)
    m_c = w_c[group] - v_c[np.ravel(o_group)] + audience_c[:, None]
    return Core(m_c=np.asarray(m_c), kappa=np.asarray(kappa[group]))
