"""Loading a window is idempotent, atomic, and never loses a bad record."""

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.warehouse import Quarantined, Rows, load_records
from se_pipeline.window import Window

TZ = ZoneInfo("America/New_York")


def usage_row(customer: str, day: str, value: float) -> dict:
    return {"customer": customer, "partition_date": dt.date.fromisoformat(day), "metric": "events", "value": value}


def records(day: str, values: dict[str, float]):
    yield Rows("raw_usage", [usage_row(c, day, v) for c, v in values.items()])
    yield Quarantined("usage", f"usage.csv:{len(values) + 2}", "bad_value: 'n/a' is not a number", {"value": "n/a"},
                      dt.date.fromisoformat(day))


def test_reloading_a_window_replaces_it_without_duplicates():
    con = duckdb.connect()
    window = Window.for_day(dt.date(2026, 10, 5), TZ)
    for _ in range(2):
        report = load_records(con, "usage", ["raw_usage"], window, records("2026-10-05", {"Acme": 3, "Globex": 4}))
    assert report.rows["raw_usage"] == 2 and report.quarantined == 1
    assert con.execute("SELECT count(*) FROM raw_usage").fetchall() == [(2,)]
    assert con.execute("SELECT count(*), min(reason) FROM quarantine").fetchall() == [(1, "bad_value: 'n/a' is not a number")]
    # A re-run with different data for the day replaces the day, and leaves other days alone.
    load_records(con, "usage", ["raw_usage"], Window.for_day(dt.date(2026, 10, 6), TZ), records("2026-10-06", {"Acme": 9}))
    load_records(con, "usage", ["raw_usage"], window, records("2026-10-05", {"Acme": 5}))
    assert con.execute("SELECT customer, partition_date::VARCHAR, value FROM raw_usage ORDER BY ALL").fetchall() == [
        ("Acme", "2026-10-05", 5.0),
        ("Acme", "2026-10-06", 9.0),
    ]


def test_a_failure_while_extracting_leaves_the_warehouse_as_it_was():
    con = duckdb.connect()
    window = Window.for_day(dt.date(2026, 10, 5), TZ)
    load_records(con, "usage", ["raw_usage"], window, records("2026-10-05", {"Acme": 3}))

    def broken():
        yield Rows("raw_usage", [usage_row("Acme", "2026-10-05", 100)])
        raise RuntimeError("connection reset")

    with pytest.raises(RuntimeError):
        load_records(con, "usage", ["raw_usage"], window, broken())
    assert con.execute("SELECT value FROM raw_usage").fetchall() == [(3.0,)]


def test_a_broken_file_leaves_the_quarantine_once_it_is_fixed():
    con = duckdb.connect()
    window = Window.for_day(dt.date(2026, 10, 5), TZ)
    unreadable = Quarantined("usage", "usage.csv", "unreadable_file: not a CSV")  # no day: the whole file
    load_records(con, "usage", ["raw_usage"], window, [unreadable])
    load_records(con, "usage", ["raw_usage"], window, [unreadable])
    assert con.execute("SELECT record_key FROM quarantine").fetchall() == [("usage.csv",)]
    load_records(con, "usage", ["raw_usage"], window, records("2026-10-05", {"Acme": 3}))
    assert con.execute("SELECT record_key FROM quarantine").fetchall() == [("usage.csv:3",)]
