"""One bad record never stops a source, record by record as the issue found them (the fuzzers in
test_fuzz_parsers.py try many more): each loads, or is quarantined with its reason, and the rest goes
on. Examples are invented; the real connectors and loader read them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.config import NotionApi, Settings, Sources
from se_pipeline.sources.gmail import GmailApiConnector, GmailMboxConnector
from se_pipeline.sources.notion import NotionExportConnector, from_settings as notion_from_settings
from se_pipeline.sources.slack import SlackExportConnector
from se_pipeline.errors import SourceError
from se_pipeline.warehouse import Quarantined, ensure_tables, load_records
from se_pipeline.window import Window
from tests.fakes.gmail_server import FakeGmailServer, FakeMessage
from tests.test_broken_answers import revocable

TZ = ZoneInfo("Europe/Berlin")
DAY = dt.date(2026, 3, 11)
WINDOW = Window.for_day(DAY, TZ)
SLACK = Path(__file__).parent / "data" / "slack" / "export"
NOTION = Path(__file__).parent / "data" / "eval" / "notion"
EIGHT_BIT = (b"From: J\xfcrgen Vo\xdf <juergen@vossberg.example>\r\nTo: Hanna Roth <hanna@zephyr-analytics.de>\r\n"
             b"Subject: Pilot\r\nDate: Wed, 11 Mar 2026 12:00:00 +0100\r\nMessage-ID: <8bit@vossberg.example>\r\n\r\n"
             b"Can we extend the pilot?\r\n")


def stored(connector, window: Window = WINDOW, tmp_path: Path | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_tables(con)
    load_records(con, connector.source, connector.tables, window, connector.extract(window), tmp_path)
    return con


# ---- mail -------------------------------------------------------------------------------------


def test_a_from_line_of_raw_8bit_bytes_loads_from_an_mbox(tmp_path):
    mbox = tmp_path / "hanna.mbox"
    mbox.write_bytes(b"From juergen@vossberg.example Wed Mar 11 11:00:00 2026\n" + EIGHT_BIT.replace(b"\r\n", b"\n"))
    con = stored(GmailMboxConnector({"hanna": mbox}), tmp_path=tmp_path)
    assert con.execute("SELECT from_name, from_email FROM raw_gmail_messages").fetchall() == [
        ("Jürgen Voß", "juergen@vossberg.example")]  # windows-1252, as mail clients read it


def test_a_from_line_of_raw_8bit_bytes_loads_through_the_api(tmp_path):
    sent = dt.datetime(2026, 3, 11, 11, 0, tzinfo=dt.timezone.utc)
    with FakeGmailServer({"ya29.hanna": [FakeMessage("m1", "t1", EIGHT_BIT, sent)]}) as server:
        connector = GmailApiConnector({"hanna": revocable(server, "ya29.hanna", "1//hanna")}, root_url=server.url,
                                      sleep=lambda s: None)
        con = stored(connector, tmp_path=tmp_path)
    assert con.execute("SELECT from_name FROM raw_gmail_messages").fetchall() == [("Jürgen Voß",)]


# ---- Slack export -----------------------------------------------------------------------------


@pytest.fixture
def slack(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(SLACK, export)
    return export


def edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_bad_fields_in_a_slack_export_are_quarantined_and_the_rest_loads(slack):
    day_file = slack / "ext-acme-eval" / "2026-10-02.json"
    edit(day_file, lambda messages: messages[2].update(reply_count=10**21))
    edit(day_file, lambda messages: messages[3].update(text="Updated: trial starts \udcfc Monday"))
    edit(slack / "channels.json", lambda channels: channels[1].update(members=5))
    edit(slack / "users.json", lambda users: users[1].update(name={"first": "Bo"}))
    window = Window.for_day(dt.date(2026, 10, 2), ZoneInfo("America/New_York"))
    con = stored(SlackExportConnector(slack, "acme-se", ["U01ALICE"]), window)
    reasons = sorted(r for (r,) in con.execute("SELECT reason FROM quarantine").fetchall())
    assert reasons == [
        "bad_field: members: Input should be a valid list (got int)",
        "bad_field: name: Input should be a valid string (got dict)",
        "bad_field: reply_count: Input should be less than or equal to 2147483647 (got int)",
    ]
    texts = [t for (t,) in con.execute("SELECT text FROM raw_slack_messages").fetchall()]
    assert "Updated: trial starts \ufffd Monday" in texts and len(texts) > 5


def test_a_slack_channel_named_to_leave_the_export_reads_nothing_outside_it(slack, tmp_path):
    outside = tmp_path / "outside-chan"
    outside.mkdir()
    (outside / "2026-10-02.json").write_text(json.dumps([{"ts": "1790949900.000900", "user": "U01ALICE", "text": "leak"}]))
    edit(slack / "channels.json", lambda channels: channels.append({"id": "C0OUT", "name": "../outside-chan"}))
    window = Window.for_day(dt.date(2026, 10, 2), ZoneInfo("America/New_York"))
    con = stored(SlackExportConnector(slack, "acme-se", ["U01ALICE"]), window)
    assert con.execute("SELECT count(*) FROM raw_slack_messages WHERE text = 'leak'").fetchone() == (0,)
    assert con.execute("SELECT record_key, reason FROM quarantine").fetchall() == [
        ("channel:C0OUT", "bad_path: the folder '../outside-chan' is outside the export")]


def test_a_slack_day_file_with_one_message_nested_too_deeply_loads_the_others(slack):
    day_file = slack / "ext-acme-eval" / "2026-10-02.json"
    messages = json.loads(day_file.read_text())
    day_file.write_text("[" + ",".join([json.dumps(m) for m in messages] + ["[" * 50_000 + "]" * 50_000]) + "]")
    window = Window.for_day(dt.date(2026, 10, 2), ZoneInfo("America/New_York"))
    con = stored(SlackExportConnector(slack, "acme-se", ["U01ALICE"]), window)
    assert con.execute("SELECT reason FROM quarantine").fetchall() == [("bad_json: nested too deeply to read",)]
    assert con.execute("SELECT count(*) FROM raw_slack_messages WHERE channel_id = 'C01ACME'").fetchone()[0] > 0


# ---- Notion export ----------------------------------------------------------------------------


@pytest.fixture
def notion(tmp_path):
    export = tmp_path / "notion"
    shutil.copytree(NOTION, export)
    return export


def test_a_notion_cell_over_128_kib_loads(notion):
    path = next(notion.glob("*.csv"))
    text = path.read_text(encoding="utf-8-sig")
    header, first, rest = text.split("\n", 2)
    long_name = "Acme Corp - " + "x" * 200_000
    path.write_text("\n".join([header, first.replace("Acme Corp - Expansion", long_name, 1), rest]), encoding="utf-8")
    con = stored(NotionExportConnector(notion, ["Won", "Lost"]))
    assert con.execute("SELECT max(length(name)) FROM raw_notion_opportunities").fetchone()[0] == len(long_name)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)


@pytest.mark.parametrize("comments, reason", [
    (b'[{"id": "c1", "rich_text": [{"plain_text": "J\xfcrgen"}]}]', "bad_json: 'utf-8' codec can't decode"),
    (b"[" * 100_000 + b"]" * 100_000, "bad_json: nested too deeply to read"),
])
def test_a_notion_comments_file_that_cannot_be_read_is_quarantined(notion, comments, reason):
    (notion / "comments.json").write_bytes(comments)
    con = stored(NotionExportConnector(notion, ["Won", "Lost"]))
    [(key, found)] = con.execute("SELECT record_key, reason FROM quarantine").fetchall()
    assert key.endswith("comments.json") and found.startswith(reason)
    assert con.execute("SELECT count(*) FROM raw_notion_opportunities").fetchone()[0] > 0


def test_a_blank_notion_token_says_it_is_empty(monkeypatch):
    monkeypatch.setenv("NOTION_TOKEN", "  ")
    settings = Settings(sources=Sources(notion=NotionApi(mode="api", token_env="NOTION_TOKEN",
                                                         database_id="0123456789abcdef0123456789abcdef")))
    with pytest.raises(SourceError, match=r"NOTION_TOKEN is empty \(an empty token\)"):
        notion_from_settings(settings)


# ---- the loader -------------------------------------------------------------------------------


def test_one_row_per_quarantined_record_and_the_count_told_is_the_rows_stored(tmp_path):
    def records():
        # a wide usage line with two bad cells reported twice under one key: one record
        yield Quarantined("usage", "usage.csv:7", "bad_value: 'n/a' is not a number (seats)", None, DAY)
        yield Quarantined("usage", "usage.csv:7", "bad_value: '-' is not a number (events)", None, DAY)
        yield Quarantined("usage", "usage.csv:9", "no_customer: the row names no account", None, DAY)

    con = duckdb.connect()
    report = load_records(con, "usage", ("raw_usage",), WINDOW, records(), tmp_path)
    assert report.quarantined == con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 2
