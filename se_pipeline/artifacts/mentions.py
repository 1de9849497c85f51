"""competitor_mentions: competitors named per customer, opportunity and month.

Evidence: activity text and subjects (every source), the latest page content of each opportunity
(raw_notion_blocks), and a Competitor(s)/Competition property on the opportunity. Activity is tied
to its customer's active opportunities (each of them), else to the customer alone. Each row
carries the newest battlecard in the content inventory that names the competitor, and whether it
is older than `stale_after_days`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from se_pipeline.artifacts.competitors import competitor_names, find_competitors
from se_pipeline.artifacts.warehouse import (
    InventoryAsset,
    Opportunity,
    battlecards,
    name_key,
    opportunities,
)
from se_pipeline.enablement.items import records
from se_pipeline.warehouse.connection import transaction
from se_pipeline.warehouse.schema import ensure_tables, table_exists

_COMPETITOR_PROPERTY = re.compile(r"(?i)^competit(?:or|ors|ion)$")


@dataclass(frozen=True)
class Mention:
    competitor: str
    customer: str
    opportunity: Opportunity | None
    day: dt.date
    source: str
    link: str | None


def _opportunity_mentions(opps: list[Opportunity], names: tuple[str, ...], as_of: dt.date) -> list[Mention]:
    """From a Competitor(s) property: dated `as_of`, the day the property was read as current."""
    mentions = []
    for opp in opps:
        for key, value in opp.properties.items():
            if _COMPETITOR_PROPERTY.match(key) and opp.customer:
                values = value if isinstance(value, list) else [value]
                for text in values:
                    # A configured property may hold names we do not know: keep them as written.
                    for competitor in find_competitors(str(text), names) or ([str(text).strip()] if str(text).strip() else []):
                        mentions.append(Mention(competitor, opp.customer, opp, as_of, "notion_property", opp.url))
    return mentions


def _block_mentions(con: duckdb.DuckDBPyConnection, by_page: dict[str, Opportunity], names: tuple[str, ...]) -> list[Mention]:
    if not table_exists(con, "raw_notion_blocks"):
        return []
    mentions = []
    for r in records(
        con,
        """
        SELECT page_id, partition_date, text FROM raw_notion_blocks b
        WHERE partition_date = (SELECT max(partition_date) FROM raw_notion_blocks x WHERE x.page_id = b.page_id)
        ORDER BY page_id, position
        """,
    ):
        opp = by_page.get(r["page_id"])
        if opp and opp.customer:
            for competitor in find_competitors(r["text"], names):
                mentions.append(Mention(competitor, opp.customer, opp, r["partition_date"], "notion", opp.url))
    return mentions


def _activity_mentions(con: duckdb.DuckDBPyConnection, opps: list[Opportunity], names: tuple[str, ...]) -> list[Mention]:
    if not table_exists(con, "activity"):
        return []
    by_customer: dict[str, list[Opportunity]] = {}
    for opp in opps:
        by_customer.setdefault(name_key(opp.customer), []).append(opp)
    mentions = []
    for r in records(
        con,
        "SELECT activity_date, customer, source, subject, text, link FROM activity "
        "WHERE customer IS NOT NULL AND NOT coalesce(is_bot, FALSE) ORDER BY sent_at, activity_id",
    ):
        found = find_competitors(" ".join(filter(None, [r["subject"], r["text"]])), names)
        if not found:
            continue
        candidates = by_customer.get(name_key(r["customer"]), [])
        linked = [o for o in candidates if o.is_active] or [None]
        for competitor in found:
            for opp in linked:
                mentions.append(Mention(competitor, r["customer"], opp, r["activity_date"], r["source"], r["link"]))
    return mentions


def battlecard_for(competitor: str, cards: list[InventoryAsset]) -> InventoryAsset | None:
    """The newest battlecard naming `competitor` (cards come newest first)."""
    for card in cards:
        if find_competitors(" ".join((card.asset, *card.tags)), (competitor,)):
            return card
    return None


def build_competitor_mentions(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, configured: tuple[str, ...] = (), stale_after_days: int = 90
) -> int:
    """Rebuild competitor_mentions; returns the rows written."""
    ensure_tables(con)
    names = competitor_names(configured)
    opps = opportunities(con)
    mentions = (
        _activity_mentions(con, opps, names)
        + _block_mentions(con, {o.page_id: o for o in opps}, names)
        + _opportunity_mentions([o for o in opps if o.is_active], names, as_of)
    )
    groups: dict[tuple, list[Mention]] = {}
    for m in mentions:
        month = m.day.replace(day=1)
        groups.setdefault((m.competitor, m.customer, m.opportunity.page_id if m.opportunity else None, month), []).append(m)
    cards = battlecards(con)
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for (competitor, customer, page_id, month), items in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "", kv[0][3])):
        card = battlecard_for(competitor, cards)
        age = (as_of - card.last_updated).days if card and card.last_updated else None
        freshness = "missing" if card is None else "stale" if age is None or age > stale_after_days else "fresh"
        opp = items[0].opportunity
        rows.append((
            competitor, customer, page_id, opp.name if opp else None, month, len(items),
            min(m.day for m in items), max(m.day for m in items), sorted({m.source for m in items}),
            list(dict.fromkeys(m.link for m in items if m.link)),
            card.asset if card else None, card.last_updated if card else None, age, freshness, now,
        ))
    with transaction(con):
        con.execute("DELETE FROM competitor_mentions")
        if rows:
            con.executemany(f"INSERT INTO competitor_mentions VALUES ({', '.join('?' * 15)})", rows)
    return len(rows)
