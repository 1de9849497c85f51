"""Calendar mail: invites, acceptances, declines, updates and cancellations as scheduling facts
("Raj Kowalski declined “Weekly sync”, Thu 12 Mar 15:00"), with the time in the configured zone.

The event comes from the mail's iCalendar part (stg_mail.calendar); a calendar mail without
one is read from its subject ("Accepted: Weekly sync @ Thu 12 Mar 2026 3pm - 3:30pm (CET)").
A calendar message is never a question or an ask.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from se_pipeline.analysis import summaries
from se_pipeline.analysis.context import Maker, RuleContext
from se_pipeline.analysis.signal import Signal
from se_pipeline.analysis.tools.fields import day_and_time, field
from se_pipeline.analysis.tools.message import ToolMessage

_ANSWERS = {"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentatively accepted",
            "DELEGATED": "delegated"}
_SUBJECT = re.compile(
    r"^(?P<what>invitation|updated invitation|new event|accepted|declined|tentatively accepted|"
    r"cancell?ed( event| invitation)?|einladung|aktualisierte einladung|zugesagt|abgesagt|angenommen|abgelehnt)"
    r"(?: \([^)]*\))?\s*:\s*(?P<title>.+?)(?:\s+@\s+(?P<when>.+?))?(?:\s+\([^()@]+@[^()]+\))?\s*$",
    re.I,
)
_SUBJECT_ACTIONS = {
    "invitation": "invited you to", "new event": "invited you to", "einladung": "invited you to",
    "updated invitation": "updated", "aktualisierte einladung": "updated", "accepted": "accepted",
    "zugesagt": "accepted", "angenommen": "accepted", "declined": "declined", "abgesagt": "declined",
    "abgelehnt": "declined", "tentatively accepted": "tentatively accepted",
}
_NOTE = re.compile(r"^(note|comment|message)( from .+)?$")
_NOTE_WORDS = 14


@dataclass(frozen=True)
class CalendarNotice:
    who: str
    action: str  # "invited you to", "accepted", "declined", "updated", "cancelled", …
    title: str
    when: str | None  # "Fri 30 Oct 09:00" in the configured zone, or as the subject said it
    note: str | None


def parse(message: ToolMessage, author: str | None, tz: ZoneInfo, own: set[str]) -> CalendarNotice | None:
    """The notice a calendar mail carries, or None for other mail. `own`: the SEs' addresses (their own
    invites say "You sent an invite for")."""
    mail = message.mail
    if mail is None:
        return None
    note_field = field(message.fields, _NOTE)
    note = note_field.value if note_field else None
    if mail.calendar and mail.calendar.get("summary"):
        return _from_event(mail.calendar, message.subject, author, tz, note, own)
    if mail.automated_by != "calendar invite":
        return None
    match = _SUBJECT.match(message.subject or "")
    if match is None:
        return None
    what = match["what"].lower()
    action = _SUBJECT_ACTIONS.get(what, "cancelled" if what.startswith("cancel") else "invited you to")
    return CalendarNotice(author or "Someone", action, match["title"].strip(), match["when"], note)


def signals(notice: CalendarNotice, make: Maker, ctx: RuleContext) -> list[Signal]:
    when = f", {notice.when}" if notice.when else ""
    said = f"{notice.who} {notice.action} “{notice.title}”{when}"
    summary = said + (f": {summaries.clip(notice.note, _NOTE_WORDS)}" if notice.note else "")
    tldr = summaries.clip(said, summaries.TLDR_WORDS)
    return [make.signal("scheduling", tldr, summary, notice.note or said, "rule:calendar")]


def _from_event(event: dict[str, Any], subject: str | None, author: str | None, tz: ZoneInfo,
                note: str | None, own: set[str]) -> CalendarNotice:
    method = (event.get("method") or "REQUEST").upper()
    organizer = _name(event.get("organizer")) or author or "Someone"
    title = event["summary"]
    when = _when(event, tz)
    note = event.get("comment") or note
    if method == "REPLY":
        answered = next((a for a in event.get("attendees") or [] if (a or {}).get("partstat") in _ANSWERS), None)
        if answered is not None:
            return CalendarNotice(_name(answered) or author or "Someone", _ANSWERS[answered["partstat"]], title, when, note)
        return CalendarNotice(author or organizer, "answered", title, when, note)
    if method == "CANCEL":
        return CalendarNotice(organizer, "cancelled", title, when, note)
    if method == "COUNTER":
        return CalendarNotice(author or organizer, "proposed a new time for", title, when, note)
    updated = int(event.get("sequence") or 0) > 0 or (subject or "").lower().startswith(("updated", "aktualisiert"))
    if ((event.get("organizer") or {}).get("email") or "") in own:
        return CalendarNotice("You", "updated the invite for" if updated else "sent an invite for", title, when, note)
    return CalendarNotice(organizer, "updated" if updated else "invited you to", title, when, note)


def _when(event: dict[str, Any], tz: ZoneInfo) -> str | None:
    start = event.get("start")
    if not start:
        return None
    if event.get("all_day"):
        return day_and_time(dt.date.fromisoformat(start[:10]))
    moment = dt.datetime.fromisoformat(start)
    moment = moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)  # floating: local time
    return day_and_time(moment)


def _name(person: dict[str, Any] | None) -> str | None:
    if not person:
        return None
    return person.get("name") or person.get("email")
