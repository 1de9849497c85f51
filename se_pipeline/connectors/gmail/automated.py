"""Is an email from a machine? (newsletters, notifications, tool digests, calendar invites)"""

from __future__ import annotations

import re
from email.message import EmailMessage

# Tools whose mail is a notification, not a person writing (Gong recaps, Salesforce alerts, …).
KNOWN_TOOL_DOMAINS = ("gong.io", "salesforce.com", "momentum.io", "zendesk.com")
_NO_REPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|mailer-daemon|postmaster|bounces?)([+-].*)?$"
)
_CALENDAR_SENDERS = ("calendar-notification@google.com",)
_CALENDAR_TYPES = ("text/calendar", "application/ics")


def automation_reason(msg: EmailMessage, from_email: str | None, content_types: list[str]) -> str | None:
    """Why the message counts as automated, or None for mail a person wrote."""
    if msg.get("List-Unsubscribe"):
        return "list-unsubscribe header"
    auto_submitted = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"auto-submitted: {auto_submitted}"
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return f"precedence: {precedence}"
    if any(t in _CALENDAR_TYPES for t in content_types) or from_email in _CALENDAR_SENDERS:
        return "calendar invite"
    if from_email and "@" in from_email:
        local, _, domain = from_email.rpartition("@")
        if _NO_REPLY.match(local):
            return f"no-reply sender {local}@"
        for tool in KNOWN_TOOL_DOMAINS:
            if domain == tool or domain.endswith("." + tool):
                return f"tool domain {tool}"
    return None
