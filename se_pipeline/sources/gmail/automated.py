"""Is an email from a machine? (newsletters, notifications, tool digests, calendar mail, auto-replies)"""

from __future__ import annotations

import re
from email.message import EmailMessage

from se_pipeline.sources.gmail.calendar import CALENDAR_TYPES

# Tools whose mail is a notification, not a person writing (Gong recaps, Salesforce alerts, …).
KNOWN_TOOL_DOMAINS = (
    "gong.io", "salesforce.com", "sfdc.net", "momentum.io", "zendesk.com", "atlassian.net", "hubspot.com",
    "freshdesk.com", "chorus.ai", "docusign.net", "pandadoc.com", "intercom-mail.com",
)
# Headers only a tool's mail carries (Zendesk's X-Zendesk-*, Jira's X-JIRA-FingerPrint, …).
_TOOL_HEADER = re.compile(r"^x-(zendesk|jira|atlassian|sfdc|salesforce|hubspot|freshdesk|gong|pagerduty)\b", re.I)
_NO_REPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|mailer-daemon|postmaster|bounces?)([+-].*)?$"
)
_CALENDAR_SENDERS = ("calendar-notification@google.com",)
# Out-of-office replies that lack the Auto-Submitted header (many Exchange and mobile clients).
AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?reply|autoreply|out of (the )?office|ooo\b|abwesenheitsnotiz|"
    r"r[ée]ponse automatique|respuesta autom[áa]tica|risposta automatica|automatisch antwoord)\b",
    re.I,
)


def automation_reason(msg: EmailMessage, from_email: str | None, content_types: list[str]) -> str | None:
    """Why the message counts as automated, or None for mail a person wrote."""
    if msg.get("List-Unsubscribe"):
        return "list-unsubscribe header"
    auto_submitted = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"auto-submitted: {auto_submitted}"
    if AUTO_REPLY_SUBJECT.match(str(msg.get("Subject") or "")):
        return "auto-reply subject"
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return f"precedence: {precedence}"
    if any(t in CALENDAR_TYPES for t in content_types) or from_email in _CALENDAR_SENDERS:
        return "calendar invite"
    tool_header = next((name for name in msg.keys() if _TOOL_HEADER.match(name)), None)
    if tool_header:
        return f"tool header {tool_header.lower()}"
    if from_email and "@" in from_email:
        local, _, domain = from_email.rpartition("@")
        if _NO_REPLY.match(local):
            return f"no-reply sender {local}@"
        for tool in KNOWN_TOOL_DOMAINS:
            if domain == tool or domain.endswith("." + tool):
                return f"tool domain {tool}"
    return None
