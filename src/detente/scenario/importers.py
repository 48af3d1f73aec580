"""Importers for the formats analysts already have, into the same validated scenario.

* KTAB's SMP CSV (layout in KTAB's ``examples/smp/doc``; see the reference README):
  a title row ``name,description,numActors,numDims``, a header row
  ``Actor,Description,<capability>,<pos 1>,<sal 1>,...`` and one row per actor.
* KTAB's SMP XML (``<Scenario>`` with ``<Dimensions>``, ``<Actors>``, optional
  ``<ModelParameters>`` and ``<IdealAdjustment>``).
* The classic expected-utility table ``Actor,Capability,Position,Salience`` (Bueno de
  Mesquita 1994; Scholz et al. 2011 Table 1). Saliences written as fractions (all <= 1) are
  scaled to 0..100; the issue's scale runs from the lowest to the highest position.

Each importer builds plain data plus a map from field paths to the source file's lines and
hands both to :func:`detente.scenario.validation.validate`, so a bad value in a CSV is reported
at its CSV line like any other problem.
"""

from __future__ import annotations

import csv
import io
import math
import re
from typing import Any
from xml.parsers import expat

from detente.scenario.errors import PathPart, Problem, ScenarioError
from detente.scenario.schema import Scenario
from detente.scenario.validation import Lines, validate

EUM_HEADER = ["actor", "capability", "position", "salience"]
KTAB_SALIENCE_TOTAL = 100.0
_ID_BAD = re.compile(r"[^A-Za-z0-9_.\-]+")


def slug(text: str, fallback: str) -> str:
    """A valid id from free text: ``"Competitive Position"`` -> ``"Competitive-Position"``."""
    s = _ID_BAD.sub("-", text.strip()).strip("-._")[:64]
    return s if s else fallback


def unique_ids(names: list[str], fallback: str) -> list[str]:
    out: list[str] = []
    for n, name in enumerate(names):
        base = slug(name, f"{fallback}{n + 1}")
        ident, k = base, 2
        while ident in out:
            ident, k = f"{base}-{k}", k + 1
        out.append(ident)
    return out


def read_csv(text: str, name: str) -> Scenario:
    """A KTAB SMP CSV or an expected-utility table, told apart by the header."""
    rows = [[cell.strip().strip('"').strip() for cell in row]
            for row in csv.reader(io.StringIO(text))]
    numbered = [(n + 1, _trim(row)) for n, row in enumerate(rows)]
    numbered = [(n, row) for n, row in numbered if row]
    if not numbered:
        raise ScenarioError.single(name, "file is empty")
    first = [c.lower() for c in numbered[0][1]]
    if first[:4] == EUM_HEADER:
        return _read_eum(numbered, name)
    return _read_ktab_csv(numbered, name)


