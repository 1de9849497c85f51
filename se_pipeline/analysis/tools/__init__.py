"""Messages from tools (Gong, Salesforce, Zendesk, Jira, calendars, auto-replies, …): read by their
fields, not as a person's words.

    tool_signals(row, ctx) -> the row's signals when a tool wrote it, else None (a person did)
"""

from __future__ import annotations

import re
from typing import Any

from se_pipeline.analysis import summaries, text
from se_pipeline.analysis.context import Maker, RuleContext, competitor_signals
from se_pipeline.analysis.signal import Signal, truthy

KNOWN_TOOLS = re.compile(
    r"\b(gong|salesforce|sfdc|momentum|zendesk|hubspot|outreach|salesloft|clari|chorus|gainsight|intercom|"
    r"jira|pagerduty|calendly|docusign|ironclad|freshdesk)\b",
    re.I,
)


def tool_signals(row: dict[str, Any], ctx: RuleContext) -> list[Signal] | None:
    """The signals of a tool's message; None when a person wrote `row`."""
    if not truthy(row.get("is_bot")):
        return None
    body = row.get("text") or ""
    tool_name = row.get("bot_name") or row.get("author_name") or "Bot"
    known = KNOWN_TOOLS.search(" ".join(str(row.get(k) or "") for k in ("bot_name", "author_name", "author_email")))
    if not known and row.get("customer") is None:
        return []  # a newsletter or notification about nobody we work with
    make = Maker(row, ctx)
    tldr, summary = summaries.automated(tool_name, row.get("customer"), body)
    out = [make.signal("automated", tldr, summary, body, f"rule:automated:{tool_name.lower()}")]
    out.extend(competitor_signals(make, ctx, body, text.sentences(body)))
    return out


