"""One parsed email to one raw_gmail_messages row (the same for API and mbox mail)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from se_pipeline.sources.gmail.addresses import mailboxes
from se_pipeline.sources.gmail.automated import automation_reason
from se_pipeline.sources.gmail.calendar import calendar_event
from se_pipeline.sources.gmail.mime import UnparseableMessage, message_text
from se_pipeline.sources.gmail.quotes import split_email_text

TABLE = "raw_gmail_messages"
PAGE_ROWS = 500  # rows carry whole message bodies: smaller pages than other sources
PERMALINK_PREFIX = "https://mail.google.com/mail/u/0/#search/rfc822msgid%3A"
# Labels that mean the mail is not correspondence the SE sent or received.
SKIPPED_LABELS = frozenset({"SPAM", "TRASH", "DRAFT"})
# Google Takeout writes these; they are columns (labels, thread_id), not part of the mail.
TAKEOUT_HEADERS = frozenset({"x-gm-thrid", "x-gmail-labels"})
# Takeout's names for Gmail's system labels -> the API's label ids; pseudo-labels dropped.
_TAKEOUT_SYSTEM_LABELS = {
    "inbox": "INBOX", "sent": "SENT", "important": "IMPORTANT", "starred": "STARRED", "unread": "UNREAD",
    "spam": "SPAM", "trash": "TRASH", "draft": "DRAFT", "drafts": "DRAFT", "chat": "CHAT",
    "category personal": "CATEGORY_PERSONAL", "category social": "CATEGORY_SOCIAL",
    "category promotions": "CATEGORY_PROMOTIONS", "category updates": "CATEGORY_UPDATES",
    "category forums": "CATEGORY_FORUMS",
}  # fmt: skip
_TAKEOUT_PSEUDO_LABELS = {"opened", "archived"}
_MSG_ID = re.compile(r"<[^<>\s]+>")


@dataclass
class MailboxMeta:
    """What the mailbox knows about a message beyond its bytes."""

    se_id: str
    gmail_id: str | None = None
    thread_id: str | None = None  # the API's threadId
    labels: list[str] = field(default_factory=list)
    received_at: dt.datetime | None = None  # the API's internalDate: used only when Date is missing


def permalink(message_id: str) -> str:
    """Gmail's search for the Message-ID: opens the mail whether it came from the API or an mbox."""
    return PERMALINK_PREFIX + urllib.parse.quote(message_id.strip("<>"), safe="")


def sent_at(msg: EmailMessage, fallback: dt.datetime | None = None) -> dt.datetime:
    """The Date header as an aware datetime (a zone-less date is UTC), else `fallback`."""
    header = msg.get("Date")
    moment = getattr(header, "datetime", None) if header is not None else None
    if moment is None:
        if fallback is not None:
            return fallback
        shown = repr(str(header)[:80]) if header is not None else "none"
        raise UnparseableMessage(f"no_date: the Date header is missing or unreadable ({shown})")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment


def message_id(msg: EmailMessage) -> str:
    value = str(msg.get("Message-ID") or "").strip()
    if not value:
        raise UnparseableMessage("no_message_id: the message has no Message-ID header")
    found = _MSG_ID.search(value)
    return found.group(0) if found else f"<{value.strip('<>')}>"


def takeout_labels(value: str | None) -> list[str]:
    """X-Gmail-Labels ("Inbox,Important,Category Personal,\"Acme, Inc\"") as API-style labels."""
    if not value:
        return []
    labels = []
    for name in next(csv.reader([value], skipinitialspace=True), []):
        name = name.strip()
        key = name.lower()
        if not name or key in _TAKEOUT_PSEUDO_LABELS:
            continue
        labels.append(_TAKEOUT_SYSTEM_LABELS.get(key, name))
    return sorted(set(labels))


def takeout_thread_id(msg: EmailMessage) -> str | None:
    """X-GM-THRID is the decimal form of the API's (hex) threadId."""
    value = str(msg.get("X-GM-THRID") or "").strip()
    return format(int(value), "x") if value.isdigit() else None


def build_row(msg: EmailMessage, meta: MailboxMeta, tz: ZoneInfo) -> dict[str, Any]:
    """The raw_gmail_messages row; raises UnparseableMessage (never anything else) for bad mail."""
    try:
        return _build_row(msg, meta, tz)
    except UnparseableMessage:
        raise
    except Exception as exc:  # malformed MIME can break the stdlib parser in many ways
        raise UnparseableMessage(f"mime: {type(exc).__name__}: {exc}"[:300]) from exc


def _build_row(msg: EmailMessage, meta: MailboxMeta, tz: ZoneInfo) -> dict[str, Any]:
    moment = sent_at(msg, meta.received_at)
    own_id = message_id(msg)
    references = _MSG_ID.findall(str(msg.get("References") or ""))
    in_reply_to = next(iter(_MSG_ID.findall(str(msg.get("In-Reply-To") or ""))), None)
    sender = mailboxes(msg, "From")
    from_name, from_email = sender[0] if sender else (None, None)
    content = message_text(msg)
    split = split_email_text(content.text, from_name, from_email)
    content_types = [part["content_type"] for part in content.parts]
    automated_by = automation_reason(msg, from_email, content_types)
    thread_id = meta.thread_id or takeout_thread_id(msg) or (references[0] if references else in_reply_to) or own_id
    subject = str(msg.get("Subject") or "").strip() or None
    return {
        "message_key": f"{meta.se_id}:{own_id}",
        "partition_date": moment.astimezone(tz).date(),
        "se_id": meta.se_id,
        "gmail_id": meta.gmail_id,
        "thread_id": thread_id,
        "message_id": own_id,
        "in_reply_to": in_reply_to,
        "reference_ids": references,
        "subject": subject,
        "from_name": from_name,
        "from_email": from_email,
        "to_emails": [email for _, email in mailboxes(msg, "To") if email],
        "cc_emails": [email for _, email in mailboxes(msg, "Cc") if email],
        "sent_at": moment,
        "labels": sorted(set(meta.labels)),
        "body_text": split.body,
        "quoted_text": split.quoted or None,
        "signature": split.signature or None,
        "attachments": content.attachments,
        "is_automated": automated_by is not None,
        "calendar": calendar_event(msg),
        "permalink": permalink(own_id),
        "payload": {
            "headers": [[name, str(value)] for name, value in msg.items() if name.lower() not in TAKEOUT_HEADERS],
            "parts": content.parts,
            "body_source": content.source,
            "charset_notes": content.charset_notes,
            "automated_by": automated_by,
            "defects": sorted({type(d).__name__ for part in msg.walk() for d in part.defects}),
        },
    }
