"""One signal: a row of the `signals` table (sql/ddl/signals.sql)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, fields

OWED_KINDS = ("customer_question", "technical_question", "action_item", "commitment")
KINDS = OWED_KINDS + (
    "legal_security_procurement", "automated", "scheduling", "negative_tone", "slow_response",
    "trial_not_started", "new_customer", "usage_drop", "usage_growth", "feature_adopted", "opportunity_change",
    "competitor_mention", "deal_update",
)

# How an open item gets settled by later activity (see resolution.py).
ANSWER = "answer"  # a substantive reply from our side
DELIVER = "deliver"  # our side hands something over (attachment, link, "here's the…")
FOLLOW_UP = "follow_up"  # a call's next step to confirm or check something: our side tells the customer


@dataclass
class Signal:
    kind: str
    se_id: str | None
    customer: str | None
    raised_at: dt.datetime
    activity_date: dt.date
    activity_ids: list[str]
    link: str | None
    summary: str
    tldr: str
    evidence: str
    relevance: str = "include"
    owed: bool = False
    excerpt: str | None = None
    thread_key: str | None = None
    channel: str | None = None
    asker_id: str | None = None
    asker_name: str | None = None
    resolve_rule: str | None = None
    due_date: dt.date | None = None
    key: str = ""  # extra identity for signals without activity (customer, day, metric)
    status: str = field(default="")
    resolved_at: dt.datetime | None = None
    resolved_by: str | None = None

    def __post_init__(self) -> None:
        if not self.status:
            self.status = "open" if self.owed else "info"

    @property
    def signal_id(self) -> str:
        """Stable: the same kind raised by the same activity always gets the same id."""
        basis = "|".join([self.kind, self.key, *self.activity_ids])
        return hashlib.sha1(basis.encode()).hexdigest()[:16]

    def row(self) -> SignalRow:
        return SignalRow(
            self.signal_id, self.se_id, self.customer, self.kind, self.owed, self.status, self.raised_at,
            self.activity_date, self.resolved_at, self.resolved_by, self.summary, self.tldr, self.activity_ids,
            self.link, self.relevance, self.evidence, self.excerpt, self.thread_key, self.asker_id, self.asker_name,
            self.resolve_rule, self.due_date,
        )


@dataclass(frozen=True)
class SignalRow:
    """A row of the signals table, its columns in order: a Signal with its id, or a row read back to re-check."""

    signal_id: str
    se_id: str | None
    customer: str | None
    kind: str
    owed: bool
    status: str
    raised_at: dt.datetime
    activity_date: dt.date
    resolved_at: dt.datetime | None
    resolved_by: str | None
    summary: str
    tldr: str
    activity_ids: list[str]
    link: str | None
    relevance: str
    evidence: str
    excerpt: str | None
    thread_key: str | None
    asker_id: str | None
    asker_name: str | None
    resolve_rule: str | None
    due_date: dt.date | None


SIGNAL_COLUMNS = tuple(f.name for f in fields(SignalRow))

