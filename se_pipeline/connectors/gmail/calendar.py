"""Calendar mail (invites, replies, cancellations): the event it carries, read from its iCalendar part.

Outlook and Google send a `text/calendar; method=REQUEST|REPLY|CANCEL` part (often with an
`invite.ics` copy). The first event of the first such part is stored in raw_gmail_messages.calendar,
so analysis reads the title, time, organizer and answers without parsing MIME again. Times are kept as
ISO strings with their offset (UTC when the ICS gives a zone); a floating time has none and an all-day
event is a date.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from typing import Any

import icalendar

CALENDAR_TYPES = ("text/calendar", "application/ics")


def calendar_event(msg: EmailMessage) -> dict[str, Any] | None:
    """The event of the message's calendar part, or None (no part, or one that does not parse)."""
    parts = [p for p in msg.walk() if not p.is_multipart() and p.get_content_type() in CALENDAR_TYPES]
    parts.sort(key=lambda p: CALENDAR_TYPES.index(p.get_content_type()))
    for part in parts:
        data = part.get_payload(decode=True)
        if not data or not isinstance(data, bytes):
            continue
        try:
            calendar = icalendar.Calendar.from_ical(data)
            event = next(iter(calendar.walk("VEVENT")), None)
            if not isinstance(event, icalendar.Event):  # none (walk makes an Event of each VEVENT)
                continue
            method = str(calendar.get("METHOD") or part.get_param("method") or "").upper() or None
            return _event(event, method)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a broken ICS: the mail is still read as text
    return None


def _event(event: icalendar.Event, method: str | None) -> dict[str, Any]:
    start, all_day = _moment(event, "DTSTART")
    end, _ = _moment(event, "DTEND")
    return {
        "method": method,
        "uid": _text(event.get("UID")),
        "summary": _text(event.get("SUMMARY")),
        "start": start,
        "end": end,
        "all_day": all_day,
        "location": _text(event.get("LOCATION")),
        "status": _text(event.get("STATUS")),
        "sequence": int(event.get("SEQUENCE") or 0),
        "comment": _text(event.get("COMMENT")),
        "organizer": _person(event.get("ORGANIZER")),
        "attendees": [_person(a) for a in _as_list(event.get("ATTENDEE"))],
    }


def _moment(event: icalendar.Event, name: str) -> tuple[str | None, bool]:
    if event.get(name) is None:
        return None, False
    value = event.decoded(name)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc)
        return value.isoformat(), False
    if isinstance(value, dt.date):
        return value.isoformat(), True
    return None, False


def _person(address: Any) -> dict[str, Any] | None:
    if address is None:
        return None
    params = getattr(address, "params", {}) or {}
    email = str(address)
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:"):]
    return {
        "name": _text(params.get("CN")),
        "email": email.strip().lower() or None,
        "partstat": _text(params.get("PARTSTAT")),
        "role": _text(params.get("ROLE")),
    }


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None
