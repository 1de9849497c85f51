"""MIME parsing of emails into raw_gmail_messages rows: text, charsets, quotes, signatures, attachments."""

from __future__ import annotations

import base64
import datetime as dt
import quopri
import urllib.parse
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from se_pipeline.sources.gmail.mime import parse_message
from se_pipeline.sources.gmail.rows import (
    MailboxMeta,
    UnparseableMessage,
    build_row,
    permalink,
)
from tests.fakes.gmail_server import build_email

TALON = Path(__file__).parent / "data" / "gmail" / "talon"
NY = ZoneInfo("America/New_York")
SENT = dt.datetime(2026, 10, 6, 14, 30, tzinfo=dt.timezone.utc)


def row_of(raw: bytes, **meta) -> dict:
    return build_row(parse_message(raw), MailboxMeta(se_id="alice", **meta), NY)


def test_plain_reply_fields_and_permalink():
    raw = build_email(
        message_id="<reply-1@acme.com>",
        sent_at=SENT,
        cc="Carol <Carol@Acme.com>",
        in_reply_to="<root@example.com>",
        references=("<root@example.com>", "<second@acme.com>"),
    )
    row = row_of(raw)
    assert row["message_key"] == "alice:<reply-1@acme.com>"
    assert row["partition_date"] == dt.date(2026, 10, 6)
    assert row["from_name"] == "Bob Buyer" and row["from_email"] == "bob@acme.com"
    assert row["to_emails"] == ["alice@example.com"] and row["cc_emails"] == ["carol@acme.com"]
    assert row["reference_ids"] == ["<root@example.com>", "<second@acme.com>"]
    assert row["thread_id"] == "<root@example.com>"  # no Gmail thread id: the root of References
    assert row["body_text"] == "Hello Alice,\n\nCan you send the SSO setup guide?"
    assert row["signature"] == "Thanks,\nBob"
    assert row["sent_at"] == SENT and row["is_automated"] is False
    assert row["permalink"] == "https://mail.google.com/mail/u/0/#search/rfc822msgid%3Areply-1%40acme.com"


def test_permalink_url_encodes_the_message_id():
    link = permalink("<CAKsfaBW4hj0=pXtC+Nnb/e7PLg@mail.gmail.com>")
    encoded = link.split("rfc822msgid%3A", 1)[1]
    assert "+" not in encoded and "/" not in encoded and "=" not in encoded
    assert urllib.parse.unquote(encoded) == "CAKsfaBW4hj0=pXtC+Nnb/e7PLg@mail.gmail.com"


def test_local_day_follows_the_configured_time_zone():
    late_evening_ny = dt.datetime(2026, 10, 7, 2, 30, tzinfo=dt.timezone.utc)  # 22:30 on the 6th in New York
    assert row_of(build_email(message_id="<tz@x>", sent_at=late_evening_ny))["partition_date"] == dt.date(2026, 10, 6)


def test_html_only_email_becomes_readable_text_with_quote_separated():
    html = (
        "<html><head><style>p {color: red}</style><title>x</title></head><body>"
        "<div>Hi Alice,</div><div><br></div><div>We&#39;re blocked on <b>SAML</b> &amp; SCIM &mdash; can you help?</div>"
        "<ul><li>Okta</li><li>Azure AD</li></ul>"
        '<div class="gmail_quote">On Mon, Oct 5, 2026 at 9:00 AM Alice Chen &lt;alice@example.com&gt; wrote:<br>'
        "<blockquote>Let me know how the trial goes.</blockquote></div></body></html>"
    )
    row = row_of(build_email(message_id="<html@acme.com>", sent_at=SENT, text=None, html=html))
    assert row["body_text"] == "Hi Alice,\n\nWe're blocked on SAML & SCIM — can you help?\n- Okta\n- Azure AD"
    assert "<" not in row["body_text"] and "color" not in row["body_text"]
    assert "Let me know how the trial goes." in row["quoted_text"]
    assert row["payload"]["body_source"] == "text/html"


def test_plain_text_is_preferred_over_html():
    raw = build_email(
        message_id="<alt@x>",
        sent_at=SENT,
        text="Plain words\n",
        html="<p>HTML words</p>",
    )
    assert row_of(raw)["body_text"] == "Plain words"


@pytest.mark.parametrize(
    ("charset", "cte", "text"),
    [
        ("iso-8859-1", "quoted-printable", "Grüße aus Köln, à bientôt"),
        ("windows-1252", "8bit", "It’s “ready” – the price is 40€"),
        ("koi8-r", "base64", "Добрый день! Когда можно созвониться?"),
    ],
)
def test_non_utf8_bodies_are_decoded_with_their_declared_charset(charset, cte, text):
    encoded = text.encode(charset)
    body = {
        "quoted-printable": quopri.encodestring,
        "base64": base64.encodebytes,
        "8bit": bytes,
    }[cte](encoded)
    subject = text.split()[0]
    raw = (
        b"Message-ID: <cs@acme.com>\r\nDate: Tue, 06 Oct 2026 10:00:00 -0400\r\nFrom: Bob <bob@acme.com>\r\n"
        + f"Subject: =?{charset}?B?{base64.b64encode(subject.encode(charset)).decode()}?=\r\n".encode()
        + f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n".encode()
        + body
    )
    row = row_of(raw)
    assert row["body_text"] == text
    assert row["subject"] == subject  # RFC 2047 encoded-word in the header
    assert row["payload"]["charset_notes"] == []


