"""Each package of se_pipeline says what it offers (`__all__`), and nothing reaches past that.

* every package (a folder with `__init__.py`) declares `__all__`, and every name in it exists (a lazy name
  is imported to check it; a submodule listed there is public as a module);
* code in se_pipeline/ and assets/ imports another package's names from the package, never from one of its
  modules, and never a private (`_x`) name or module of it; a package's own subpackages and their parent
  are one family (sources/slack may use sources/base.py's names, not sources/gmail's modules); a top-level
  module (config.py) is its own surface; assets/ declares none (the CLI calls its modules for runs);
* a test imports private names only of what it is about: tests/test_<words>.py is about each package or
  top-level module of se_pipeline whose name holds one of its words (test_warehouse_lock: warehouse;
  test_mail_headers: gmail; test_cli: cli). Tests of a module's internals import its public names from
  the module itself.

Read from the source: every import, also those inside functions or under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

import se_pipeline

ROOT = Path(se_pipeline.__file__).parent
REPO = ROOT.parent
ASSETS = "se_pipeline_assets"  # assets/ is imported under this name (setup.py)


def _module_name(path: Path) -> str:
    if path.is_relative_to(REPO / "assets"):
        parts = (ASSETS, *path.relative_to(REPO / "assets").with_suffix("").parts)
    else:
        parts = ("se_pipeline", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts).removesuffix(".__init__")


PACKAGES = sorted(_module_name(p) for p in ROOT.rglob("__init__.py"))
MODULES = {_module_name(p) for p in ROOT.rglob("*.py")}


def _package_of(module: str, packages: set[str]) -> str:
    """The package a module belongs to: itself when it is one, else its parent."""
    return module if module in packages else module.rpartition(".")[0]


def _imported(tree: ast.Module) -> list[tuple[int, str, str | None]]:
    """(line, module, name or None) of every absolute import of our code, wherever it is written."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names]
    return [(line, module, name) for line, module, name in found
            if module.split(".")[0] in ("se_pipeline", ASSETS)]


def _reaches_past(importer: str, source: str, packages: set[str], public: dict[str, set[str]],
                  modules: set[str]) -> list[str]:
    """What module `importer` imports, in `source`, that another package keeps to itself: a private name or
    module, or any name taken from one of its modules instead of from the package."""
    home = _package_of(importer, packages)
    if home == "se_pipeline":
        home = importer  # a top-level module is its own unit, not the parent of every package
    found = []
    for line, module, name in _imported(ast.parse(source)):
        target = f"{module}.{name}" if name and f"{module}.{name}" in modules else module
        package = _package_of(target, packages)
        if package == "se_pipeline":
            package = target  # a top-level module is its own surface
            if package == home:
                continue
        elif home == package or home.startswith(f"{package}.") or package.startswith(f"{home}."):
            continue  # a package's family shares its modules
        private = [part for part in (*target.split("."), name or "") if part.startswith("_")]
        if private:
            found.append(f"{line}: {module} {name or ''}: private {private[0]}")
        elif target != package and package != ASSETS and not (target == f"{module}.{name}" and name in public.get(package, ())):
            found.append(f"{line}: {module} {name or ''}: import it from {package}")
    return found


def _about(test_file: str, units: set[str]) -> set[str]:
    """The packages and top-level modules a test file is about: those whose name holds one of its words."""
    words = Path(test_file).stem.removeprefix("test_").split("_")
    return {unit for unit in units if any(word in unit.rpartition(".")[2] for word in words)}


def _private_test_imports(test_file: str, source: str, units: set[str]) -> list[str]:
    """The private names a test imports from packages or modules it is not about."""
    about = _about(test_file, units)
    found = []
    for line, module, name in _imported(ast.parse(source)):
        owner = max((u for u in units if module == u or module.startswith(f"{u}.")), key=len, default=module)
        private = [part for part in (*module.split("."), name or "") if part.startswith("_")]
        if private and owner not in about:
            found.append(f"{Path(test_file).name}:{line}: {module} {private[0]} (the file is about {sorted(about)})")
    return found


