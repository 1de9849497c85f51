"""Lazy re-exports for a package's public surface (PEP 562).

A package whose public names live in modules that are heavy to import (httpx, slack_sdk, scikit-learn)
or that import the package back names them here instead of importing them in its `__init__.py`; the
module is imported on the first use of one of its names:

    if TYPE_CHECKING:
        from se_pipeline.sources.slack.connector import from_settings
    if not TYPE_CHECKING:  # type checkers read the imports above (a __getattr__ would make any name pass)
        __getattr__ = lazy_exports(__name__, {"connector": ("from_settings",)})
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, modules: dict[str, tuple[str, ...]]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: each name in `modules` (submodule -> names) is imported from
    that submodule on first use, then kept on the package."""
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
