"""Hypothesis strategies that build whole, valid detente objects."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from detente.scenario import Scenario

ids = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def quantities(draw: st.DrawFn, low: float, high: float) -> Any:
    """A raw quantity within [low, high]: a number, or one of the distributions."""
    a = draw(st.floats(min_value=low, max_value=high, allow_nan=False))
    b = draw(st.floats(min_value=low, max_value=high, allow_nan=False))
    lo, hi = min(a, b), max(a, b)
    kind = draw(st.sampled_from(["bare", "value", "uniform", "triangular", "truncnormal",
                                 "beta", "choice"]))
    support = draw(st.sampled_from([{}, {"judgment": "analyst's estimate"}]))
    if kind == "bare" or hi - lo < 1e-6 * max(1.0, abs(hi)) or hi <= lo:
        return lo if kind == "bare" else {"value": lo, **support}
    if kind == "value":
        return {"value": lo, **support}
    if kind == "uniform":
        return {"uniform": [lo, hi], **support}
    if kind == "triangular":
        mode = draw(st.floats(min_value=lo, max_value=hi))
        return {"triangular": [lo, mode, hi], **support}
    if kind == "truncnormal":
        return {"truncnormal": {"mean": (lo + hi) / 2, "sd": (hi - lo) / 4 + 1e-3, "low": lo,
                                "high": hi}, **support}
    if kind == "beta":
        return {"beta": {"a": draw(st.floats(0.5, 5)), "b": draw(st.floats(0.5, 5)),
                         "low": lo, "high": hi}, **support}
    p = draw(st.floats(min_value=0, max_value=1))
    return {"choice": {"values": [lo, hi], "p": [p, 1 - p]}, **support}


@st.composite
def scenario_data(draw: st.DrawFn, max_actors: int = 6, max_issues: int = 3) -> dict[str, Any]:
    """Plain data of a valid scenario (what a file holds)."""
    issue_ids = draw(st.lists(ids, min_size=1, max_size=max_issues, unique=True))
    actor_ids = draw(st.lists(ids, min_size=1, max_size=max_actors, unique=True))
    issues = []
    for iid in issue_ids:
        lo = draw(st.floats(min_value=-100, max_value=100))
        hi = lo + draw(st.floats(min_value=1, max_value=200))
        issues.append({"id": iid, "name": iid.upper(),
                       "scale": {"low": lo, "high": hi, "units": "units"}})
    actors = []
    for aid in actor_ids:
        actors.append({
            "id": aid, "name": aid.title(),
            "capability": draw(quantities(0, 1000)),
            "positions": {i["id"]: draw(quantities(i["scale"]["low"], i["scale"]["high"]))
                          for i in issues},
            "salience": {i["id"]: draw(quantities(0, 100)) for i in issues},
        })
    return {"id": draw(ids), "title": "Generated scenario", "issues": issues, "actors": actors}


def scenarios(**kwargs: int) -> st.SearchStrategy[Scenario]:
    """Valid :class:`Scenario` objects."""
    return scenario_data(**kwargs).map(Scenario.model_validate)
