"""Bueno de Mesquita's expected-utility model (EUM), as reconstructed by Scholz et al. (2011).

Reference: J. Scholz, G. Calbert, G. Smith (2011), "Unravelling Bueno De Mesquita's group
decision model", Journal of Theoretical Politics 23(4); ICAART 2011, pp. 18-30. Equation and
step numbers below are the paper's (the algorithm is its Appendix, steps 1-13). The model is
Bueno de Mesquita's (1985, 1994, 1997): actors bargain on one issue in rounds; in every round
each pair (dyad) of actors weighs challenging the other, and the signs and sizes of the two
expected utilities put the dyad in one octant of conflict, compromise, capitulation or status
quo, which moves one of them.

One round (Appendix):

* positions ``x``, capabilities ``c``, saliences ``s`` (fractions 0..1); the continuum range
  ``R = x_max - x_min`` is taken from the actors' initial positions, as Scholz's program does
  (the issue's declared scale ``lower``/``upper`` is not used, nor its status quo: in the EUM
  each actor's status quo is its own current position);
* the median voter ``mu`` (step 3): the Condorcet winner of the linear votes, i.e. the
  ``c s``-weighted median;
* basic utilities with risk exponent ``r_i`` (eqs. 15, 16, 22, 23, 24) and the probability of
  success from third-party support (eqs. 30-31);
* expected utility of challenging, ``E^i(U_ij)`` (eqs. 5-7) with status-quo probability ``Q``
  and, for ``Q < 1``, better/worse probability ``T``;
* security levels ``Sec_i = sum_{j != i} E^j(U_ji)`` from a first pass with every ``r = 1``,
  risk basis ``R_i`` (eq. 32/34) and exponent ``r_i = (1 - R_i/3)/(1 + R_i/3)`` (eq. 33), then
  the expected utilities again with the ``r_i`` (step 10);
* the octant of every dyad (section 6, fig. 6), the offers it implies, each actor accepting
  one (section 6.2), all positions updated at once (step 11).

Stopping: ``max_rounds`` (default 10, the length of Scholz's run) or convergence, when no
position moves more than ``tol * R`` in a round. The forecast is BDM's: the weighted median
(the median voter position) of the final round's positions.

Two readings (``Config.reading``):

``paper`` (default) follows the paper's text. ``scholz-code`` reproduces the public Python
replication of Scholz's own program (``jmckib/bdm-scholz-expected-utility-model``, Python 3
fork ``dmasad/bdm-scholz-expected-utility-model`` commit d7c7bbab): on the EC car-emissions
case it makes the same moves in the same order as that program's ``Example.log`` and the same
new positions to 1e-13. Where they differ (``paper`` first, then ``scholz-code``):

1. Probability of success (eqs. 30-31): ``P_ij = sum of the votes for i / sum_k |v_k^{ij}|``,
   so ``P_ij + P_ji = 1``. The program divides by the sum of ``|v|`` over every voter and
   every ordered pair of actors, a constant of the round: probabilities are tiny and do not
   add up to one.
2. Votes in that probability: linear in distance (eq. 31 and Appendix step 5, from the utility
   of eq. 14). The program raises each voter's distances to the voter's risk exponent.
3. Risk exponent in the rival's expected utility: ``E^j(U_ji)`` is built from ``j``'s own
   utilities, with ``r_j`` (eqs. 5-7 with ``i`` and ``j`` swapped), so both actors see the
   same pair of numbers and the same octant. The program computes both with the risk exponent
   of the actor doing the reckoning, so the two sides of a dyad can disagree; each actor acts
   only on its own reckoning.
4. Capitulation (fig. 6): opposite signs with the negative expected utility the larger in size
   is a full move to the rival. The program's test (``eu_ji < abs(eu_ji)``) can never hold, so
   it never capitulates.
5. Choice among offers (section 6.2, "players move the least that they can"; if offers are
   not equally enforceable, concede to the actor with the highest expected utility): the
   offer that moves the actor least, equal moves going to the proposer with the highest
   expected utility. The program takes any lost confrontation first (the nearest), else the
   compromise with the smallest EU-weighted mean of the two positions, a position rather than
   a distance (hence Belgium's jump to the Netherlands in rounds 4 and 9).
6. Not challenging (eq. 7): ``Q U_sq + (1 - Q)(T U_b + (1 - T) U_w)``, with ``T`` either given or,
   by default, 1 when the rival's expected move to the median would bring it closer (the four
   cases of section 3, figs. 1-4). The program uses ``Q U_sq`` alone. Identical at Scholz's
   ``Q = 1``.
7. Median voter (Appendix step 3): the weighted median, reported every round. The program
   finds the same by pairwise votes over a set of positions, and after round 0 prints the
   weighted mean on its "Median position" line.

Both readings treat positions closer than ``1e-12 R`` as the same position (the program
compares floats for equality); this changes nothing on the reference cases. See
``docs/models/eum.md`` for the side-by-side table and how each reading fares against Scholz
et al.'s Table 2: ``scholz-code`` matches it to the table's rounding (the median truncated to
one decimal in 7 of 8 rounds, the mean within 0.06); ``paper`` does not (its median stays at
the round-0 value 7.0; its mean is within 0.05 in rounds 1 and 4, within 0.51 throughout).

Diagnostics (``Config.diagnostics``; the dyadic arrays only at level ``full``, by default up to
100 actors), per issue: ``position_range``; ``median`` and ``mean``
(weighted) for rounds 0..T; per round ``t`` (what round ``t`` computed from the positions it
started with) the security levels, risk bases and exponents, ``p_success[i][j]`` (P that ``i``
prevails over ``j``), ``eu_challenge[i][j]`` (E that ``i`` gains from challenging ``j``, as
``i`` reckons it), ``eu_challenged[i][j]`` (E that ``j`` gains from challenging ``i``, as ``i``
reckons it) and ``octant[i][j]`` (1..8, see :data:`OCTANT_LABELS`); and ``offers``, the
accepted offers. :func:`explain` turns one actor's row of that into a table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field

from detente.models import _eum_core as core
from detente.models._eum_core import KIND_NAMES, OCTANT_LABELS

if TYPE_CHECKING:
    import pandas as pd
from detente.models.base import (
    FloatArray,
    ForecastResult,
    ModelConfig,
    ModelInfo,
    ScenarioArrays,
    Solution,
    per_issue,
)

__all__ = ["INFO", "KIND_NAMES", "OCTANT_LABELS", "Config", "explain", "forecast_batch",
           "solve", "solve_issue"]


#: ``diagnostics="auto"`` records the dyadic arrays up to this many actors
FULL_DIAGNOSTICS_UP_TO = 100


class Config(ModelConfig):
    """Parameters of the expected-utility model."""

    reading: Literal["paper", "scholz-code"] = Field(
        "paper", description="'paper': the equations of Scholz et al. (2011); 'scholz-code': "
                             "their program as publicly replicated, quirks included")
    q: float = Field(1.0, ge=0.0, le=1.0,
                     description="Q, probability that the status quo holds when nobody "
                                 "challenges (eq. 7); Scholz et al. used 1")
    t: float | None = Field(None, ge=0.0, le=1.0,
                            description="T, probability that a rival's unchallenged move helps "
                                        "(eq. 7); None: 1 or 0 by the geometry of section 3. "
                                        "Matters only when q < 1; ignored by 'scholz-code'")
    max_rounds: int = Field(10, ge=1, le=10_000, description="stop after this many rounds")
    tol: float = Field(1e-9, ge=0.0, description="converged when no position moves more "
                                                 "than tol x the position range in a round")
    diagnostics: Literal["auto", "full", "summary", "none"] = Field(
        "auto", description="'full': per-round dyadic arrays (n x n), risk and offers; "
                            "'summary': without the dyadic arrays; 'auto': full up to "
                            f"{FULL_DIAGNOSTICS_UP_TO} actors, else summary")


def _run(x0: FloatArray, c: FloatArray, s: FloatArray, config: Config, record: bool
         ) -> core.Run:
    return core.simulate(x0, c, s, reading=config.reading, q=config.q, t=config.t,
                         max_rounds=config.max_rounds, tol=config.tol, record=record)


def _stop_reason(run: core.Run, config: Config) -> str:
    rounds = int(run.rounds)
    if bool(run.converged):
        return f"converged after {rounds} round{'s' if rounds != 1 else ''}"
    return (f"stopped at the {config.max_rounds}-round limit without converging "
            f"(raise max_rounds)")


def _level(config: Config, n: int) -> str:
    if config.diagnostics == "auto":
        return "full" if n <= FULL_DIAGNOSTICS_UP_TO else "summary"
    return config.diagnostics


def _diagnostics(run: core.Run, arrays: ScenarioArrays, w: FloatArray, config: Config,
                 full: bool) -> dict[str, Any]:
    names = arrays.actor_ids
    offers: list[dict[str, Any]] = []
    rounds: list[dict[str, Any]] = []
    for t, rec in enumerate(run.records, start=1):
        x = run.history[t - 1]
        for i in np.flatnonzero(rec.kind):
            j = int(rec.partner[i])
            offers.append({
                "round": t, "actor": names[i], "with": names[j],
                "kind": KIND_NAMES[int(rec.kind[i])],
                "from": float(x[i]), "to": float(rec.new_x[i]),
                "eu_actor": float(rec.eu_challenge[i, j]),
                "eu_other": float(rec.eu_challenged[i, j]),
            })
        row: dict[str, Any] = {
            "round": t, "median": float(rec.median),
            "security": rec.security, "risk_basis": rec.risk_basis,
            "risk_exponent": rec.risk_exponent,
        }
        if full:
            row.update(p_success=rec.p_success, eu_challenge=rec.eu_challenge,
                       eu_challenged=rec.eu_challenged, octant=rec.octant.astype(np.int64))
        rounds.append(row)
    return {
        "reading": config.reading,
        "level": "full" if full else "summary",
        "position_range": float(run.span),
        "median": core.weighted_median(run.history, w[None, :]),
        "mean": core.weighted_mean(run.history, w[None, :]),
        "rounds": rounds,
        "offers": offers,
    }


def solve_issue(arrays: ScenarioArrays, config: Config, rng: np.random.Generator) -> Solution:
    """One issue (``arrays`` restricted to it, unbatched): run the rounds, forecast the median."""
    x0 = arrays.position[:, 0]
    c = arrays.capability
    s = arrays.salience[:, 0]
    level = _level(config, len(x0))
    run = _run(x0, c, s, config, record=level != "none")
    w = c * s
    final = run.history[-1]
    diagnostics = (_diagnostics(run, arrays, w, config, full=level == "full")
                   if level != "none" else {})
    return Solution(forecast=core.weighted_median(final, w)[None],
                    history=[run.history], stop_reason=_stop_reason(run, config),
                    rounds=int(run.rounds), diagnostics=diagnostics,
                    converged=[bool(run.converged)])


solve = per_issue(solve_issue)


def forecast_batch(arrays: ScenarioArrays, config: Config, rng: np.random.Generator
                   ) -> FloatArray:
    """Forecasts for a batch of draws: arrays with a leading axis ``B`` -> (B, k).

    Vectorised over the draws (a draw that has converged is frozen while the others go on);
    unbatched arrays give (k,). No diagnostics are recorded.
    """
    out = []
    for k in range(arrays.n_issues):
        x0 = arrays.position[..., k]
        s = arrays.salience[..., k]
        run = _run(x0, arrays.capability, s, config, record=False)
        out.append(core.weighted_median(run.history[..., -1, :], arrays.capability * s))
    return np.stack(out, axis=-1)


def explain(result: ForecastResult | Solution | ScenarioArrays, actor: str, round: int = 1,
            *, issue: str | None = None, config: Config | None = None,
            actors: tuple[str, ...] | list[str] | None = None) -> pd.DataFrame:
    """How ``actor`` sees every other actor in ``round`` (BDM's "view from" quadrant chart).

    One row per other actor: both positions; ``p_success`` (P that ``actor`` prevails over
    the other, eqs. 30-31); ``eu_challenge``, E^i(U_ij), what ``actor`` expects from
    challenging the other (the chart's horizontal axis); ``eu_challenged``, E^j(U_ji), what the
    other expects from challenging ``actor`` as ``actor`` reckons it (vertical axis); the
    dyad's ``octant`` 1..8 and its label (Scholz et al. 2011, fig. 6); and ``accepted``, the
    offer ``actor`` took that round, if any.

    ``result`` is what :func:`detente.models.base.run_model` returned, a :class:`Solution`
    of this model (pass ``actors``), both recorded with full diagnostics, or plain
    :class:`ScenarioArrays` (run here with ``config``). ``round`` is 1-based: the reckoning of
    round ``t`` from the positions at its start. ``issue`` defaults to the first.
    """
    diag, names, history = _explain_source(result, issue, config, actors)
    rounds = diag["rounds"]
    if not 1 <= round <= len(rounds):
        raise ValueError(f"round must be 1..{len(rounds)}, not {round}")
    if actor not in names:
        raise KeyError(f"unknown actor {actor!r}; choose from {', '.join(names)}")
    i = names.index(actor)
    rec = rounds[round - 1]
    x = np.asarray(history[round - 1], dtype=float)
    p = np.asarray(rec["p_success"], dtype=float)[i]
    a = np.asarray(rec["eu_challenge"], dtype=float)[i]
    b = np.asarray(rec["eu_challenged"], dtype=float)[i]
    octant = np.asarray(rec["octant"], dtype=np.int64)[i]
    taken = [o for o in diag["offers"] if o["round"] == round and o["actor"] == actor]
    partner = taken[0]["with"] if taken else None
    others = [j for j in range(len(names)) if j != i]
    import pandas as pd  # here: a model run (a sweep worker's) does not need pandas

    return pd.DataFrame({
        "actor": actor,
        "other": [names[j] for j in others],
        "position": x[i],
        "other_position": x[others],
        "p_success": p[others],
        "eu_challenge": a[others],
        "eu_challenged": b[others],
        "octant": octant[others],
        "octant_label": [OCTANT_LABELS[int(octant[j])] for j in others],
        "accepted": [names[j] == partner for j in others],
    })


def _explain_source(result: ForecastResult | Solution | ScenarioArrays, issue: str | None,
                    config: Config | None, actors: tuple[str, ...] | list[str] | None
                    ) -> tuple[dict[str, Any], list[str], list[Any]]:
    """The diagnostics of one issue, the actor names and the positions per round."""
    if isinstance(result, ScenarioArrays):
        if result.batched:
            raise ValueError("explain takes one draw; use arrays.draw(b)")
        cfg = (config if config is not None else Config()).model_copy(
            update={"diagnostics": "full"})
        actors = result.actor_ids
        result = solve(result, cfg, np.random.default_rng(0))
    if isinstance(result, ForecastResult):
        ids = [i.id for i in result.issues]
        names = list(result.actors)
        histories: list[Any] = [i.history for i in result.issues]
    else:
        if actors is None:
            raise ValueError("pass actors=... with a Solution")
        ids = list(result.diagnostics)
        names = list(actors)
        histories = list(result.history)
    iid = issue if issue is not None else (ids[0] if ids else "")
    if iid not in ids:
        raise KeyError(f"unknown issue {iid!r}; choose from {', '.join(ids)}")
    diag = result.diagnostics.get(iid) or {}
    if diag.get("level") != "full":
        raise ValueError("explain needs the dyadic diagnostics: run with diagnostics='full' "
                         "(or pass the arrays)")
    return diag, names, list(histories[ids.index(iid)])


INFO = ModelInfo(
    name="eum",
    title="Expected utility model (Bueno de Mesquita, as reconstructed by Scholz et al.)",
    reference="Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4), Appendix and "
              "eqs. 5-36; Bueno de Mesquita (1994, 1997)",
    stochastic=False,
    config=Config,
    solve=solve,
    forecast_batch=forecast_batch,
    min_actors=2,
    readings=("paper", "scholz-code"),
)
