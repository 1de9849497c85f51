"""se_pipeline's modules import each other one way, and connectors know no warehouse.

Read from the source: every import, also those inside functions (a lazy import still ties two modules
together), not those under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

import se_pipeline

ROOT = Path(se_pipeline.__file__).parent
# The demo generator is left out: nothing outside se_pipeline/demo/ is to import it (issue 11's "the
# demo is data"), which also removes the cycle config -> enablement.settings -> demo -> config.
DEMO = "se_pipeline.demo"
# The settings object: every layer reads it and it gathers every source's settings model, so it is no
# layer of its own (a cycle through it is still a module cycle, which the first test finds).
CONFIG = "se_pipeline.config"


def _imports(tree: ast.Module) -> list[tuple[int, list[str]]]:
    """(line, the dotted names it imports) of each import statement."""
    typing_only = {
        id(node)
        for guard in ast.walk(tree)
        if isinstance(guard, ast.If) and "TYPE_CHECKING" in ast.unparse(guard.test)
        for node in ast.walk(guard)
    }
    found: list[tuple[int, list[str]]] = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, [f"{node.module}.{a.name}" for a in node.names]))
        elif isinstance(node, ast.Import):
            found.append((node.lineno, [a.name for a in node.names]))
    return found


def _module_graph() -> dict[str, dict[str, list[str]]]:
    """module -> imported se_pipeline module -> where (file:line)."""
    files = {".".join(("se_pipeline", *p.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__"): p
             for p in sorted(ROOT.rglob("*.py"))}

    def module_of(name: str) -> str | None:  # the longest prefix of `name` that is a module of ours
        parts = name.split(".")
        return next((m for i in range(len(parts), 0, -1) if (m := ".".join(parts[:i])) in files), None)

    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for module, path in files.items():
        for line, names in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            for target in {t for t in map(module_of, names) if t and t != module}:
                graph[module][target].append(f"{path.relative_to(ROOT.parent)}:{line}")
    return graph


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _package_graph(modules: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for module, targets in modules.items():
        for target, where in targets.items():
            if _package(target) != _package(module):
                graph[_package(module)][_package(target)].extend(where)
    return graph


def _outside_demo(graph: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
    return {m: {t: w for t, w in targets.items() if not t.startswith(DEMO) or m.startswith(DEMO)}
            for m, targets in graph.items()}


def _cycle(graph: dict[str, dict[str, list[str]]], skip: set[str]) -> list[str] | None:
    """A cycle of units (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(unit: str) -> list[str] | None:
        state[unit] = 1
        path.append(unit)
        for target in graph.get(unit, {}):
            if target in skip:
                continue
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[unit] = 2
        return None

    for unit in sorted(graph):
        if unit not in state and unit not in skip and (found := visit(unit)):
            return found
    return None


@pytest.fixture(scope="module")
def modules() -> dict[str, dict[str, list[str]]]:
    return _outside_demo(_module_graph())


def _shown(graph: dict[str, dict[str, list[str]]], cycle: list[str] | None) -> str:
    return "import cycle:\n" + "\n".join(f"{a} -> {b}: {', '.join(graph[a][b][:3])}" for a, b in pairwise(cycle or []))


def test_no_module_imports_its_way_back_to_itself(modules):
    cycle = _cycle(modules, skip=set())
    assert cycle is None, _shown(modules, cycle)


def test_no_package_imports_its_way_back_to_itself(modules):
    packages = _package_graph(modules)
    cycle = _cycle(packages, skip={CONFIG})
    assert cycle is None, _shown(packages, cycle)


def test_connectors_import_nothing_of_the_warehouse(modules):
    # A connector yields pages (se_pipeline.pages); loading them is the warehouse's business. Connectors
    # live in se_pipeline/connectors/ or in a source's package, se_pipeline/sources/<name>/.
    connectors = [m for m in modules
                  if m.startswith("se_pipeline.connectors") or (m.startswith("se_pipeline.sources.") and m.count(".") >= 3)]
    assert connectors
    assert {m: w for m in connectors for t, w in modules[m].items() if t.startswith("se_pipeline.warehouse")} == {}


def test_the_check_finds_a_cycle():
    made_up = {"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:1"]}, "c": {"a": ["c.py:1"]}}
    assert _cycle(made_up, skip=set()) == ["a", "b", "c", "a"]
    assert _cycle(made_up, skip={"c"}) is None
