"""`detente deals` and :func:`detente.deals`: the exchange model's trades in words, and P(war)
at the package they produce, through the crisis analysis's public API."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import detente
from detente.cli import app
from detente.deals import DealsResult
from detente.models import exchange
from detente.models.base import run_model
from detente.scenario import load

runner = CliRunner()
DRAWS = 500


@pytest.fixture(scope="module")
def result() -> DealsResult:
    return detente.deals("ukraine-2022", draws=DRAWS, seed=3)


def test_deals_are_the_exchange_models_first_round(result: DealsResult) -> None:
    s = load("ukraine-2022")
    model = run_model(exchange.INFO, s, config=exchange.Config(max_rounds=1),
                      rng=np.random.default_rng(0))
    records = model.diagnostics["exchanges"]
    assert len(result.deals) == len(records) > 0
    for deal, rec in zip(result.deals, records, strict=True):
        a, b = deal.moves
        assert (a.actor, a.issue, b.actor, b.issue) == (
            rec["sides"][0]["actor"], rec["sides"][0]["issue"],
            rec["sides"][1]["actor"], rec["sides"][1]["issue"])
        assert a.toward == b.actor and b.toward == a.actor
        assert a.gain > 0 and b.gain > 0
    assert [p.package for p in result.package] == pytest.approx(
        [i.forecast for i in model.issues])


def test_sentences_name_both_moves(result: DealsResult) -> None:
    names = {a.id: a.name for a in load("ukraine-2022").actors}
    for deal in result.deals:
        a, b = deal.moves
        assert deal.text == (f"{names[a.actor]} moves toward {names[b.actor]} on {a.issue}; "
                             f"{names[b.actor]} moves toward {names[a.actor]} on {b.issue}")


def test_p_war_is_the_crisis_analysis_at_the_package(result: DealsResult) -> None:
    offer = {p.issue: p.package for p in result.package}
    plain = {p.issue: p.without_trades for p in result.package}
    at_package = detente.crisis_analysis("ukraine-2022", offer=offer, draws=DRAWS, seed=3)
    assert result.p_war_package == at_package.p_war
    # Without trades the package is the compromise model's forecast: the crisis analysis no
    # longer uses a model's forecast as the offer (it leads with the offer on the table) but
    # lists it among its reference points as a counterfactual settlement (issue #8).
    at_table = detente.crisis_analysis("ukraine-2022", draws=DRAWS, seed=3)
    (row,) = [r for r in at_table.references
              if r.kind == "counterfactual" and "where compromise says" in r.label]
    at_plain = detente.crisis_analysis("ukraine-2022", offer=plain, draws=DRAWS, seed=3)
    assert result.p_war_without_trades == at_plain.p_war == row.p_war
    # the reference row holds the offer as applied (indivisible issues on their steps)
    assert {o.issue: o.applied for o in at_plain.offer} == pytest.approx(row.offer)


def test_no_crisis_section_no_p_war(reference_dir: Path) -> None:
    r = detente.deals(load(reference_dir / "ktab" / "dummyData_3Dim.csv"), draws=DRAWS)
    assert r.p_war_package is None and "no crisis" in r.note and r.deals


def test_cli_table_json_and_output(tmp_path: Path, result: DealsResult) -> None:
    out = runner.invoke(app, ["deals", "--draws", str(DRAWS), "--seed", "3"],
                        env={"COLUMNS": "400"})
    assert out.exit_code == 0, out.output
    assert result.deals[0].text in out.output and "P(war) at the package" in out.output
    target = tmp_path / "deals.json"
    out = runner.invoke(app, ["deals", "--draws", str(DRAWS), "--seed", "3", "-f", "json",
                              "-o", str(target)])
    assert out.exit_code == 0, out.output
    assert DealsResult.from_json(target.read_text()) == result
    assert json.loads(target.read_text())["deals"][0]["text"] == result.deals[0].text


def test_cli_bad_rate_is_a_usage_error() -> None:
    out = runner.invoke(app, ["deals", "--rate", "fair"])
    assert out.exit_code == 2 and "--rate" in out.output
