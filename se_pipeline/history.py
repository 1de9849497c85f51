"""Loading a long history: the daily job's steps over a range of days, at a cost that follows the data.

A run of the daily job over a range records a materialization per asset per day (thirty assets,
3,650 days for ten years: one SQLite commit each), and writes every SE's digest for every day. A
backfill does the same work as that job, in the same order and with the same functions, but once
for the range: each source is extracted, staged and committed for the window, the SQL models and
signals are built for it, and digests are written for the days with activity (and the backfill's
last day, the one the SE reads next). What a day holds does not depend on how the range was cut into runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import duckdb

from se_pipeline.analysis import refresh_signals
from se_pipeline.config import Settings
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.proposals import refresh_proposals
from se_pipeline.render import publish_digests
from se_pipeline.sources import DAILY_SOURCES, build_connector, recall_stored
from se_pipeline.warehouse import commit_staged, stage_records
from se_pipeline.window import Window

Connect = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]


@dataclass
class HistoryReport:
    window: str
    rows: dict[str, int] = field(default_factory=dict)  # raw table -> rows loaded
    quarantined: dict[str, int] = field(default_factory=dict)  # source -> records set aside
    activity: int = 0  # activity rows of the window
    digest_days: int = 0


def digest_days(con: duckdb.DuckDBPyConnection, window: Window, read_next: dt.date | None) -> list[dt.date]:
    """The window's days with activity, and `read_next` when the window holds it."""
    found = {d for (d,) in con.execute(
        "SELECT DISTINCT activity_date FROM activity WHERE activity_date BETWEEN ? AND ?", [window.first_day, window.last_day]
    ).fetchall()}
    if read_next is not None and window.first_day <= read_next <= window.last_day:
        found.add(read_next)
    return sorted(found)


def load_history(settings: Settings, window: Window, connect: Connect, say: Callable[[str], None],
                 read_next: dt.date | None = None, full_refresh: frozenset[str] = frozenset()) -> HistoryReport:
    """The daily job's work for `window` (no delivery: old digests are not news). `connect` opens the
    warehouse for writing; each source holds it only for its commit. `read_next`: the backfill's last
    day, whose digest the SE reads next, written even without activity. `full_refresh`: SQL models
    rebuilt from every raw day (see models.run_model)."""
    report = HistoryReport(str(window))
    read_at = dt.datetime.now(dt.timezone.utc)  # a day not over by then is digested "as of" then
    for source in DAILY_SOURCES:
        if source not in settings.enabled_sources():
            continue
        connector = build_connector(settings, source)
        recall_stored(connector, connect, window)
        staged = stage_records(source, connector.tables, window, connector.extract(window), settings.home / "staging")
        with connect() as con:
            loaded = commit_staged(con, staged)
        report.rows.update({t: loaded.rows.get(t, 0) for t in connector.tables})
        if loaded.quarantined:
            report.quarantined[source] = loaded.quarantined
        say(f"{source}: {sum(loaded.rows.values())} rows for {window} ({connector.calls} API calls)")
    with connect() as con:
        prepare(con, settings)
        for model in discover_models().values():
            run_model(con, model, window, model.name in full_refresh)
        report.activity = con.execute(
            "SELECT count(*) FROM activity WHERE activity_date BETWEEN ? AND ?", [window.first_day, window.last_day]
        ).fetchall()[0][0]
        refresh_signals(con, window, settings)
        days = digest_days(con, window, read_next)
        publish_digests(con, window, settings, read_at, days=days)
        report.digest_days = len(days)
        refresh_proposals(con, window, settings)
    say(f"{window}: {report.activity} activity rows, digests of {report.digest_days} days")
    return report
