"""Loading at the edge: bytes on disk -> a validated, frozen :class:`Scenario`, or a
:class:`ScenarioError` listing every problem with its file, line and field path.

Formats, chosen by extension (and, for ``.csv``, by the header):

* ``.yaml``/``.yml``/``.json``: detente's own format;
* ``.csv``: KTAB's SMP CSV, or the classic ``Actor,Capability,Position,Salience`` table;
* ``.xml``: KTAB's SMP XML.

A name without a path separator or extension that matches a built-in scenario loads it.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from detente.scenario.errors import PathPart, Problem, ScenarioError, format_path
from detente.scenario.schema import Scenario, cross_check
from detente.scenario.yamlread import (
    MAX_DEPTH,
    MAX_NODES,
    PLAIN,
    STR,
    LimitError,
    check_limits,
    compose,
    plain_scalar,
)

MAX_BYTES = 10 * 1024 * 1024
BUILTIN_DIR = Path(__file__).parent / "builtin"
DEFAULT_SCENARIO = "ukraine-2022"

Lines = dict[tuple[PathPart, ...], int]


def builtin_names() -> list[str]:
    """Names of the scenarios shipped with detente."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def resolve(name_or_path: str | Path | None) -> Path:
    """A built-in name, or a path; ``None`` is the default scenario."""
    if name_or_path is None:
        name_or_path = DEFAULT_SCENARIO
    text = str(name_or_path)
    builtin = BUILTIN_DIR / f"{text}.yaml"
    if "/" not in text and "\\" not in text and not Path(text).suffix and builtin.exists():
        return builtin
    return Path(text)