def _declared_all(package: str) -> list[str] | None:
    path = ROOT.joinpath(*package.split(".")[1:], "__init__.py")
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return ast.literal_eval(node.value)
    return None


@pytest.fixture(scope="module")
def public() -> dict[str, set[str]]:
    return {package: set(_declared_all(package) or ()) for package in PACKAGES}


def test_every_package_declares_its_public_names():
    assert [p for p in PACKAGES if _declared_all(p) is None] == []


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_exists(package):
    module = importlib.import_module(package)
    missing = [name for name in _declared_all(package) or ()
               if not hasattr(module, name) and importlib.util.find_spec(f"{package}.{name}") is None]
    assert missing == []


def test_no_code_reaches_past_another_packages_public_names(public):
    packages = set(PACKAGES) | {ASSETS}
    files = [*ROOT.rglob("*.py"), *(REPO / "assets").rglob("*.py")]
    found = {str(path.relative_to(REPO)): where for path in sorted(files)
             if (where := _reaches_past(_module_name(path), path.read_text(encoding="utf-8"), packages, public,
                                        MODULES))}
    assert found == {}


def test_tests_import_private_names_only_of_what_they_are_about():
    units = set(PACKAGES) | {m for m in MODULES if m.count(".") == 1}
    found = [f for path in sorted(Path(__file__).parent.rglob("*.py"))
             for f in _private_test_imports(path.name, path.read_text(encoding="utf-8"), units)]
    assert found == []


def test_the_checks_find_what_they_look_for():
    packages = {"se_pipeline", "se_pipeline.warehouse", "se_pipeline.sources", "se_pipeline.sources.slack",
                "se_pipeline.sources.gmail", "se_pipeline.analysis"}
    modules = packages | {"se_pipeline.warehouse.slices", "se_pipeline.sources.base", "se_pipeline.sources.gmail.mbox",
                          "se_pipeline.analysis.text", "se_pipeline.analysis._hidden", "se_pipeline.config"}
    public = {"se_pipeline.warehouse": {"replace_slice"}, "se_pipeline.analysis": {"text"}}
    code = "\n".join([
        "from se_pipeline.warehouse import replace_slice",  # fine: the package's name
        "from se_pipeline.warehouse.slices import replace_slice",  # 2: from a module
        "from se_pipeline.warehouse import _pool",  # 3: private name
        "from se_pipeline.sources.base import _Strict",  # fine: its parent's module (the family)
        "from se_pipeline.sources.gmail.mbox import iter_mbox",  # 5: a sibling's module
        "from se_pipeline.analysis import text",  # fine: a module its package makes public
        "from se_pipeline.analysis import _hidden",  # 7: a private module
        "from se_pipeline.config import _Strict",  # 8: a top-level module's private name
        "from se_pipeline.config import Settings",  # fine
    ])
    found = _reaches_past("se_pipeline.sources.slack.api", code, packages, public, modules)
    assert [f.split(":")[0] for f in found] == ["2", "3", "5", "7", "8"]
    assert [f.split(":")[0] for f in _reaches_past("se_pipeline.config", code, packages, public, modules)] == [
        "2", "3", "4", "5", "7"]

    units = {"se_pipeline.sources.gmail", "se_pipeline.cli", "se_pipeline.warehouse"}
    test = "from se_pipeline.sources.gmail.addresses import _VERBATIM\nfrom se_pipeline.cli import _period\n"
    assert _about("test_mail_headers.py", units) == {"se_pipeline.sources.gmail"}
    assert [f.split(": ")[1] for f in _private_test_imports("test_mail_headers.py", test, units)] == [
        "se_pipeline.cli _period (the file is about ['se_pipeline.sources.gmail'])"]
    assert len(_private_test_imports("test_today.py", test, units)) == 2
