"""The built-in scenarios: they load, every quote is verbatim, every number is supported.

Sources checked against:

* ``ukraine-2022``: Council on Foreign Relations, "Can U.S.-Russia Diplomacy Ease Ukraine
  Tensions?", In Brief, January 2022 (CC BY-NC-ND 4.0), held unmodified in
  ``detente/scenario/builtin/sources/cfr-in-brief-2022-01-us-russia-diplomacy.txt``.
* ``ec-emissions-1994``: Scholz, Calbert & Smith (2011), "Unravelling Bueno De Mesquita's
  group decision model", Table 1 (from Bueno de Mesquita 1994, p. 78), held as
  ``tests/data/reference/eum/ExampleActors.csv`` (saliences there as fractions).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from detente.scenario import Scenario, builtin_names, load
from detente.scenario.importers import read_csv

UKRAINE = "ukraine-2022"
EC = "ec-emissions-1994"
TOL = 1e-9

UKRAINE_ACTORS = {"russia", "united_states", "ukraine", "germany", "france", "united_kingdom",
                  "poland", "baltic_states", "belarus", "turkey"}
UKRAINE_ISSUES = {"nato_enlargement", "strike_missiles_bases", "transparency_limits",
                  "ukraine_alignment_donbas"}


def _norm(text: str) -> str:
    """Collapse runs of whitespace; nothing else (curly quotes and dashes must match)."""
    return re.sub(r"\s+", " ", text).strip()


def _where(path: tuple[str | int, ...], scenario: Scenario) -> str:
    if path[0] == "actors":
        return f"{scenario.actors[int(path[1])].id}.{'.'.join(str(p) for p in path[2:])}"
    if path[0] == "issues":
        return f"{scenario.issues[int(path[1])].id}.{'.'.join(str(p) for p in path[2:])}"
    return ".".join(str(p) for p in path)


@pytest.fixture(scope="module")
def ukraine() -> Scenario:
    return load(UKRAINE)


@pytest.fixture(scope="module")
def ec() -> Scenario:
    return load(EC)


@pytest.fixture(scope="module")
def ec_table(reference_dir: Path) -> dict[str, tuple[float, float, float]]:
    """Scholz et al. (2011) Table 1 as stored: name -> (capability, position, salience 0..1)."""
    with (reference_dir / "eum" / "ExampleActors.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {r["Actor"]: (float(r["Capability"]), float(r["Position"]), float(r["Salience"]))
            for r in rows}


# -- every built-in ----------------------------------------------------------------------------


def test_the_expected_builtins_exist() -> None:
    assert {UKRAINE, EC} <= set(builtin_names())


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_loads(name: str) -> None:
    scenario = load(name)
    assert scenario.id == name
    assert scenario.actors and scenario.issues


@pytest.mark.parametrize("name", builtin_names())
def test_every_scale_says_what_its_ends_mean(name: str) -> None:
    for issue in load(name).issues:
        assert issue.scale.low_means and issue.scale.high_means, issue.id
        assert issue.scale.units, issue.id


@pytest.mark.parametrize("name", builtin_names())
def test_every_quote_is_verbatim_in_its_source_file(name: str, sources_dir: Path) -> None:
    """Each quote cited from a source that names a file (for ukraine-2022, the CFR In Brief
    of January 2022) appears in that file word for word, whitespace runs aside."""
    scenario = load(name)
    files = {s.id: s.file for s in scenario.sources}
    texts: dict[str, str] = {}
    missing = []
    for path, q in scenario.quantities():
        for ev in q.evidence:
            file = files[ev.source]
            if file is None:
                continue
            if file not in texts:
                texts[file] = _norm((sources_dir / file).read_text(encoding="utf-8"))
            if _norm(ev.quote) not in texts[file]:
                missing.append(f"{_where(path, scenario)}: {ev.quote!r}")
    assert not missing, "quotes not found verbatim in their source:\n" + "\n".join(missing)


# -- ukraine-2022 (CFR In Brief, January 2022) -------------------------------------------------


def test_ukraine_is_the_default(ukraine: Scenario) -> None:
    assert load(None).id == UKRAINE
    assert ukraine.as_of is not None
    assert dt.date(2022, 1, 10) <= ukraine.as_of <= dt.date(2022, 1, 31)


def test_ukraine_cites_the_cfr_article(ukraine: Scenario, sources_dir: Path) -> None:
    """The one source is the CFR In Brief "Can U.S.-Russia Diplomacy Ease Ukraine Tensions?"
    (January 2022), with its licence and the unmodified copy it was encoded from."""
    (source,) = ukraine.sources
    assert source.id == "cfr-2022-01"
    assert source.licence == "CC BY-NC-ND 4.0"
    assert source.url and source.url.startswith("https://www.cfr.org/in-brief/")
    assert source.file and (sources_dir / source.file).is_file()
    assert "Can U.S.-Russia Diplomacy Ease Ukraine Tensions?" in source.citation


def test_ukraine_has_the_required_actors_and_issues(ukraine: Scenario) -> None:
    assert set(ukraine.actor_ids) >= UKRAINE_ACTORS
    assert set(ukraine.issue_ids) >= UKRAINE_ISSUES
    for actor in ukraine.actors:
        assert actor.description, actor.id
        assert set(actor.positions) == set(actor.salience) == set(ukraine.issue_ids), actor.id
    for issue in ukraine.issues:
        assert issue.description, issue.id
        assert (issue.scale.low, issue.scale.high) == (0, 100), issue.id
        assert issue.status_quo is not None, issue.id
    assert ukraine.description and len(ukraine.description.split("\n\n")) >= 5


def test_ukraine_membership_is_indivisible(ukraine: Scenario) -> None:
    assert ukraine.issue("nato_enlargement").divisible is False


def test_every_ukraine_number_is_supported(ukraine: Scenario) -> None:
    """No number without a quote from the CFR article or a stated judgment."""
    bare = [_where(path, ukraine) for path, q in ukraine.quantities() if not q.is_supported]
    assert not bare, f"values with neither evidence nor judgment: {bare}"


def test_ukraine_values_carry_ranges_unless_the_article_pins_them(ukraine: Scenario) -> None:
    """A point value is allowed only where the CFR article states the position exactly
    (Russia's demands), so it must quote the article; everything else is a distribution.
    Offer terms are exempt: they record what was said and are point values by the schema."""
    pinned = []
    for path, q in ukraine.quantities():
        if path[0] == "offers":
            continue
        if not q.is_uncertain:
            assert q.evidence, f"{_where(path, ukraine)} is a point value without a quote"
            pinned.append(_where(path, ukraine))
        else:
            assert q.high > q.low, _where(path, ukraine)
    assert set(pinned) <= {f"russia.positions.{i}" for i in UKRAINE_ISSUES}


def test_ukraine_pins_russias_stated_demands(ukraine: Scenario) -> None:
    """The article states Russia's demands on enlargement and on bases and missiles exactly,
    and every scale puts Russia's demand at 100."""
    russia = ukraine.actor("russia")
    for issue in ("nato_enlargement", "strike_missiles_bases"):
        q = russia.positions[issue]
        assert not q.is_uncertain and q.point == 100, issue


def test_ukraine_scales_all_point_toward_russias_demand(ukraine: Scenario) -> None:
    """Every scale is oriented 100 = Russia's demand met, so Russia's point position is the
    highest on every issue, and Kyiv wants less than the status quo gives Moscow on its
    membership and on its own alignment and territory."""
    russia, kyiv = ukraine.actor("russia"), ukraine.actor("ukraine")
    for issue in ukraine.issues:
        top = russia.positions[issue.id].point
        assert all(a.positions[issue.id].point <= top for a in ukraine.actors), issue.id
        assert "Russia" in (issue.scale.high_means or ""), issue.id
    for iid in ("nato_enlargement", "ukraine_alignment_donbas"):
        status_quo = ukraine.issue(iid).status_quo
        assert status_quo is not None
        assert kyiv.positions[iid].point < status_quo.point, iid


def test_ukraine_capabilities_and_saliences_are_on_0_100(ukraine: Scenario) -> None:
    for actor in ukraine.actors:
        assert 0 <= actor.capability.low <= actor.capability.high <= 100, actor.id
        for q in actor.salience.values():
            assert 0 <= q.low <= q.high <= 100, actor.id


# -- ec-emissions-1994 (Scholz et al. 2011, Table 1) -------------------------------------------

_ROW = re.compile(r"^(?P<name>\S+) (?P<cap>[\d.]+) (?P<pos>[\d.]+) (?P<sal>[\d.]+)$")


def test_ec_quotes_are_the_table_1_rows(ec: Scenario,
                                        ec_table: dict[str, tuple[float, float, float]]) -> None:
    """Each value quotes its actor's row of Scholz et al. (2011) Table 1 as printed
    (``name capability position salience``, salience on 0..100); the row must match the
    actor, the stored table (ExampleActors.csv, salience as a fraction) and the value."""
    for actor in ec.actors:
        values = {"capability": actor.capability,
                  "position": actor.positions["emissions_delay"],
                  "salience": actor.salience["emissions_delay"]}
        for field, q in values.items():
            assert not q.is_uncertain, (actor.id, field)
            (ev,) = q.evidence
            assert ev.source == "scholz-2011" and ev.note == "Table 1", (actor.id, field)
            m = _ROW.match(ev.quote)
            assert m, f"{actor.id}.{field}: {ev.quote!r} is not a Table 1 row"
            assert m["name"] == actor.name
            cap, pos, sal = ec_table[m["name"]]
            printed = {"capability": float(m["cap"]), "position": float(m["pos"]),
                       "salience": float(m["sal"])}
            assert printed["capability"] == pytest.approx(cap, abs=TOL)
            assert printed["position"] == pytest.approx(pos, abs=TOL)
            assert printed["salience"] == pytest.approx(sal * 100, abs=TOL)
            assert q.point == pytest.approx(printed[field], abs=TOL), (actor.id, field)


def test_ec_equals_the_csv_import(ec: Scenario, reference_dir: Path) -> None:
    """The hand-written scenario and the importer's reading of ExampleActors.csv (Scholz et
    al. 2011, Table 1) give the same capabilities, positions and saliences, in order."""
    path = reference_dir / "eum" / "ExampleActors.csv"
    imported = read_csv(path.read_text(encoding="utf-8"), str(path))
    assert [a.name for a in ec.actors] == [a.name for a in imported.actors]
    (issue,) = ec.issues
    (other,) = imported.issues
    assert (issue.scale.low, issue.scale.high) == (other.scale.low, other.scale.high) == (4, 10)
    assert issue.scale.units == "years of delay"
    assert issue.status_quo is None
    for mine, theirs in zip(ec.actors, imported.actors, strict=True):
        assert mine.capability.point == pytest.approx(theirs.capability.point, abs=TOL)
        assert mine.positions[issue.id].point == pytest.approx(
            theirs.positions[other.id].point, abs=TOL)
        assert mine.salience[issue.id].point == pytest.approx(
            theirs.salience[other.id].point, abs=TOL)


def test_ec_cites_scholz_and_bdm(ec: Scenario) -> None:
    assert {s.id for s in ec.sources} == {"scholz-2011", "bdm-1994"}
    assert ec.description is not None
    for figure in ("8.35", "9.05", "8.833"):
        assert figure in ec.description
