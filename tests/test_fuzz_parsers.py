"""Fuzzing every parser of hostile input: one bad record never stops a source.

Each fuzzer (hypothesis) writes one well-formed record beside one it generates, of any shape a
damaged export or a hostile sender can give (wrong types, numbers out of range, lone surrogates,
raw 8-bit bytes, nesting thousands deep, cut-off quoting), reads them with the real connector and
stages them with the real loader (DuckDB). What must hold for every example: nothing raises but a
SourceError (one line that names the file), and, when there is none, the well-formed record is
loaded. The number of examples is bounded so that CI stays fast; FUZZ_EXAMPLES=2000 runs more;
`python bench/fuzz_parsers.py` counts cases and crashes per parser.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from se_pipeline.config import Settings
from se_pipeline.sources.gmail import GmailMboxConnector
from se_pipeline.sources.notion import NotionExportConnector
from se_pipeline.sources.slack import SlackExportConnector
from se_pipeline.sources.usage import UsageFileConnector
from se_pipeline.errors import SourceError
from se_pipeline.warehouse import stage_records
from se_pipeline.window import Window

TZ = ZoneInfo("Europe/Berlin")
DAY = dt.date(2026, 3, 11)
WINDOW = Window.for_day(DAY, TZ)
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    derandomize=not os.environ.get("FUZZ_EXAMPLES"),  # CI: the same examples every run
)

# ---- hostile values ---------------------------------------------------------------------------

# Any code point, lone surrogates included (what a broken \ud83d escape or undecodable bytes give).
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)


class Deep(int):
    """Stands for a list nested this deep (built when the value is written: hypothesis could not print it)."""


def written(value) -> str:
    """The JSON text of a generated value, each Deep(n) written as n nested lists."""

    def expand(item):
        if isinstance(item, Deep):
            return "[" * item + "]" * item
        if isinstance(item, list):
            return "[" + ",".join(expand(v) for v in item) + "]"
        if isinstance(item, dict):
            return "{" + ",".join(json.dumps(k) + ":" + expand(v) for k, v in item.items()) + "}"
        return json.dumps(item)

    return expand(value)


scalars = (st.none() | st.booleans() | st.integers(min_value=-(10**22), max_value=10**22)
           | st.floats(allow_nan=True, allow_infinity=False) | any_text
           | st.integers(min_value=900, max_value=3000).map(Deep))  # deeper than json.loads can read back
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3), max_leaves=8
)


def load(connector, window: Window = WINDOW) -> tuple[dict[str, int], list[tuple[str, str]]] | None:
    """What the real loader staged (the insert every load goes through): rows per table and (key, reason)
    of the quarantine; None after a SourceError (allowed: it is one line naming what to fix)."""
    with tempfile.TemporaryDirectory() as scratch:
        try:
            staged = stage_records(connector.source, connector.tables, window, connector.extract(window), Path(scratch))
        except SourceError as exc:
            assert "\n" not in str(exc) and "Traceback" not in str(exc)
            return None
        with duckdb.connect(str(staged.path), read_only=True) as con:
            quarantined = con.execute("SELECT record_key, reason FROM quarantine").fetchall()
    assert staged.report.quarantined == len(quarantined)  # the count told is the rows stored
    assert all(re.match(r"[a-z][a-z0-9_]*: ", reason) for _, reason in quarantined), quarantined  # a class, then why
    return dict(staged.report.rows), quarantined


# ---- Slack export -----------------------------------------------------------------------------

TS = "1773226800.000100"  # 2026-03-11 12:00 in Berlin
GOOD_MESSAGE = {"type": "message", "ts": TS, "user": "UHANNA", "text": "Is the export API rate limited?"}
GOOD_USER = {"id": "UHANNA", "team_id": "TZEPHYR", "name": "hanna", "profile": {"real_name": "Hanna Roth"}}
GOOD_CHANNEL = {"id": "CVOSS01", "name": "ext-vossberg-pilot", "members": ["UHANNA"]}
MESSAGE_FIELDS = ("ts", "thread_ts", "user", "text", "subtype", "bot_id", "username", "reply_count", "latest_reply",
                  "attachments", "blocks", "files", "edited", "user_profile", "bot_profile", "message")
USER_FIELDS = ("id", "team_id", "name", "real_name", "profile", "is_bot", "is_restricted", "deleted")
CHANNEL_FIELDS = ("id", "name", "members", "user", "created", "is_ext_shared", "is_member", "topic", "purpose")


def hostile(fields: tuple[str, ...]) -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional={name: json_values for name in fields}) | json_values


def slack_export(root: Path, users: list, channels: list, messages: list) -> Path:
    (root / "ext-vossberg-pilot").mkdir(parents=True)
    (root / "users.json").write_text(written(users))
    (root / "channels.json").write_text(written(channels))
    (root / "ext-vossberg-pilot" / f"{DAY}.json").write_text(written(messages))
    return root


def slack_loads(users: list, channels: list, messages: list) -> tuple[dict[str, int], list] | None:
    with tempfile.TemporaryDirectory() as folder:
        export = slack_export(Path(folder) / "export", users, channels, messages)
        return load(SlackExportConnector(export, "zephyr", own_user_ids=["UHANNA"]))


@FUZZ
@given(message=hostile(MESSAGE_FIELDS) | st.fixed_dictionaries({"ts": st.just("1773226801.000200")},
                                                              optional={f: json_values for f in MESSAGE_FIELDS[1:]}))
def test_fuzz_slack_export_message(message):
    loaded = slack_loads([GOOD_USER], [GOOD_CHANNEL], [GOOD_MESSAGE, message])
    assert loaded is not None and loaded[0]["raw_slack_messages"] >= 1


@FUZZ
@given(user=hostile(USER_FIELDS))
def test_fuzz_slack_export_users(user):
    loaded = slack_loads([GOOD_USER, user], [GOOD_CHANNEL], [GOOD_MESSAGE])
    assert loaded is not None and loaded[0]["raw_slack_messages"] == 1


@FUZZ
@given(channel=hostile(CHANNEL_FIELDS))
def test_fuzz_slack_export_channels(channel):
    loaded = slack_loads([GOOD_USER], [GOOD_CHANNEL, channel], [GOOD_MESSAGE])
    assert loaded is not None and loaded[0]["raw_slack_messages"] == 1


# ---- mbox: headers and MIME structure ---------------------------------------------------------

POSTMARK = b"From hanna@zephyr-analytics.de Wed Mar 11 12:00:00 2026\n"
GOOD_MAIL = (b"From: Jonas Berg <jonas@vossberg.example>\nTo: Hanna Roth <hanna@zephyr-analytics.de>\n"
             b"Subject: pilot\nDate: Wed, 11 Mar 2026 12:00:00 +0100\nMessage-ID: <good@vossberg.example>\n"
             b"Content-Type: text/plain; charset=utf-8\n\nCan we extend the pilot?\n")
header_names = st.sampled_from([b"From", b"To", b"Cc", b"Subject", b"Date", b"Message-ID", b"Content-Type",
                                b"Content-Transfer-Encoding", b"References", b"In-Reply-To", b"X-Gmail-Labels",
                                b"Auto-Submitted", b"List-Unsubscribe", b"Content-Disposition"])
raw = st.binary(max_size=30).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" "))
# Values shaped like what mail carries, so the parsers get past the first byte: a display name of raw
# 8-bit bytes before an address, encoded words with any charset and payload, address groups, dates.
header_bytes = raw | st.builds(
    lambda name, addr: name + b" <" + addr + b">", raw, st.sampled_from([b"jonas@vossberg.example", b"", b"@", b"a@b@c"])
) | st.builds(
    lambda charset, kind, text: b"=?" + charset + b"?" + kind + b"?" + text + b"?=",
    st.sampled_from([b"utf-8", b"iso-8859-1", b"bogus", b"utf-16", b""]), st.sampled_from([b"b", b"q", b"x"]), raw,
) | st.builds(lambda a, b: b"team: " + a + b", " + b + b";", raw, raw) | st.sampled_from(
    [b"Wed, 31 Feb 2026 25:61:00 +9999", b"undisclosed-recipients:;", b"\xff\xfe", b"<>"]
)


def mail_with(headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    lines = [b"Message-ID: <fuzz@vossberg.example>", b"Date: Wed, 11 Mar 2026 13:00:00 +0100"]
    lines += [name + b": " + value for name, value in headers]
    return b"\n".join(lines) + b"\n\n" + body + b"\n"


def mime_tree(depth: int, width: int, kinds: list[bytes], charset: bytes, encoding: bytes, payload: bytes) -> bytes:
    """A multipart nested `depth` deep with `width` leaves at the bottom (boundaries may be missing)."""
    leaf = (b"Content-Type: " + kinds[0] + b"; charset=" + charset + b"\nContent-Transfer-Encoding: " + encoding
            + b"\n\n" + payload + b"\n")
    part = leaf
    for level in range(depth):
        boundary = b"b%d" % level
        inner = b"".join(b"--" + boundary + b"\n" + part for _ in range(width if level == 0 else 1))
        part = b"Content-Type: multipart/" + kinds[level % len(kinds)].split(b"/")[-1] + b"; boundary=" + boundary + b"\n\n" + inner + b"--" + boundary + b"--\n"
    return part


# A tree 1,200 deep takes a second to parse (and fail): CI tries it once (below); longer runs fuzz with it.
DEPTHS = st.integers(0, 8) | st.just(1200) if os.environ.get("FUZZ_EXAMPLES") else st.integers(0, 8)


def mbox_loads(fuzzed: bytes) -> tuple[dict[str, int], list] | None:
    with tempfile.TemporaryDirectory() as folder:
        mbox = Path(folder) / "hanna.mbox"
        mbox.write_bytes(POSTMARK + GOOD_MAIL + b"\n" + POSTMARK + fuzzed.replace(b"\nFrom ", b"\n>From ") + b"\n")
        return load(GmailMboxConnector({"hanna": mbox}))


@FUZZ
@given(headers=st.lists(st.tuples(header_names, header_bytes), max_size=6), body=st.binary(max_size=80))
def test_fuzz_mbox_headers(headers, body):
    loaded = mbox_loads(mail_with(headers, body))
    assert loaded is not None and loaded[0]["raw_gmail_messages"] >= 1


@FUZZ
@given(depth=DEPTHS, width=st.integers(1, 3),
       kinds=st.lists(st.sampled_from([b"text/plain", b"text/html", b"multipart/mixed", b"multipart/alternative",
                                       b"text/calendar", b"message/rfc822", b"application/pdf", b"x/\xff"]), min_size=1, max_size=3),
       charset=st.sampled_from([b"utf-8", b"iso-8859-1", b"bogus-8", b"utf-16", b"", b"\xfe"]),
       encoding=st.sampled_from([b"base64", b"quoted-printable", b"7bit", b"8bit", b"x-uuencode", b"\xff"]),
       payload=st.binary(max_size=60))
def test_fuzz_mbox_mime_structure(depth, width, kinds, charset, encoding, payload):
    tree = mime_tree(depth, width, kinds, charset, encoding, payload)
    loaded = mbox_loads(b"Message-ID: <tree@vossberg.example>\nDate: Wed, 11 Mar 2026 13:00:00 +0100\n" + tree)
    assert loaded is not None and loaded[0]["raw_gmail_messages"] >= 1


def test_a_mime_tree_1200_deep_is_quarantined_and_the_mailbox_loads():
    loaded = mbox_loads(b"Message-ID: <tree@vossberg.example>\nDate: Wed, 11 Mar 2026 13:00:00 +0100\n"
                        + mime_tree(1200, 1, [b"multipart/mixed"], b"utf-8", b"7bit", b"x"))
    assert loaded is not None and loaded[0]["raw_gmail_messages"] == 1
    assert [reason for _, reason in loaded[1]] == ["mime: parts nested too deeply to read"]


# ---- Notion export: CSV and comments ----------------------------------------------------------

HEADER = ["Name", "Account", "Stage", "Amount", "Close date", "SE"]
GOOD_ROW = ["Vossberg – Pilot", "Vossberg Maschinenbau", "Discovery", "48000", "April 30, 2026", "Hanna Roth"]
cells = any_text | st.text(max_size=3).map(lambda t: t + "x" * 140_000) | st.sampled_from(['"', '""x', "\n", "\0", ",,"])


def notion_export(root: Path, rows_text: str, comments: bytes | None) -> Path:
    root.mkdir()
    (root / "Opportunities 5e1f.csv").write_text(rows_text, encoding="utf-8", errors="surrogatepass")
    if comments is not None:
        (root / "comments.json").write_bytes(comments)
    return root


def notion_loads(rows_text: str, comments: bytes | None = None) -> tuple[dict[str, int], list] | None:
    with tempfile.TemporaryDirectory() as folder:
        export = notion_export(Path(folder) / "export", rows_text, comments)
        return load(NotionExportConnector(export, Settings().terminal_stages))


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@FUZZ
@given(row=st.lists(cells, max_size=8), raw=st.booleans())
def test_fuzz_notion_csv(row, raw):
    # raw: the fuzzed cells joined by commas as they are, quotes and newlines unescaped
    fuzzed = ",".join(row) + "\n" if raw else csv_text([row])
    loaded = notion_loads(csv_text([HEADER, GOOD_ROW]) + fuzzed)
    assert loaded is not None and loaded[0]["raw_notion_opportunities"] >= 1


@FUZZ
@given(comments=json_values | st.binary(max_size=80)
       | st.lists(hostile(("id", "parent", "discussion_id", "created_time", "created_by", "rich_text")), max_size=3))
def test_fuzz_notion_comments(comments):
    data = comments if isinstance(comments, bytes) else written(comments).encode("utf-8", "surrogatepass")
    loaded = notion_loads(csv_text([HEADER, GOOD_ROW]), data)
    assert loaded is not None and loaded[0]["raw_notion_opportunities"] == 1


# ---- usage files ------------------------------------------------------------------------------

GOOD_USAGE = b"account,date,metric,value\nvossberg,2026-03-11,api_calls,1200\n"
usage_line = st.lists(st.binary(max_size=12) | st.sampled_from([b'"', b'"a\nb"', b"2026-03-11", b"\xff\xfe", b"1e400"]),
                      max_size=6).map(lambda cells: b",".join(cells))


@FUZZ
@given(lines=st.lists(usage_line, max_size=4), padding=st.integers(0, 3000))
def test_fuzz_usage_csv(lines, padding):
    good_days = b"".join(b"vossberg,2026-03-%02d,api_calls,%d\n" % (1 + i % 9, i) for i in range(padding))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "usage.csv"
        path.write_bytes(GOOD_USAGE + good_days + b"\n".join(lines) + b"\n")
        loaded = load(UsageFileConnector(str(path)))
    assert loaded is None or loaded[0]["raw_usage"] >= 1
