"""The packages of se_pipeline import each other one way: no cycle, and connectors know no warehouse.

Read from the source (every import, also those inside functions; not those under TYPE_CHECKING), at
the level of se_pipeline's packages and top-level modules (se_pipeline.analysis, se_pipeline.config, …).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

import se_pipeline

ROOT = Path(se_pipeline.__file__).parent


def _unit(module: str) -> str | None:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "se_pipeline" and len(parts) > 1 else None


def _imports(tree: ast.Module) -> list[tuple[ast.stmt, list[str]]]:
    typing_only = {
        id(node)
        for guard in ast.walk(tree)
        if isinstance(guard, ast.If) and "TYPE_CHECKING" in ast.unparse(guard.test)
        for node in ast.walk(guard)
    }
    found: list[tuple[ast.stmt, list[str]]] = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node, [node.module, *(f"{node.module}.{a.name}" for a in node.names)]))
        elif isinstance(node, ast.Import):
            found.append((node, [a.name for a in node.names]))
    return found


def _graph() -> dict[str, dict[str, list[str]]]:
    """unit -> imported unit -> where (file:line)."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(ROOT.rglob("*.py")):
        module = ".".join(("se_pipeline", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")
        source = _unit(module)
        if source is None:
            continue
        for node, names in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            for target in {u for u in map(_unit, names) if u and u != source}:
                graph[source][target].append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return graph


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
def graph() -> dict[str, dict[str, list[str]]]:
    return _graph()


def test_connectors_import_nothing_of_the_warehouse(graph):
    # A connector yields pages (se_pipeline.pages); loading them is the warehouse's business.
    assert dict(graph["se_pipeline.connectors"]).get("se_pipeline.warehouse", []) == []


def test_no_package_imports_its_way_back_to_itself(graph):
    # The demo generator is left out: nothing outside se_pipeline/demo/ is to import it (issue 11's
    # "the demo is data"), which removes the last cycle (config -> enablement -> demo -> config).
    cycle = _cycle(graph, skip={"se_pipeline.demo"})
    where = [f"{a} -> {b}: {', '.join(graph[a][b][:3])}" for a, b in pairwise(cycle or [])]
    assert cycle is None, "import cycle:\n" + "\n".join(where)


def test_the_check_finds_a_cycle():
    made_up = {"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:1"]}, "c": {"a": ["c.py:1"]}}
    assert _cycle(made_up, skip=set()) == ["a", "b", "c", "a"]
    assert _cycle(made_up, skip={"c"}) is None
