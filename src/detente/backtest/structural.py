"""The structural forecast: each ICB crisis run through detente's crisis core.

For every crisis and every Monte Carlo draw the case's ICB variables become the inputs of two
of the canonical models in :mod:`detente.crisis`, and P(war) is

    P = W + (1 − W) · P_rr                                                        (M1)

where ``P_rr`` is the risk-return war probability of Fearon (1995) with the defender's cost
private, ``c_B ~ U[0, c̄]`` (:func:`detente.crisis.risk_return_uniform`, equation R2 of
docs/crisis-model.md), and ``W`` is 1 when the two-period commitment condition (C1) of
Fearon (1995) and Powell (2006) holds (:func:`detente.crisis.commitment_war_two_period`,
rising side proposing): a commitment war cannot be bought off, so it comes first. The
forecast is the mean of (M1) over draws. The mapping from ICB variables to ``p``, ``c_A``,
``c̄`` and the shift (equations B1–B5) is set out, with its reasons, in docs/backtest.md.

P(serious clashes or worse) is (M1) with every cost multiplied by ``clash_cost`` (< 1): a
limited use of force is a cheaper lottery than a war. Lower costs never lower either part of
(M1) (docs/crisis-model.md, sections 2 and 3), so P(serious or worse) >= P(war) draw by draw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit

from detente.backtest.scoring import log_loss
from detente.crisis import commitment_war_two_period, risk_return_uniform

FloatArray = npt.NDArray[np.float64]

#: Fixed, not fitted: the discount factor of the commitment model, and the spread of the
#: analyst's uncertainty about each mapped input (logit of p, log of each cost).
DELTA = 0.9
INPUT_NOISE = 0.5
DEFAULT_DRAWS = 100


@dataclass(frozen=True)
class Constants:
    """The mapping's free constants (fitted on the training era by :func:`fit_constants`,
    each within :data:`BOUNDS`).

    power_scale: ``s`` in ``p = logistic(balance / s)`` (B1).
    cost_challenger: ``k_A``, the challenger's cost of war per unit of stake (B2).
    cost_defender_max: ``k_B``, the top of the defender's cost range per unit of stake (B3).
    nuclear: ``η``, the cost multiplier added by a nuclear-armed opponent (B2, B3).
    great_power: ``γ``, the cost multiplier added by a great power on the other side.
    violence: ``τ``, the share of war costs already sunk when the trigger was violent.
    shift: ``σ``, the fall in the challenger's logit p after a shift trigger (B5).
    clash_cost: ``κ``, the cost of serious clashes relative to a war.
    """

    power_scale: float = 2.0
    cost_challenger: float = 0.2
    cost_defender_max: float = 0.4
    nuclear: float = 0.5
    great_power: float = 0.5
    violence: float = 0.3
    shift: float = 1.0
    clash_cost: float = 0.5

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


#: The range each constant is fitted in. The theory fixes the signs (a nuclear-armed or
#: great-power opponent makes war costlier, a violent trigger sinks some of its cost, a shift
#: works against the challenger, clashes cost less than war); the widths only keep the
#: optimiser off degenerate corners. A fitted value at a bound is reported as such.
BOUNDS: dict[str, tuple[float, float]] = {
    "power_scale": (0.2, 20.0), "cost_challenger": (1e-3, 5.0),
    "cost_defender_max": (1e-3, 5.0), "nuclear": (0.0, 5.0), "great_power": (0.0, 5.0),
    "violence": (0.0, 0.95), "shift": (0.0, 5.0), "clash_cost": (0.05, 1.0),
}


@dataclass(frozen=True)
class Noise:
    """Common random numbers: standard normals for every crisis and draw (``(n, draws)``)."""

    p: FloatArray
    cost_a: FloatArray
    cost_b: FloatArray

    @classmethod
    def draw(cls, n: int, draws: int, rng: np.random.Generator) -> Noise:
        z = rng.standard_normal((3, n, draws))
        return cls(z[0], z[1], z[2])


def model_inputs(cases: pd.DataFrame, k: Constants, noise: Noise,
                 cost_factor: float = 1.0) -> dict[str, FloatArray]:
    """The crisis-model inputs for every crisis (rows) and draw (columns).

    (B1) ``p = logistic(balance/s + 0.5 z)``: the challenger's chance of winning.
    (B2) ``c_A = k_A · (1 + η n_D)(1 + γ g_D)(1 − τ v) / stake · exp(0.5 z)``.
    (B3) ``c̄ = k_B · (1 + η n_C)(1 + γ g_C)(1 − τ v) / stake · exp(0.5 z)``.
    (B4) ``stake = (1 + gravity) / 7``, so a threat to existence is worth 1.
    (B5) ``p_next = logistic(logit p − σ · shift_trigger)``.
    """
    col = {f: cases[f].to_numpy(float)[:, None] for f in
           ("balance", "gravity", "nuclear_defender", "nuclear_challenger",
            "great_power_defender", "great_power_challenger", "violent_trigger",
            "shift_trigger")}
    logit_p = col["balance"] / k.power_scale + INPUT_NOISE * noise.p
    stake = (1.0 + col["gravity"]) / 7.0
    sunk = 1.0 - k.violence * col["violent_trigger"]
    base = cost_factor * sunk / stake
    cost_a = (k.cost_challenger * base * (1 + k.nuclear * col["nuclear_defender"])
              * (1 + k.great_power * col["great_power_defender"])
              * np.exp(INPUT_NOISE * noise.cost_a))
    cost_b_max = (k.cost_defender_max * base * (1 + k.nuclear * col["nuclear_challenger"])
                  * (1 + k.great_power * col["great_power_challenger"])
                  * np.exp(INPUT_NOISE * noise.cost_b))
    return {"p": expit(logit_p), "p_next": expit(logit_p - k.shift * col["shift_trigger"]),
            "cost_a": cost_a, "cost_b_max": cost_b_max}


def p_war_draws(inputs: dict[str, FloatArray]) -> FloatArray:
    """(M1) for every crisis and draw."""
    rr = np.asarray(risk_return_uniform(inputs["p"], inputs["cost_a"],
                                        inputs["cost_b_max"]).p_war)
    # The commitment model's costs are per period: a one-off cost c is (1 − δ) c a period.
    # The defender's cost there is its expected cost, c̄ / 2.
    commit = commitment_war_two_period(
        inputs["p"], inputs["p_next"], DELTA, (1 - DELTA) * inputs["cost_a"],
        (1 - DELTA) * inputs["cost_b_max"] / 2, proposer="rising")
    w = np.asarray(commit.war, dtype=float)
    out: FloatArray = w + (1.0 - w) * rr
    return out


def forecast(cases: pd.DataFrame, k: Constants, noise: Noise) -> pd.DataFrame:
    """P(full-scale war) and P(serious clashes or worse) per crisis (columns ``war``,
    ``serious``), each the mean of (M1) over the draws in ``noise``."""
    war = p_war_draws(model_inputs(cases, k, noise)).mean(axis=1)
    serious = p_war_draws(model_inputs(cases, k, noise, k.clash_cost)).mean(axis=1)
    return pd.DataFrame({"war": war, "serious": np.maximum(serious, war)}, index=cases.index)


def _unpack(theta: FloatArray) -> Constants:
    values = {name: lo + (hi - lo) * float(expit(t))
              for (name, (lo, hi)), t in zip(BOUNDS.items(), theta, strict=True)}
    return Constants(**values)


def _pack(k: Constants) -> FloatArray:
    share = np.clip([(getattr(k, name) - lo) / (hi - lo) for name, (lo, hi) in BOUNDS.items()],
                    1e-6, 1 - 1e-6)
    out: FloatArray = np.log(share / (1 - share))
    return out


def fit_constants(train: pd.DataFrame, noise: Noise, start: Constants | None = None,
                  max_evaluations: int = 1500) -> Constants:
    """Constants minimising the summed log loss of both forecasts on ``train``.

    ``train`` must hold only training-era crises; the caller (and a test) make sure that no
    crisis triggered in or after 1980 is passed. Nelder–Mead on unconstrained transforms
    (the logit of each constant's position within its bound), with common random numbers
    throughout so that the objective is a deterministic function of the constants.
    """
    if (train["era"] != "train").any():
        raise ValueError("fit_constants got crises outside the training era")
    war, serious = train["war"].to_numpy(float), train["serious"].to_numpy(float)

    def objective(theta: FloatArray) -> float:
        f = forecast(train, _unpack(theta), noise)
        return log_loss(f["war"].to_numpy(), war) + log_loss(f["serious"].to_numpy(), serious)

    x0 = _pack(start or Constants())
    # A simplex one unit wide on the transformed scale (scipy's default step is 5% of each
    # coordinate, which is nothing for a coordinate at 0).
    simplex = np.vstack([x0, x0 + np.eye(x0.size)])
    result = minimize(objective, x0, method="Nelder-Mead",
                      options={"maxfev": max_evaluations, "xatol": 1e-3, "fatol": 1e-5,
                               "initial_simplex": simplex})
    return _unpack(np.asarray(result.x))
