"""The feedback stream as one list of items, from the warehouse.

An item is one thing the field heard: a rep's feedback row, a win/loss objection, an objection a
customer voiced on a call (stg_call_utterances, external speakers), or an objection reps discussed
in an internal `opp-` channel (activity). Tables that do not exist yet are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import duckdb

from se_pipeline.competitors import find_competitors
from se_pipeline.warehouse import records, table_exists

# Phrases that mark an objection or a concern (English). Deliberately narrow: a call is mostly
# not objections, and a false objection pollutes themes more than a missed one.
OBJECTION_CUES = re.compile(
    r"\b(too (?:expensive|costly|pricey|slow|complex|complicated)|pric(?:e|ing) (?:is|was|seems)|"
    r"(?:our|the) budget|concern(?:ed|s)?|worried|worry|push(?:ed|ing)? back|blocker|deal.?breaker|"
    r"(?:do|does|can) (?:you|it|your \w+) (?:support|handle|integrate)|(?:doesn't|don't|does not|do not) support|"
    r"lack(?:s|ing)?|missing|compared? (?:to|with)|versus|switch(?:ing)? from|already (?:use|have|pay)|"
    r"not sure|hesitant|security review|compliance|data residency|lock-?in|objection)\b",
    re.IGNORECASE,
)


def is_objection(text: str | None, competitors: tuple[str, ...] = (), aliases: tuple[tuple[str, str], ...] = ()) -> bool:
    """An objection cue, or one of `competitors` named, by name or another spelling (`aliases`): a
    comparison is an objection to handle."""
    return bool(text) and bool(OBJECTION_CUES.search(text or "") or find_competitors(text or "", competitors, aliases))


@dataclass
class Item:
    item_id: str
    origin: str  # feedback | win_loss | call | opp_channel
    day: dt.date
    text: str
    customer: str | None = None
    opportunity: str | None = None
    rep: str | None = None
    region: str | None = None
    segment: str | None = None
    competitors: list[str] = field(default_factory=list)  # named by this item (not its deal)
    note_id: str | None = None  # the win/loss note an objection came from
    link: str | None = None


def feedback_items(con: duckdb.DuckDBPyConnection, since: dt.date, until: dt.date) -> list[Item]:
    items = [
        Item(
            item_id=f"feedback:{r['feedback_id']}",
            origin="feedback",
            day=r["submitted_on"],
            text=r["text"],
            customer=r["customer"],
            opportunity=r["opportunity"],
            rep=r["rep"],
            region=r["region"],
            segment=r["segment"],
            competitors=[r["competitor"]] if r["competitor"] else [],
        )
        for r in records(
            con,
            "SELECT * FROM stg_feedback WHERE submitted_on BETWEEN ? AND ? ORDER BY submitted_on, feedback_id",
            [since, until],
        )
    ]
    return items


def win_loss_items(con: duckdb.DuckDBPyConnection, since: dt.date, until: dt.date) -> list[Item]:
    items: list[Item] = []
    for r in records(
        con,
        "SELECT * FROM stg_win_loss WHERE decided_on BETWEEN ? AND ? ORDER BY decided_on, note_id",
        [since, until],
    ):
        for index, objection in enumerate(r["objections"] or []):
            items.append(
                Item(
                    item_id=f"win_loss:{r['note_id']}:{index}",
                    origin="win_loss",
                    day=r["decided_on"],
                    text=objection,
                    customer=r["customer"],
                    opportunity=r["opportunity"],
                    region=r["region"],
                    segment=r["segment"],
                    note_id=r["note_id"],
                )
            )
    return items


def call_objection_items(
    con: duckdb.DuckDBPyConnection,
    since: dt.date,
    until: dt.date,
    competitors: tuple[str, ...] = (),
    aliases: tuple[tuple[str, str], ...] = (),
) -> list[Item]:
    """Objections customers voiced on calls: external speakers' utterances with an objection cue.

    Day, customer, SE and link come from the call's `activity` row (`call:<call_id>`) when there is
    one, else from stg_calls (the call's day, CRM account hint, host SE and Gong URL).
    """
    if not table_exists(con, "stg_call_utterances"):
        return []
    joins, day, customer, se, link = [], ["u.partition_date"], [], [], []
    if table_exists(con, "activity"):
        joins.append("LEFT JOIN activity a ON a.activity_id = 'call:' || u.call_id")
        day.insert(0, "a.activity_date")
        customer.append("a.customer")
        se.append("a.se_id")
        link.append("a.link")
    if table_exists(con, "stg_calls"):
        joins.append("LEFT JOIN stg_calls c ON c.call_id = u.call_id")
        customer.append("c.customer_name_hint")
        se.append("c.se_id")
        link.append("c.url")

    def first(values: list[str]) -> str:
        return f"coalesce({', '.join(values)})" if values else "NULL"

    rows = records(
        con,
        f"""
        SELECT 'call:' || u.call_id || ':' || u.position AS item_id, u.text, {first(day)} AS day,
               {first(customer)} AS customer, {first(se)} AS rep, {first(link)} AS link
        FROM stg_call_utterances u {' '.join(joins)}
        WHERE NOT coalesce(u.is_internal, FALSE) AND {first(day)} BETWEEN ? AND ?
        ORDER BY day, u.call_id, u.position
        """,
        [since, until],
    )
    return _objections(rows, "call", competitors, aliases)


def opp_channel_items(
    con: duckdb.DuckDBPyConnection,
    since: dt.date,
    until: dt.date,
    competitors: tuple[str, ...] = (),
    aliases: tuple[tuple[str, str], ...] = (),
) -> list[Item]:
    """Objections the team discussed in internal opp- channels."""
    if not table_exists(con, "activity"):
        return []
    rows = records(
        con,
        """
        SELECT 'opp:' || activity_id AS item_id, activity_date AS day, customer, se_id AS rep, text, link
        FROM activity
        WHERE channel_kind = 'opp' AND NOT coalesce(is_bot, FALSE)
          AND activity_date BETWEEN ? AND ?
        ORDER BY activity_date, activity_id
        """,
        [since, until],
    )
    return _objections(rows, "opp_channel", competitors, aliases)


def _objections(
    rows: list[dict], origin: str, competitors: tuple[str, ...], aliases: tuple[tuple[str, str], ...]
) -> list[Item]:
    """Items for the rows (item_id, day, text, customer, rep, link) that voice an objection."""
    return [Item(origin=origin, **r) for r in rows if is_objection(r["text"], competitors, aliases)]


def _fill_region_segment(items: list[Item]) -> None:
    """Items without region/segment take their customer's most common ones from the other items."""
    seen: dict[str, dict[str, dict[str, int]]] = {}
    for item in items:
        if item.customer:
            for attr in ("region", "segment"):
                value = getattr(item, attr)
                if value:
                    counts = seen.setdefault(item.customer.lower(), {}).setdefault(attr, {})
                    counts[value] = counts.get(value, 0) + 1
    for item in items:
        known = seen.get((item.customer or "").lower(), {})
        for attr in ("region", "segment"):
            if not getattr(item, attr) and known.get(attr):
                setattr(item, attr, max(sorted(known[attr]), key=known[attr].__getitem__))


def collect_items(
    con: duckdb.DuckDBPyConnection,
    since: dt.date,
    until: dt.date,
    competitors: tuple[str, ...] = (),
    aliases: tuple[tuple[str, str], ...] = (),
) -> dict[str, list[Item]]:
    """Every item from `since` to `until`, by origin (an origin with nothing is an empty list).
    `competitors`: names (or their other spellings, `aliases`) that make a call or channel message an
    objection (a comparison)."""
    by_origin = {
        "feedback": feedback_items(con, since, until) if table_exists(con, "stg_feedback") else [],
        "win_loss": win_loss_items(con, since, until) if table_exists(con, "stg_win_loss") else [],
        "call": call_objection_items(con, since, until, competitors, aliases),
        "opp_channel": opp_channel_items(con, since, until, competitors, aliases),
    }
    _fill_region_segment([item for items in by_origin.values() for item in items])
    return by_origin
