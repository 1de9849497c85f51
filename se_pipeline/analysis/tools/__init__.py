"""Messages from tools (Gong, Salesforce, Zendesk, Jira, calendars, auto-replies, …): read by their
fields, not as a person's words.

    tool_signals(row, ctx) -> the row's signals when a tool wrote it, else None (a person did)

Each family has a parser (the tool's identity, or the message's shape: an unknown CRM bot with
"Stage: A → B" still reads as a CRM update) that yields a small record, and the signals built from it:

    calendar      invites, answers, cancellations           scheduling fact
    auto_replies  out of office, auto-replies               scheduling fact (back on, stand-in)
    recaps        call recaps                               owed next steps for our SEs + one automated fact
    crm           CRM field changes                         opportunity_change / automated fact
    tickets       support tickets and issues                automated fact (priority, status, comment)
    else          newsletters and bulk mail raise nothing; another tool's message about a customer is
                  one automated fact: its first meaningful line (never a template line or greeting)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from se_pipeline.analysis import summaries, text
from se_pipeline.analysis.context import Maker, RuleContext, competitor_signals
from se_pipeline.analysis.signal import Signal
from se_pipeline.analysis.tools import auto_replies, calendar, crm, recaps, tickets
from se_pipeline.analysis.tools.fields import meaningful, plain
from se_pipeline.analysis.tools.message import MailFacts, ToolMessage, mail_facts, tool_message
from se_pipeline.analysis.rows import ActivityRow

# crm and recaps are public too: proposals read CRM updates and call recaps with their parsers
__all__ = ["MailFacts", "ToolMessage", "crm", "mail_facts", "merge_repeats", "recaps", "tool_message", "tool_signals"]

_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|tr|rv)\s*:\s*)+", re.I)
_GENERIC_WORDS = 20


def tool_signals(row: ActivityRow, ctx: RuleContext) -> list[Signal] | None:
    """The signals of a tool's message; None when a person wrote `row`."""
    if not row.is_bot:
        return None
    message = tool_message(row, ctx.mail.get(row.activity_id))
    if not message.known_tool and row.customer is None:
        return []  # a newsletter, an invite or a notification about nobody we work with
    make = Maker(row, ctx)
    author = row.author_name
    notice = calendar.parse(message, author, ctx.tz, {se.email.lower() for se in ctx.sales_engineers})
    if notice is not None:
        return calendar.signals(notice, make, ctx)
    reply = auto_replies.parse(message, author)
    if reply is not None:
        return auto_replies.signals(reply, make, ctx)
    recap = recaps.parse(message)
    if recap is not None:
        return recaps.signals(recap, make, ctx) + _competitors(make, ctx, row)
    update = crm.parse(message)
    if update is not None:
        return crm.signals(update, make, ctx)
    ticket = tickets.parse(message)
    if ticket is not None:
        return tickets.signals(ticket, make, ctx)
    if message.mail is not None and message.mail.is_bulk:
        return []  # newsletters and marketing never reach a customer section
    return _first_line(message, make) + _competitors(make, ctx, row)


def merge_repeats(signals: Iterable[Signal]) -> list[Signal]:
    """One signal for the same tool fact told twice on one day (a call's next step in its Slack post and
    its mail, a CRM change posted and mailed): the first keeps its place and cites both. Only the same
    day's: a backfill and a day-by-day run then give the same signals."""
    merged: list[Signal] = []
    first: dict[tuple, Signal] = {}
    for signal in signals:
        if not signal.key.startswith("tool:"):
            merged.append(signal)
            continue
        same = (signal.kind, signal.key, signal.se_id, signal.customer, signal.activity_date)
        if same in first:
            kept = first[same]
            kept.activity_ids = kept.activity_ids + [a for a in signal.activity_ids if a not in kept.activity_ids]
            if signal.relevance == "include":
                kept.relevance = "include"
            continue
        first[same] = signal
        merged.append(signal)
    return merged


def _first_line(message: ToolMessage, make: Maker) -> list[Signal]:
    """Any other tool's message: its subject (mail) or first meaningful line, never boilerplate."""
    subject = plain(_REPLY_PREFIX.sub("", message.subject or ""))
    line = subject or next(iter(meaningful(message.lines)), None)
    if not line:
        return []
    line = re.sub(rf"^{re.escape(message.tool)}\s*:\s*", "", line, flags=re.I)
    tldr = summaries.clip(f"{message.tool}: {line}", summaries.TLDR_WORDS)
    summary = summaries.clip(f"{message.tool}: {line}", _GENERIC_WORDS)
    return [make.signal("automated", tldr, summary, line, f"rule:automated:{message.tool.lower()}")]


def _competitors(make: Maker, ctx: RuleContext, row: ActivityRow) -> list[Signal]:
    body = row.text or ""
    return competitor_signals(make, ctx, body, text.sentences(body))
