"""Grouping a stream of rows into pages for the loader, passing quarantined records through."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from se_pipeline.warehouse.loader import Quarantined, Rows

PAGE_SIZE = 500


def paged(
    table: str, records: Iterable[dict[str, Any] | Quarantined], size: int = PAGE_SIZE
) -> Iterator[Rows | Quarantined]:
    page: list[dict[str, Any]] = []
    for record in records:
        if isinstance(record, Quarantined):
            yield record
            continue
        page.append(record)
        if len(page) >= size:
            yield Rows(table, page)
            page = []
    if page:
        yield Rows(table, page)
