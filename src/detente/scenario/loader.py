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
import stat
from pathlib import Path
from typing import Any

import yaml

from detente.scenario.errors import PathPart, ScenarioError, format_path
from detente.scenario.schema import Scenario
from detente.scenario.validation import Lines as Lines  # re-exported: readers use it
from detente.scenario.validation import validate as validate
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


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
