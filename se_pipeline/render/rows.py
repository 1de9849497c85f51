"""What the digest reads of a signal, typed: the `digest_signals` mart's row, and what a day adds to it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DigestSignal:
    """A row of the `digest_signals` mart (sql/digest_signals.sql), as DuckDB gives it (None for NULL)."""

    se_id: str  # the digest reads the signals of configured SEs only
    signal_id: str
    customer: str | None
    kind: str
    owed: bool
    status: str
    raised_at: dt.datetime
    activity_date: dt.date
    resolved_at: dt.datetime | None
    summary: str
    tldr: str
    activity_ids: list[str]
    link: str | None
    relevance: str
    thread_key: str | None
    excerpt: str | None
    evidence: str
    due_date: dt.date | None
    asker_id: str | None
    resolved_by_name: str | None  # the settling activity's author
    resolved_by_author: str | None
    from_customer: bool  # its source message's author is external
    from_tool: bool  # its source message came from a bot


DIGEST_SIGNAL_COLUMNS = tuple(f.name for f in dataclasses.fields(DigestSignal))


@dataclass
class SignalOfDay:
    """A signal in one day's digest: its section, and what merging and ranking add (built afresh per digest)."""

    signal: DigestSignal
    section: str  # todo | know | not_included
    activity_ids: list[str] = field(default_factory=list)  # its own, then those of what folded into it
    links: list[str] = field(default_factory=list)  # its citations, its own link first
    due_date: dt.date | None = None  # the earliest due day of the asks merged into it
    promise: str | None = None  # the SE's "I'll send it" in the ask's thread
    chased_at: dt.datetime | None = None  # when a customer last chased it
    age: int = 0  # days since it was raised (Todo)

    @classmethod
    def of(cls, signal: DigestSignal, section: str) -> SignalOfDay:
        return cls(signal, section, list(signal.activity_ids or []), [signal.link] if signal.link else [],
                   signal.due_date)

    @property
    def chased(self) -> bool:
        return self.chased_at is not None
