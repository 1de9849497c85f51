"""What the code imports is what the distribution declares: a normal install has every package the
code needs, each with a compatible range, and nothing POSIX-only on the way."""

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent
OWN = {"se_pipeline", "se_pipeline_assets"}


def imported_modules(folder: Path) -> set[str]:
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def declared() -> dict[str, str]:
    """Normalized distribution name -> its requirement, from pyproject.toml's dependencies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0].lower().replace("_", "-"): r for r in project["dependencies"]}


def test_every_imported_package_is_declared_with_a_range():
    modules = imported_modules(ROOT / "se_pipeline") | imported_modules(ROOT / "assets")
    third_party = sorted(m for m in modules - OWN - set(sys.stdlib_module_names))
    distributions = importlib.metadata.packages_distributions()
    requirements = declared()
    missing = [m for m in third_party
               if not any(d.lower().replace("_", "-") in requirements for d in distributions.get(m, [m]))]
    assert missing == []
    assert [r for r in requirements.values() if not re.search(r"[<>=~]", r)] == []  # every one has a range


def test_nothing_posix_only_is_imported():
    assert not {"fcntl", "termios", "pwd", "grp", "resource"} & (imported_modules(ROOT / "se_pipeline") | imported_modules(ROOT / "assets"))
