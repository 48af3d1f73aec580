"""YAML (and JSON, which is YAML) read within limits and by the YAML 1.2 rules.

Two things PyYAML does not do by itself:

* **Limits enforced while parsing.** Before anything is built, one streaming pass over the
  parser's events (libyaml's C parser when PyYAML has it) counts values, aliases and nesting
  and stops at the first one over its limit, so a huge or hostile file is refused after
  reading only as far as the limit, in bounded memory.
* **YAML 1.2 scalars.** PyYAML resolves plain scalars by YAML 1.1, where ``050`` is octal
  (forty), ``1:10`` is base 60 (seventy) and ``yes``/``no``/``on``/``off`` are booleans.
  Here a plain scalar is read by the YAML 1.2 core schema (YAML 1.2.2 specification,
  section 10.3.2, "Tag Resolution"): ``050`` is fifty, ``1:10`` and ``yes`` are text, and
  only ``true``/``false`` are booleans. Quoted scalars are always text.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

MAX_NODES = 250_000  # 120 times the largest built-in scenario (ukraine-2022: 2,084 values)
MAX_ALIASES = 10_000
MAX_DEPTH = 50

PLAIN = "tag:detente,2026:plain"  # a plain (unquoted, untagged) scalar, resolved here
STR = "tag:yaml.org,2002:str"

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """PyYAML's safe loader with plain scalars left for :func:`plain_scalar` to read."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            return PLAIN
        return super().resolve(kind, value, implicit)


class LimitError(ValueError):
    """A file over one of the limits; ``line`` is where the limit was crossed."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def check_limits(text: str) -> None:
    """Stream the parser's events and raise :class:`LimitError` at the first value past
    :data:`MAX_NODES`, alias past :data:`MAX_ALIASES` or nesting past :data:`MAX_DEPTH`.
    Parse errors propagate as PyYAML raises them."""
    nodes = aliases = depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise LimitError(f"nesting is too deep (limit {MAX_DEPTH})", _line(event))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            continue
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise LimitError(f"file has more than {MAX_ALIASES:,} aliases (*name)",
                                 _line(event))
        elif not isinstance(event, yaml.ScalarEvent):
            continue
        nodes += 1
        if nodes > MAX_NODES:
            raise LimitError(f"file has more than {MAX_NODES:,} values", _line(event))


def compose(text: str) -> yaml.Node | None:
    """The node tree of a single-document stream (after :func:`check_limits`)."""
    node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
    return node


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
_LARGEST = 1.7976931348623157e308


def plain_scalar(text: str) -> Any:
    """A plain scalar by the YAML 1.2 core schema: null, bool, int, float or text.

    A number too large for a double is an error (``ValueError``), not infinity."""
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.fullmatch(text):
        if len(text.lstrip("+-").lstrip("0")) > 309:  # past 1.8e308 (and Python's 4,300-digit cap)
            raise ValueError(f"{_short(text)} is too large for a number (largest: 1.8e308)")
        return _finite_int(int(text), text)
    if _OCT.fullmatch(text):
        return _finite_int(int(text[2:], 8), text)
    if _HEX.fullmatch(text):
        return _finite_int(int(text[2:], 16), text)
    if _FLOAT.fullmatch(text):
        value = float(text)
        if math.isinf(value):
            raise ValueError(f"{_short(text)} is too large for a number (largest: 1.8e308)")
        return value
    if _INF.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.fullmatch(text):
        return math.nan
    return text


def _finite_int(value: int, text: str) -> int:
    if abs(value) > _LARGEST:
        raise ValueError(f"{_short(text)} is too large for a number (largest: 1.8e308)")
    return value


def _short(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}…{text[-6:]} ({len(text)} characters)"
