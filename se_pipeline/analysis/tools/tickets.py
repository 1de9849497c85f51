"""Support tickets and issues (Zendesk, Jira, Freshdesk, …; bot posts and mail): id, subject, priority
and status with their changes, and the agent's latest public comment (never the template around it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from se_pipeline.analysis import summaries
from se_pipeline.analysis.context import Maker, RuleContext
from se_pipeline.analysis.signal import Signal
from se_pipeline.analysis.tools.fields import Field, field, meaningful, pieces, plain
from se_pipeline.analysis.tools.message import TICKET_TOOLS, ToolMessage

_TICKET_ID = re.compile(r"(?<![\w/#])#\d{2,}\b|\b[A-Z][A-Z0-9]{1,9}-\d{1,7}\b")
_STATUS = re.compile(r"^(status|state)$")
_PRIORITY = re.compile(r"^(priority|severity|urgency)$")
_NOTABLE = re.compile(r"^(resolution|fix versions?(/s)?|fixed in( version)?|eta)$")
_TICKET_FIELDS = re.compile(
    r"^(status|state|priority|severity|urgency|type|issue type|assignee|requester|reporter|organi[sz]ation|"
    r"group|project|component|labels?|resolution|fix versions?(/s)?|change by|changed by|updated by|via)$"
)
# What follows the id in a subject or title before the subject itself: ":", ")", "solved:", "updated".
_AFTER_ID = re.compile(
    r"^\s*(?:[:)\]\-–—]\s*|\([^)]*\)\s*:\s*|(?:has been |was |is )?(?:solved|updated|created|closed|resolved|opened|reopened|assigned|"
    r"escalated)\b:?\s*)+",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?]$")
_COMMENT_WORDS = 4
_SUBJECT_SHOWN = 8
_COMMENT_SHOWN = 12


@dataclass(frozen=True)
class TicketUpdate:
    tool: str
    ticket: str  # '#5120', 'FOO-42'
    subject: str | None
    priority: Field | None
    status: Field | None
    notable: list[Field]  # resolution, fix version, ETA
    comment: str | None  # the agent's latest public comment


def parse(message: ToolMessage) -> TicketUpdate | None:
    """The ticket `message` reports on, or None when it names no ticket or says nothing of one."""
    status, priority = field(message.fields, _STATUS), field(message.fields, _PRIORITY)
    if message.tool not in TICKET_TOOLS and status is None and priority is None:
        return None
    places = ([message.subject] if message.subject else []) + message.lines
    ticket = next((m.group(0) for m in map(_TICKET_ID.search, places) if m), None)
    if ticket is None:
        return None
    subject = next((s for s in (_subject_after(p, ticket) for p in places) if s), None)
    notable = [f for f in message.fields if _NOTABLE.match(f.key)]
    return TicketUpdate(tool=message.tool, ticket=ticket, subject=subject, priority=priority, status=status,
                        notable=notable, comment=_comment(message, ticket))


def signals(update: TicketUpdate, make: Maker, ctx: RuleContext) -> list[Signal]:
    subject = f" “{summaries.clip(update.subject, _SUBJECT_SHOWN)}”" if update.subject else ""
    state = ", ".join(_said(f) for f in (update.priority, update.status, *update.notable) if f is not None)
    head = f"{update.tool} {update.ticket}{subject}" + (f": {state}" if state else "")
    comment = f". {summaries.clip(update.comment, _COMMENT_SHOWN)}" if update.comment else ""
    latest = update.status.after or update.status.value if update.status else None
    tldr = summaries.clip(f"{update.tool} {update.ticket}" + (f" {latest}" if latest else "") + subject,
                          summaries.TLDR_WORDS)
    signal = make.signal("automated", tldr, head + comment, update.comment or head,
                         f"rule:ticket_update:{update.tool.lower()}")
    state_now = next((f.after or f.value for f in (update.status, update.priority) if f is not None), "")
    signal.key = f"tool:ticket:{update.tool}:{update.ticket}:{state_now}"  # the same update posted and mailed
    return [signal]


def _said(f: Field) -> str:
    if f.changed:
        return f.change_text()
    return f"{f.title.lower()} {f.value}"


def _subject_after(place: str, ticket: str) -> str | None:
    at = place.find(ticket)
    if at < 0:
        return None
    rest = _AFTER_ID.sub("", pieces(plain(place[at + len(ticket):]))[0], count=1).strip()
    return rest or None


def _comment(message: ToolMessage, ticket: str) -> str | None:
    """The first line that reads as prose: a sentence of a few words, neither a ticket field nor the title."""
    for line in meaningful(message.lines):
        if ticket in line or len(line.split()) < _COMMENT_WORDS or not _SENTENCE_END.search(line):
            continue
        labelled = next((f for f in message.fields if line.startswith(f"{f.title}:")), None)
        if labelled is not None and _TICKET_FIELDS.match(labelled.key):
            continue
        return line
    return None