def _trim(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row


def _number(cell: str, name: str, line: int, field: str, problems: list[Problem]) -> float:
    """A finite number from a table cell (``float`` would also take ``inf``, ``nan`` and
    ``1_000``, and overflow ``1e400`` to infinity)."""
    try:
        value = float(cell) if _DECIMAL.fullmatch(cell) else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(Problem(name, line, field, f"{cell!r} is not a finite number"))
        return math.nan
    return value


_DECIMAL = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def _read_eum(rows: list[tuple[int, list[str]]], name: str) -> Scenario:
    problems: list[Problem] = []
    lines: Lines = {}
    body = rows[1:]
    if not body:
        raise ScenarioError.single(name, "the table has a header but no actors", rows[0][0])
    parsed = []
    for line, row in body:
        if len(row) != 4:
            problems.append(Problem(name, line, "", f"{len(row)} fields; expected 4: "
                                                    "Actor,Capability,Position,Salience"))
            continue
        cap, pos, sal = (_number(c, name, line, f, problems)
                         for c, f in zip(row[1:], EUM_HEADER[1:], strict=True))
        parsed.append((line, row[0], cap, pos, sal))
    if problems:
        raise ScenarioError(problems)
    positions = [p[3] for p in parsed]
    lo, hi = min(positions), max(positions)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    fractions = all(p[4] <= 1 for p in parsed)
    _check_salience_convention(parsed, name)
    ids = unique_ids([p[1] for p in parsed], "actor")
    issue = "issue"
    actors = []
    for a, (line, actor_name, cap, pos, sal) in enumerate(parsed):
        for field in ("", "capability", "positions", "salience"):
            lines[("actors", a, field) if field else ("actors", a)] = line
        lines[("actors", a, "positions", issue)] = line
        lines[("actors", a, "salience", issue)] = line
        actors.append({"id": ids[a], "name": actor_name, "capability": cap,
                       "positions": {issue: pos},
                       "salience": {issue: round(sal * 100, 10) if fractions else sal}})
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    data = {
        "id": slug(stem, "scenario"),
        "title": stem,
        "summary": "Imported from an expected-utility table (Actor,Capability,Position,"
                   "Salience)." + (" Saliences were fractions and are scaled to 0..100."
                                   if fractions else ""),
        "issues": [{"id": issue, "name": stem,
                    "scale": {"low": lo, "high": hi, "units": "position units of the table",
                              "low_means": f"lowest position in the table ({lo:g})",
                              "high_means": f"highest position in the table ({hi:g})"}}],
        "actors": actors,
    }
    return validate(data, lines, name)


def _check_salience_convention(parsed: list[tuple[int, str, float, float, float]],
                               name: str) -> None:
    """Saliences are all fractions (0..1) or all percentages (0..100). A table mixing them
    (one 80 among 0.5s) would be read with the fractions left unscaled: refuse it."""
    fraction = [(line, s) for line, _, _, _, s in parsed if 0 < s < 1]
    percent = [(line, s) for line, _, _, _, s in parsed if s > 1]
    if fraction and percent:
        (f_line, f_sal), (p_line, p_sal) = fraction[0], percent[0]
        raise ScenarioError.single(
            name, f"saliences mix fractions and percentages: line {f_line} has {f_sal:g} "
            f"(a fraction of 1) but line {p_line} has {p_sal:g} (out of 100); write every "
            "salience on one scale", p_line, "salience")


def _read_ktab_csv(rows: list[tuple[int, list[str]]], name: str) -> Scenario:
    problems: list[Problem] = []
    title_line, title = rows[0]
    if len(title) < 4:
        raise ScenarioError.single(name, "the first row must be `scenario name, description, "
                                         "number of actors, number of dimensions` (KTAB SMP "
                                         "CSV) or the header `Actor,Capability,Position,"
                                         "Salience`", title_line)
    n_actors = _count(title[2], name, title_line, "number of actors", problems)
    n_dims = _count(title[3], name, title_line, "number of dimensions", problems)
    if problems:
        raise ScenarioError(problems)
    if len(rows) < 2:
        raise ScenarioError.single(name, "the header row is missing", title_line)
    header_line, header = rows[1]
    width = 3 + 2 * n_dims
    if len(header) != width:
        raise ScenarioError.single(name, f"header has {len(header)} columns; the title row "
                                         f"declares {n_dims} dimensions, which need {width} "
                                         "(actor, description, capability, then position and "
                                         "salience per dimension)", header_line)
    body = rows[2:]
    if len(body) != n_actors:
        problems.append(Problem(name, title_line, "", f"the title row says {n_actors} actors "
                                                      f"but {len(body)} actor rows follow"))
    labels = [header[3 + 2 * d] for d in range(n_dims)]
    issue_ids = unique_ids([re.sub(r"\s*position\s*$", "", lb, flags=re.I) or lb
                            for lb in labels], "dim")
    lines: Lines = {}
    actors: list[dict[str, Any]] = []
    actor_ids = unique_ids([row[0] for _, row in body], "actor")
    for a, (line, row) in enumerate(body):
        if len(row) != width:
            problems.append(Problem(name, line, f"actors[{a}]",
                                    f"{len(row)} fields; the title row declares {n_dims} "
                                    f"dimensions, so expected {width}"))
            continue
        values = [_number(c, name, line, header[3 + j] if 3 + j < len(header) else "", problems)
                  for j, c in enumerate(row[3:width])]
        cap = _number(row[2], name, line, header[2], problems)
        sal = values[1::2]
        if sum(sal) > KTAB_SALIENCE_TOTAL + 1e-9:
            problems.append(Problem(name, line, f"actors[{a}].salience",
                                    f"saliences sum to {sum(sal):g}; KTAB allows at most 100 "
                                    "per actor"))
        path: tuple[PathPart, ...] = ("actors", a)
        lines[path] = line
        for _d, iid in enumerate(issue_ids):
            lines[(*path, "positions", iid)] = line
            lines[(*path, "salience", iid)] = line
        lines[(*path, "capability")] = line
        actors.append({"id": actor_ids[a], "name": row[0],
                       **({"description": row[1]} if row[1] else {}),
                       "capability": cap,
                       "positions": dict(zip(issue_ids, values[0::2], strict=True)),
                       "salience": dict(zip(issue_ids, sal, strict=True))})
    if problems:
        raise ScenarioError(problems)
    data = {
        "id": slug(title[0], "scenario"),
        "title": title[0],
        **({"summary": title[1]} if title[1] else {}),
        "issues": [{"id": iid, "name": label} for iid, label in zip(issue_ids, labels,
                                                                    strict=True)],
        "actors": actors,
    }
    lines[()] = title_line
    return validate(data, lines, name)


def _count(cell: str, name: str, line: int, what: str, problems: list[Problem]) -> int:
    whole = re.fullmatch(r"([0-9]{1,6})(\.0*)?", cell)  # "4" or "4.0"; not "inf", not 1e9
    value = int(whole.group(1)) if whole else -1
    if value < 1:
        problems.append(Problem(name, line, "", f"{what} is {cell!r}; expected a positive "
                                                "whole number (at most 999,999)"))
    return value


# -- KTAB XML ------------------------------------------------------------------------------


class _Element:
    def __init__(self, tag: str, line: int):
        self.tag, self.line, self.text = tag, line, ""
        self.children: list[_Element] = []

    def find(self, tag: str) -> _Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[_Element]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str) -> str | None:
        child = self.find(tag)
        return child.text.strip() if child is not None else None


