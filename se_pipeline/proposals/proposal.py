"""One proposed change to the opportunity database: a row of the `proposals` table (sql/ddl/proposals.sql)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

UPDATE, CREATE, COMMENT = "update", "create", "comment"
OPEN, APPLIED, DISMISSED, STALE, SUPERSEDED = "open", "applied", "dismissed", "stale", "superseded"
ID_LENGTH = 12


@dataclass
class Proposal:
    # The methods come first: below, the field `property` (a Notion property's name) shadows the builtin.
    @property
    def proposal_id(self) -> str:
        """Stable: the same change of the same value is one proposal, whichever day or run finds it.
        A comment is the day's, so its day is part of it."""
        day = self.proposed_on.isoformat() if self.action == COMMENT else ""
        basis = "|".join([self.action, self.kind, self.page_id or self.customer, self.property or "",
                          self.current_value or "", self.proposed_value, day])
        return hashlib.sha1(basis.encode()).hexdigest()[:ID_LENGTH]

    def describe(self) -> str:
        """One line: 'Stage: POC → Security Review', 'new opportunity “Acme”', 'comment: …'."""
        if self.action == UPDATE:
            return f"{self.property}: {self.current_value or '(empty)'} → {self.proposed_value}"
        if self.action == CREATE:
            return f"new opportunity “{self.opportunity}”"
        first = self.proposed_value.splitlines()[0] if self.proposed_value else ""
        return f"comment: {first}"

    proposed_on: dt.date
    se_id: str | None
    customer: str
    kind: str  # stage | close_date | poc_end | amount | next_step | comment | new_opportunity
    action: str  # update | create | comment
    opportunity: str
    proposed_value: str
    reason: str
    links: list[str]
    page_id: str | None = None
    page_url: str | None = None
    property: str | None = None
    current_value: str | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    signal_ids: list[str] = field(default_factory=list)
    database_id: str | None = None
    status: str = OPEN
    status_reason: str | None = None
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    created_at: dt.datetime | None = None

    def row(self) -> dict[str, Any]:
        return {
            "proposal_id": self.proposal_id, "proposed_on": self.proposed_on, "se_id": self.se_id,
            "customer": self.customer, "kind": self.kind, "action": self.action, "database_id": self.database_id,
            "page_id": self.page_id, "page_url": self.page_url, "opportunity": self.opportunity,
            "property": self.property, "current_value": self.current_value, "proposed_value": self.proposed_value,
            "changes": json.dumps(self.changes, ensure_ascii=False), "reason": self.reason, "links": self.links,
            "signal_ids": self.signal_ids, "status": self.status, "status_reason": self.status_reason,
            "decided_by": self.decided_by, "decided_at": self.decided_at, "created_at": self.created_at,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Proposal:
        values = {k: v for k, v in row.items() if k != "proposal_id"}
        values["changes"] = json.loads(values["changes"]) if isinstance(values["changes"], str) else values["changes"]
        values["links"] = list(values.get("links") or [])
        values["signal_ids"] = list(values.get("signal_ids") or [])
        return cls(**values)
