"""The ``offers:`` section: offers actually made, as data, validated where they are written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.scenario import ScenarioError, load, loads
from detente.scenario.offers import Offer, latest

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data"

BASE = (DATA / "minimal.yaml").read_text(encoding="utf-8")


def _with_offers(block: str) -> str:
    return BASE.rstrip("\n") + "\n" + block


GOOD = """\
offers:
  - id: north-1
    who: [north]
    to: south
    date: 2021-03-01
    terms:
      tariff: {value: 30, evidence: [{source: memo, quote: "North offered 30"}]}
  - id: north-2
    who: [north]
    date: 2021-05-01
    terms:
      tariff: {value: 40, judgment: a second round}
"""


def test_offers_load_and_the_latest_is_on_the_table() -> None:
    s = loads(_with_offers(GOOD))
    assert [o.id for o in s.offers] == ["north-1", "north-2"]
    assert s.offers[0].values(s.issue_ids) == {"tariff": 30.0}
    on_table = latest(s.offers)
    assert on_table is not None and on_table.id == "north-2"
    assert ("offers", 1, "terms", "tariff") in dict(s.quantities())


def test_latest_breaks_date_ties_by_file_order() -> None:
    a = Offer(id="a", who=["x"], date=dt.date(2022, 1, 1), terms={})
    b = Offer(id="b", who=["x"], date=dt.date(2022, 1, 1), terms={})
    c = Offer(id="c", who=["x"], date=dt.date(2021, 1, 1), terms={})
    on_table = latest([a, b, c])
    assert on_table is not None and on_table.id == "b"
    assert latest([]) is None


@pytest.mark.parametrize(("block", "message"), [
    (GOOD.replace("who: [north]\n    to: south", "who: [nort]"),
     "offers[0].who[0]: 'nort' is not an actor"),
    (GOOD.replace("to: south", "to: west"), "offers[0].to: 'west' is not an actor"),
    (GOOD.replace("tariff: {value: 40", "tarif: {value: 40"),
     "offers[1].terms.tarif: 'tarif' is not an issue"),
    (GOOD.replace("tariff: {value: 40", "tarif: {value: 40"),
     "offers[1].terms: no term for issue 'tariff'"),
    (GOOD.replace("{value: 40, judgment", "{triangular: [30, 40, 50], judgment"),
     "offers[1].terms.tariff: an offer's term is the value put on the table"),
    (GOOD.replace("value: 30", "value: 130"),
     "offers[0].terms.tariff: 130 is outside 0..100"),
    (GOOD.replace("id: north-2", "id: north-1"), "offers[1].id: duplicate offer id 'north-1'"),
    (GOOD.replace("source: memo", "source: memos"),
     "offers[0].terms.tariff.evidence[0].source: 'memos' is not a listed source"),
    (GOOD.replace("date: 2021-05-01", "date: someday"), "offers[1].date"),
])
def test_bad_offers_are_reported_with_line_and_field(block: str, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        loads(_with_offers(block), "offers.yaml")
    text = str(err.value)
    assert message in text, text
    assert "offers.yaml:" in text


def test_strict_validation_flags_an_unsupported_term(tmp_path: Path) -> None:
    path = tmp_path / "offers.yaml"
    path.write_text(_with_offers(GOOD.replace("{value: 40, judgment: a second round}", "40")),
                    encoding="utf-8")
    out = runner.invoke(app, ["validate", "--strict", str(path)])
    assert out.exit_code == 2
    assert "offers[1].terms.tariff: 40 has no evidence and no judgment note" in out.output


def test_ukraine_carries_the_us_offer_from_the_article() -> None:
    """The CFR In Brief: Washington offered "mutual commitments to transparency in military
    activities and bans on the deployment of certain weapons systems along the NATO-Russia
    frontier" and will "never accede" to the demands on enlargement."""
    s = load("ukraine-2022")
    on_table = latest(s.offers)
    assert on_table is not None and on_table.who == ["united_states"]
    assert on_table.date <= (s.as_of or on_table.date)
    values = on_table.values(s.issue_ids)
    assert values["nato_enlargement"] == s.issue("nato_enlargement").status_quo.point  # type: ignore[union-attr]
    assert values["strike_missiles_bases"] == 50  # the scale's anchor for reciprocal bans
    assert values["transparency_limits"] == 50  # the scale's anchor for the U.S. package
    quotes = " ".join(e.quote for e in on_table.evidence)
    assert "mutual commitments to transparency" in quotes
    for q in on_table.terms.values():
        assert q.is_supported and not q.is_uncertain
