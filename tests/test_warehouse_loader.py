"""Loading a window is idempotent, atomic, and never loses a bad record."""

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.sources import SOURCE_BY_NAME
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


def test_a_warehouse_from_before_the_calendar_column_takes_calendar_mail():
    con = duckdb.connect()
    ddl = SOURCE_BY_NAME["gmail"].ddl("raw_gmail_messages").split("-- Warehouses made before")[0]
    older = re.sub(r",\s*--[^\n]*\n\s*calendar\s+JSON[^\n]*\n", "\n", ddl)  # the table as an older release made it
    con.execute(older)
    assert "calendar" not in [c[0] for c in con.execute("DESCRIBE raw_gmail_messages").fetchall()]
    event = {"method": "REPLY", "summary": "Acme sync", "attendees": [{"email": "olivia@acme.com", "partstat": "ACCEPTED"}]}
    mail = {"message_key": "alice:<c@x>", "partition_date": dt.date(2026, 10, 5), "se_id": "alice",
            "message_id": "<c@x>", "sent_at": dt.datetime(2026, 10, 5, 9, tzinfo=TZ), "permalink": "https://m/c",
            "payload": {"headers": []}, "calendar": event}
    load_records(con, "gmail", ["raw_gmail_messages"], Window.for_day(dt.date(2026, 10, 5), TZ),
                 [Rows("raw_gmail_messages", [mail])])
    assert con.execute("SELECT calendar->>'$.summary', calendar->'$.attendees'->0->>'partstat' FROM raw_gmail_messages"
                       ).fetchall() == [("Acme sync", "ACCEPTED")]


def test_text_a_row_holds_anywhere_is_stored_as_utf8_and_plain_values_as_they_are():
    con = duckdb.connect()
    day = dt.date(2026, 10, 5)
    sent = dt.datetime(2026, 10, 5, 9, 30, tzinfo=dt.timezone.utc)
    broken = "trial starts \ud83d Monday"  # a lone surrogate, as a damaged export gives it
    row = {"message_key": "C1:1.0", "partition_date": day, "channel_id": "C1", "channel_name": "plain ascii",
           "channel_type": "public", "ts": "1.0", "is_reply": False, "reply_count": 3, "sent_at": sent,
           "text": broken, "files": ["ok.pdf", "r\udcfcck.pdf"], "permalink": "https://x.slack.com/p1",
           "payload": {"text": broken}}
    load_records(con, "slack", ["raw_slack_messages"], Window.for_day(day, TZ), [Rows("raw_slack_messages", [row])])
    stored = con.execute("SELECT channel_name, is_reply, reply_count, sent_at, text, files, payload::VARCHAR "
                         "FROM raw_slack_messages").fetchone()
    assert stored[:4] == ("plain ascii", False, 3, sent)
    assert stored[4] == "trial starts \ufffd Monday" and stored[5] == ["ok.pdf", "r\ufffdck.pdf"]
    assert json.loads(stored[6]) == {"text": "trial starts \ufffd Monday"}


def test_a_key_stored_on_another_day_is_replaced_by_the_window_that_brings_it_again():
    # A Slack message whose local day moved (the time zone changed) keeps one row, the newest read.
    con = duckdb.connect()

    def message(day: dt.date, text: str) -> dict:
        return {"message_key": "C1:1.0", "partition_date": day, "channel_id": "C1", "channel_type": "public",
                "ts": "1.0", "is_reply": False, "sent_at": dt.datetime(2026, 10, 5, 3, tzinfo=dt.timezone.utc),
                "text": text, "permalink": "https://x.slack.com/p1"}

    for day, text in ((dt.date(2026, 10, 4), "first read"), (dt.date(2026, 10, 5), "second read")):
        load_records(con, "slack", ["raw_slack_messages"], Window.for_day(day, TZ),
                     [Rows("raw_slack_messages", [message(day, text)])])
    assert con.execute("SELECT partition_date::VARCHAR, text FROM raw_slack_messages").fetchall() == [
        ("2026-10-05", "second read")]
