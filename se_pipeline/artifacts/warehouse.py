"""What the artefacts read from the warehouse besides activity: opportunities and the content inventory."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import duckdb

from se_pipeline.names import name_key
from se_pipeline.warehouse import records, table_exists


@dataclass(frozen=True)
class Opportunity:
    page_id: str
    name: str | None
    customer: str | None
    stage: str | None
    is_active: bool
    se_id: str | None
    amount: float
    url: str | None
    properties: dict


def opportunities(con: duckdb.DuckDBPyConnection) -> list[Opportunity]:
    if not table_exists(con, "opportunities"):
        return []
    wanted = ("page_id", "name", "customer", "stage", "is_active", "se_id", "amount", "url", "properties")
    have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'opportunities'").fetchall()}
    select = ", ".join(c if c in have else f"NULL AS {c}" for c in wanted)
    result = []
    for r in records(con, f"SELECT {select} FROM opportunities ORDER BY page_id"):
        properties = r["properties"]
        if isinstance(properties, str):
            try:
                properties = json.loads(properties)
            except ValueError:
                properties = {}
        result.append(Opportunity(
            r["page_id"], r["name"], r["customer"], r["stage"], bool(r["is_active"]), r["se_id"],
            float(r["amount"] or 0), r["url"], properties if isinstance(properties, dict) else {},
        ))
    return result


_WON = re.compile(r"(?i)\b(?:won|win)\b")
_LOST = re.compile(r"(?i)\blost\b")


def outcome(opp: Opportunity) -> str:
    """open (active), won, lost, or closed (another terminal stage, such as Transferred)."""
    if opp.is_active:
        return "open"
    return "won" if _WON.search(opp.stage or "") else "lost" if _LOST.search(opp.stage or "") else "closed"


def revenue_by_customer(opps: list[Opportunity]) -> dict[str, float]:
    """name_key(customer) -> the amount of its active opportunities."""
    totals: dict[str, float] = {}
    for opp in opps:
        if opp.is_active:
            totals[name_key(opp.customer)] = totals.get(name_key(opp.customer), 0.0) + opp.amount
    return totals


@dataclass(frozen=True)
class InventoryAsset:
    asset: str
    asset_type: str | None
    last_updated: dt.date | None
    tags: tuple[str, ...]


def battlecards(con: duckdb.DuckDBPyConnection) -> list[InventoryAsset]:
    if not table_exists(con, "stg_content_inventory"):
        return []
    return [
        InventoryAsset(r["asset"], r["asset_type"], r["last_updated"], tuple(r["tags"] or ()))
        for r in records(
            con,
            "SELECT asset, asset_type, last_updated, tags FROM stg_content_inventory "
            "WHERE asset_type = 'battlecard' OR lower(asset) LIKE '%battlecard%' ORDER BY last_updated DESC NULLS LAST, asset",
        )
    ]


def our_replies(con: duckdb.DuckDBPyConnection, first: int) -> dict[str, list[dict]]:
    """The first `first` replies from our side (text, link) to each message a customer's side wrote, by its activity_id."""
    found: dict[str, list[dict]] = {}
    if table_exists(con, "thread_replies"):
        for r in records(
            con, "SELECT asked_id, text, link FROM thread_replies WHERE reply_number <= ? ORDER BY asked_id, reply_number", [first]
        ):
            found.setdefault(r.pop("asked_id"), []).append(r)
    return found
