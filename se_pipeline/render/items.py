"""Choosing a day's digest items for one SE from the signals table.

As of day D (its end, in the configured time zone):
  Todo            owed signals raised up to D and not answered/done by then (open items persist,
                  with their age), within a lookback
  Things to know  signals raised on D that are not owed (and owed ones already settled on D)
  TLDR            the owed items' short forms, else the things to know'; at most 3, at most 10 words
  Not included    uncertain items raised on D; counts for customers whose opportunities are all closed
                  and who have no activity on D, and for customers of SEs who are not configured
Customers are ordered by urgency; nothing about one customer is placed under another.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import duckdb
from pydantic import BaseModel

from se_pipeline.config import Settings

TLDR_MAX, TODO_MAX, KNOW_MAX = 3, 7, 7
TLDR_WORDS = 10
OPEN_LOOKBACK_DAYS = 30
NOT_INCLUDED_MAX = 15

# How much each kind adds to a customer's urgency (owed items count most, and more as they age).
_KIND_WEIGHT = {
    "negative_tone": 4,
    "slow_response": 3,
    "trial_not_started": 3,
    "usage_drop": 3,
    "feature_adopted": 1,
    "legal_security_procurement": 2,
    "scheduling": 1,
    "new_customer": 1,
}


class DigestItem(BaseModel):
    se_id: str
    digest_date: dt.date
    customer: str | None
    customer_status: str | None
    customer_rank: int | None
    section: str  # tldr | todo | know | not_included
    position: int
    shown: bool
    text: str
    link: str | None
    signal_id: str | None = None
    kind: str | None = None
    age_days: int | None = None
    activity_ids: list[str] = []


def _short(text: str, words: int = TLDR_WORDS) -> str:
    parts = text.split()
    return " ".join(parts[:words]) if len(parts) > words else text


def _signals_as_of(con: duckdb.DuckDBPyConnection, se_ids: list[str], day: dt.date, settings: Settings) -> dict[str, list[dict]]:
    """se_id -> the signals its digest of `day` considers, in the order they were raised."""
    day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), settings.tz)
    rows = con.execute(
        """
        SELECT s.se_id, s.signal_id, s.customer, s.kind, s.owed, s.status, s.raised_at, s.activity_date,
               s.resolved_at, s.summary, coalesce(s.tldr, s.summary) AS tldr, s.activity_ids, s.link,
               s.relevance, s.thread_key, s.excerpt,
               a.author_name AS resolved_by_name,
               CASE
                   WHEN s.owed AND (s.resolved_at IS NULL OR s.resolved_at >= $day_end) THEN 'todo'
                   WHEN s.relevance = 'uncertain' THEN 'not_included'
                   ELSE 'know'
               END AS section
        FROM signals s
        LEFT JOIN activity a ON a.activity_id = s.resolved_by
        WHERE list_contains($se_ids, s.se_id)
          AND s.raised_at < $day_end
          AND (
              s.activity_date = $day
              OR (s.owed AND s.relevance = 'include' AND s.activity_date >= $since
                  AND (s.resolved_at IS NULL OR s.resolved_at >= $day_end))
          )
        ORDER BY s.se_id, s.raised_at, s.signal_id
        """,
        {"se_ids": se_ids, "day": day, "day_end": day_end, "since": day - dt.timedelta(days=OPEN_LOOKBACK_DAYS)},
    )
    columns = [c[0] for c in con.description]
    by_se: dict[str, list[dict]] = defaultdict(list)
    for row in rows.fetchall():
        by_se[row[0]].append(dict(zip(columns, row)))
    return by_se


def _unplaced_activity(con: duckdb.DuckDBPyConnection, se_ids: list[str], day: dt.date) -> dict[str, list[tuple]]:
    """se_id -> the SE's own email and DMs of the day with no customer and nothing notable: maybe personal, maybe not.

    Listed, not dropped, so the SE can look. (Channel chatter with no customer is surely unrelated.)
    """
    rows = con.execute(
        """
        SELECT se_id, activity_id, source, author_name, coalesce(subject, text) AS about, link
        FROM activity a
        WHERE list_contains(?, a.se_id) AND a.activity_date = ? AND a.customer IS NULL
          AND (a.source = 'gmail' OR a.channel_kind = 'dm') AND NOT coalesce(a.author_is_se, FALSE)
          AND NOT EXISTS (SELECT 1 FROM signals s WHERE list_contains(s.activity_ids, a.activity_id))
        ORDER BY a.se_id, a.sent_at, a.activity_id
        """,
        [se_ids, day],
    ).fetchall()
    by_se: dict[str, list[tuple]] = defaultdict(list)
    for se_id, *rest in rows:
        by_se[se_id].append(tuple(rest))
    return by_se


class CustomerStatus(NamedTuple):
    header: str  # 'New', or the stage of the customer's active opportunity (else of its last edited one)
    closed: bool  # every opportunity is in a terminal stage
    active_today: bool  # the customer has activity on the digest's day
    handed_over: bool  # closed, and since then a colleague (not its SE, not a bot) has written to the customer
    owner: str | None  # the sales engineer its opportunity names when that is not a configured SE: not ours


def _customer_status(con: duckdb.DuckDBPyConnection, day: dt.date) -> dict[str, CustomerStatus]:
    """customer -> its header and what decides whether its section is shown (see _left_out)."""
    rows = con.execute(
        """
        SELECT c.customer, c.is_new, c.has_active_opportunity, c.stage, c.is_ours, c.opportunity_se_name,
               EXISTS (SELECT 1 FROM activity a WHERE a.customer = c.customer AND a.activity_date = $day),
               EXISTS (SELECT 1 FROM activity a
                       WHERE a.customer = c.customer AND a.activity_date > c.closed_on AND a.activity_date <= $day
                         AND a.is_external_channel AND NOT coalesce(a.author_is_external, FALSE) AND NOT coalesce(a.is_bot, FALSE)
                         AND NOT coalesce(a.author_is_se, FALSE))
        FROM customers c
        """,
        {"day": day},
    ).fetchall()
    return {
        customer: CustomerStatus(
            "New" if is_new else stage or "Unknown stage",
            not is_new and not has_active,
            active_today,
            handed_over,
            None if is_ours else owner,
        )
        for customer, is_new, has_active, stage, is_ours, owner, active_today, handed_over in rows
    }


def _left_out(status: CustomerStatus | None) -> bool:
    """Another SE's customer is never shown. A closed one is shown on a day it has activity (a lost deal
    coming back is news; a won customer's routine usage is not), unless it has been handed over: a
    colleague (customer success, a partner) talks to it now."""
    if status is None:
        return False
    return status.owner is not None or (status.closed and (not status.active_today or status.handed_over))


def _age(raised_at: dt.datetime, day: dt.date, settings: Settings) -> int:
    return (day - raised_at.astimezone(settings.tz).date()).days


def _todo_text(signal: dict, age: int) -> str:
    text = signal["summary"]
    if signal.get("promise"):
        text += f" You replied: “{signal['promise']}”"
    if age >= 1:
        text += f" (open {age} day{'s' if age != 1 else ''})"
    return text


def _settled_text(signal: dict) -> str:
    """A question or ask raised and settled the same day: say so, and by whom."""
    if not signal["owed"] or signal["resolved_at"] is None:
        return signal["summary"]
    verb = "Answered" if signal["kind"] in ("customer_question", "technical_question") else "Done"
    who = f" by {signal['resolved_by_name']}" if signal.get("resolved_by_name") else ""
    return f"{signal['summary']} {verb}{who}."


def _fold_promises(todo: list[dict]) -> list[dict]:
    """The SE's "I'll send it" in the thread of an open ask is that ask's answer-to-come, not a second item."""
    asks = {}
    kept = []
    for signal in todo:
        ask = asks.get(signal["thread_key"]) if signal["thread_key"] else None
        if signal["kind"] == "commitment" and ask is not None:
            ask["promise"] = signal["excerpt"] or signal["summary"]
            ask["activity_ids"] = list(ask["activity_ids"] or []) + list(signal["activity_ids"] or [])
            continue
        if signal["kind"] != "commitment" and signal["thread_key"]:
            asks.setdefault(signal["thread_key"], signal)
        kept.append(signal)
    return kept


