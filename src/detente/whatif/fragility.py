"""Fragility: does a bundle's success hinge on one uncertain assumption?

Two checks at a fixed bundle:

Terciles (every frontier bundle, free: it reuses the search's draws). For each uncertain input
the crisis reads, P(war) among the draws where the input lies in its lower third
(at or below its 1/3 quantile) and in its upper third (at or above its 2/3 quantile). A bundle
that meets the target *hinges* on an input when, in one of the input's thirds, P(war) is above
the target by more than Monte Carlo noise (the 90% Wilson interval of the conditional estimate
lies wholly above the target): the target is met only if that assumption holds.

Sobol (the recommended bundle). A variance-based global sensitivity analysis of the per-draw
war indicator at the bundle (:func:`detente.sensitivity.analyse` with the evaluator
:func:`bundle_evaluator`, which applies the bundle's settings and offer to every row of
SALib's design). An input whose total-order index is at least one half dominates the
residual risk (:func:`detente.sensitivity.fragile`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from detente.crisis.bargaining import BoolArray, FloatArray
from detente.crisis.inputs import CrisisInputs, crisis_inputs, snap
from detente.crisis.levers import lever_levels
from detente.crisis.uncertainty import wilson
from detente.crisis.war_values import war_decisions
from detente.evaluate import Evaluator
from detente.sampling import Draws, Input, uncertain_inputs
from detente.scenario.crisis import LEVER_EFFECTS
from detente.scenario.errors import format_path
from detente.scenario.schema import Scenario
from detente.scenario.wording import in_sentence, possessive

__all__ = ["BundleOutputs", "Tercile", "bundle_evaluator", "input_label", "relevant_inputs",
           "terciles", "war_by_draw"]


def war_by_draw(inputs: CrisisInputs, settings: FloatArray, offer: FloatArray
                ) -> tuple[FloatArray, BoolArray, FloatArray]:
    """Per draw at one bundle: the probability of war (0 or 1 unless the scenario gives the
    defenders' resolve), the commitment problem, and the challenger's margin (value of war
    minus value of the offer)."""
    levels = lever_levels(inputs.levers, np.asarray(settings, dtype=np.float64).reshape(1, -1))
    ev = war_decisions(inputs, levels, snap(inputs, np.asarray(offer, dtype=np.float64)
                                        .reshape(1, -1)))
    return ev.p_war[0], ev.commitment[0], ev.margin[0, :, 0]


@dataclass(frozen=True)
class BundleOutputs:
    """An evaluator applying one fixed bundle: ``settings`` (effect lever id -> setting) and
    ``offer`` (issue id -> offer). Outputs per draw: ``war`` (0/1, or the draw's probability
    of war with the defenders' resolve uncertain), ``commitment`` (0/1) and
    ``war_preferred.challenger`` (the challenger's margin ``W - V``)."""

    settings: tuple[tuple[str, float], ...]
    offer: tuple[tuple[str, float], ...]

    def names(self, scenario: Scenario) -> list[str]:
        return ["war", "commitment", "war_preferred.challenger"]

    def __call__(self, draws: Draws) -> dict[str, FloatArray]:
        inputs = crisis_inputs(draws)
        chosen, offer = dict(self.settings), dict(self.offer)
        s = np.array([chosen[i] for i in inputs.lever_ids], dtype=np.float64)
        x = np.array([offer[i] for i in inputs.issue_ids], dtype=np.float64)
        war, commitment, margin = war_by_draw(inputs, s, x)
        return {"war": war.astype(np.float64), "commitment": commitment.astype(np.float64),
                "war_preferred.challenger": np.asarray(margin, dtype=np.float64)}


def bundle_evaluator(settings: Mapping[str, float], offer: Mapping[str, float]) -> Evaluator:
    """The :class:`~detente.evaluate.Evaluator` of :class:`BundleOutputs`."""
    bo = BundleOutputs(tuple(sorted(settings.items())), tuple(sorted(offer.items())))
    return Evaluator("whatif_bundle", bo.names, bo, {"settings": dict(settings),
                                                     "offer": dict(offer)})


# ------------------------------------------------------------------------------ inputs


def relevant_inputs(scenario: Scenario, settings: Mapping[str, float] | None = None
                    ) -> list[Input]:
    """The uncertain inputs that can move P(war): the challenger's and defenders' positions
    and saliences, the defenders' capabilities, status quos, the war and power-shift numbers,
    and the effects of levers that are pulled (``settings`` above the bottom of the range;
    every lever when ``settings`` is None). Lever costs and actors outside the crisis cannot
    move P(war) and are left out."""
    crisis = scenario.crisis
    assert crisis is not None
    parties = {crisis.challenger, *crisis.defenders}
    out = []
    for inp in uncertain_inputs(scenario):
        p = inp.path
        if p[0] == "actors":
            actor = scenario.actors[int(p[1])].id
            if actor not in parties or (actor == crisis.challenger and p[2] == "capability"):
                continue
        if p[0] == "crisis" and p[1] == "levers":
            lever = crisis.levers[int(p[2])]
            if p[3] == "cost":
                continue
            if settings is not None and settings.get(lever.id, lever.low) <= lever.low:
                continue
        out.append(inp)
    return out


def input_label(scenario: Scenario, path: tuple[str | int, ...]) -> str:
    """An uncertain input in words, from the scenario's names: ``("crisis", "war", "costs",
    "russia")`` -> "Russia's cost of war"."""
    names = {a.id: a.name for a in scenario.actors}
    issues = {i.id: i.name for i in scenario.issues}
    crisis = scenario.crisis
    challenger = names.get(crisis.challenger, crisis.challenger) if crisis else "the challenger"
    try:
        if path[0] == "actors":
            actor = scenario.actors[int(path[1])].name
            if path[2] == "capability":
                return f"{possessive(actor)} capability"
            issue = issues.get(str(path[3]), str(path[3]))
            what = "position on" if path[2] == "positions" else "salience of"
            return f"{possessive(actor)} {what} {issue}"
        if path[0] == "issues":
            return f"the status quo on {scenario.issues[int(path[1])].name}"
        if path[0] == "crisis" and crisis is not None:
            rest = path[1:]
            if rest == ("war", "p_win"):
                return f"{possessive(challenger)} chance of prevailing in a war now"
            if rest[:2] == ("war", "costs"):
                return f"{possessive(names.get(str(rest[2]), str(rest[2])))} cost of war"
            if rest[:2] == ("war", "outcomes"):
                issue = issues.get(str(rest[3]), str(rest[3]))
                who = challenger if rest[2] == "challenger_wins" else "the defenders"
                return f"the outcome on {issue} if {who} prevail{'s' if who == challenger else ''}"
            if rest == ("power_shift", "p_win_future"):
                return (f"{possessive(challenger)} chance of prevailing after the power shift "
                        "it fears")
            if rest == ("power_shift", "discount"):
                return f"{possessive(challenger)} discount factor (how much the future counts)"
            if rest[0] == "levers":
                lever = crisis.levers[int(rest[1])]
                if rest[2] == "cost":
                    return f"the cost of {in_sentence(lever.name)}"
                return _effect_label(lever.kind, str(rest[3]), lever.name, challenger)
    except (IndexError, KeyError, ValueError):
        pass
    return format_path(path)


def _effect_label(kind: str, key: str, lever: str, challenger: str) -> str:
    """A lever effect in words, from its meaning in the schema: "Russia's cost of enduring
    the full sanctions package"; the lever's name is added when the meaning does not say
    which lever it is."""
    meaning = LEVER_EFFECTS.get(kind, {}).get(key, (False, (0.0, 0.0), ""))[2]
    if not meaning:
        return f"{lever}: {key.replace('_', ' ')}"
    text = re.split(r", in units| \(default", meaning)[0]
    text = text.replace("the challenger's", possessive(challenger)).replace(
        "the challenger", challenger)
    if kind.split("_")[0] not in text.lower():
        text += f" ({lever})"
    return text


# ------------------------------------------------------------------------------ terciles


@dataclass(frozen=True)
class Tercile:
    """P(war) at a bundle among the draws with an input in its lower and its upper third."""

    input: Input
    lower_cut: float
    upper_cut: float
    p_lower: float
    n_lower: int
    p_upper: float
    n_upper: int

    @property
    def spread(self) -> float:
        return abs(self.p_upper - self.p_lower)

    def worst(self) -> tuple[float, int, str]:
        """The third with the higher P(war): its P(war), its draws and which it is."""
        if self.p_lower >= self.p_upper:
            return self.p_lower, self.n_lower, "lower"
        return self.p_upper, self.n_upper, "upper"

    def hinges(self, target: float) -> bool:
        """Whether P(war) in the worse third lies above ``target`` beyond Monte Carlo noise
        (its 90% Wilson interval wholly above the target)."""
        p, n, _ = self.worst()
        return n > 0 and wilson(p, n)[0] > target


def terciles(sample: Draws, war: FloatArray, inputs: Sequence[Input]) -> list[Tercile]:
    """Conditional P(war) in each input's lower and upper third, on the search's draws,
    largest spread first (inputs whose thirds are indistinguishable are left out)."""
    wanted = {inp.path for inp in inputs}
    out = []
    for j, inp in enumerate(sample.inputs):
        if inp.path not in wanted:
            continue
        col = sample.values[:, j]
        q1, q2 = (float(v) for v in inp.quantity.ppf(np.array([1.0 / 3.0, 2.0 / 3.0])))
        lo, hi = col <= q1, col >= q2
        if not lo.any() or not hi.any() or np.array_equal(lo, hi):
            continue
        out.append(Tercile(inp, q1, q2, float(war[lo].mean()), int(lo.sum()),
                           float(war[hi].mean()), int(hi.sum())))
    out.sort(key=lambda t: -t.spread)  # stable: ties keep file order
    return out
