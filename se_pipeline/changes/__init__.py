"""What changed in a source since a watcher last looked, and on which local days.

A watcher (sources/slack/changes.py, sources/gmail/changes.py, sources/notion/changes.py,
changes/files.py, events/changes.py) is asked with its previous cursor (a JSON-able dict; None the
first time) and answers with `Changes`: the new cursor, the (source, day) pairs with new activity,
each with the ids of the changes found there, the API calls it spent and notes worth logging. The
Dagster sensors in se_pipeline_assets/sensors.py turn those days into runs; nothing here knows Dagster.

A first look (no cursor) only sets the cursor: history is the daily schedule's and backfill's job,
so turning a sensor on never starts a reload.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from se_pipeline.lazy import lazy_exports

__all__ = ["Changes", "DayChanges", "change_key", "days_spanned", "file_changes"]


@dataclass(frozen=True)
class DayChanges:
    """What a day's run must re-read: its sources, and for a source whose changes are all in some of its
    parts (Slack channels), only those parts; `key` names exactly the day's changes."""

    sources: list[str]
    parts: dict[str, list[str]]  # source -> the parts to re-read; a source not here is re-read whole
    key: str


@dataclass
class Changes:
    cursor: dict
    found: dict[tuple[str, dt.date], set[str]] = field(default_factory=dict)  # (source, day) -> change ids
    calls: int = 0
    notes: list[str] = field(default_factory=list)
    # (source, day) -> the parts its changes are in; None once a change of that day is in no known part
    parts: dict[tuple[str, dt.date], set[str] | None] = field(default_factory=dict)

    def add(self, source: str, days: list[dt.date], change_id: str, part: str | None = None) -> None:
        for day in days:
            self.found.setdefault((source, day), set()).add(change_id)
            known = self.parts.get((source, day), set())
            self.parts[(source, day)] = None if known is None or part is None else known | {part}

    def by_day(self, first: dt.date, last: dt.date) -> dict[dt.date, DayChanges]:
        """The days in [first, last] with changes: a day before start_date cannot be loaded, and one after
        today is a clock's mistake."""
        days: dict[dt.date, tuple[set[str], dict[str, list[str]], set[str]]] = {}
        for (source, day), ids in self.found.items():
            if first <= day <= last:
                sources, parts, all_ids = days.setdefault(day, (set(), {}, set()))
                sources.add(source)
                if day_parts := self.parts.get((source, day)):
                    parts[source] = sorted(day_parts)
                all_ids.update(f"{source}:{i}" for i in ids)
        return {day: DayChanges(sorted(sources), parts, change_key(ids)) for day, (sources, parts, ids) in sorted(days.items())}


def change_key(ids: set[str]) -> str:
    """A short name for a set of changes: the same changes always give the same key (a run key's end)."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]


def days_spanned(start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> list[dt.date]:
    """The local days from the one holding `start` to the one holding `end`, both included."""
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


if TYPE_CHECKING:  # files.py imports this module back: on first use
    from se_pipeline.changes.files import file_changes

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {"files": ("file_changes",)})