def _without_repeats(know: list[dict], cited: set[str]) -> list[dict]:
    """One fact per source message: a second signal from a message already cited adds nothing."""
    kept = []
    for signal in know:
        first = (signal["activity_ids"] or [None])[0]
        if first is not None and first in cited:
            continue
        cited.add(first)
        kept.append(signal)
    return kept


@dataclass(frozen=True)
class DayInputs:
    """What the digests of one day read from the warehouse, fetched once for all SEs (a query per day, not per SE)."""

    statuses: dict[str, CustomerStatus]
    signals: dict[str, list[dict]]  # se_id -> signals as of the day
    unplaced: dict[str, list[tuple]]  # se_id -> the day's uncustomered mail and DMs


def day_inputs(con: duckdb.DuckDBPyConnection, day: dt.date, settings: Settings, se_ids: list[str]) -> DayInputs:
    return DayInputs(_customer_status(con, day), _signals_as_of(con, se_ids, day, settings), _unplaced_activity(con, se_ids, day))


def build_digest_items(
    con: duckdb.DuckDBPyConnection,
    se_id: str,
    day: dt.date,
    settings: Settings,
    inputs: DayInputs | None = None,
) -> list[DigestItem]:
    """All items of `se_id`'s digest for `day`, ranked; `shown` marks what fits the section limits.

    `inputs`: the day's day_inputs() when building several SEs' digests; read here when not given.
    """
    inputs = inputs or day_inputs(con, day, settings, [se_id])
    statuses = inputs.statuses
    by_customer: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    not_included: list[tuple[str, dict]] = []
    left_out_counts: dict[str, int] = defaultdict(int)

    for signal in inputs.signals.get(se_id, []):
        customer = signal["customer"]
        if customer is None or signal["section"] == "not_included":
            not_included.append((signal["summary"], signal))
        elif _left_out(statuses.get(customer)):
            left_out_counts[customer] += 1
        else:
            by_customer[customer][signal["section"]].append(signal)

    def urgency(customer: str) -> tuple:
        sections = by_customer[customer]
        owed = sum(3 + min(_age(s["raised_at"], day, settings), 10) for s in sections["todo"])
        risk = sum(_KIND_WEIGHT.get(s["kind"], 0) for s in sections["know"] + sections["todo"])
        return (-(owed + risk), customer)

    items: list[DigestItem] = []
    for rank, customer in enumerate(sorted(by_customer, key=urgency), start=1):
        status = statuses.get(customer, ("New", False))[0]
        sections = by_customer[customer]

        def add(section: str, position: int, shown: bool, text: str, signal: dict, age: int | None = None) -> None:
            items.append(
                DigestItem(
                    se_id=se_id, digest_date=day, customer=customer, customer_status=status,
                    customer_rank=rank, section=section, position=position, shown=shown, text=text,
                    link=signal["link"], signal_id=signal["signal_id"], kind=signal["kind"],
                    age_days=age, activity_ids=list(signal["activity_ids"] or []),
                )
            )

        # Oldest open items first: they have waited longest.
        todo = _fold_promises(sorted(sections["todo"], key=lambda s: (s["raised_at"], s["signal_id"])))
        know = sorted(sections["know"], key=lambda s: (-_KIND_WEIGHT.get(s["kind"], 0), s["raised_at"], s["signal_id"]))
        know = _without_repeats(know, {(s["activity_ids"] or [None])[0] for s in todo})
        for i, signal in enumerate(todo):
            age = _age(signal["raised_at"], day, settings)
            add("todo", i, i < TODO_MAX, _todo_text(signal, age), signal, age)
        for i, signal in enumerate(know):
            add("know", i, i < KNOW_MAX, _settled_text(signal), signal)
        for i, signal in enumerate((todo or know)[:TLDR_MAX]):
            add("tldr", i, True, _short(signal["tldr"]), signal)

    position = 0
    for summary, signal in not_included:
        items.append(
            DigestItem(
                se_id=se_id, digest_date=day, customer=None, customer_status=None, customer_rank=None,
                section="not_included", position=position, shown=position < NOT_INCLUDED_MAX,
                text=f"{summary}" + (f" ({signal['customer']})" if signal["customer"] else ""),
                link=signal["link"], signal_id=signal["signal_id"], kind=signal["kind"],
                activity_ids=list(signal["activity_ids"] or []),
            )
        )
        position += 1
    for activity_id, source, author, about, link in inputs.unplaced.get(se_id, []):
        where = "Email" if source == "gmail" else "Message"
        about = " ".join((about or "").split())
        items.append(
            DigestItem(
                se_id=se_id, digest_date=day, customer=None, customer_status=None, customer_rank=None,
                section="not_included", position=position, shown=position < NOT_INCLUDED_MAX,
                text=f"{where} from {author}: {_short(about, 12)}", link=link, activity_ids=[activity_id],
            )
        )
        position += 1
    for customer, count in sorted(left_out_counts.items()):
        status = statuses[customer]
        why = (f"its opportunity belongs to {status.owner}" if status.owner
               else "its opportunities are closed and a colleague has taken it over" if status.handed_over and status.active_today
               else "its opportunities are closed")
        items.append(
            DigestItem(
                se_id=se_id, digest_date=day, customer=None, customer_status=None, customer_rank=None,
                section="not_included", position=position, shown=position < NOT_INCLUDED_MAX,
                text=f"{customer} ({status.header}): {count} item{'s' if count != 1 else ''} left out, {why}",
                link=None,
            )
        )
        position += 1
    return items