def _parse_xml(raw: bytes, name: str) -> _Element:
    parser = expat.ParserCreate()
    root = _Element("#document", 1)
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) > 50:
            raise ScenarioError.single(name, "nesting is too deep (limit 50)",
                                       parser.CurrentLineNumber)
        el = _Element(tag, parser.CurrentLineNumber)
        stack[-1].children.append(el)
        stack.append(el)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        stack[-1].text += data

    def no_entities(*args: Any) -> None:
        raise ScenarioError.single(name, "XML entity declarations are not allowed",
                                   parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = no_entities
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        raise ScenarioError.single(name, f"not valid XML: {expat.errors.messages[exc.code]}",
                                   exc.lineno) from None
    if not root.children:
        raise ScenarioError.single(name, "XML holds no elements")
    return root.children[0]


def read_ktab_xml(raw: bytes, name: str) -> Scenario:
    """KTAB's SMP XML scenario (``smpSchema.xsd``)."""
    top = _parse_xml(raw, name)
    if top.tag != "Scenario":
        raise ScenarioError.single(name, f"top element is <{top.tag}>; KTAB SMP XML has "
                                         "<Scenario>", top.line)
    problems: list[Problem] = []
    dims_el = top.find("Dimensions")
    actors_el = top.find("Actors")
    if dims_el is None or actors_el is None:
        raise ScenarioError.single(name, "<Scenario> needs <Dimensions> and <Actors>", top.line)
    labels = [d.text.strip() for d in dims_el.findall("dName")]
    issue_ids = unique_ids(labels, "dim")
    actor_els = actors_el.findall("Actor")
    actor_ids = unique_ids([a.value("name") or "" for a in actor_els], "actor")
    lines: Lines = {(): top.line}
    actors = []
    for a, el in enumerate(actor_els):
        path: tuple[PathPart, ...] = ("actors", a)
        lines[path] = el.line
        pos_el, sal_el = el.find("Position"), el.find("Salience")
        coords = pos_el.findall("dCoord") if pos_el is not None else []
        sals = sal_el.findall("dSal") if sal_el is not None else []
        if len(coords) != len(labels) or len(sals) != len(labels):
            problems.append(Problem(name, el.line, f"actors[{a}]",
                                    f"{len(coords)} coordinates and {len(sals)} saliences; "
                                    f"expected {len(labels)} of each (one per dimension)"))
            continue
        for d, iid in enumerate(issue_ids):
            lines[(*path, "positions", iid)] = coords[d].line
            lines[(*path, "salience", iid)] = sals[d].line
        cap_el = el.find("capability")
        lines[(*path, "capability")] = cap_el.line if cap_el is not None else el.line
        actors.append({
            "id": actor_ids[a],
            "name": el.value("name") or actor_ids[a],
            **({"description": el.value("description")} if el.value("description") else {}),
            "capability": _number(el.value("capability") or "", name, lines[(*path,
                                  "capability")], f"actors[{a}].capability", problems),
            "positions": {iid: _number(c.text.strip(), name, c.line,
                                       f"actors[{a}].positions.{iid}", problems)
                          for iid, c in zip(issue_ids, coords, strict=True)},
            "salience": {iid: _number(s.text.strip(), name, s.line,
                                      f"actors[{a}].salience.{iid}", problems)
                         for iid, s in zip(issue_ids, sals, strict=True)},
        })
    if problems:
        raise ScenarioError(problems)
    title = top.value("name") or name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    data: dict[str, Any] = {
        "id": slug(title, "scenario"),
        "title": title,
        **({"summary": top.value("desc")} if top.value("desc") else {}),
        "issues": [{"id": iid, "name": label} for iid, label in zip(issue_ids, labels,
                                                                    strict=True)],
        "actors": actors,
    }
    return validate(data, lines, name)
