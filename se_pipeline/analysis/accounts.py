"""Signals about a customer as a whole, computed per day of the window from the core tables.

  trial_not_started   a trial is in play (an active opportunity whose stage or name says POC / trial /
                      pilot / evaluation, or a trial mentioned in the customer's activity two or more days
                      ago) and usage shows nothing up to that day (no rows, or all zero). Raised each day.
  new_customer        a customer with activity and no opportunity: raised on their first activity day.
  usage_drop          a metric's last 7 days sum to half or less of the 7 days before; raised on the day
                      it first crosses (not every day after).
  feature_adopted     a feature metric (named feature:<name> or feature_<name>) is used for the first time
                      by a customer whose usage was already being recorded; raised on that day.
  opportunity_change  two snapshots of an opportunity (raw_notion_opportunities) differ in stage or
                      close date; raised on the later snapshot's day.
  slow_response       we asked the customer something (a question from our side, in an external channel)
                      and they have not written back in `slow_response_days`; raised on the day it crosses.
Tables that do not exist yet (no usage loaded, no snapshots) just raise nothing.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pandas as pd

from se_pipeline.analysis import text
from se_pipeline.analysis.context import RuleContext
from se_pipeline.analysis.signal import Signal, truthy
from se_pipeline.analysis.summaries import short_customer
from se_pipeline.warehouse.schema import table_exists
from se_pipeline.window import Window

_TRIAL = re.compile(r"\b(trial|poc|pilot|proof of concept|evaluation)\b", re.I)
TRIAL_MENTION_GRACE_DAYS = 2
USAGE_DROP_RATIO = 0.5


def _day_start(day: dt.date, window: Window) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), window.tz)


def _customer_owners(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    if not table_exists(con, "customers"):
        return {}
    return dict(con.execute("SELECT customer, se_id FROM customers").fetchall())


def _account_signal(kind: str, customer: str, se_id: str | None, day: dt.date, window: Window,
                    tldr: str, summary: str, evidence: str, *, key: str = "", link: str | None = None,
                    activity_ids: list[str] | None = None) -> Signal:
    return Signal(
        kind=kind, se_id=se_id, customer=customer, raised_at=_day_start(day, window), activity_date=day,
        activity_ids=activity_ids or [], link=link, summary=summary, tldr=tldr, evidence=evidence,
        relevance="include" if se_id else "uncertain", key=key or f"{customer}|{day.isoformat()}",
    )


def _opportunity_pages(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """customer -> the Notion page of its opportunity (active first): the citation for account-level facts."""
    if not table_exists(con, "opportunities"):
        return {}
    rows = con.execute(
        "SELECT customer, arg_max(url, (is_active, page_id)) FROM opportunities "
        "WHERE customer IS NOT NULL AND url IS NOT NULL GROUP BY customer"
    ).fetchall()
    return dict(rows)


def _first_activity_se(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """customer -> (first activity date, its id, its link, its se_id), over all activity."""
    rows = con.execute(
        """
        SELECT customer, arg_min(activity_date, (sent_at, activity_id)), arg_min(activity_id, (sent_at, activity_id)),
               arg_min(link, (sent_at, activity_id)), arg_min(se_id, (se_id IS NULL, sent_at, activity_id))
        FROM activity WHERE customer IS NOT NULL GROUP BY customer
        """
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def trial_not_started(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not table_exists(con, "activity"):
        return []
    owners = _customer_owners(con)
    pages = _opportunity_pages(con)
    trial_opps: dict[str, str | None] = {}
    if table_exists(con, "opportunities"):
        for customer, name, stage, se_id in con.execute(
            "SELECT customer, name, stage, se_id FROM opportunities WHERE is_active ORDER BY page_id"
        ).fetchall():
            if customer and _TRIAL.search(f"{stage or ''} {name or ''}"):
                trial_opps.setdefault(customer, se_id)
    mentions = {
        customer: (day, activity_id, link)
        for customer, day, activity_id, link in con.execute(
            """
            SELECT customer, min(activity_date), arg_min(activity_id, (sent_at, activity_id)), arg_min(link, (sent_at, activity_id))
            FROM activity
            WHERE customer IS NOT NULL AND regexp_matches(lower(coalesce(text, '')), '\\b(trial|poc|pilot|proof of concept)\\b')
            GROUP BY customer
            """
        ).fetchall()
    }
    closed = set()
    if table_exists(con, "customers"):
        closed = {c for (c,) in con.execute(
            "SELECT customer FROM customers WHERE has_opportunity AND NOT coalesce(has_active_opportunity, TRUE)"
        ).fetchall()}
    first_usage: dict[str, dt.date] = {}
    if table_exists(con, "usage"):
        first_usage = dict(con.execute(
            "SELECT customer, min(usage_date) FROM usage WHERE value > 0 GROUP BY customer"
        ).fetchall())
    out = []
    for day in window.days:
        for customer in sorted(set(trial_opps) | set(mentions)):
            in_play = customer in trial_opps or (mentions[customer][0] + dt.timedelta(days=TRIAL_MENTION_GRACE_DAYS) <= day)
            if not in_play or customer in closed:
                continue
            started = first_usage.get(customer)
            if started is not None and started <= day:
                continue
            se_id = trial_opps.get(customer) or owners.get(customer)
            # Cite the opportunity page; a trial known only from a message cites that message.
            cited = {"link": pages[customer]} if customer in pages else (
                {"link": mentions[customer][2], "activity_ids": [mentions[customer][1]]} if customer in mentions else {}
            )
            out.append(_account_signal(
                "trial_not_started", customer, se_id, day, window,
                f"{customer} trial hasn't started: no usage yet",
                f"{customer}'s trial hasn't started: usage shows no activity up to {day:%b %-d}.",
                "rule:trial_without_usage", **cited,
            ))
    return out


def new_customers(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not (table_exists(con, "activity") and table_exists(con, "customers")):
        return []
    new = {c for (c,) in con.execute("SELECT customer FROM customers WHERE is_new").fetchall()}
    out = []
    for customer, (day, activity_id, link, se_id) in sorted(_first_activity_se(con).items()):
        if customer in new and window.first_day <= day <= window.last_day:
            out.append(_account_signal(
                "new_customer", customer, se_id, day, window,
                f"New: {customer} has no opportunity yet",
                f"New customer: {customer} appeared in activity on {day:%b %-d} with no opportunity in the database.",
                "rule:activity_without_opportunity", link=link, activity_ids=[activity_id],
            ))
    return out


def usage_drops(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not table_exists(con, "usage"):
        return []
    owners = _customer_owners(con)
    pages = _opportunity_pages(con)
    frame = con.execute(
        "SELECT customer, metric, usage_date, sum(value) AS value FROM usage "
        "WHERE customer IS NOT NULL AND usage_date BETWEEN ? AND ? GROUP BY ALL",
        [window.first_day - dt.timedelta(days=14), window.last_day],
    ).df()
    # (customer, day) -> [(metric, before, recent)]: one signal per customer and day, naming every metric.
    drops: dict[tuple[str, dt.date], list[tuple[str, float, float]]] = {}
    for (customer, metric), group in frame.groupby(["customer", "metric"], sort=True):
        values = {pd.Timestamp(d).date(): v for d, v in zip(group["usage_date"], group["value"])}

        def weeks(day: dt.date) -> tuple[float, float]:
            recent = sum(values.get(day - dt.timedelta(days=i), 0.0) for i in range(7))
            before = sum(values.get(day - dt.timedelta(days=i), 0.0) for i in range(7, 14))
            return recent, before

        def dropped(day: dt.date) -> bool:
            recent, before = weeks(day)
            # Only judge days that have data: a day not loaded yet is not a day of zero usage.
            return day in values and before > 0 and recent <= USAGE_DROP_RATIO * before

        for day in window.days:
            if dropped(day) and not dropped(day - dt.timedelta(days=1)):
                recent, before = weeks(day)
                drops.setdefault((customer, day), []).append((metric, before, recent))
    out = []
    for (customer, day), metrics in sorted(drops.items()):
        # The metric that fell most leads the short form.
        metric, before, recent = max(metrics, key=lambda m: 1 - m[2] / m[1])
        pct = round(100 * (1 - recent / before))
        detail = ", ".join(f"{m} {b:,.0f} → {r:,.0f}" for m, b, r in metrics)
        out.append(_account_signal(
            "usage_drop", customer, owners.get(customer), day, window,
            f"{customer} {metric} down {pct}% week over week",
            f"{customer}'s usage fell week over week, {metric} by {pct}% (7 days to {day:%b %-d}: {detail}).",
            "rule:usage_week_over_week", key=f"{customer}|{day.isoformat()}", link=pages.get(customer),
        ))
    return out


_FEATURE_METRIC = re.compile(r"^feature[:_](.+)$", re.I)


def feature_adoptions(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not table_exists(con, "usage"):
        return []
    owners = _customer_owners(con)
    pages = _opportunity_pages(con)
    rows = con.execute(
        """
        WITH firsts AS (
            SELECT customer, metric, min(usage_date) FILTER (WHERE value > 0) AS first_use
            FROM usage WHERE customer IS NOT NULL AND regexp_matches(metric, '^(?i)feature[:_]')
            GROUP BY ALL
        ),
        since AS (SELECT customer, min(usage_date) AS tracked_from FROM usage GROUP BY ALL)
        SELECT f.customer, f.metric, f.first_use
        FROM firsts f JOIN since s USING (customer)
        -- Used on the very first day we have data for is where the data starts, not an adoption.
        WHERE f.first_use BETWEEN ? AND ? AND f.first_use > s.tracked_from
        ORDER BY ALL
        """,
        [window.first_day, window.last_day],
    ).fetchall()
    out = []
    for customer, metric, day in rows:
        feature = _FEATURE_METRIC.match(metric).group(1).replace("_", " ")
        out.append(_account_signal(
            "feature_adopted", customer, owners.get(customer), day, window,
            f"{customer} started using {feature}",
            f"{customer} started using {feature} on {day:%b %-d} (first use in the usage data).",
            f"rule:first_feature_use:{metric}", key=f"{customer}|{metric}", link=pages.get(customer),
        ))
    return out


def opportunity_changes(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not table_exists(con, "raw_notion_opportunities"):
        return []
    join_current = table_exists(con, "opportunities")
    rows = con.execute(
        f"""
        WITH snaps AS (
            SELECT page_id, partition_date, name, stage, close_date, url, customer AS raw_customer,
                   lag(stage) OVER w AS prev_stage, lag(close_date) OVER w AS prev_close,
                   lag(partition_date) OVER w AS prev_day
            FROM raw_notion_opportunities
            WINDOW w AS (PARTITION BY page_id ORDER BY partition_date)
        )
        SELECT s.page_id, s.partition_date, s.name, s.stage, s.prev_stage, s.close_date, s.prev_close, s.url,
               {"o.customer, o.se_id" if join_current else "NULL, NULL"}, s.raw_customer
        FROM snaps s
        {"LEFT JOIN opportunities o USING (page_id)" if join_current else ""}
        WHERE s.prev_day IS NOT NULL AND s.partition_date BETWEEN ? AND ?
          AND (s.stage IS DISTINCT FROM s.prev_stage OR s.close_date IS DISTINCT FROM s.prev_close)
        ORDER BY s.partition_date, s.page_id
        """,
        [window.first_day, window.last_day],
    ).fetchall()
    out = []
    for page_id, day, name, stage, prev_stage, close, prev_close, url, customer, se_id, raw_customer in rows:
        customer = customer or (raw_customer or "").strip() or (name or "").split(" - ")[0].strip()
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


def slow_responses(activity: pd.DataFrame, window: Window, days: int, ctx: RuleContext) -> list[Signal]:
    """We asked the customer something and they have not written back for `days`: a fact on every day
    of the window the silence lasts, citing our unanswered asks. `activity`: every row from `days`
    before the window on (all sources)."""
    if activity.empty:
        return []
    rows = activity.sort_values(["sent_at", "activity_id"]).to_dict("records")
    inbound: dict[str, list[dt.datetime]] = {}
    for row in rows:
        if row.get("customer") is not None and truthy(row.get("author_is_external")) and not truthy(row.get("is_bot")):
            inbound.setdefault(row["customer"], []).append(row["sent_at"])
    spells: dict[tuple, list[dict]] = {}  # (customer, their next message) -> our asks before it
    for row in rows:
        ours = not truthy(row.get("author_is_external")) and not truthy(row.get("is_bot"))
        if not (ours and truthy(row.get("is_external_channel")) and row.get("customer") is not None):
            continue
        if not _asks_the_customer(row.get("text"), ctx):
            continue
        next_in = next((t for t in inbound.get(row["customer"], []) if t > row["sent_at"]), None)
        spells.setdefault((row["customer"], next_in), []).append(row)
    out = []
    for (customer, next_in), asks in spells.items():
        crossed = asks[0]["sent_at"] + dt.timedelta(days=days)
        for day in window.days:
            day_end = _day_start(day + dt.timedelta(days=1), window)
            if crossed >= day_end or (next_in is not None and next_in < day_end):
                continue
            asked = [r for r in asks if r["sent_at"] < day_end]
            out.append(_silence(customer, asked, day, day_end, window))
    return out


def _asks_the_customer(body: str | None, ctx: RuleContext) -> bool:
    """Some question in `body` is for the customer, not for a colleague named in it."""
    for sentence in text.sentences(body):
        if text.is_question(sentence) and not any(ctx.people.is_colleague(k) for k in ctx.people.addressed(sentence)):
            return True
    return False


def _silence(customer: str, asked: list[dict], day: dt.date, day_end: dt.datetime, window: Window) -> Signal:
    first = asked[0]
    since = window.local_date(first["sent_at"])
    quiet = (day_end - first["sent_at"]).days
    later = sorted({window.local_date(r["sent_at"]) for r in asked[1:]} - {since})
    bumped = f", followed up {', '.join(f'{d:%b %-d}' for d in later)}" if later else ""
    what = "question" if len(asked) == 1 else "questions"
    return Signal(
        kind="slow_response", se_id=first.get("se_id"), customer=customer, raised_at=min(day_end - dt.timedelta(seconds=1), max(r["sent_at"] for r in asked)),
        activity_date=day, activity_ids=[r["activity_id"] for r in asked], link=first.get("link"),
        tldr=f"No reply from {short_customer(customer)} in {quiet} days",
        summary=f"No reply from {customer} for {quiet} days: our {what} of {since:%b %-d} still unanswered{bumped}.",
        evidence=f"rule:no_customer_reply:{quiet}d", relevance="include" if first.get("se_id") else "uncertain",
        excerpt=first.get("text"), thread_key=first.get("thread_key"), channel=first.get("channel"),
        key=f"{customer}|{day.isoformat()}",
    )
