"""The house rules of ``src/detente`` (issue #12), read from the source with :mod:`ast`:

* imports run one way, the way the folders stack (STYLE.md, habit 13): scenario ->
  sampling -> models -> crisis -> analyses (evaluate, sweep, sensitivity, whatif, simulate,
  backtest) -> api -> cli / report / web. A module may import its own layer or a lower one;
* no import cycle anywhere in ``src/`` (every ``import``, at module level or inside a
  function, counts; an import of ``a.b.c`` is an edge to ``a.b.c``, not to its parents);
* no module over 600 lines;
* no ``_private`` name imported from another package, nor reached as an attribute of a
  module imported from one (``api._model_names``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "detente"
MAX_LINES = 600

#: The layer of each top-level part of the package (lower numbers sit lower). Modules that
#: import nothing from detente and serve every layer (provenance, figures) sit at the bottom.
LAYERS: dict[str, int] = {
    "provenance": 0, "figures": 0, "scenario": 0,
    "sampling": 1,
    "models": 2,
    "crisis": 3,
    "evaluate": 4, "sweep": 4, "sensitivity": 4, "whatif": 4, "simulate": 4, "backtest": 4,
    "deals": 4,
    "api": 5,
    "cli": 6, "report": 6, "htmlreport": 6, "web": 6, "schemas": 6, "__init__": 6,
    "__main__": 6,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The detente module ``name`` refers to (itself, or the module holding the name)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> list[tuple[str, int, list[str]]]:
    """(imported module, line, names imported from it) for every import in ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    out: list[tuple[str, int, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name)
                if target:
                    out.append((target, node.lineno, []))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:  # `from detente.crisis import inputs`: a submodule
                    out.append((full, node.lineno, []))
                else:
                    target = _resolve(base)
                    if target:
                        out.append((target, node.lineno, [alias.name]))
    return out


GRAPH: dict[str, set[str]] = {m: {t for t, _, _ in imports(m) if t != m} for m in MODULES}


def _layer(module: str) -> int:
    parts = module.split(".")
    key = parts[1] if len(parts) > 1 else "__init__"
    if key not in LAYERS:
        raise AssertionError(f"{module}: its part {key!r} has no layer; add it to LAYERS in "
                             "tests/test_architecture.py (and to the layer list in "
                             "docs/architecture.md)")
    return LAYERS[key]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan 1972)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_walk_sees_the_package() -> None:
    assert {"detente.api", "detente.crisis.analysis", "detente.scenario.loader"} <= set(MODULES)
    assert "detente.provenance" in GRAPH["detente.api"]
    assert "detente.crisis.inputs" in GRAPH["detente.crisis.analysis"]


def test_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    cycles = _cycles(GRAPH)
    assert cycles == [], "import cycles in src/detente: " + "; ".join(
        " <-> ".join(c) for c in cycles)


def test_imports_run_downwards() -> None:
    upward = sorted({f"{m} (layer {_layer(m)}) imports {t} (layer {_layer(t)}) at line {line}"
                     for m in MODULES for t, line, _ in imports(m)
                     if _layer(t) > _layer(m)})
    assert upward == [], "upward imports:\n" + "\n".join(upward)


def test_no_private_names_across_packages() -> None:
    def package(module: str) -> str:
        parts = module.split(".")
        return ".".join(parts[:2])

    bad = [f"{m} imports {name} from {t} at line {line}"
           for m in MODULES for t, line, names in imports(m)
           for name in names
           if name.startswith("_") and not name.startswith("__") and package(t) != package(m)]
    assert bad == [], "\n".join(bad)


def _module_aliases(module: str) -> dict[str, str]:
    """The local names bound to detente modules in ``module`` (``from detente import api``
    binds ``api``; ``import detente.api as a`` binds ``a``)."""
    path = MODULES[module]
    out: dict[str, str] = {}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in MODULES:
                    out[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in MODULES:
                    out[alias.asname or alias.name] = full
    return out


def private_attributes(module: str) -> list[str]:
    """``alias._name`` in ``module`` where ``alias`` is a module of another package."""
    aliases = _module_aliases(module)
    path = MODULES[module]
    return [f"{module} uses {node.value.id}.{node.attr} at line {node.lineno}"
            for node in ast.walk(ast.parse(path.read_text(), str(path)))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id in aliases and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and _package(aliases[node.value.id]) != _package(module)]


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_private_attribute_finder_sees_module_aliases() -> None:
    assert _module_aliases("detente.cli.forecast_cmd")["registry"] == "detente.models.registry"


def test_no_private_attributes_across_packages() -> None:
    bad = [line for m in MODULES for line in private_attributes(m)]
    assert bad == [], "\n".join(bad)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_under_600_lines(module: str) -> None:
    n = len(MODULES[module].read_text().splitlines())
    assert n <= MAX_LINES, f"{MODULES[module].relative_to(SRC)} has {n} lines (at most " \
                           f"{MAX_LINES}); split it by responsibility"
