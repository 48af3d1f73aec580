"""From ICB rows to one case per crisis: who faces whom, and the ICB variables the models read.

Only variables known when a crisis begins enter a case (the codebook's structural attributes
of the actors and what kind of act triggered the crisis). How the crisis was managed, how
violent it became, who joined later with what effect and how it ended never do. The reasons
for each choice are in ``docs/backtest.md`` ("The mapping").

The dyad. ICB codes crises from the side of the states that perceived a threat (the crisis
actors). The **defender** is the crisis actor whose crisis began first (earliest trigger
date, then ICB's actor number); the **challenger** is the entity that triggered the
defender's crisis (``trigent``). When that entity is itself a crisis actor, its own row
describes it; otherwise only the defender's view of it (``southpow``) is known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from detente.backtest.icb import IcbData

#: Crises triggered in this year or later are the out-of-sample era; nothing from them is used
#: to choose the mapping or fit any constant.
TEST_FROM_YEAR = 1980

#: ICB trigger codes (``triggr``): 4 external change, 6 internal challenge, 9 violent act.
SHIFT_TRIGGERS = (4, 6)
VIOLENT_TRIGGER = 9
#: ``powsta`` 3 great power, 4 superpower; ``nuclear`` 3 possesses, 4 second-strike.
GREAT_POWER = 3
NUCLEAR = 3
#: ``gravty`` 0 economic ... 6 threat to existence; 7 ("other") is read as the median, 3.
GRAVITY_MAX = 6
GRAVITY_OTHER = 7

#: The columns of a case that the models read (both the structural model and the logistic
#: regression see exactly these).
FEATURES = ("balance", "gravity", "nuclear_defender", "nuclear_challenger",
            "great_power_defender", "great_power_challenger", "violent_trigger",
            "shift_trigger")


def crisis_cases(data: IcbData) -> pd.DataFrame:
    """One row per coded crisis (486: crisis 474 is uncoded), indexed by ``crisno``.

    Columns: ``crisname``, ``year`` (of the trigger), ``era`` (``"train"`` before
    :data:`TEST_FROM_YEAR`, else ``"test"``), the outcome ``sevviosy`` with ``war``
    (full-scale war, 4) and ``serious`` (serious clashes or worse, >= 3), and
    :data:`FEATURES`:

    * ``balance``: the challenger's power advantage, ``sign(d) log(1 + |d|)`` with ``d`` the
      defender's ``-powdis`` (ICB's ``powdis`` is the actor's score minus its adversary's; it
      runs to 179, so the log keeps a superpower against a small state from swamping the
      scale). Where ICB has no ``powdis``, ``d`` is imputed from the power-status gap
      (``southpow - powsta``) times a slope fitted on pre-1980 actors only
      (``balance_imputed`` marks these rows).
    * ``gravity``: the defender's gravity of threat, 0 (economic) to 6 (existence).
    * ``nuclear_*``, ``great_power_*``: whether a state on that side holds nuclear weapons
      (``nuclear`` >= 3) or is a great power or superpower (``powsta`` >= 3, or ``southpow``
      for a challenger that is not a crisis actor).
    * ``violent_trigger``: the defender's crisis was triggered by a violent act.
    * ``shift_trigger``: it was triggered by an external change or an internal challenge,
      the ICB's only at-onset markers of a moving balance of power.
    """
    actors = _coded_actors(data.actor)
    slope = _status_slope(actors)
    rows = [_case(group, slope) for _, group in actors.groupby("crisno", sort=True)]
    cases = pd.DataFrame(rows).set_index("crisno")
    system = data.system.set_index("crisno")
    cases.insert(0, "crisname", system.loc[cases.index, "crisname"].str.strip())
    cases["sevviosy"] = system.loc[cases.index, "sevviosy"].astype(int)
    cases["war"] = cases["sevviosy"] == 4
    cases["serious"] = cases["sevviosy"] >= 3
    cases["era"] = np.where(cases["year"] < TEST_FROM_YEAR, "train", "test")
    cases.attrs["status_slope"] = slope
    return cases


def _coded_actors(actor: pd.DataFrame) -> pd.DataFrame:
    coded = actor.dropna(subset=["yrtrig"]).copy()
    coded["trigger_date"] = pd.to_datetime(
        {"year": coded["yrtrig"], "month": coded["motrig"].fillna(1),
         "day": coded["datrig"].fillna(1)}, errors="coerce")
    return coded.sort_values(["crisno", "trigger_date", "cracno"])


def _status_slope(actors: pd.DataFrame) -> float:
    """Least-squares slope (through the origin) of ``-powdis`` on ``southpow - powsta``,
    fitted on actors whose crisis was triggered before :data:`TEST_FROM_YEAR`."""
    train = actors[(actors["yrtrig"] < TEST_FROM_YEAR) & actors["powdis"].notna()]
    gap = (train["southpow"] - train["powsta"]).to_numpy(float)
    return float(np.dot(gap, -train["powdis"].to_numpy(float)) / np.dot(gap, gap))


def _case(group: pd.DataFrame, slope: float) -> dict[str, object]:
    defender = group.iloc[0]
    challenger_id = defender["trigent"]
    challenger_rows = group[group["cracid"] == challenger_id]
    # The defending side: the defender and every actor whose crisis the challenger triggered;
    # the challenging side: the challenger and every actor the defender threatened.
    defending = group[((group["trigent"] == challenger_id) & (group["cracid"] != challenger_id))
                      | (group["cracno"] == defender["cracno"])]
    challenging = group[(group["cracid"] == challenger_id)
                        | (group["trigent"] == defender["cracid"])]
    balance, imputed = _balance(defender, slope)
    gravity = defender["gravty"]
    if pd.isna(gravity) or gravity == GRAVITY_OTHER:
        gravity = 3
    return {
        "crisno": int(defender["crisno"]),
        "year": int(defender["yrtrig"]),
        "defender": str(defender["actor"]),
        "challenger": (str(challenger_rows.iloc[0]["actor"]) if len(challenger_rows)
                       else f"trigent {int(challenger_id)}"),
        "balance": balance,
        "balance_imputed": imputed,
        "gravity": float(gravity),
        "nuclear_defender": float((defending["nuclear"] >= NUCLEAR).any()),
        "nuclear_challenger": float((challenging["nuclear"] >= NUCLEAR).any()),
        "great_power_defender": float((defending["powsta"] >= GREAT_POWER).any()),
        "great_power_challenger": float((challenging["powsta"] >= GREAT_POWER).any()
                                        or defender["southpow"] >= GREAT_POWER),
        "violent_trigger": float(defender["triggr"] == VIOLENT_TRIGGER),
        "shift_trigger": float(defender["triggr"] in SHIFT_TRIGGERS),
    }


def _balance(defender: pd.Series, slope: float) -> tuple[float, bool]:
    imputed = bool(pd.isna(defender["powdis"]))
    d = (slope * float(defender["southpow"] - defender["powsta"]) if imputed
         else -float(defender["powdis"]))
    return float(np.sign(d) * np.log1p(abs(d))), imputed
