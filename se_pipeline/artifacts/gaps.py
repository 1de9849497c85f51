"""product_gaps: capabilities customers asked for that the product lacks.

Two kinds of evidence:
* a customer's question ("Do you support SAML SSO?", "Is there an EU region?", "Any plans for …?")
  in activity, answered later in the same thread by our side with no / not yet / on the roadmap
  (an answer mentioning a workaround marks one as available);
* a note: a Notion page block or one of our messages starting "Gap:", "Product gap:",
  "Feature request:" or "Missing:" (answer `noted`).
Two wordings are one gap when two thirds of the shorter one's content words (stemmed, filler
aside) are in the other ("SAML SSO with Okta" and "SSO via SAML for the admin console").

Type, per gap and customer, as presales teams track them:
    deal-breaker  the customer's words say blocker, must-have, required, hard requirement,
                  showstopper, or that they cannot proceed without it
    nice-to-have  the words say nice to have, would be nice, eventually, not urgent, low priority
    challenge     otherwise: it hurts the deal but has not been called decisive
Revenue at stake: the customer's active opportunities' amount, split evenly across that customer's
gaps (revenue_share), so a gap's weight (total_revenue_share) never counts one deal twice.
Severity (kept for older queries):
    blocker  a deal-breaker
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

from se_pipeline.artifacts.warehouse import opportunities, our_replies, revenue_by_customer
from se_pipeline.enablement import stem
from se_pipeline.names import name_key
from se_pipeline.warehouse import WHOLE_TABLE, ensure_tables, records, replace_slice, table_exists

ASK = re.compile(
    r"(?i)\b(?:(?:do|does|can|will|could)\s+(?:you|it|your\s+\w+|the\s+(?:product|platform|agent|tool))\s+"
    r"(?:support|have|handle|offer|provide|integrate with|work with|run on|export to|ingest)|"
    r"is there(?:\s+(?:a|an|any))?|are there(?:\s+any)?|any plans? (?:for|to support|to add))\s+"
    r"(?P<capability>[^?.!\n]{2,80})"
)
NO_ANSWER = re.compile(
    r"(?i)(?:^\s*no\b|\bnot yet\b|\bnot (?:currently|today|right now|at the moment|at this time)\b|\broadmap\b|"
    r"\b(?:don't|do not|doesn't|does not|can't|cannot|won't) (?:yet )?(?:support|have|offer|handle|provide)\b|"
    r"\bnot supported\b|\bunsupported\b|\bunfortunately\b)"
)
_WORKAROUND = re.compile(r"(?i)\b(workaround|work around|in the meantime|instead,? you can|you could use|alternatively)\b")
_NOTE = re.compile(r"(?i)^\s*(?:product gap|gap|feature request|missing)\s*[:\-–]\s*(?P<capability>.{3,120}?)\s*\.?\s*$")
_BLOCKER = re.compile(
    r"(?i)\b(blocker|blocking|deal.?breaker|must.?have|hard requirement|showstopper|non-negotiable|mandatory|"
    r"(?:is|are) required|a requirement|a must|can(?:no|')t (?:proceed|move forward|go live|sign|buy)|"
    r"without (?:it|this|that) (?:we|the|there)|stops? the (?:deal|opportunity|evaluation))\b"
)
_NICE = re.compile(
    r"(?i)\b(nice.to.have|would be (?:nice|great|handy)|eventually|some ?day|not urgent|low priority|bonus|"
    r"down the road|in the future|not a (?:blocker|priority))\b"
)
_FILLER = {"a", "an", "the", "any", "your", "for", "of", "to", "with", "native", "natively", "yet", "today", "now",
           "currently", "support", "supports", "out", "box", "plans", "plan", "via", "on", "in", "and", "or"}
SEVERITIES = ("blocker", "high", "medium", "low")
GAP_TYPES = ("deal-breaker", "challenge", "nice-to-have")
MERGE_SHARE = 2 / 3


@dataclass
class Evidence:
    customer: str
    day: dt.date
    capability: str
    answer: str  # no | not_yet | roadmap | noted
    text: str  # the ask and our answer, or the note
    link: str | None
    workaround: str | None = None
    said: str | None = None  # the customer's own words (asks only)


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
    return " ".join(sorted({stem(w) for w in words if w not in _FILLER}))


def same_capability(a: str, b: str) -> bool:
    """Two capability keys name one capability: most (two thirds) of the shorter one's words are in the other."""
    x, y = set(a.split()), set(b.split())
    return bool(x and y) and len(x & y) >= MERGE_SHARE * min(len(x), len(y))


def gap_type(evidence: list[Evidence]) -> str:
    """deal-breaker, challenge or nice-to-have, from the words of one customer's evidence."""
    if any(_BLOCKER.search(e.text) for e in evidence):
        return "deal-breaker"
    if any(_NICE.search(e.text) for e in evidence):
        return "nice-to-have"
    return "challenge"


def clean_capability(capability: str) -> str:
    capability = re.sub(r"(?i)\s+(?:yet|today|now|currently|natively|out of the box)\s*$", "", capability.strip(" ,;:"))
    return capability[:1].upper() + capability[1:]


