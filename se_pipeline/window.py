"""The time window a run covers: whole local days in the configured time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Window:
    """Local days [first_day, last_day], inclusive, in `tz`."""

    first_day: dt.date
    last_day: dt.date
    tz: ZoneInfo

    @classmethod
    def for_day(cls, day: dt.date, tz: ZoneInfo) -> Window:
        return cls(day, day, tz)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time(), self.tz)

    @property
    def end(self) -> dt.datetime:
        """Exclusive end: midnight after the last day."""
        return dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), self.tz)

    @property
    def days(self) -> list[dt.date]:
        n = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=i) for i in range(n)]

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    def __str__(self) -> str:
        if self.first_day == self.last_day:
            return self.first_day.isoformat()
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"


def so_far(day: dt.date, moment: dt.datetime, tz: ZoneInfo) -> dt.datetime | None:
    """`moment` in `tz` when `day` is not over at that moment (its digest is "so far"), else None."""
    return moment.astimezone(tz) if moment < Window.for_day(day, tz).end else None


def since(moment: dt.datetime, period: dt.timedelta, tz: ZoneInfo) -> Window:
    """The local days the `period` up to `moment` touches (24 hours: yesterday and today)."""
    return Window((moment - period).astimezone(tz).date(), moment.astimezone(tz).date(), tz)