def load(name_or_path: str | Path | None = None) -> Scenario:
    """Load and validate a scenario (built-in name or file path)."""
    path = resolve(name_or_path)
    raw = read_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from detente.scenario.importers import read_csv

        return read_csv(decode(raw, path), str(path))
    if suffix == ".xml":
        from detente.scenario.importers import read_ktab_xml

        return read_ktab_xml(raw, str(path))
    if suffix not in (".yaml", ".yml", ".json"):
        raise ScenarioError.single(
            str(path), f"unknown file type {suffix or '(none)'!r}; allowed: .yaml, .yml, "
            f".json, .csv (KTAB or expected-utility table), .xml (KTAB), or a built-in name "
            f"({', '.join(builtin_names())})")
    return loads(decode(raw, path), str(path))


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_BYTES`. A FIFO, device or socket is
    refused without reading (opening does not block), and never more than the limit is read,
    whatever size the file system reports (``/proc`` files report 0)."""
    name = str(path)
    if not path.exists():
        hint = f"; built-in scenarios: {', '.join(builtin_names())}"
        raise ScenarioError.single(name, f"no such file or built-in scenario{hint}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if path.is_dir():
            raise ScenarioError.single(name, "is a directory, not a scenario file") from None
        raise ScenarioError.single(name, f"cannot read: {exc.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise ScenarioError.single(name, "is a directory, not a scenario file")
        raise ScenarioError.single(name, "is not a regular file (a pipe, device or socket); "
                                         "give a scenario file")
    with os.fdopen(fd, "rb") as f:
        try:
            raw = f.read(MAX_BYTES + 1)
        except OSError as exc:
            raise ScenarioError.single(name, f"cannot read: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError.single(name, f"file is larger than {MAX_BYTES // 2**20} MB; "
                                         f"scenario files are limited to "
                                         f"{MAX_BYTES // 2**20} MB")
    return raw


def decode(raw: bytes, path: Path | str) -> str:
    name = str(path)
    if not raw.strip():
        raise ScenarioError.single(name, "file is empty")
    if b"\x00" in raw[:8192]:
        raise ScenarioError.single(name, "file is binary (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError.single(name, f"byte 0x{raw[exc.start]:02x} at offset {exc.start} "
                                         f"is not UTF-8; save the file as UTF-8", line) from None


def loads(text: str, name: str = "<string>") -> Scenario:
    """Validate detente YAML/JSON text."""
    from detente.scenario.endmark import check_end

    data, lines = parse_yaml(text, name)
    return validate(check_end(data, lines, name, text), lines, name)


def parse_yaml(text: str, name: str) -> tuple[Any, Lines]:
    """Parse YAML (JSON is YAML) into plain data plus a map field path -> line number."""
    try:
        check_limits(text)
        node = compose(text)
    except LimitError as exc:
        raise ScenarioError.single(name, str(exc), exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "malformed"
        if "nesting depth" in what:  # libyaml's own guard, deeper than ours
            what = f"nesting is too deep (limit {MAX_DEPTH})"
        raise ScenarioError.single(name, f"not valid YAML/JSON: {what}", line) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError.single(name, f"character {exc.character!r} is not allowed in "
                                         "YAML/JSON text", line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError.single(name, f"not valid YAML/JSON: {exc}") from None
    except RecursionError:
        raise ScenarioError.single(name, f"nesting is too deep (limit {MAX_DEPTH})") from None
    if node is None:
        raise ScenarioError.single(name, "file holds no data")
    lines: Lines = {}
    builder = _Builder(name, lines)
    data = builder.build(node, ())
    return data, lines


class _Builder:
    """Turns a composed YAML node tree into Python data, recording lines, depth and size."""

    def __init__(self, name: str, lines: Lines):
        self.name, self.lines, self.count = name, lines, 0

    def build(self, node: yaml.Node, path: tuple[PathPart, ...]) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise ScenarioError.single(self.name, f"file has more than {MAX_NODES:,} values")
        if len(path) > MAX_DEPTH:
            raise ScenarioError.single(self.name, f"nesting is too deep (limit {MAX_DEPTH})",
                                       node.start_mark.line + 1, format_path(path))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self._scalar(key_node, path)
                if not isinstance(key, str | int | float | bool) or key is None:
                    raise ScenarioError.single(self.name, "mapping keys must be plain names",
                                               key_node.start_mark.line + 1, format_path(path))
                key = str(key) if not isinstance(key, str) else key
                if key in out:
                    raise ScenarioError.single(self.name, f"key {key!r} appears twice",
                                               key_node.start_mark.line + 1, format_path(path))
                # a field's line is its key's line (a block mapping value starts below it)
                self.lines.setdefault((*path, key), key_node.start_mark.line + 1)
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: tuple[PathPart, ...]) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise ScenarioError.single(self.name, "expected a plain value here",
                                       node.start_mark.line + 1, format_path(path))
        if node.tag == STR:  # quoted, or tagged !!str
            return node.value
        if node.tag != PLAIN:
            raise ScenarioError.single(self.name, f"YAML tag {node.tag.rsplit(':', 1)[-1]!r} "
                                       "is not read here; write the value without a tag",
                                       node.start_mark.line + 1, format_path(path))
        try:
            return plain_scalar(node.value)
        except ValueError as exc:
            raise ScenarioError.single(self.name, f"cannot read value: {exc}",
                                       node.start_mark.line + 1, format_path(path)) from None


def validate(data: Any, lines: Lines | None, name: str) -> Scenario:
    """Check plain data against the schema and the cross-references; every problem at once."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise ScenarioError.single(name, f"the top level must be a mapping of sections "
                                         f"(id, title, issues, actors, ...), found "
                                         f"{type(data).__name__}", lines.get(()))
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += [_problem(err, data, lines, name) for err in exc.errors()]
    problems += [Problem(name, _line(lines, path), format_path(path), msg)
                 for path, msg in cross_check(data)]
    if problems or scenario is None:
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise ScenarioError(_unique(problems))
    from detente.scenario.checks import warn_degenerate

    warn_degenerate(scenario, lines, name)
    return scenario


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def _line(lines: Lines, path: tuple[PathPart, ...]) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _problem(err: Any, data: Any, lines: Lines, name: str) -> Problem:
    loc = _clean_loc(err["loc"])
    kind = err["type"]
    found = err.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        msg = f"unknown key {loc[-1]!r}" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
    elif kind == "missing":
        msg = f"required field {loc[-1]!r} is missing"
        return Problem(name, _line(lines, loc[:-1]), format_path(loc[:-1]), msg)
    else:
        text = err["msg"].removeprefix("Value error, ")
        shown = _short(found)
        msg = f"{shown}: {text}" if shown is not None and kind != "value_error" else text
    return Problem(name, _line(lines, loc), format_path(loc), msg)


# what pydantic inserts into error locations for union branches and validators: exact type
# names or bracketed forms, never a prefix (an issue id may start with "str" or "int")
_PYDANTIC_LOC = re.compile(r"(float|int|str|bool|Quantity|[a-z-]+\[.*\])")


def _clean_loc(loc: tuple[Any, ...]) -> tuple[PathPart, ...]:
    return tuple(p for p in loc if isinstance(p, int) or not _PYDANTIC_LOC.fullmatch(str(p)))


def _short(value: Any) -> str | None:
    if isinstance(value, dict | list):
        return None
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_keys(loc: tuple[PathPart, ...]) -> list[str]:
    """The field names of the schema model found at ``loc``."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(str(part))
        if field is None:
            # a mapping keyed by ids (positions, salience) holds Quantities
            return _quantity_keys()
        model = _model_in(field.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _quantity_keys() -> list[str]:
    from detente.scenario.values import Quantity

    return list(Quantity.model_fields)


def _model_in(annotation: Any) -> Any:
    """The BaseModel class inside ``X``, ``X | None``, ``list[X]`` or ``dict[str, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    if origin is not None:
        return _model_in(origin)
    return None


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
