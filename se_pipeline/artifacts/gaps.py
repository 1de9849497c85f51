"""product_gaps: capabilities customers asked for that the product lacks.

Two kinds of evidence:
* a customer's question ("Do you support SAML SSO?", "Is there an EU region?", "Any plans for …?")
  in activity, answered later in the same thread by our side with no / not yet / on the roadmap
  (an answer mentioning a workaround marks one as available);
* a note: a Notion page block or one of our messages starting "Gap:", "Product gap:",
  "Feature request:" or "Missing:" (answer `noted`).
Asks with the same words (in any order, articles aside) are one gap. Severity:
    blocker  the evidence says blocker, deal-breaker, must-have, hard requirement or showstopper
    high     3+ customers affected, or 100,000+ of active revenue at stake
    medium   2 customers, or no workaround
    low      otherwise
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

import duckdb

from se_pipeline.artifacts.warehouse import name_key, opportunities, revenue_by_customer
from se_pipeline.enablement.items import records
from se_pipeline.warehouse.connection import transaction
from se_pipeline.warehouse.schema import ensure_tables, table_exists

_ASK = re.compile(
    r"(?i)\b(?:(?:do|does|can|will|could)\s+(?:you|it|your\s+\w+|the\s+(?:product|platform|agent|tool))\s+"
    r"(?:support|have|handle|offer|provide|integrate with|work with|run on|export to|ingest)|"
    r"is there(?:\s+(?:a|an|any))?|are there(?:\s+any)?|any plans? (?:for|to support|to add))\s+"
    r"(?P<capability>[^?.!\n]{2,80})"
)
_NO = re.compile(
    r"(?i)(?:^\s*no\b|\bnot yet\b|\bnot (?:currently|today|right now|at the moment|at this time)\b|\broadmap\b|"
    r"\b(?:don't|do not|doesn't|does not|can't|cannot|won't) (?:yet )?(?:support|have|offer|handle|provide)\b|"
    r"\bnot supported\b|\bunsupported\b|\bunfortunately\b)"
)
_WORKAROUND = re.compile(r"(?i)\b(workaround|work around|in the meantime|instead,? you can|you could use|alternatively)\b")
_NOTE = re.compile(r"(?i)^\s*(?:product gap|gap|feature request|missing)\s*[:\-–]\s*(?P<capability>.{3,120}?)\s*\.?\s*$")
_BLOCKER = re.compile(r"(?i)\b(blocker|blocking|deal.?breaker|must.?have|hard requirement|showstopper|non-negotiable)\b")
_FILLER = {"a", "an", "the", "any", "your", "for", "of", "to", "with", "native", "natively", "yet", "today", "now",
           "currently", "support", "supports", "out", "box", "plans", "plan"}
SEVERITIES = ("blocker", "high", "medium", "low")


@dataclass
class Evidence:
    customer: str
    day: dt.date
    capability: str
    answer: str  # no | not_yet | roadmap | noted
    text: str
    link: str | None
    workaround: str | None = None


@dataclass
class Gap:
    key: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def capability(self) -> str:
        return Counter(e.capability for e in self.evidence).most_common(1)[0][0]

    @property
    def gap_id(self) -> str:
        return hashlib.sha1(self.key.encode("utf-8")).hexdigest()[:12]


def capability_key(capability: str) -> str:
    words = re.findall(r"[a-z0-9+#]+", capability.lower())
    return " ".join(sorted({w for w in words if w not in _FILLER}))


def _clean(capability: str) -> str:
    capability = re.sub(r"(?i)\s+(?:yet|today|now|currently|natively|out of the box)\s*$", "", capability.strip(" ,;:"))
    return capability[:1].upper() + capability[1:]


def _answer(text: str) -> str | None:
    if not _NO.search(text):
        return None
    if re.search(r"(?i)\bnot yet\b", text):
        return "not_yet"
    if re.search(r"(?i)\broadmap\b", text):
        return "roadmap"
    return "no"


def _asked_and_answered(con: duckdb.DuckDBPyConnection) -> list[Evidence]:
    asks = records(
        con,
        """
        SELECT activity_id, activity_date, sent_at, customer, thread_key, text, link
        FROM activity
        WHERE customer IS NOT NULL AND author_is_external AND NOT coalesce(is_bot, FALSE)
          AND regexp_matches(text, '(?i)(support|is there|are there|any plans?|have|handle|offer|integrate|ingest|run on|export)')
        ORDER BY sent_at, activity_id
        """,
    )
    evidence: list[Evidence] = []
    for ask in asks:
        match = _ASK.search(ask["text"] or "")
        if not match:
            continue
        replies = records(
            con,
            """
            SELECT text, link FROM activity
            WHERE thread_key = ? AND sent_at > ? AND NOT coalesce(author_is_external, FALSE) AND NOT coalesce(is_bot, FALSE)
            ORDER BY sent_at LIMIT 3
            """,
            [ask["thread_key"], ask["sent_at"]],
        )
        for reply in replies:
            answer = _answer(reply["text"] or "")
            if answer:
                workaround = _WORKAROUND.search(reply["text"])
                evidence.append(Evidence(
                    customer=ask["customer"], day=ask["activity_date"], capability=_clean(match.group("capability")),
                    answer=answer, text=f"{ask['text']} / {reply['text']}", link=ask["link"],
                    workaround=reply["text"] if workaround else None,
                ))
                break
    return evidence


def _notes(con: duckdb.DuckDBPyConnection) -> list[Evidence]:
    evidence: list[Evidence] = []
    if table_exists(con, "raw_notion_blocks") and table_exists(con, "opportunities"):
        for r in records(
            con,
            """
            SELECT b.text, b.partition_date AS day, o.customer, o.url
            FROM raw_notion_blocks b JOIN opportunities o USING (page_id)
            WHERE b.partition_date = (SELECT max(partition_date) FROM raw_notion_blocks x WHERE x.page_id = b.page_id)
              AND o.customer IS NOT NULL
            ORDER BY b.page_id, b.position
            """,
        ):
            match = _NOTE.match(r["text"] or "")
            if match:
                evidence.append(Evidence(r["customer"], r["day"], _clean(match.group("capability")), "noted", r["text"], r["url"]))
    if table_exists(con, "activity"):
        for r in records(
            con,
            "SELECT activity_date, customer, text, link FROM activity WHERE customer IS NOT NULL "
            "AND NOT coalesce(author_is_external, FALSE) AND regexp_matches(text, '(?i)^\\s*(product gap|gap|feature request|missing)\\s*[:\\-–]') ORDER BY sent_at",
        ):
            match = _NOTE.match(r["text"] or "")
            if match:
                evidence.append(Evidence(r["customer"], r["activity_date"], _clean(match.group("capability")), "noted", r["text"], r["link"]))
    return evidence


def find_gaps(con: duckdb.DuckDBPyConnection) -> list[Gap]:
    """Gaps from the warehouse, most customers first."""
    found = (_asked_and_answered(con) if table_exists(con, "activity") else []) + _notes(con)
    gaps: dict[str, Gap] = {}
    for item in found:
        key = capability_key(item.capability)
        if key:
            gaps.setdefault(key, Gap(key)).evidence.append(item)
    return sorted(gaps.values(), key=lambda g: (-len({name_key(e.customer) for e in g.evidence}), g.capability))


def severity(gap: Gap, customers: int, revenue: float) -> str:
    if any(_BLOCKER.search(e.text) for e in gap.evidence):
        return "blocker"
    if customers >= 3 or revenue >= 100_000:
        return "high"
    if customers >= 2 or not any(e.workaround for e in gap.evidence):
        return "medium"
    return "low"


def build_product_gaps(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild product_gaps (one row per gap and customer); returns the rows written."""
    ensure_tables(con)
    revenue = revenue_by_customer(opportunities(con))
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for gap in find_gaps(con):
        by_customer: dict[str, list[Evidence]] = {}
        for e in gap.evidence:
            by_customer.setdefault(e.customer, []).append(e)
        total = sum(revenue.get(name_key(c), 0.0) for c in by_customer)
        level = severity(gap, len(by_customer), total)
        for customer, items in sorted(by_customer.items()):
            answers = [e.answer for e in items if e.answer != "noted"] or ["noted"]
            workaround = next((e.workaround for e in items if e.workaround), None)
            rows.append((
                gap.gap_id, gap.capability, customer, level, answers[-1], workaround is not None, workaround,
                revenue.get(name_key(customer), 0.0), len(by_customer), total, len(items),
                min(e.day for e in items), max(e.day for e in items), [e.text for e in items],
                list(dict.fromkeys(e.link for e in items if e.link)), now,
            ))
    with transaction(con):
        con.execute("DELETE FROM product_gaps")
        if rows:
            con.executemany(f"INSERT INTO product_gaps VALUES ({', '.join('?' * 16)})", rows)
    return len(rows)
