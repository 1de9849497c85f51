"""Address headers as real mail writes them: groups (RFC 5322 §3.4), empty ones included, load with
their members; and no header, however odd, turns a message into anything but a row or a quarantine."""

from __future__ import annotations

import datetime as dt
from email.header import Header
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from se_pipeline.sources.gmail.mime import parse_message
from se_pipeline.sources.gmail.rows import MailboxMeta, UnparseableMessage, build_row

UTC = ZoneInfo("UTC")


def message(to: str, cc: str | None = None, sender: str = "Pat Lee <pat@vendor.example>") -> bytes:
    headers = [f"From: {sender}", f"To: {to}", "Subject: hello", "Date: Tue, 03 Mar 2026 10:00:00 +0000",
               "Message-ID: <m1@vendor.example>"]
    if cc is not None:
        headers.append(f"Cc: {cc}")
    return ("\r\n".join(headers) + "\r\n\r\nSee you then.\r\n").encode("utf-8")


def row(raw: bytes) -> dict:
    return build_row(parse_message(raw), MailboxMeta(se_id="sam"), UTC)


@pytest.mark.parametrize(
    "to, expected",
    [
        ("unlisted-recipients:; (no To-header on input)", []),  # what sendmail writes
        ("undisclosed-recipients:;", []),
        ("Field team: Ana <ana@ours.example>, bo@ours.example;", ["ana@ours.example", "bo@ours.example"]),
        ("Ops:;, Kim <Kim@Client.example>", ["kim@client.example"]),
        ("Buyers: x@client.example; (a comment), y@client.example", ["x@client.example", "y@client.example"]),
    ],
)
def test_address_groups_load_with_their_members(to, expected):
    loaded = row(message(to))
    assert loaded["to_emails"] == expected
    assert loaded["from_email"] == "pat@vendor.example" and loaded["body_text"].startswith("See you then")


def test_an_empty_group_beside_a_comment_keeps_the_other_headers():
    loaded = row(message("unlisted-recipients:; (no To-header on input)", cc="Lee <lee@client.example>"))
    assert loaded["cc_emails"] == ["lee@client.example"]
    assert ["To", "unlisted-recipients:; (no To-header on input)"] in loaded["payload"]["headers"]


# ---- fuzzing -----------------------------------------------------------------------------------

atom = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
addr_spec = st.builds(lambda local, domain, tld: f"{local}@{domain}.{tld}", atom, atom, st.sampled_from(["com", "example", "org"]))
display = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12
).map(str.strip)


def _name(text: str) -> str:
    """A display name as a mail client writes it: an encoded word when not ASCII, else quoted."""
    if not text:
        return ""
    if not text.isascii():
        return Header(text, "utf-8").encode() + " "
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}" '


mailbox = st.builds(lambda name, spec: (f"{_name(name)}<{spec}>" if name else spec, spec), display, addr_spec)
group = st.builds(
    lambda label, members, comment: (
        f"{label}:{', '.join(m for m, _ in members)};" + (" (no To-header on input)" if comment else ""),
        [s for _, s in members],
    ),
    atom, st.lists(mailbox, max_size=3), st.booleans(),
)
address_list = st.lists(st.one_of(mailbox, group), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(address_list)
def test_fuzzed_address_lists_yield_exactly_their_mailboxes(items):
    header = ", ".join(text for text, _ in items)
    expected = [spec for _, specs in items for spec in (specs if isinstance(specs, list) else [specs])]
    assert row(message(header, cc=header))["to_emails"] == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_any_header_text_gives_a_row_or_a_quarantine_reason(to, sender):
    raw = message(" ".join(to.split()), sender=" ".join(sender.split()) or "x")
    try:
        loaded = row(raw)
    except UnparseableMessage as exc:
        assert str(exc).startswith("mime: ")
        return
    assert all(isinstance(e, str) and "@" in e for e in loaded["to_emails"])
    assert loaded["partition_date"] == dt.date(2026, 3, 3)
