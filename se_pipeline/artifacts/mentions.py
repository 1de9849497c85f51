"""competitor_mentions and battlecards: what the field hears about each competitor.

Competitor names come from data (competitors.known_competitors). Evidence: activity text and
subjects (every source), the latest page content of each opportunity (opportunity_content_latest), a
competition property on the opportunity, and, for the battlecards, win/loss notes and rep feedback
that name one. Activity is tied to its customer's active opportunities (each of them), else to
the customer's closed ones (so a lost deal's mentions say "lost"), else to the customer alone.

competitor_mentions: one row per competitor, customer, opportunity and month (counts and links).
battlecards: one row per competitor: the sentences that name it (quotes with date, customer,
opportunity, stage and link; each marked `pricing` when it states a price, discount or cost,
`objection` when it voices a concern, else `mention`), where it was heard (opportunities, stages,
won / lost / open), and the newest battlecard in the content inventory that names it. That card
is *stale* when it is older than `stale_after_days`, or when the field mentioned the competitor
after the card's last update (the card cannot say what was heard since).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import duckdb

from se_pipeline.analysis import text as analysis_text
from se_pipeline.competitors import alias_names, competition_values, find_competitors, known_competitors
from se_pipeline.artifacts.warehouse import (
    InventoryAsset,
    Opportunity,
    battlecards,
    opportunities,
    outcome,
)
from se_pipeline.enablement import OBJECTION_CUES
from se_pipeline.names import name_key
from se_pipeline.warehouse import WHOLE_TABLE, ensure_tables, records, replace_slice, table_exists, transaction

PRICING = re.compile(
    r"(?i)(?:[$€£]\s?\d|\d\s?%|\b(?:price[sd]?|pricing|cheaper|discount\w*|quoted?|quote|per (?:host|gb|seat|user|node|month)|"
    r"costs?|licen[cs]\w*|free tier|undercut\w*|tco|budget)\b)"
)


@dataclass(frozen=True)
class Mention:
    competitor: str
    customer: str
    opportunity: Opportunity | None
    day: dt.date
    source: str
    link: str | None
    text: str | None = None  # the sentence that names the competitor (none for a property)


def quote_kind(text: str | None) -> str:
    """pricing, objection or mention: what a sentence naming a competitor says."""
    if text and PRICING.search(text):
        return "pricing"
    if text and OBJECTION_CUES.search(text):
        return "objection"
    return "mention"


def _sentence(text: str, competitor: str, aliases: tuple[tuple[str, str], ...] = ()) -> str:
    found = [s for s in analysis_text.sentences(text) if find_competitors(s, (competitor,), aliases)]
    return (found[0] if found else text).strip()


def _opportunity_mentions(
    opps: list[Opportunity], names: tuple[str, ...], as_of: dt.date, aliases: tuple[tuple[str, str], ...]
) -> list[Mention]:
    """From a competition property: dated `as_of`, the day the property was read as current."""
    canonical = {n.lower(): n for n in names} | alias_names(names, aliases)
    return [
        Mention(canonical.get(name.lower(), name), opp.customer, opp, as_of, "notion_property", opp.url)
        for opp in opps if opp.customer
        for name in competition_values(opp.properties)
    ]


def _block_mentions(
    con: duckdb.DuckDBPyConnection, by_page: dict[str, Opportunity], names: tuple[str, ...], aliases: tuple[tuple[str, str], ...]
) -> list[Mention]:
    if not table_exists(con, "opportunity_content_latest"):
        return []
    mentions = []
    for r in records(con, "SELECT page_id, partition_date, text FROM opportunity_content_latest ORDER BY page_id, position"):
        opp = by_page.get(r["page_id"])
        if opp and opp.customer:
            for competitor in find_competitors(r["text"], names, aliases):
                mentions.append(Mention(competitor, opp.customer, opp, r["partition_date"], "notion", opp.url, r["text"]))
    return mentions


def _by_customer(opps: list[Opportunity]) -> dict[str, list[Opportunity]]:
    found: dict[str, list[Opportunity]] = {}
    for opp in opps:
        found.setdefault(name_key(opp.customer), []).append(opp)
    return found


def _linked(opps: list[Opportunity]) -> list[Opportunity | None]:
    return [o for o in opps if o.is_active] or list(opps) or [None]


def _activity_mentions(
    con: duckdb.DuckDBPyConnection, opps: list[Opportunity], names: tuple[str, ...], aliases: tuple[tuple[str, str], ...]
) -> list[Mention]:
    if not table_exists(con, "activity") or not names:
        return []
    by_customer = _by_customer(opps)
    mentions = []
    for r in records(
        con,
        "SELECT activity_date, customer, source, subject, text, link FROM activity "
        "WHERE customer IS NOT NULL AND NOT coalesce(is_bot, FALSE) ORDER BY sent_at, activity_id",
    ):
        text = " ".join(filter(None, [r["subject"], r["text"]]))
        for competitor in find_competitors(text, names, aliases):
            quote = _sentence(r["text"] or r["subject"] or "", competitor, aliases)
            for opp in _linked(by_customer.get(name_key(r["customer"]), [])):
                mentions.append(Mention(competitor, r["customer"], opp, r["activity_date"], r["source"], r["link"], quote))
    return mentions


def _field_notes(
    con: duckdb.DuckDBPyConnection, opps: list[Opportunity], names: tuple[str, ...], aliases: tuple[tuple[str, str], ...]
) -> list[Mention]:
    """Win/loss notes and rep feedback that name a competitor (battlecards only: they are not activity)."""
    by_customer = _by_customer(opps)
    found: list[Mention] = []
    if table_exists(con, "stg_win_loss"):
        for r in records(con, "SELECT * FROM stg_win_loss ORDER BY decided_on, note_id"):
            text = " ".join(filter(None, [r["summary"], *(r["objections"] or [])]))
            named = find_competitors(" ".join(r["competitors"] or []), names, aliases) + find_competitors(text, names, aliases)
            for competitor in dict.fromkeys(named):
                opp = next((o for o in by_customer.get(name_key(r["customer"]), []) if r["opportunity"] in (o.page_id, o.name)), None)
                lines = [s for s in [r["summary"], *(r["objections"] or [])] if s]
                quote = next((s for s in lines if find_competitors(s, (competitor,), aliases)), lines[0] if lines else None)
                found.append(Mention(competitor, r["customer"], opp, r["decided_on"], f"win_loss:{r['outcome']}", None, quote))
    if table_exists(con, "stg_feedback"):
        for r in records(con, "SELECT * FROM stg_feedback ORDER BY submitted_on, feedback_id"):
            named = find_competitors(" ".join(filter(None, [r["competitor"], r["text"]])), names, aliases)
            for competitor in named:
                quote = _sentence(r["text"], competitor, aliases)
                found.append(Mention(competitor, r["customer"] or "", None, r["submitted_on"], "feedback", None, quote))
    return found


def battlecard_for(
    competitor: str, cards: list[InventoryAsset], aliases: tuple[tuple[str, str], ...] = ()
) -> InventoryAsset | None:
    """The newest battlecard naming `competitor`, by name or another spelling (cards come newest first)."""
    for card in cards:
        if find_competitors(" ".join((card.asset, *card.tags)), (competitor,), aliases):
            return card
    return None


def freshness(card: InventoryAsset | None, as_of: dt.date, last_heard: dt.date, stale_after_days: int) -> tuple[str, str | None]:
    """(fresh | stale | missing, why it is stale)."""
    if card is None:
        return "missing", None
    if card.last_updated is None:
        return "stale", "no update date in the content inventory"
    age = (as_of - card.last_updated).days
    if age > stale_after_days:
        return "stale", f"{age} days old (limit {stale_after_days})"
    if last_heard > card.last_updated:
        return "stale", f"mentioned on {last_heard}, after its last update on {card.last_updated}"
    return "fresh", None


MENTION_COLUMNS = (
    "competitor", "customer", "page_id", "opportunity", "month", "mentions", "first_seen", "last_seen", "sources",
    "source_links", "battlecard", "battlecard_updated", "battlecard_age_days", "battlecard_freshness", "computed_at",
    "battlecard_stale_reason",
)
BATTLECARD_COLUMNS = (
    "competitor", "mentions", "customers", "opportunities", "won", "lost", "open", "first_seen", "last_seen", "quotes",
    "pricing_claims", "objections", "battlecard", "battlecard_updated", "battlecard_age_days", "battlecard_freshness",
    "stale_reason", "mentions_since_update", "computed_at",
)


def _mention_rows(
    mentions: list[Mention], cards: list[InventoryAsset], as_of: dt.date, stale_after_days: int, now, aliases: tuple[tuple[str, str], ...]
) -> list[dict]:
    groups: dict[tuple, list[Mention]] = {}
    for m in mentions:
        month = m.day.replace(day=1)
        groups.setdefault((m.competitor, m.customer, m.opportunity.page_id if m.opportunity else None, month), []).append(m)
    rows = []
    for (competitor, customer, page_id, month), items in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "", kv[0][3])):
        card = battlecard_for(competitor, cards, aliases)
        age = (as_of - card.last_updated).days if card and card.last_updated else None
        last = max(m.day for m in items)
        state, why = freshness(card, as_of, last, stale_after_days)
        opp = items[0].opportunity
        rows.append(dict(zip(MENTION_COLUMNS, (
            competitor, customer, page_id, opp.name if opp else None, month, len(items), min(m.day for m in items), last,
            sorted({m.source for m in items}), list(dict.fromkeys(m.link for m in items if m.link)),
            card.asset if card else None, card.last_updated if card else None, age, state, now, why,
        ), strict=True)))
    return rows


def _battlecard_rows(
    mentions: list[Mention], cards: list[InventoryAsset], as_of: dt.date, stale_after_days: int, now, aliases: tuple[tuple[str, str], ...]
) -> list[dict]:
    by_competitor: dict[str, list[Mention]] = {}
    for m in mentions:
        by_competitor.setdefault(m.competitor, []).append(m)
    rows = []
    for competitor, items in sorted(by_competitor.items()):
        deals = {m.opportunity.page_id: m.opportunity for m in items if m.opportunity}
        outcomes = [outcome(o) for o in deals.values()]
        seen_quotes: set[tuple] = set()
        quotes = []
        for m in sorted(items, key=lambda m: (m.day, m.customer), reverse=True):
            if not m.text or (m.text, m.customer) in seen_quotes:
                continue
            seen_quotes.add((m.text, m.customer))
            opp = m.opportunity
            quotes.append({
                "day": m.day.isoformat(), "customer": m.customer, "opportunity": opp.name if opp else None,
                "stage": opp.stage if opp else None, "outcome": outcome(opp) if opp else m.source.partition(":")[2] or None,
                "source": m.source.partition(":")[0], "kind": quote_kind(m.text), "text": m.text, "link": m.link,
            })
        card = battlecard_for(competitor, cards, aliases)
        heard = [m.day for m in items if m.source != "notion_property"] or [m.day for m in items]
        state, why = freshness(card, as_of, max(heard), stale_after_days)
        since = sum(1 for d in heard if card and card.last_updated and d > card.last_updated)
        rows.append(dict(zip(BATTLECARD_COLUMNS, (
            competitor, len(items), sorted({m.customer for m in items if m.customer}),
            json.dumps([{"page_id": o.page_id, "name": o.name, "customer": o.customer, "stage": o.stage, "outcome": outcome(o)}
                        for o in sorted(deals.values(), key=lambda o: o.page_id)]),
            outcomes.count("won"), outcomes.count("lost"), outcomes.count("open"), min(m.day for m in items), max(m.day for m in items),
            json.dumps(quotes), [q["text"] for q in quotes if q["kind"] == "pricing"], [q["text"] for q in quotes if q["kind"] == "objection"],
            card.asset if card else None, card.last_updated if card else None,
            (as_of - card.last_updated).days if card and card.last_updated else None, state, why, since, now,
        ), strict=True)))
    return rows


def build_competitor_mentions(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, configured: tuple[str, ...] = (), stale_after_days: int = 90,
    aliases: tuple[tuple[str, str], ...] = (),
) -> int:
    """Rebuild competitor_mentions and battlecards; returns the competitor_mentions rows written.
    `aliases`: (spelling, competitor's name) pairs; a mention by a spelling counts under the name."""
    ensure_tables(con)
    names = known_competitors(con, configured, aliases)
    opps = opportunities(con)
    mentions = (
        _activity_mentions(con, opps, names, aliases)
        + _block_mentions(con, {o.page_id: o for o in opps}, names, aliases)
        + _opportunity_mentions([o for o in opps if o.is_active], names, as_of, aliases)
    )
    cards = battlecards(con)
    now = dt.datetime.now(dt.timezone.utc)
    rows = _mention_rows(mentions, cards, as_of, stale_after_days, now, aliases)
    field = _battlecard_rows(mentions + _field_notes(con, opps, names, aliases), cards, as_of, stale_after_days, now, aliases)
    with transaction(con):
        replace_slice(con, "competitor_mentions", rows, WHOLE_TABLE)
        replace_slice(con, "battlecards", field, WHOLE_TABLE)
    return len(rows)
