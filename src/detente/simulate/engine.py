"""The week-by-week game (``docs/escalation.md``, section 1), vectorised over runs.

:func:`prepare` builds what every week needs (the runs' and the types' crisis arrays, the
opening offer and lever settings, the runs' uniform numbers); :class:`Game` holds the state of
every run and plays weeks (:meth:`Game.week`) or replays a dated move (:meth:`Game.play`).
Run ``b`` depends only on the seed, its global index and the type population (the first
``types`` draws), never on which other runs share its batch: that is what lets the sweep
backends split the runs in any way and give the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from detente.crisis.bargaining import FloatArray
from detente.crisis.inputs import CrisisInputs, crisis_inputs, feasible, line, snap
from detente.crisis.levers import sanctions_threat, sanctions_unity
from detente.crisis.offers import resolve_offer
from detente.crisis.sanctions import sanctions_credibility
from detente.sampling import Draws, draw, uniforms
from detente.scenario.history import MOVES
from detente.scenario.schema import Scenario
from detente.simulate import beliefs
from detente.simulate.catalogue import Catalogue
from detente.simulate.policy import stage_game
from detente.simulate.state import (
    TOL,
    Core,
    State,
    evaluate_runs,
    evaluate_types,
    offer_values,
)

__all__ = ["CAPITULATION", "NONE", "Game", "Setup", "StageInputs", "prepare", "turn_key"]

NONE = -1  # no move recorded (the run had ended)
CAPITULATION = 3  # status of a run whose defenders gave way to an invasion
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def turn_key(seed: int) -> int:
    """The Philox key of the runs' per-week uniform numbers, distinct from the draws' key
    (``seed`` itself) so the two streams never overlap."""
    state = np.random.SeedSequence([seed, 0x5E7]).generate_state(2, dtype=np.uint64)
    return int(state[0]) | (int(state[1]) << 64)


@dataclass(frozen=True)
class Setup:
    """Everything fixed during a simulation of runs ``start..stop``."""

    scenario: Scenario
    catalogue: Catalogue
    runs: CrisisInputs
    types: CrisisInputs
    offer: FloatArray
    settings: FloatArray
    start: int
    weeks: int
    seed: int
    uniform: FloatArray
    signals: bool = True

    @property
    def n(self) -> int:
        return self.runs.n

    def lever_column(self, kind: str | None) -> int | None:
        """The first effect lever of this kind (the one the catalogue's moves act on)."""
        for j, lv in enumerate(self.runs.levers):
            if lv.kind == kind:
                return j
        return None


def prepare(scenario: Scenario, catalogue: Catalogue, *, seed: int, start: int, stop: int,
            weeks: int, types: int, opening: str = "defenders", model: str = "compromise",
            signals: bool = True, draws: Draws | None = None) -> Setup:
    """Draws ``start..stop`` are the runs (the draws of ``detente crisis`` with this seed);
    draws ``0..types`` the defending side's population of challenger types.

    ``opening`` is the offer on the table in week 1: ``"defenders"``, the defending side's
    own terms (``t = 0`` on the offer line, within its concession limits), or ``"model"``,
    the offer of ``detente crisis`` (the negotiation ``model``'s forecast, or the concession
    levers' defaults). ``draws`` are the runs' draws when they come from elsewhere (a sweep's
    chunk, perhaps with correlated inputs); they must be draws ``start..stop``."""
    runs = crisis_inputs(draw(scenario, seed, start, stop) if draws is None else draws)
    population = crisis_inputs(draw(scenario, seed, 0, types))
    offer, _, settings, _ = resolve_offer(scenario, population, model, seed, None, None)
    if opening == "defenders":
        offer = feasible(population, line(population, np.array([0.0])))[0]
    elif opening != "model":
        raise ValueError(f"opening must be 'defenders' or 'model'; got {opening!r}")
    u = uniforms(turn_key(seed), start, stop, 3 * weeks + 1)
    return Setup(scenario=scenario, catalogue=catalogue, runs=runs, types=population,
                 offer=offer, settings=settings, start=start, weeks=weeks, seed=seed,
                 uniform=u, signals=signals)


@dataclass
class Record:
    """What happened, per run and week: each side's move (catalogue index or :data:`NONE`),
    the escalation score (E1), the belief that the challenger is resolved before the
    challenger's move, and the change in it the move caused."""

    c_move: IntArray
    d_move: IntArray
    escalation: FloatArray
    belief: FloatArray
    shift: FloatArray

    @classmethod
    def empty(cls, n: int, weeks: int) -> Record:
        return cls(np.full((n, weeks), NONE), np.full((n, weeks), NONE),
                   np.full((n, weeks), np.nan), np.full((n, weeks), np.nan),
                   np.full((n, weeks), np.nan))


@dataclass(frozen=True)
class StageInputs:
    """One week's stage game, per live run: each type's war ``margin`` and whether it
    ``fight``s now, the belief ``weights`` without those, its two-type ``projection``, the
    defending side's ``b`` and ``c``, the next signal's sunk cost ``k`` and audience cost
    ``a`` and its ``rung`` on the ladder (-1: none left)."""

    margin: FloatArray
    fight: BoolArray
    weights: FloatArray
    projection: beliefs.Projection
    b: FloatArray
    c: FloatArray
    k: FloatArray
    a: FloatArray
    rung: IntArray


@dataclass
class Game:
    """The state of every run and the rules that move it."""

    setup: Setup
    state: State
    used: BoolArray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))

    @classmethod
    def start(cls, setup: Setup, mobilisation: float = 0.0,
              settings: FloatArray | None = None) -> Game:
        n, types = setup.n, setup.types.n
        base = setup.settings if settings is None else settings
        state = State(offer=np.repeat(setup.offer[None], n, axis=0),
                      settings=np.repeat(np.asarray(base, dtype=np.float64)[None], n, axis=0),
                      mobilisation=np.full(n, float(mobilisation)), audience_c=np.zeros(n),
                      audience_d=np.zeros(n), sunk_c=np.zeros(n), held=np.zeros(n, dtype=bool),
                      weights=beliefs.prior(n, types), status=np.zeros(n, dtype=np.int64),
                      week=np.zeros(n, dtype=np.int64))
        return cls(setup, state, np.zeros((n, len(setup.catalogue.ladder)), dtype=bool))

    # ------------------------------------------------------------------ the core, here

    def sanctions_state(self, rows: IntArray, audience_d: FloatArray | None = None
                        ) -> tuple[FloatArray | None, BoolArray | None]:
        """The runs' sanctions state for the crisis core's credibility rule (A2): the audience
        cost ``A_D`` the defending side has added and whether its coalition has shown it
        holds (``None``, ``None`` when the scenario has no sanctions lever)."""
        if self.setup.lever_column("sanctions") is None:
            return None, None
        a = self.state.audience_d[rows] if audience_d is None else audience_d
        return np.asarray(a, dtype=np.float64), self.state.held[rows]

    def core(self, rows: IntArray, settings: FloatArray | None = None,
             offer: FloatArray | None = None, audience_d: FloatArray | None = None) -> Core:
        st = self.state
        s = st.settings[rows] if settings is None else settings
        x = snap(self.setup.runs, st.offer[rows] if offer is None else offer)
        return evaluate_runs(self.setup.runs, rows, s, x, st.audience_c[rows],
                             *self.sanctions_state(rows, audience_d))

    def type_core(self, rows: IntArray, settings: FloatArray | None = None,
                  offer: FloatArray | None = None, audience_d: FloatArray | None = None
                  ) -> Core:
        st = self.state
        s = st.settings[rows] if settings is None else settings
        x = snap(self.setup.runs, st.offer[rows] if offer is None else offer)
        return evaluate_types(self.setup.types, s, x, st.audience_c[rows],
                              *self.sanctions_state(rows, audience_d))

    def next_offer(self, rows: IntArray) -> FloatArray:
        """One concession step along the offer line, within the concession limits, never
        backwards."""
        inputs = self.setup.runs
        step = self.setup.catalogue.move("offer").effect.offer_step
        x = self.state.offer[rows]
        d = inputs.line_end - inputs.line_start
        moved = np.clip(feasible(inputs, x + step * d), inputs.lower, inputs.upper)
        return np.asarray(np.where((moved - x) * d < 0.0, x, moved))

    def defender_value(self, rows: IntArray, offer: FloatArray) -> FloatArray:
        """``V_D(x)`` of a per-run offer: the defending side's aggregate (S1)."""
        inputs = self.setup.runs
        v = offer_values(inputs, snap(inputs, offer), rows)[:, 1:]
        return np.asarray((v * inputs.defender_weight[rows]).sum(axis=-1))

    # ----------------------------------------------------------------------- moves

    def index(self, name: str) -> int:
        return self.setup.catalogue.names.index(name)

    def apply(self, rows: IntArray, name: str, *, by: str | None = None,
              level: float | None = None, setting: float | None = None) -> None:
        """Apply a move's effect to the runs ``rows`` (``docs/escalation.md``, section 6);
        ``by`` (``"challenger"`` or ``"defenders"``) says whose audience cost a public move
        raises, by default the side the vocabulary gives the move."""
        if rows.size == 0:
            return
        st, effect = self.state, self.setup.catalogue.move(name).effect
        if name == "offer":
            st.offer[rows] = self.next_offer(rows)
        if effect.mobilisation or level is not None:
            m = st.mobilisation[rows] + effect.mobilisation if level is None else level
            st.mobilisation[rows] = np.clip(m, 0.0, 1.0)
        side = by if by is not None else MOVES[name]
        if side == "defenders":
            st.audience_d[rows] += effect.audience_cost
        else:
            st.sunk_c[rows] += effect.sunk_cost
            st.audience_c[rows] += effect.audience_cost
        if effect.credible:
            st.held[rows] = True
        j = self.setup.lever_column(effect.lever)
        if j is not None and (effect.lever_step or setting is not None):
            lever = self.setup.runs.levers[j]
            new = (st.settings[rows, j] + effect.lever_step * (lever.high - lever.low)
                   if setting is None else np.full(rows.size, float(setting)))
            st.settings[rows, j] = _on_lever(lever.low, lever.high, lever.steps, new)
        if name in self.setup.catalogue.ladder and name != "mobilise":
            self.used[rows, self.setup.catalogue.ladder.index(name)] = True

    def end(self, rows: IntArray, status: int, week: int) -> None:
        self.state.status[rows] = status
        self.state.week[rows] = week

    def invaded(self, rows: IntArray, q: FloatArray | None, week: int) -> None:
        """End the runs ``rows``, whose challenger invades in ``week``. Without ``q`` (the
        scenario gives no ``war.defenders_resolve``) every invasion meets war. With it the
        defending side resists, and the run ends in war, with probability ``q`` (the run's
        belief after its lever settings); otherwise it gives way and the run ends in
        capitulation (``docs/escalation.md``, section 7). The defending side's type is
        realised with the run's own uniform number reserved for it (the last column of
        :attr:`Setup.uniform`, used by nothing else), so each run stays binary and
        reproducible, and a scenario without ``q`` draws nothing new."""
        if q is None:
            self.end(rows, 1, week)
            return
        resists = self.setup.uniform[rows, -1] < q
        self.end(rows[resists], 1, week)
        self.end(rows[~resists], CAPITULATION, week)

    # ----------------------------------------------------------------------- a week

    def week(self, t: int, record: Record) -> None:
        """Play week ``t`` (1-based) for every run still ongoing."""
        st, cat = self.state, self.setup.catalogue
        rows = np.flatnonzero(st.status == 0)
        if rows.size == 0:
            return
        u = self.setup.uniform[rows]
        core = self.core(rows)
        ready = st.mobilisation[rows] >= 1.0 - 1e-9
        preventive = core.kappa > 1e-9
        refuse = (core.m_d is not None) & (np.asarray(core.m_d) > TOL) & ~(ready & preventive)
        invade = ready & ~refuse & (preventive | (core.m_c > TOL))
        c_mv = np.full(rows.size, NONE)
        d_mv = np.full(rows.size, NONE)
        c_mv[invade] = self.index("invade")
        d_mv[refuse] = self.index("use_force")
        self.end(rows[refuse], 1, t)
        self.invaded(rows[invade], None if core.q is None else core.q[invade], t)

        live = ~(invade | refuse)
        r = rows[live]
        if r.size:
            c_live, d_live, belief, shift = self._stage(r, core, live, u[live], t)
            c_mv[live], d_mv[live] = c_live, d_live
            record.belief[r, t - 1], record.shift[r, t - 1] = belief, shift
        record.c_move[rows, t - 1], record.d_move[rows, t - 1] = c_mv, d_mv
        weight = np.array([cat.escalation_weight(m) for m in cat.names] + [0.0])
        record.escalation[rows, t - 1] = weight[c_mv] + weight[d_mv]

    def _stage(self, r: IntArray, core: Core, live: BoolArray, u: FloatArray, t: int
               ) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """The signal stage, the defending side's reply and its learning (steps 3 to 5)."""
        st, cat = self.state, self.setup.catalogue
        ready = st.mobilisation[r] >= 1.0 - 1e-9
        s = self.stage_inputs(r, core, live)
        margin, fight, weights, proj, rung = s.margin, s.fight, s.weights, s.projection, s.rung
        eq = stage_game(proj.mu, s.b, s.c, s.k, s.a, proj.v_h, proj.w_h, proj.v_l, proj.w_l)
        # a resolved challenger that is not ready prepares: it mobilises whatever the stage
        # game says, because it must be ready to fight (docs/escalation.md, section 1)
        sigma_h = np.where(ready, eq.sigma_h, 1.0)
        sigma_h = np.where(rung >= 0, sigma_h, 0.0)

        resolved = (core.m_c[live] > TOL) | (core.kappa[live] > 1e-9)
        sigma = np.where(resolved, sigma_h, eq.sigma_l)
        signal = u[:, 3 * (t - 1)] < sigma
        conceded = u[:, 3 * (t - 1) + 1] < np.where(signal, eq.yield_signal, eq.yield_none)

        rungs = np.array([cat.names.index(m) for m in cat.ladder] + [NONE])
        quiet = np.where(ready, self.index("invade"), self.index("statement"))
        c_mv = np.where(signal, rungs[rung],
                        np.where(resolved, quiet, self.index("settle")))
        for name in set(cat.ladder):
            self.apply(r[signal & (c_mv == self.index(name))], name)
        attack = resolved & ~signal & ready
        settled = ~signal & ~resolved
        conceded &= ~attack
        d_mv = np.full(r.size, self.index("statement"))
        d_mv[conceded] = self.index("offer")
        d_mv[attack] = NONE
        self.apply(r[conceded], "offer")
        self.end(r[settled], 2, t)
        self.invaded(r[attack], None if core.q is None else core.q[live][attack], t)

        type_resolved = (margin > TOL) & ~fight
        post = beliefs.update(weights, type_resolved, sigma_h, eq.sigma_l, signal)
        st.weights[r] = post
        after = beliefs.resolved_share(post, type_resolved)
        shift = np.where(settled | attack, np.nan, after - proj.mu)

        rest = ~conceded & ~settled & ~attack
        impose = rest & self._imposes(r, c_mv, u[:, 3 * (t - 1) + 2])
        d_mv[impose] = self.index("impose_sanctions")
        self.apply(r[impose], "impose_sanctions")
        choose = rest & ~impose
        if np.any(choose):
            d_mv[choose] = self._lever_choice(r[choose], post[choose])
        return c_mv, d_mv, proj.mu, shift

    def stage_inputs(self, r: IntArray, core: Core, live: BoolArray) -> StageInputs:
        """The stage game's parameters this week for the live runs ``r`` (``docs/escalation.md``,
        section 3, "In the simulation"): the belief after the types that fight now are ruled
        out, its two-type projection, ``b`` and ``c`` from the run's own values and the next
        signal's costs."""
        st = self.state
        ready = st.mobilisation[r] >= 1.0 - 1e-9
        types = self.type_core(r)
        # a type facing a commitment problem wants war whatever the offer: it counts as
        # resolved (its margin at least a hair above zero)
        margin = np.where(types.kappa > 1e-9, np.maximum(types.m_c, 1e-9), types.m_c)
        fight = (margin > TOL) & ready[:, None]
        weights = beliefs.condition(st.weights[r], (~fight).astype(np.float64))
        x_next = self.next_offer(r)
        gain = types.m_c - self.type_core(r, offer=x_next).m_c
        proj = beliefs.project(weights, np.where(fight, 0.0, margin), gain)
        v_now = np.asarray(core.v_d)[live]
        w_now = np.asarray(core.w_d)[live]
        if core.q is not None:  # an attack meets resistance with probability q
            q = core.q[live]
            w_now = q * w_now + (1.0 - q) * np.asarray(core.v_cap)[live]
        v_next = self.defender_value(r, x_next)
        can = np.any(np.abs(snap(self.setup.runs, x_next) - snap(self.setup.runs, st.offer[r]))
                     > 1e-12, axis=1)
        rung = self._rung(r, ready)
        k, a = self._signal_costs(rung)
        return StageInputs(margin=margin, fight=fight, weights=weights, projection=proj,
                           b=np.where(can, v_now - v_next, 1.0),
                           c=np.where(can, v_next - w_now, -1.0), k=k, a=a, rung=rung)

    def _rung(self, r: IntArray, ready: BoolArray) -> IntArray:
        """The challenger's next signal on its ladder: ``mobilise`` while not ready, else
        the first threat it has not used; -1 when none is left (or signals are off)."""
        ladder = self.setup.catalogue.ladder
        out = np.full(r.size, -1)
        if not self.setup.signals:
            return out
        for i in reversed(range(len(ladder))):
            free = ~ready if ladder[i] == "mobilise" else ready & ~self.used[r, i]
            out = np.where(free, i, out)
        return out

    def _signal_costs(self, rung: IntArray) -> tuple[FloatArray, FloatArray]:
        cat = self.setup.catalogue
        ks = np.array([cat.move(m).effect.sunk_cost for m in cat.ladder] + [np.inf])
        as_ = np.array([cat.move(m).effect.audience_cost for m in cat.ladder] + [0.0])
        return ks[rung], as_[rung]

    def _imposes(self, r: IntArray, c_mv: IntArray, u: FloatArray) -> BoolArray:
        """After recognition or a strike, a coalition with a sanctions threat in force imposes
        the package if it holds (``u < unity``, unity at the run's level) and imposing is
        credible for it: it costs no more than backing down, ``lam K <= a + A_D`` (step 2 of
        the sanctions threat game, :func:`detente.crisis.sanctions.sanctions_credibility`
        with ``u = 1``). A split coalition stages no imposition; what it would still impose
        (the share ``r``) is priced by the crisis core if the challenger goes to war."""
        j = self.setup.lever_column("sanctions")
        if j is None:
            return np.zeros(r.size, dtype=bool)
        lever = self.setup.runs.levers[j]
        trigger = np.isin(c_mv, [self.index("recognise_separatists"),
                                 self.index("limited_strike")])
        s = self.state.settings[r, j]
        threat = s > lever.low
        lam = np.clip(lever.level(s), 0.0, 1.0)
        e = {k: np.asarray(v)[r] for k, v in lever.effect.items()}
        holds = u < sanctions_unity(e, lam)
        credible = sanctions_credibility(
            lam * lever.cost[r], 1.0, 0.0, e.get("audience_cost", np.inf),
            self.state.audience_d[r]) > 0.5
        return np.asarray(trigger & threat & holds & credible & ~self.state.held[r])

    def _lever_choice(self, r: IntArray, weights: FloatArray) -> IntArray:
        """The lever move with the highest expected value under the belief (L1), or a
        statement if none beats standing still."""
        st, cat = self.state, self.setup.catalogue
        v_d = self.defender_value(r, st.offer[r])
        best_value, _ = self._outlook(r, weights, st.settings[r], st.audience_d[r], v_d)
        best = np.full(r.size, self.index("statement"))
        for name in cat.defender_levers:
            effect = cat.move(name).effect
            j = self.setup.lever_column(effect.lever)
            if j is None:
                continue
            lever = self.setup.runs.levers[j]
            s = st.settings[r].copy()
            s[:, j] = _on_lever(lever.low, lever.high, lever.steps,
                                s[:, j] + effect.lever_step * (lever.high - lever.low))
            moved = np.abs(s[:, j] - st.settings[r, j]) > 1e-12
            a_d = st.audience_d[r] + effect.audience_cost
            value, p_war = self._outlook(r, weights, s, a_d, v_d)
            value = value - self.step_cost(r, s, a_d, p_war)
            better = moved & (value > best_value + 1e-12)
            best = np.where(better, self.index(name), best)
            best_value = np.where(better, value, best_value)
        for name in cat.defender_levers:
            self.apply(r[best == self.index(name)], name)
        return best

    def step_cost(self, r: IntArray, settings: FloatArray, audience_d: FloatArray,
                  p_war: FloatArray) -> FloatArray:
        """What a move to ``settings`` and ``audience_d`` adds to the defending side's lever
        cost in runs ``r``, by the crisis core's rule
        (:func:`detente.crisis.lever_cost`, per run): ``lam K`` for each lever, times
        ``p_war`` (the move's P(war) under the belief) for levers paid only in war; for a
        sanctions lever with an audience cost, what the senders pay if defied
        (:func:`detente.crisis.levers.sanctions_threat`: imposition on the credible part, the
        audience cost they face, ``a + A_D``, on the rest), so a public threat that makes
        backing down dearer is costed too."""
        st = self.state
        out = np.zeros(r.size)
        for j, lever in enumerate(self.setup.runs.levers):
            before = np.clip(lever.level(st.settings[r, j]), 0.0, 1.0)
            after = np.clip(lever.level(settings[:, j]), 0.0, 1.0)
            share = p_war if lever.incurred == "if_war" else 1.0
            if lever.kind == "sanctions" and "audience_cost" in lever.effect:
                effect = {k: np.asarray(v)[r] for k, v in lever.effect.items()}
                _, paid_after = sanctions_threat(after, effect, lever.cost[r], audience_d,
                                                 st.held[r])
                _, paid_before = sanctions_threat(before, effect, lever.cost[r],
                                                  st.audience_d[r], st.held[r])
                out += (paid_after - paid_before) * share
            else:
                out += (after - before) * lever.cost[r] * share
        return out

    def _outlook(self, r: IntArray, weights: FloatArray, settings: FloatArray,
                 audience_d: FloatArray, v_d: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(L1) before the lever's cost, and P(war), under the belief at ``settings``: with
        ``p`` the belief's share of types that would attack, ``p W_D + (1 - p) V_D(x)`` and
        ``p``; with ``q`` (the run's belief after ``settings`` that the defending side
        resists) an attack ends in war with probability ``q`` and in capitulation,
        ``V_D(X_c)``, otherwise (the crisis core's expected value, ``docs/crisis-model.md``,
        "Resolve"): ``p [q W_D + (1 - q) V_D(X_c)] + (1 - p) V_D(x)`` and ``p q``."""
        types = self.type_core(r, settings=settings, audience_d=audience_d)
        attack = (types.m_c > TOL) | (types.kappa > 1e-9)
        p = np.asarray((weights * attack).sum(axis=1))
        core = self.core(r, settings=settings, audience_d=audience_d)
        w_d = np.asarray(core.w_d)
        if core.q is None:
            return np.asarray(p * w_d + (1.0 - p) * v_d), p
        q = core.q
        attacked = q * w_d + (1.0 - q) * np.asarray(core.v_cap)
        return np.asarray(p * attacked + (1.0 - p) * v_d), np.asarray(p * q)


def _on_lever(low: float, high: float, steps: FloatArray | None, values: FloatArray
              ) -> FloatArray:
    """Settings clipped to the lever's range and moved to its nearest step."""
    out = np.clip(np.asarray(values, dtype=np.float64), low, high)
    if steps is not None:
        out = steps[np.argmin(np.abs(out[:, None] - steps[None]), axis=1)]
    return np.asarray(out)
