"""What every connector provides."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from se_pipeline.warehouse.loader import Quarantined, Rows
from se_pipeline.window import Window


class Connector(Protocol):
    source: str  # slack | gmail | notion | usage | calls | …
    tables: tuple[str, ...]  # raw tables extract() yields rows for
    calls: int  # API calls made so far (0 for files)

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        """Yield pages of records whose local day falls in `window` (dimensions: all of them)."""
        ...
