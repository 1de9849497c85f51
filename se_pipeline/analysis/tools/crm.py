"""CRM updates (Salesforce, HubSpot, …; bot posts and mail): each changed field as "before → after".

A change of stage, amount, probability or close date is an `opportunity_change`; any other change
(forecast category, next step, owner) is `automated`. Fields without an arrow are context only. A
"Sales Engineer" field decides whose update it is: a configured SE's, or nobody's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from se_pipeline.analysis import summaries
from se_pipeline.analysis.context import Maker, RuleContext
from se_pipeline.analysis.signal import Signal
from se_pipeline.analysis.tools.fields import Field, field, meaningful, moved_to, pieces, readable_date
from se_pipeline.analysis.tools.message import CRM_TOOLS, RECAP_TOOLS, TICKET_TOOLS, ToolMessage
from se_pipeline.analysis.tools.people import fold, se_named

_CRM_FIELD = re.compile(
    r"^(deal |opportunity |opp )?(stage|amount|arr|acv|tcv|value|probability|win probability|forecast( category)?|"
    r"close date|expected close( date)?|next step|owner)$"
)
_OPPORTUNITY_CHANGE = re.compile(r"stage|amount|arr|acv|tcv|value|probability|close")
_RECORD = re.compile(r"^(opportunity|deal|opportunity name|deal name|record|opportunity updated|deal updated)$")
_SALES_ENGINEER = re.compile(
    r"^(sales engineer|se|solutions? engineer|solutions? consultant|presales( engineer)?|technical (owner|lead))$"
)
_NOTICE = re.compile(r"\b(updated|created|changed|edited|modified|closed|won|lost)\b", re.I)
_RECORD_WORD = re.compile(r"^(opportunity|deal)\s+", re.I)
_SUMMARY_WORDS = 30


@dataclass(frozen=True)
class CrmUpdate:
    tool: str
    record: str | None  # the opportunity / deal name
    changes: list[Field]
    sales_engineer: str | None  # as the record names them


def parse(message: ToolMessage) -> CrmUpdate | None:
    """The field changes `message` reports, or None when it is no CRM update with a change."""
    if message.tool in TICKET_TOOLS or message.tool in RECAP_TOOLS:
        return None
    changes = [f for f in message.fields if f.changed]
    record_field = field(message.fields, _RECORD)
    record = record_field.value if record_field else None
    if not changes:
        moved = next((m for m in (moved_to(pieces(line)[0]) for line in meaningful(message.lines)) if m), None)
        if moved and (message.tool in CRM_TOOLS or _RECORD_WORD.match(moved[0])):
            record = record or _RECORD_WORD.sub("", moved[0])
            changes = [Field("Stage", moved[1], None, moved[1])]
    if not changes or (message.tool not in CRM_TOOLS and not any(_CRM_FIELD.match(c.key) for c in changes)):
        return None
    engineer = field(message.fields, _SALES_ENGINEER)
    return CrmUpdate(tool=message.tool, record=record or _record_line(message), changes=changes,
                     sales_engineer=engineer.value if engineer else None)


def signals(update: CrmUpdate, make: Maker, ctx: RuleContext) -> list[Signal]:
    year = make.row.activity_date.year
    said = ", ".join(_change(c, year) for c in update.changes)
    summary = f"{update.tool}: {said}" + (f" ({update.record})" if update.record else "")
    customer = make.row.customer
    tldr = summaries.clip(f"{summaries.short_customer(customer)}: {said}" if customer else summary, summaries.TLDR_WORDS)
    kind = "opportunity_change" if any(_OPPORTUNITY_CHANGE.search(c.key) for c in update.changes) else "automated"
    signal = make.signal(kind, tldr, summaries.clip(summary, _SUMMARY_WORDS), said, f"rule:crm_update:{update.tool.lower()}")
    if update.sales_engineer:  # the record's SE, whoever else is in the channel; nobody when not one of ours
        se = se_named(update.sales_engineer, ctx.sales_engineers)
        signal.se_id = se.id if se else None
        signal.relevance = "include" if se and customer else "uncertain"
    titles = ",".join(sorted(c.key for c in update.changes))
    signal.key = f"tool:crm:{fold(update.record or '')}:{titles}"  # the same update posted and mailed
    return [signal]


def _change(change: Field, year: int) -> str:
    before = readable_date(change.before, year) if change.before else None
    after = readable_date(change.after or "", year)
    return change.title.lower() + (f" {before}" if before else "") + f" → {after}"


def _record_line(message: ToolMessage) -> str | None:
    """A bot post's title line ("Acme – Expansion"), not its notice line ("Opportunity updated")."""
    for line in meaningful(message.lines):
        head = line.split(" · ")[0]
        if ": " in head or (_NOTICE.search(head) and len(head.split()) <= 4) or _NOTICE.search(head) and " by " in head:
            continue
        return _RECORD_WORD.sub("", head)
    return None