def test_unknown_charset_falls_back_explicitly_and_is_noted():
    raw = (
        b"Message-ID: <unk@acme.com>\r\nDate: Tue, 06 Oct 2026 10:00:00 -0400\r\nFrom: bob@acme.com\r\n"
        b"Content-Type: text/plain; charset=x-made-up\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "Café meeting at 3".encode()
    )
    row = row_of(raw)
    assert row["body_text"] == "Café meeting at 3"
    assert row["payload"]["charset_notes"] == [
        "unknown charset 'x-made-up'",
        "decoded as utf-8",
    ]


def test_attachments_are_listed_by_name_and_not_loaded():
    secret_bytes = b"%PDF-1.7 PRICING-TABLE-CONTENT " * 200
    raw = build_email(
        message_id="<att@acme.com>",
        sent_at=SENT,
        attachments=(
            ("Acme quote.pdf", "application/pdf", secret_bytes),
            ("diagram.png", "image/png", b"\x89PNG...."),
        ),
    )
    row = row_of(raw)
    assert row["attachments"] == ["Acme quote.pdf", "diagram.png"]
    everything = repr(row)
    assert "PRICING-TABLE-CONTENT" not in everything and "JVBERi0" not in everything  # neither bytes nor base64
    assert [p["filename"] for p in row["payload"]["parts"]] == [
        None,
        "Acme quote.pdf",
        "diagram.png",
    ]


@pytest.mark.parametrize(
    ("headers", "sender", "automated"),
    [
        ({"List-Unsubscribe": "<mailto:unsub@news.io>"}, "News <news@news.io>", True),
        ({"Auto-Submitted": "auto-generated"}, "Ops <ops@acme.com>", True),
        ({"Precedence": "bulk"}, "Ops <ops@acme.com>", True),
        ({}, "Gong <recaps@gong.io>", True),
        ({}, "Salesforce <alerts@mail.salesforce.com>", True),
        ({}, "No Reply <no-reply@acme.com>", True),
        ({"Subject": "Automatic reply: Acme trial"}, "Bob Buyer <bob@acme.com>", True),  # no Auto-Submitted header
        ({"X-Zendesk-From-Account-Id": "7c1e"}, "Acme Help <help@acme.com>", True),
        ({}, "Jira <jira@acme.atlassian.net>", True),
        ({"Auto-Submitted": "no"}, "Bob Buyer <bob@acme.com>", False),
        ({}, "Bob Buyer <bob@acme.com>", False),
    ],
)
def test_is_automated(headers, sender, automated):
    subject = headers.pop("Subject", "Re: Acme trial")
    raw = build_email(message_id="<auto@x>", sent_at=SENT, sender=sender, headers=headers, subject=subject)
    assert row_of(raw)["is_automated"] is automated


def test_calendar_invite_is_automated():
    invite = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    raw = build_email(
        message_id="<cal@x>",
        sent_at=SENT,
        attachments=(("invite.ics", "text/calendar", invite),),
    )
    row = row_of(raw)
    assert row["is_automated"] is True and row["payload"]["automated_by"] == "calendar invite"


OUTLOOK_INVITE = """BEGIN:VCALENDAR\r
METHOD:REQUEST\r
PRODID:Microsoft Exchange Server 2010\r
VERSION:2.0\r
BEGIN:VTIMEZONE\r
TZID:Romance Standard Time\r
BEGIN:STANDARD\r
DTSTART:16010101T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010101T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
DTSTART;TZID=Romance Standard Time:20261008T093000\r
DTEND;TZID=Romance Standard Time:20261008T100000\r
ORGANIZER;CN=Bob Buyer:mailto:bob@acme.com\r
ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=Alice Chen:mailto:Alice@Example.com\r
ATTENDEE;PARTSTAT=ACCEPTED;CN=Carol Diaz:mailto:carol@acme.com\r
UID:abc-123\r
SUMMARY:Acme × Example – rollout review\r
SEQUENCE:0\r
END:VEVENT\r
END:VCALENDAR\r
""".encode()


def test_a_calendar_invite_keeps_its_event_with_the_time_in_utc():
    raw = build_email(message_id="<inv@x>", sent_at=SENT, subject="Invitation: Acme × Example – rollout review",
                      attachments=(("invite.ics", "text/calendar", OUTLOOK_INVITE),))
    event = row_of(raw)["calendar"]
    assert (event["method"], event["summary"], event["all_day"]) == ("REQUEST", "Acme × Example – rollout review", False)
    assert event["start"] == "2026-10-08T07:30:00+00:00"  # 09:30 in the VTIMEZONE's summer time (+02:00)
    assert event["organizer"] == {"name": "Bob Buyer", "email": "bob@acme.com", "partstat": None, "role": None}
    assert [(a["email"], a["partstat"]) for a in event["attendees"]] == [("alice@example.com", "NEEDS-ACTION"),
                                                                         ("carol@acme.com", "ACCEPTED")]


