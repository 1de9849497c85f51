"""The Gmail export connector: Google Takeout mbox files, streamed; loading into a real DuckDB."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.sources.gmail import GmailMboxConnector, from_settings
from se_pipeline.sources.gmail.mbox import iter_mbox
from se_pipeline.errors import SourceError
from se_pipeline.pages import Quarantined, Rows
from se_pipeline.warehouse import load_records
from se_pipeline.window import Window
from tests.fakes.gmail_server import sample_mailbox, write_mbox

NY = ZoneInfo("America/New_York")
DAY = dt.date(2026, 10, 6)
WINDOW = Window.for_day(DAY, NY)
NO_DATE = b"Message-ID: <nodate@acme.com>\r\nFrom: bob@acme.com\r\nSubject: no date\r\n\r\nbody\r\n"
GARBAGE = b"\x00\xff\xfe binary junk that is not an email at all \x1b\x9c"


@pytest.fixture
def mbox(tmp_path):
    path = tmp_path / "alice.mbox"
    write_mbox(
        path,
        sample_mailbox(DAY, NY),
        extra=[NO_DATE, GARBAGE],
        label_names={"Label_7": "Customers/Acme"},
    )
    return path


def test_rows_for_the_window_and_bad_messages_quarantined(mbox):
    records = list(GmailMboxConnector({"alice": mbox}).extract(WINDOW))
    rows = [row for r in records if isinstance(r, Rows) for row in r.rows]
    quarantined = [r for r in records if isinstance(r, Quarantined)]

    # m5/m6 fall on other days, m7 is spam; the two broken messages (index 8 and 9) are quarantined.
    assert [r["message_id"] for r in rows] == [
        "<q1@acme.com>",
        "<a1@example.com>",
        "<gong-1@gong.io>",
        "<att@acme.com>",
        "<late@acme.com>",
    ]
    assert [(q.source, q.key, q.reason.split(":")[0]) for q in quarantined] == [
        ("gmail", f"{mbox}#8", "no_date"),
        ("gmail", f"{mbox}#9", "no_date"),
    ]
    assert "no date" in quarantined[0].payload  # the message head is kept for a person to look at
    question = rows[0]
    assert question["labels"] == [
        "Customers/Acme",
        "INBOX",
        "UNREAD",
    ]  # Takeout names -> Gmail label ids
    assert question["thread_id"] == "18b2f3c4d5e6f7a8"  # X-GM-THRID in hex, as the API writes it
    assert question["gmail_id"] is None
    assert not any(name == "X-Gmail-Labels" for name, _ in question["payload"]["headers"])


def test_mbox_splitter_streams_messages_and_ignores_from_inside_bodies(tmp_path):
    path = tmp_path / "x.mbox"
    path.write_bytes(
        b"From 1@xxx Tue Oct 06 10:00:00 +0000 2026\n"
        b"Subject: one\n\nFrom the start: this body line is not a separator\n>From escaped too\n\n"
        b"From 2@xxx Tue Oct 06 11:00:00 +0000 2026\n"
        b"Subject: two\n\nsecond\n"
    )
    messages = list(iter_mbox(path))
    assert [index for index, _ in messages] == [0, 1]
    assert b"From the start" in messages[0][1] and messages[1][1].startswith(b"Subject: two")


def test_loading_the_same_window_twice_into_duckdb_keeps_the_counts(mbox):
    con = duckdb.connect(":memory:")
    connector = GmailMboxConnector({"alice": mbox})
    tables = connector.tables

    def counts() -> tuple:
        return (
            con.execute("select count(*), count(distinct message_key) from raw_gmail_messages").fetchone(),
            con.execute("select count(*) from quarantine where source = 'gmail'").fetchone(),
        )

    first = load_records(con, "gmail", tables, WINDOW, connector.extract(WINDOW))
    after_first = counts()
    second = load_records(con, "gmail", tables, WINDOW, connector.extract(WINDOW))
    assert counts() == after_first == ((5, 5), (2,))
    assert first.rows == second.rows and first.quarantined == second.quarantined == 2
    stored = con.execute(
        "select labels, attachments, payload->>'$.body_source', sent_at from raw_gmail_messages where message_id = '<att@acme.com>'"
    ).fetchone()
    assert stored[0] == ["IMPORTANT", "INBOX"] and stored[1] == ["questionnaire.xlsx"] and stored[2] == "text/plain"
    assert stored[3] == dt.datetime(2026, 10, 6, 16, 0, tzinfo=dt.timezone.utc)


def test_missing_mbox_names_the_setting(tmp_path):
    connector = GmailMboxConnector({"alice": tmp_path / "nope.mbox"})
    with pytest.raises(SourceError, match="sources.gmail.paths.alice"):
        list(connector.extract(WINDOW))


def test_the_demo_settings_read_each_demo_mailbox(tmp_path):
    from se_pipeline.config import load_settings
    from se_pipeline.demo import ensure_demo_settings, ensure_demo_workspace

    settings = load_settings(ensure_demo_settings(tmp_path / "home"))
    connector = from_settings(settings)
    workspace = ensure_demo_workspace(settings.home)
    assert isinstance(connector, GmailMboxConnector)
    assert set(connector.mailboxes) == {se.id for se in workspace.sales_engineers}
    records = list(connector.extract(Window(workspace.period_start, workspace.period_end, settings.tz)))
    rows = [row for r in records if isinstance(r, Rows) for row in r.rows]
    assert not [r for r in records if isinstance(r, Quarantined)]
    assert {r["se_id"] for r in rows} == set(connector.mailboxes)
    assert any(r["quoted_text"] for r in rows) and any(r["is_automated"] for r in rows)


def test_mails_with_the_same_headers_each_keep_their_own_body_and_every_address(tmp_path):
    # Headers are parsed once per distinct value and reused: the second mail must read as the first did.
    head = (b"From: Ana Ruiz <ana@zumbro.example>\r\nTo: Deal team: a@zumbro.example, b@zumbro.example;, "
            b"undisclosed-recipients:;\r\nSubject: =?utf-8?q?Pr=C3=BCfung?=\r\nDate: Tue, 06 Oct 2026 10:00:00 -0400\r\n"
            b"Content-Type: text/plain; charset=\"iso-8859-1\"\r\n")
    chunks = [head + f"Message-ID: <same-{n}@zumbro.example>\r\n\r\nBody {n}: Gr\xfc\xdfe\r\n".encode("latin-1")
              for n in (1, 2)]
    write_mbox(tmp_path / "a.mbox", [], extra=chunks)
    text = (tmp_path / "a.mbox").read_bytes().replace(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026",
                                                      b"From ana@zumbro.example Tue Oct  6 14:00:00 2026")
    (tmp_path / "a.mbox").write_bytes(text)
    records = list(GmailMboxConnector({"alice": tmp_path / "a.mbox"}).extract(WINDOW))
    rows = [row for r in records if isinstance(r, Rows) for row in r.rows]
    assert [(r["body_text"], r["subject"], r["to_emails"]) for r in rows] == [
        (f"Body {n}: Grüße", "Prüfung", ["a@zumbro.example", "b@zumbro.example"]) for n in (1, 2)]


def test_mailboxes_read_in_worker_processes_give_the_same_records_in_the_same_order(mbox, tmp_path):
    other = tmp_path / "bob.mbox"
    write_mbox(other, sample_mailbox(DAY, NY), extra=[GARBAGE])
    empty = tmp_path / "carmen.mbox"
    empty.write_bytes(b"")
    boxes = {"alice": mbox, "carmen": empty, "bob": other}
    here = list(GmailMboxConnector(boxes, workers=1).extract(WINDOW))
    pooled = list(GmailMboxConnector(boxes, workers=2).extract(WINDOW))
    assert pooled == here
    assert [q.key for q in here if isinstance(q, Quarantined)] == [f"{mbox}#8", f"{mbox}#9", str(empty), f"{other}#8"]


def test_a_missing_mbox_read_by_a_worker_process_is_the_same_one_line_error(mbox, tmp_path):
    with pytest.raises(SourceError, match=r"the mbox for 'bob' was not found at .*nowhere\.mbox"):
        list(GmailMboxConnector({"alice": mbox, "bob": tmp_path / "nowhere.mbox"}, workers=2).extract(WINDOW))
