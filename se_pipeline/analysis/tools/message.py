"""One tool message as the parsers see it: who sent it (the tool), its lines and fields, and for mail
the header facts that only the raw row keeps (Auto-Submitted, List-Unsubscribe, the calendar event)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

import duckdb

from se_pipeline.analysis.tools.fields import Field, lines_of, read_fields
from se_pipeline.analysis.rows import ActivityRow
from se_pipeline.warehouse import table_exists

# Tools by name, in the spelling a digest shows. Families: a tool's name is enough to pick its parser.
TOOL_NAMES = {
    "gong": "Gong", "chorus": "Chorus", "fireflies": "Fireflies", "otter": "Otter", "avoma": "Avoma",
    "fathom": "Fathom", "grain": "Grain", "tldv": "tl;dv", "sybill": "Sybill", "clari": "Clari",
    "salesforce": "Salesforce", "sfdc": "Salesforce", "hubspot": "HubSpot", "pipedrive": "Pipedrive",
    "dynamics": "Dynamics", "attio": "Attio", "zendesk": "Zendesk", "jira": "Jira", "atlassian": "Jira",
    "freshdesk": "Freshdesk", "servicenow": "ServiceNow", "linear": "Linear", "intercom": "Intercom",
    "pagerduty": "PagerDuty", "opsgenie": "Opsgenie", "github": "GitHub", "gitlab": "GitLab",
    "momentum": "Momentum", "docusign": "DocuSign", "outreach": "Outreach", "salesloft": "Salesloft",
    "calendly": "Calendly", "ironclad": "Ironclad", "gainsight": "Gainsight",
}  # fmt: skip
RECAP_TOOLS = frozenset({"Gong", "Chorus", "Fireflies", "Otter", "Avoma", "Fathom", "Grain", "tl;dv", "Sybill", "Clari"})
CRM_TOOLS = frozenset({"Salesforce", "HubSpot", "Pipedrive", "Dynamics", "Attio"})
TICKET_TOOLS = frozenset({"Zendesk", "Jira", "Freshdesk", "ServiceNow", "Linear", "Intercom", "PagerDuty",
                          "Opsgenie", "GitHub", "GitLab"})
_TOOL_WORD = re.compile(r"\b(" + "|".join(sorted(TOOL_NAMES, key=len, reverse=True)) + r")\b", re.I)
_SUBJECT_TAG = re.compile(r"^\s*\[([^\]]{1,40})\]")
_TOOL_HEADER = re.compile(r"^x-(zendesk|jira|atlassian|sfdc|salesforce|hubspot|freshdesk|gong|pagerduty)", re.I)


@dataclass(frozen=True)
class MailFacts:
    """What the raw mail row knows beyond the activity row."""

    automated_by: str | None = None  # why the connector called it automated ("auto-submitted: auto-replied", …)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> value
    calendar: dict[str, Any] | None = None  # stg_mail.calendar
    labels: tuple[str, ...] = ()

    @property
    def is_auto_reply(self) -> bool:
        submitted = self.headers.get("auto-submitted", "").lower()
        return submitted.startswith("auto-replied") or self.automated_by == "auto-reply subject" or any(
            name in self.headers for name in ("x-autoreply", "x-autorespond")
        )

    @property
    def is_bulk(self) -> bool:
        """A mailing list or marketing: List-Unsubscribe / List-Id, or Gmail's Promotions tab."""
        return bool({"list-unsubscribe", "list-id"} & set(self.headers)) or "CATEGORY_PROMOTIONS" in self.labels


@dataclass(frozen=True)
class ToolMessage:
    tool: str  # "Salesforce", "Zendesk", … or the sender's own name when it is no known tool
    known_tool: bool
    subject: str | None
    lines: list[str]
    fields: list[Field]
    activity_date: dt.date
    mail: MailFacts | None


def tool_message(row: ActivityRow, mail: MailFacts | None) -> ToolMessage:
    identity = " ".join(str(v or "") for v in (row.bot_name, row.author_name, row.author_email))
    if mail is not None:
        identity += " " + " ".join(name for name in mail.headers if _TOOL_HEADER.match(name))
        tag = _SUBJECT_TAG.match(row.subject or "")  # "[JIRA] (FW-1) …"
        identity += " " + (tag.group(1) if tag else "")
    named = _TOOL_WORD.search(identity)
    tool = TOOL_NAMES[named.group(1).lower()] if named else (row.bot_name or row.author_name or "Bot")
    lines = lines_of(row.text)
    return ToolMessage(tool=tool, known_tool=named is not None, subject=row.subject, lines=lines,
                       fields=read_fields(lines), activity_date=row.activity_date, mail=mail)


def mail_facts(con: duckdb.DuckDBPyConnection, since: dt.date) -> dict[str, MailFacts]:
    """activity_id -> MailFacts for the automated mail loaded since `since`."""
    if not table_exists(con, "stg_mail"):
        return {}
    rows = con.execute(
        "SELECT activity_id, automated_by, headers, calendar, labels FROM stg_mail WHERE partition_date >= ? AND is_automated",
        [since],
    ).fetchall()
    facts = {}
    for activity_id, automated_by, headers, calendar, labels in rows:
        pairs = json.loads(headers) if headers else []
        facts[activity_id] = MailFacts(
            automated_by=automated_by,
            headers={str(name).lower(): str(value) for name, value in pairs},
            calendar=json.loads(calendar) if calendar else None,
            labels=tuple(labels or ()),
        )
    return facts