def test_a_calendar_reply_keeps_the_answer_and_a_broken_ics_leaves_the_mail_readable():
    reply = OUTLOOK_INVITE.replace(b"METHOD:REQUEST", b"METHOD:REPLY").replace(
        b"DTSTART;TZID=Romance Standard Time:20261008T093000", b"DTSTART;VALUE=DATE:20261009")
    event = row_of(build_email(message_id="<rep@x>", sent_at=SENT, attachments=(("invite.ics", "text/calendar", reply),)))["calendar"]
    assert (event["method"], event["start"], event["all_day"]) == ("REPLY", "2026-10-09", True)
    broken = row_of(build_email(message_id="<bad@x>", sent_at=SENT,
                                attachments=(("invite.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nnot ics"),)))
    assert broken["calendar"] is None and "SSO setup guide" in broken["body_text"]
    assert row_of(build_email(message_id="<none@x>", sent_at=SENT))["calendar"] is None


def test_an_html_only_notification_reads_its_two_cell_rows_as_fields():
    html = ("<p>Hello Alice,</p><table><tr><td>Status</td><td>Open</td></tr><tr><td>Priority</td><td>High</td></tr>"
            "<tr><td>one</td><td>two</td><td>three</td></tr></table>")
    row = row_of(build_email(message_id="<tbl@x>", sent_at=SENT, text=None, html=html))
    assert "Status: Open\nPriority: High\none two three" in row["body_text"]


def test_thread_id_prefers_gmail_then_takeout_then_references():
    raw = build_email(message_id="<t@x>", sent_at=SENT, references=("<root@x>",))
    assert row_of(raw, thread_id="18b2f3c4d5e6f7a8")["thread_id"] == "18b2f3c4d5e6f7a8"
    with_takeout = b"X-GM-THRID: 1778448476530497448\r\n" + raw
    assert row_of(with_takeout)["thread_id"] == format(1778448476530497448, "x")
    assert row_of(build_email(message_id="<alone@x>", sent_at=SENT))["thread_id"] == "<alone@x>"


def test_message_without_date_or_message_id_is_unparseable():
    with pytest.raises(UnparseableMessage, match="^no_date: "):
        row_of(b"Message-ID: <x@y>\r\nFrom: a@b.c\r\n\r\nhello\r\n")
    with pytest.raises(UnparseableMessage, match="^no_message_id: "):
        row_of(b"Date: Tue, 06 Oct 2026 10:00:00 -0400\r\nFrom: a@b.c\r\n\r\nhello\r\n")


# ---- real replies (mailgun/talon fixtures) ------------------------------------------------


def talon_eml(name: str) -> bytes:
    """A talon fixture, with the Date / Message-ID headers some of them lack (a row needs both)."""
    raw = (TALON / "standard_replies" / f"{name}.eml").read_bytes()
    head = raw.split(b"\n\n", 1)[0].lower()
    if b"\ndate:" not in b"\n" + head:
        raw = b"Date: Mon, 2 Apr 2012 20:21:52 +0400\n" + raw
    if b"\nmessage-id:" not in b"\n" + head:
        raw = f"Message-ID: <{name}@talon.example>\n".encode() + raw
    return raw


@pytest.mark.parametrize("name", ["gmail", "outlook", "thunderbird", "android", "iphone", "sparrow"])
def test_talon_replies_quoted_history_is_separated(name):
    row = row_of(talon_eml(name))
    assert row["body_text"] == "Hello"
    assert row["quoted_text"]  # the history went somewhere, not dropped
    expected_file = TALON / "standard_replies" / f"{name}_reply_text"
    if expected_file.exists():  # talon's expected new text keeps the signature
        assert f"{row['body_text']}\n\n{row['signature']}".split() == expected_file.read_text(encoding="utf-8").split()


def test_talon_outlook_header_block_goes_to_quoted_text():
    row = row_of(talon_eml("outlook"))
    assert row["quoted_text"].startswith("From: xxx@xxx.mailgun.org")
    assert "The manager has commented on your Loop" in row["quoted_text"]


@pytest.mark.parametrize("name", ["gmail", "ms_outlook_2007"])
def test_talon_html_replies(name):
    html = (TALON / "html_replies" / f"{name}.html").read_text(encoding="utf-8")
    raw = build_email(
        message_id=f"<{name}@x>",
        sent_at=SENT,
        sender="Alex L <alex.l@example.com>",
        text=None,
        html=html,
    )
    row = row_of(raw)
    assert row["body_text"] == "Hi. I am fine."
    assert row["signature"].split() == ["Thanks,", "Alex"]
    assert "Hello! How are you?" in row["quoted_text"]


def test_sentences_that_start_like_sign_offs_stay_in_the_body():
    raw = build_email(
        message_id="<so@x>",
        sent_at=SENT,
        text="Thanks for the update.\nWhen can we meet?\n",
    )
    row = row_of(raw)
    assert row["body_text"] == "Thanks for the update.\nWhen can we meet?" and row["signature"] is None
