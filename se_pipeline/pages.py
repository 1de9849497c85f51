"""What a connector yields: pages of raw records, records it could not parse, and rows to keep.

Connectors produce these and the warehouse's loader consumes them; neither imports the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["PAGE_SIZE", "KeepRows", "Page", "Quarantined", "Rows", "paged"]


@dataclass
class Rows:
    """A page of records for one raw table; each dict's keys are that table's columns."""

    table: str
    rows: list[dict[str, Any]]


@dataclass
class Quarantined:
    """A record that could not be loaded, and why. `key` says where to find it."""

    source: str
    key: str
    reason: str
    payload: Any = None
    partition_date: dt.date | None = None


@dataclass
class KeepRows:
    """The window's rows of `table` whose `column` is `value` stay as an earlier load stored them: the
    part of a source that could not be read this time (one SE's refused mailbox) is not wiped."""

    table: str
    column: str
    value: Any


Page = Rows | Quarantined | KeepRows

PAGE_SIZE = 1000

_Passed = TypeVar("_Passed", bound=Quarantined | KeepRows)


def paged(table: str, records: Iterable[dict[str, Any] | _Passed], size: int = PAGE_SIZE) -> Iterator[Rows | _Passed]:
    """Group row dicts into `Rows` pages of at most `size`; `Quarantined` and `KeepRows` pass straight through."""
    page: list[dict[str, Any]] = []
    for record in records:
        if isinstance(record, (Quarantined, KeepRows)):
            yield record
            continue
        page.append(record)
        if len(page) >= size:
            yield Rows(table, page)
            page = []
    if page:
        yield Rows(table, page)