def _answer(text: str) -> str | None:
    if not NO_ANSWER.search(text):
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
    replies = our_replies(con, first=3)
    for ask in asks:
        match = ASK.search(ask["text"] or "")
        if not match:
            continue
        for reply in replies.get(ask["activity_id"], []):
            answer = _answer(reply["text"] or "")
            if answer:
                workaround = _WORKAROUND.search(reply["text"])
                evidence.append(Evidence(
                    customer=ask["customer"], day=ask["activity_date"], capability=clean_capability(match.group("capability")),
                    answer=answer, text=f"{ask['text']} / {reply['text']}", link=ask["link"],
                    workaround=reply["text"] if workaround else None, said=ask["text"],
                ))
                break
    return evidence


def _notes(con: duckdb.DuckDBPyConnection) -> list[Evidence]:
    evidence: list[Evidence] = []
    if table_exists(con, "opportunity_content_latest"):
        for r in records(
            con,
            "SELECT text, partition_date AS day, customer, url FROM opportunity_content_latest WHERE customer IS NOT NULL "
            "ORDER BY page_id, position",
        ):
            match = _NOTE.match(r["text"] or "")
            if match:
                evidence.append(Evidence(r["customer"], r["day"], clean_capability(match.group("capability")), "noted", r["text"], r["url"]))
    if table_exists(con, "activity"):
        for r in records(
            con,
            "SELECT activity_date, customer, text, link FROM activity WHERE customer IS NOT NULL "
            "AND NOT coalesce(author_is_external, FALSE) AND regexp_matches(text, '(?i)^\\s*(product gap|gap|feature request|missing)\\s*[:\\-–]') ORDER BY sent_at",
        ):
            match = _NOTE.match(r["text"] or "")
            if match:
                evidence.append(Evidence(r["customer"], r["activity_date"], clean_capability(match.group("capability")), "noted", r["text"], r["link"]))
    return evidence


def find_gaps(con: duckdb.DuckDBPyConnection) -> list[Gap]:
    """Gaps from the warehouse (two wordings of one capability merged), most customers first."""
    found = (_asked_and_answered(con) if table_exists(con, "activity") else []) + _notes(con)
    gaps: list[Gap] = []
    for item in found:
        key = capability_key(item.capability)
        if not key:
            continue
        gap = next((g for g in gaps if same_capability(g.key, key)), None)
        if gap is None:
            gaps.append(Gap(key, [item]))
            continue
        gap.evidence.append(item)
        if len(key) < len(gap.key):
            gap.key = key  # the shortest wording keys the merged gap (its id stays when a longer one joins)
    return sorted(gaps, key=lambda g: (-len({name_key(e.customer) for e in g.evidence}), g.capability))


def severity(gap: Gap, customers: int, revenue: float) -> str:
    if any(gap_type([e]) == "deal-breaker" for e in gap.evidence):
        return "blocker"
    if customers >= 3 or revenue >= 100_000:
        return "high"
    if customers >= 2 or not any(e.workaround for e in gap.evidence):
        return "medium"
    return "low"


COLUMNS = (
    "gap_id", "capability", "customer", "severity", "gap_type", "answer", "workaround_available", "workaround",
    "revenue_at_stake", "revenue_share", "customers_affected", "total_revenue_at_stake", "total_revenue_share",
    "mentions", "first_seen", "last_seen", "evidence", "customer_words", "source_links", "computed_at",
)


def build_product_gaps(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild product_gaps (one row per gap and customer); returns the rows written."""
    ensure_tables(con)
    revenue = revenue_by_customer(opportunities(con))
    now = dt.datetime.now(dt.timezone.utc)
    gaps = find_gaps(con)
    per_customer: dict[str, list[tuple[Gap, list[Evidence]]]] = {}
    for gap in gaps:
        by_customer: dict[str, list[Evidence]] = {}
        for e in gap.evidence:
            by_customer.setdefault(e.customer, []).append(e)
        for customer, items in by_customer.items():
            per_customer.setdefault(name_key(customer), []).append((gap, items))
    share = {(gap.gap_id, name_key(items[0].customer)): revenue.get(key, 0.0) / len(found)
             for key, found in per_customer.items() for gap, items in found}
    rows = []
    for gap in gaps:
        by_customer = {}
        for e in gap.evidence:
            by_customer.setdefault(e.customer, []).append(e)
        total = sum(revenue.get(name_key(c), 0.0) for c in by_customer)
        total_share = sum(share[(gap.gap_id, name_key(c))] for c in by_customer)
        level = severity(gap, len(by_customer), total)
        for customer, items in sorted(by_customer.items()):
            answers = [e.answer for e in items if e.answer != "noted"] or ["noted"]
            workaround = next((e.workaround for e in items if e.workaround), None)
            rows.append(dict(zip(COLUMNS, (
                gap.gap_id, gap.capability, customer, level, gap_type(items), answers[-1], workaround is not None, workaround,
                revenue.get(name_key(customer), 0.0), share[(gap.gap_id, name_key(customer))], len(by_customer), total,
                total_share, len(items), min(e.day for e in items), max(e.day for e in items), [e.text for e in items],
                list(dict.fromkeys(e.said for e in items if e.said)), list(dict.fromkeys(e.link for e in items if e.link)), now,
            ), strict=True)))
    return replace_slice(con, "product_gaps", rows, WHOLE_TABLE)
