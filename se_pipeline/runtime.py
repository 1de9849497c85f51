"""The days a command means when none is given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from se_pipeline.config import Settings


def default_day(settings: Settings) -> dt.date:
    """The day a command means without --date: the data's last day (data_until) where it no longer grows,
    else yesterday."""
    if settings.data_until is not None:
        return settings.data_until
    return dt.datetime.now(settings.tz).date() - dt.timedelta(days=1)


COLD_START_DAYS = 14  # open items older than this are not worth a cold start's API calls


def cold_start_first_day(settings: Settings, day: dt.date) -> dt.date:
    """The first day a run for `day` must load so that older open items are known.

    With history already in the warehouse, just `day`. On an empty warehouse, the days before it too:
    from start_date where the data no longer grows (data_until: files, no API calls), else
    COLD_START_DAYS (never before start_date).
    """
    if _has_history_before(settings, day):
        return day
    if settings.data_until is not None:
        return min(day, settings.start_date)
    return min(day, max(settings.start_date, day - dt.timedelta(days=COLD_START_DAYS)))


def _has_history_before(settings: Settings, day: dt.date) -> bool:
    import duckdb

    from se_pipeline.warehouse import read_only_connection

    database = settings.database_path
    if not database.startswith("md:") and not Path(database).exists():
        return False
    with read_only_connection(database) as con:
        try:
            return con.execute("SELECT count(*) FROM activity WHERE activity_date < ?", [day]).fetchall()[0][0] > 0
        except duckdb.CatalogException:
            return False
