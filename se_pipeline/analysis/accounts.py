"""Signals about a customer as a whole, computed per day of the window from the core tables
(usage facts are in usage_facts.py).

  new_customer        a customer with activity and no opportunity: raised on their first activity day.
  opportunity_change  two snapshots of an opportunity (stg_opportunities) differ in stage or
                      close date; raised on the later snapshot's day.
  slow_response       we asked the customer something (a question from our side, in an external channel)
                      and they have not written back in `slow_response_days`; raised on the day it crosses.
Tables that do not exist yet (no usage loaded, no snapshots) just raise nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb

from se_pipeline.analysis import text
from se_pipeline.analysis.context import RuleContext
from se_pipeline.analysis.signal import Signal
from se_pipeline.analysis.summaries import short_customer
from se_pipeline.analysis.rows import ActivityRow
from se_pipeline.warehouse import table_exists
from se_pipeline.window import Window


def _day_start(day: dt.date, window: Window) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), window.tz)


def _account_signal(kind: str, customer: str, se_id: str | None, day: dt.date, window: Window,
                    tldr: str, summary: str, evidence: str, *, key: str = "", link: str | None = None,
                    activity_ids: list[str] | None = None) -> Signal:
    return Signal(
        kind=kind, se_id=se_id, customer=customer, raised_at=_day_start(day, window), activity_date=day,
        activity_ids=activity_ids or [], link=link, summary=summary, tldr=tldr, evidence=evidence,
        relevance="include" if se_id else "uncertain", key=key or f"{customer}|{day.isoformat()}",
    )


def new_customers(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not table_exists(con, "new_customers"):
        return []
    rows = con.execute(
        "SELECT customer, first_day, activity_id, link, se_id FROM new_customers WHERE first_day BETWEEN ? AND ? ORDER BY customer",
        [window.first_day, window.last_day],
    ).fetchall()
    return [
        _account_signal(
            "new_customer", customer, se_id, day, window,
            f"New: {customer} has no opportunity yet",
            f"New customer: {customer} appeared in activity on {day:%b %-d} with no opportunity in the database.",
            "rule:activity_without_opportunity", link=link, activity_ids=[activity_id],
        )
        for customer, day, activity_id, link, se_id in rows
    ]


def opportunity_changes(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not table_exists(con, "opportunity_changes"):
        return []
    rows = con.execute(
        "SELECT page_id, partition_date, name, stage, prev_stage, close_date, prev_close, url, customer, se_id "
        "FROM opportunity_changes WHERE partition_date BETWEEN ? AND ? ORDER BY partition_date, page_id",
        [window.first_day, window.last_day],
    ).fetchall()
    out = []
    for page_id, day, name, stage, prev_stage, close, prev_close, url, customer, se_id in rows:
        changes = []
        if stage != prev_stage:
            changes.append(f"stage {prev_stage} → {stage}")
        if close != prev_close:
            changes.append(f"close date {prev_close:%b %-d} → {close:%b %-d}" if close and prev_close else f"close date now {close}")
        what = "; ".join(changes)
        out.append(_account_signal(
            "opportunity_change", customer, se_id, day, window,
            f"{name}: {what}", f"Opportunity {name} changed: {what}.",
            "rule:opportunity_snapshot_diff", key=f"{page_id}|{day.isoformat()}", link=url,
        ))
    return out


def slow_responses(rows: Iterable[ActivityRow], window: Window, days: int, ctx: RuleContext) -> list[Signal]:
    """We asked the customer something and they have not written back for `days`: a fact on every day
    of the window the silence lasts, citing our unanswered asks. `rows`: activity from `days` before the
    window on (all sources), in (sent_at, activity_id) order; read twice, so a list or a re-readable
    stream (rows without a customer, and bots', may be left out)."""
    inbound: dict[str, list[dt.datetime]] = {}
    for row in rows:
        if row.customer is not None and row.author_is_external and not row.is_bot:
            inbound.setdefault(row.customer, []).append(row.sent_at)
    spells: dict[tuple, list[ActivityRow]] = {}  # (customer, their next message) -> our asks before it
    for row in rows:
        ours = not row.author_is_external and not row.is_bot
        if not (ours and row.is_external_channel and row.customer is not None):
            continue
        if not _asks_the_customer(row.text, ctx):
            continue
        next_in = next((t for t in inbound.get(row.customer, []) if t > row.sent_at), None)
        spells.setdefault((row.customer, next_in), []).append(row)
    out = []
    for (customer, next_in), asks in spells.items():
        crossed = asks[0].sent_at + dt.timedelta(days=days)
        for day in window.days:
            day_end = _day_start(day + dt.timedelta(days=1), window)
            if crossed >= day_end or (next_in is not None and next_in < day_end):
                continue
            asked = [r for r in asks if r.sent_at < day_end]
            out.append(_silence(customer, asked, day, day_end, window))
    return out


def _asks_the_customer(body: str | None, ctx: RuleContext) -> bool:
    """Some question in `body` is for the customer, not for a colleague named in it."""
    for sentence in text.sentences(body):
        if text.is_question(sentence) and not any(ctx.people.is_colleague(k) for k in ctx.people.addressed(sentence)):
            return True
    return False


def _silence(customer: str, asked: list[ActivityRow], day: dt.date, day_end: dt.datetime, window: Window) -> Signal:
    first = asked[0]
    since = window.local_date(first.sent_at)
    quiet = (day_end - first.sent_at).days
    later = sorted({window.local_date(r.sent_at) for r in asked[1:]} - {since})
    bumped = f", followed up {', '.join(f'{d:%b %-d}' for d in later)}" if later else ""
    what = "question" if len(asked) == 1 else "questions"
    return Signal(
        kind="slow_response", se_id=first.se_id, customer=customer, raised_at=min(day_end - dt.timedelta(seconds=1), max(r.sent_at for r in asked)),
        activity_date=day, activity_ids=[r.activity_id for r in asked], link=first.link,
        tldr=f"No reply from {short_customer(customer)} in {quiet} days",
        summary=f"No reply from {customer} for {quiet} days: our {what} of {since:%b %-d} still unanswered{bumped}.",
        evidence=f"rule:no_customer_reply:{quiet}d", relevance="include" if first.se_id else "uncertain",
        excerpt=first.text, thread_key=first.thread_key, channel=first.channel,
        key=f"{customer}|{day.isoformat()}",
    )
