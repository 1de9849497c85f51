"""Health of the loaded data, beyond what keys enforce: how much of a source's latest day went to
quarantine, whether each source's data reaches the day being loaded, and whether external activity
found its customer. Each returns a Health for an asset check (se_pipeline_assets/checks.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from dataclasses import dataclass, field

import duckdb

from se_pipeline.warehouse.schema import table_exists

# A source's main day-partitioned table: its newest day says how fresh the source is.
SOURCE_TABLES = {
    "slack": "raw_slack_messages",
    "gmail": "raw_gmail_messages",
    "notion": "raw_notion_opportunities",
    "usage": "raw_usage",
    "calls": "raw_calls",
}
QUARANTINE_SHARE = 0.05  # of a day's records; more usually means the source's format changed
FRESH_DAYS = 3  # a weekend and a holiday without messages is normal
UNRESOLVED_SHARE = 0.2  # of external activity with no customer: the customer list or aliases miss someone


@dataclass
class Health:
    passed: bool
    metadata: dict[str, Any] = field(default_factory=dict)  # plain values, shown as the check's metadata


def _skipped(why: str) -> Health:
    return Health(True, {"skipped": why})


def quarantine_share(con: duckdb.DuckDBPyConnection, source: str, day: dt.date | None) -> Health:
    """Records of `source` quarantined on `day` (default: its latest) stay under QUARANTINE_SHARE of those read."""
    table = SOURCE_TABLES[source]
    if not table_exists(con, table):
        return _skipped(f"{table} does not exist yet")
    if day is None:
        day = con.execute(
            f"SELECT max(d) FROM (SELECT max(partition_date) AS d FROM {table} "
            "UNION ALL SELECT max(partition_date) FROM quarantine WHERE source = ?)", [source]
        ).fetchall()[0][0]
    if day is None:
        return _skipped(f"no {source} records yet")
    loaded = con.execute(f"SELECT count(*) FROM {table} WHERE partition_date = ?", [day]).fetchall()[0][0]
    reasons = con.execute(
        "SELECT split_part(reason, ':', 1) AS why, count(*) FROM quarantine WHERE source = ? AND partition_date = ? "
        "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3", [source, day]
    ).fetchall()
    quarantined = sum(n for _, n in reasons)
    share = quarantined / (quarantined + loaded) if quarantined + loaded else 0.0
    return Health(share <= QUARANTINE_SHARE, {
        "day": day.isoformat(), "loaded": loaded, "quarantined": quarantined, "share": round(share, 4),
        "limit": QUARANTINE_SHARE, "top_reasons": ", ".join(f"{why} ({n})" for why, n in reasons) or "none",
    })


def freshness(con: duckdb.DuckDBPyConnection, source: str, day: dt.date | None) -> Health:
    """The newest day of `source`'s data is at most FRESH_DAYS before `day`, the last day loaded."""
    table = SOURCE_TABLES[source]
    if day is None:
        return _skipped("the run names no day")
    if not table_exists(con, table):
        return _skipped(f"{table} does not exist yet")
    newest = con.execute(f"SELECT max(partition_date) FROM {table} WHERE partition_date <= ?", [day]).fetchall()[0][0]
    behind = (day - newest).days if newest else None
    return Health(behind is not None and behind <= FRESH_DAYS, {
        "loaded_through": day.isoformat(), "newest_data": newest.isoformat() if newest else "none",
        "days_behind": behind if behind is not None else -1, "limit_days": FRESH_DAYS,
    })


def unresolved_external_activity(con: duckdb.DuckDBPyConnection, first: dt.date | None, last: dt.date | None) -> Health:
    """Of the people outside the company writing in [first, last], at most UNRESOLVED_SHARE have no customer."""
    if not table_exists(con, "activity"):
        return _skipped("activity does not exist yet")
    where = "author_is_external AND NOT coalesce(is_bot, FALSE)"
    params: list = []
    if first and last:
        where += " AND activity_date BETWEEN ? AND ?"
        params = [first, last]
    total, missing = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE customer IS NULL) FROM activity WHERE {where}", params
    ).fetchall()[0]
    examples = con.execute(
        f"SELECT DISTINCT coalesce(author_email, author_name, channel) FROM activity WHERE {where} AND customer IS NULL "
        "ORDER BY 1 LIMIT 5", params
    ).fetchall()
    share = missing / total if total else 0.0
    return Health(share <= UNRESOLVED_SHARE, {
        "external_rows": total, "without_customer": missing, "share": round(share, 4), "limit": UNRESOLVED_SHARE,
        "examples": ", ".join(str(e[0]) for e in examples) or "none",
    })
