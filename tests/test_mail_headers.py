"""Mail headers read without parsing them: the text and attributes the connector takes from a header
without the stdlib's header parser are those the parser gives, and every row is the one the stdlib's
own parse of the message gives, for every mail the tests hold (hostile and quarantined ones included)."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from se_pipeline.sources.gmail.addresses import _VERBATIM, TolerantHeaders, quick_header
from se_pipeline.sources.gmail.mbox import _QUICK_HEADERS, _UNSURE, _plain_date_header, iter_mbox
from se_pipeline.sources.gmail.mime import parse_message
from se_pipeline.sources.gmail.rows import MailboxMeta, UnparseableMessage, build_row
from tests.fakes.gmail_server import sample_mailbox
from tests.test_fuzz_parsers import GOOD_MAIL, header_bytes, header_names, mail_with, mime_tree
from tests.test_hostile_records import EIGHT_BIT

DATA = Path(__file__).parent / "data"
NY = ZoneInfo("America/New_York")
REGISTRY = TolerantHeaders()
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
# Header names of each class the quick path reads (any other unstructured name behaves like these).
NAMES = {"UnstructuredHeader": ["Subject", "X-GM-THRID", "References", "Thread-Topic"],
         "ContentTypeHeader": ["Content-Type"], "ContentDispositionHeader": ["Content-Disposition"],
         "MessageIDHeader": ["Message-ID"]}


class EagerHeaders(TolerantHeaders):
    """The reference: every header parsed by the stdlib when read, as before headers were read lazily."""

    def __call__(self, name: str, value: str):
        return self.parsed(name, value)


REFERENCE = BytesParser(policy=policy.default.clone(header_factory=EagerHeaders()))


@pytest.mark.parametrize("kind, name", [(kind, name) for kind in _VERBATIM for name in NAMES[kind.__name__]])
def test_a_header_taken_as_its_text_is_the_text_its_parse_gives(kind, name):
    @EXAMPLES
    @given(value=st.from_regex(_VERBATIM[kind], fullmatch=True))
    def check(value):
        quick = quick_header(REGISTRY[name], value)
        if quick is not None:
            assert quick[0] == str(REGISTRY.parsed(name, value))

    check()


DATES = st.builds(
    lambda moment, form: moment.strftime(form),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.timezones()),
    st.sampled_from(["%a, %d %b %Y %H:%M:%S %z", "%d %b %Y %H:%M %z", "%a, %d %b %y %H:%M:%S %Z", "%d %b %Y %H:%M:%S"]),
) | st.sampled_from(["Tue, 06 Oct 2026 10:00:00 -0000", "Tue, 6 Oct 2026 10:00:00 GMT", "6 Oct 2026 10:00 EDT",
                     "Wed, 31 Feb 2026 25:61:00 +9999", "yesterday", "Tue, 06 Oct 2026", ""]) | st.text(max_size=30)


@EXAMPLES
@given(value=DATES)
def test_a_date_read_without_the_header_parser_has_the_parsers_text_and_moment(value):
    quick = quick_header(REGISTRY["Date"], value)
    if quick is not None:
        parsed = REGISTRY.parsed("Date", value)
        assert quick == (str(parsed), {"datetime": parsed.datetime})


def _fixture_mail() -> list[bytes]:
    mail = [raw for box in sorted(DATA.rglob("*.mbox")) for _, raw in iter_mbox(box)]
    mail += [path.read_bytes() for path in sorted(DATA.rglob("*.eml"))]
    mail += [m.raw for m in sample_mailbox(dt.date(2026, 3, 11), NY)]
    return mail + [EIGHT_BIT, GOOD_MAIL]


def _row_or_reason(raw: bytes, parse) -> dict | str:
    try:
        return build_row(parse(raw), MailboxMeta(se_id="alice"), NY)
    except UnparseableMessage as exc:
        return str(exc)


def _reference(raw: bytes):
    return REFERENCE.parsebytes(raw)


def test_every_fixture_mail_gives_the_row_the_stdlib_parse_gives():
    mail = _fixture_mail()
    assert len(mail) > 100
    for raw in mail:
        assert _row_or_reason(raw, parse_message) == _row_or_reason(raw, _reference)


@EXAMPLES
@given(headers=st.lists(st.tuples(header_names, header_bytes), max_size=6), body=st.binary(max_size=80))
def test_hostile_headers_give_the_row_the_stdlib_parse_gives(headers, body):
    raw = mail_with(headers, body)
    assert _row_or_reason(raw, parse_message) == _row_or_reason(raw, _reference)


@EXAMPLES
@given(depth=st.integers(0, 5), width=st.integers(1, 3),
       kinds=st.lists(st.sampled_from([b"text/plain", b"text/html", b"multipart/mixed", b"multipart/alternative",
                                       b"text/calendar", b"message/rfc822", b"application/pdf"]), min_size=1, max_size=3),
       charset=st.sampled_from([b"utf-8", b"iso-8859-1", b"bogus-8", b"", b"\xfe"]),
       encoding=st.sampled_from([b"base64", b"quoted-printable", b"7bit", b"x-uuencode"]),
       payload=st.binary(max_size=60))
def test_hostile_mime_trees_give_the_row_the_stdlib_parse_gives(depth, width, kinds, charset, encoding, payload):
    raw = b"Message-ID: <tree@vossberg.example>\nDate: Wed, 11 Mar 2026 13:00:00 +0100\n" + mime_tree(
        depth, width, kinds, charset, encoding, payload)
    assert _row_or_reason(raw, parse_message) == _row_or_reason(raw, _reference)


# Header-block lines as mail has them, and the ones the feed parser treats specially.
HEADER_LINES = st.sampled_from([
    "Date: Wed, 11 Mar 2026 13:00:00 +0100", "DATE:Wed, 11 Mar 2026 14:00:00 +0000", "date:  6 Oct 2026 10:00 EDT",
    "Date:\t Wed, 11 Mar 2026 17:00:00 +0100", "Subject: pilot", "X-Date: Wed, 11 Mar 2026 15:00:00 +0100", "Date : Wed, 11 Mar 2026 16:00:00 +0100",
    " continued", "\tWed, 12 Mar 2026 01:00:00 +0100", "From jonas@vossberg.example Wed Mar 11 12:00:00 2026",
    ": no name", "no colon here", "Date:", "", "\r", "Date: Wed, 11 Mar 2026\r13:00:00 +0100",
]) | st.text(st.characters(min_codepoint=9, max_codepoint=127), max_size=20)


@EXAMPLES
@given(lines=st.lists(HEADER_LINES, max_size=8), newline=st.sampled_from(["\n", "\r\n"]), body=st.booleans())
def test_a_date_read_from_the_header_block_is_the_one_the_stdlib_header_parse_reads(lines, newline, body):
    """The window check reads Date without the parser when the header block is plain: the same value
    (and None when there is no Date) as the parser's; any block it does not read, the parser does."""
    head = (newline.join(lines) + newline + (newline if body else "")).encode("ascii")
    value = _plain_date_header(head)
    if value is not _UNSURE:
        assert value == _QUICK_HEADERS.parsebytes(head).get("Date")


def test_the_fixture_mail_dates_are_read_from_the_header_block_as_the_parser_reads_them():
    read = 0
    for raw in _fixture_mail():
        head = raw[: raw.find(b"\n\n") + 2] if b"\n\n" in raw else raw
        value = _plain_date_header(head)
        if value is not _UNSURE:
            read += 1
            assert value == _QUICK_HEADERS.parsebytes(head).get("Date")
    assert read > 100  # the fixtures' plain mail takes the quick path
