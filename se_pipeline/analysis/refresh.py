"""refresh_signals: the window's signals from activity, then open items re-checked against all activity."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from se_pipeline.analysis import accounts, chases, resolution, usage_facts
from se_pipeline.analysis.addressing import People
from se_pipeline.analysis.messages import RuleContext, SalesEngineerRef, message_signals
from se_pipeline.analysis.signal import Signal, truthy
from se_pipeline.competitors import competitor_pattern, configured_competitors, known_competitors
from se_pipeline.analysis.tools import mail_facts, merge_repeats
from se_pipeline.config import AnalysisSettings, Settings
from se_pipeline.paths import DDL_SQL_DIR
from se_pipeline.warehouse import Between, replace_slice
from se_pipeline.warehouse.connection import transaction
from se_pipeline.warehouse.schema import table_exists
from se_pipeline.window import Window

SIGNAL_COLUMNS = [
    "signal_id", "se_id", "customer", "kind", "owed", "status", "raised_at", "activity_date", "resolved_at",
    "resolved_by", "summary", "tldr", "activity_ids", "link", "relevance", "evidence", "excerpt", "thread_key",
    "asker_id", "asker_name", "resolve_rule", "due_date",
]
_RESOLVE_KEYS = ["signal_id", "kind", "owed", "customer", "raised_at", "activity_ids", "thread_key", "asker_id",
                 "asker_name", "resolve_rule", "excerpt", "summary"]


@dataclass
class SignalsReport:
    window: str
    raised: Counter = field(default_factory=Counter)  # kind -> signals raised in the window
    uncertain: int = 0
    rechecked: int = 0  # open-able signals in the lookback whose resolution was recomputed
    still_open: int = 0  # owed and open among them
    llm_rewritten: int = 0
    llm_dropped: int = 0  # model bullets dropped: uncited or citing an unknown source

    def as_metadata(self) -> dict[str, int]:
        meta = {f"signals_{kind}": n for kind, n in sorted(self.raised.items())}
        meta.update(signals_total=sum(self.raised.values()), signals_uncertain=self.uncertain,
                    signals_rechecked=self.rechecked, signals_open_owed=self.still_open,
                    llm_rewritten=self.llm_rewritten, llm_dropped=self.llm_dropped)
        return meta


def ensure_signals_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((DDL_SQL_DIR / "signals.sql").read_text(encoding="utf-8"))


def refresh_signals(con: duckdb.DuckDBPyConnection, window: Window, settings: Settings) -> SignalsReport:
    """Replace the signals raised in `window` and re-check open items raised within the lookback.

    Deterministic and idempotent: the same warehouse gives the same table, however often it runs.
    """
    options = settings.analysis
    ensure_signals_table(con)
    report = SignalsReport(window=str(window))
    lookback_start = window.last_day - dt.timedelta(days=options.lookback_days)
    # From the lookback before the window's *first* day: each day then sees the same history whatever
    # the window (a backfill in one run or day by day gives the same signals).
    recent = _activity(con, since=window.first_day - dt.timedelta(days=max(options.lookback_days, options.slow_response_days)))
    ctx = _context(con, settings, options, since=lookback_start, activity=recent)

    found = _extract(recent, window, ctx, con, options)
    if options.llm is not None:
        from se_pipeline.analysis.llm import (
            refine_signals,  # only imported when switched on
        )

        outcome = refine_signals(found, recent, options.llm)
        report.llm_rewritten, report.llm_dropped = outcome.rewritten, outcome.dropped
    report.raised = Counter(s.kind for s in found)
    report.uncertain = sum(1 for s in found if s.relevance == "uncertain")

    with transaction(con):
        replace_slice(con, "signals", _frame(found), {"activity_date": Between(window.first_day, window.last_day)})
        report.rechecked, report.still_open = _recheck(con, lookback_start, recent, ctx)
    return report


def _activity(con: duckdb.DuckDBPyConnection, since: dt.date) -> pd.DataFrame:
    if not table_exists(con, "activity"):
        return pd.DataFrame(columns=["activity_id", "activity_date", "sent_at", "thread_key", "source", "customer"])
    frame = con.execute("SELECT * FROM activity WHERE activity_date >= ? ORDER BY sent_at, activity_id", [since]).df()
    frame["activity_date"] = pd.to_datetime(frame["activity_date"]).dt.date
    frame["sent_at"] = [ts.to_pydatetime() for ts in frame["sent_at"]]
    return frame.astype(object).where(frame.notna(), None)


def _context(con: duckdb.DuckDBPyConnection, settings: Settings, options: AnalysisSettings, since: dt.date,
             activity: pd.DataFrame) -> RuleContext:
    ses = [SalesEngineerRef(se.id, se.name, se.email, se.slack_user_id) for se in settings.sales_engineers]
    # The rivals the team named: settings, the opportunity database's competition property, feedback.
    competitors = competitor_pattern(known_competitors(con, configured_competitors(settings)))
    files: dict[str, list[str]] = {}
    recipients: dict[str, list[str]] = {}
    # Shared files and email recipients live only in the raw tables.
    if table_exists(con, "raw_slack_messages"):
        for key, names in con.execute(
            "SELECT 'slack:' || message_key, files FROM raw_slack_messages WHERE partition_date >= ? AND len(files) > 0",
            [since],
        ).fetchall():
            files[key] = list(names)
    if table_exists(con, "raw_gmail_messages"):
        for key, names, to in con.execute(
            "SELECT 'gmail:' || message_id, attachments, to_emails FROM raw_gmail_messages WHERE partition_date >= ?",
            [since],
        ).fetchall():
            if names:
                files[key] = list(names)
            recipients[key] = list(to or [])
    return RuleContext(ses, competitors, files, recipients, mail=mail_facts(con, since), tz=settings.tz)


def _days_between(activity: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    return activity.loc[activity["activity_date"].map(lambda d: first <= d <= last).astype(bool)]


def _people(con: duckdb.DuckDBPyConnection, ctx: RuleContext, activity: pd.DataFrame) -> People:
    names, colleagues = _people_names(con, activity)
    return People.of([(se.id, se.name) for se in ctx.sales_engineers], names, colleagues)


def _people_names(con: duckdb.DuckDBPyConnection, activity: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(everyone a sentence may name, those on our side): Slack's users and the people who wrote the activity."""
    names: dict[str, bool] = {}  # name -> on our side
    if table_exists(con, "raw_slack_users"):
        for name, external in con.execute(
            "SELECT coalesce(real_name, display_name, name), coalesce(is_external, FALSE) FROM raw_slack_users "
            "WHERE NOT coalesce(is_bot, FALSE)"
        ).fetchall():
            if name:
                names[name] = not external
    if not activity.empty:
        for name, bot, external in zip(activity["author_name"], activity["is_bot"], activity["author_is_external"], strict=True):
            if name and not truthy(bot) and "@" not in name:
                names.setdefault(name, not truthy(external))
    return sorted(names), sorted(n for n, ours in names.items() if ours)


def _extract(recent: pd.DataFrame, window: Window, ctx: RuleContext, con: duckdb.DuckDBPyConnection,
             options: AnalysisSettings) -> list[Signal]:
    found: list[Signal] = []
    active = set(recent["activity_date"])
    for day in window.days:
        if day not in active:  # no message to read that day (a long backfill is mostly such days)
            continue
        # The people a sentence may name: those seen in the lookback up to that day, so a day's
        # signals do not depend on which later days were loaded with it.
        seen = _days_between(recent, day - dt.timedelta(days=options.lookback_days), day)
        day_ctx = dataclasses.replace(ctx, people=_people(con, ctx, seen))
        on_day = _days_between(seen, day, day)
        for row in on_day.to_dict("records"):
            found.extend(message_signals(row, day_ctx))
        found.extend(chases.chase_signals(on_day, seen, day_ctx))
    found = merge_repeats(found)
    ctx = dataclasses.replace(ctx, people=_people(con, ctx, recent))
    found.extend(accounts.slow_responses(recent, window, options.slow_response_days, ctx))
    found.extend(usage_facts.trial_not_started(con, window))
    found.extend(accounts.new_customers(con, window))
    found.extend(usage_facts.usage_drops(con, window))
    found.extend(usage_facts.usage_growth(con, window))
    found.extend(usage_facts.feature_adoptions(con, window))
    found.extend(accounts.opportunity_changes(con, window))
    return found


def _frame(found: list[Signal]) -> pd.DataFrame:
    """The signals as rows of the signals table (one per signal_id)."""
    records = []
    for signal in found:
        record: dict[str, Any] = dataclasses.asdict(signal)
        record["signal_id"] = signal.signal_id
        records.append({c: record.get(c) for c in SIGNAL_COLUMNS})
    return pd.DataFrame(records, columns=SIGNAL_COLUMNS).drop_duplicates("signal_id", keep="first")


def _recheck(con: duckdb.DuckDBPyConnection, since: dt.date, recent: pd.DataFrame, ctx: RuleContext) -> tuple[int, int]:
    """Recompute status / resolved_at / resolved_by of every open-able signal raised since `since`."""
    rows = con.execute(
        f"SELECT {', '.join(_RESOLVE_KEYS)} FROM signals WHERE activity_date >= ? AND resolve_rule IS NOT NULL "
        "ORDER BY signal_id",
        [since],
    ).fetchall()
    if not rows:
        return 0, 0
    index = resolution.ActivityIndex(recent, ctx.files)
    signals = [dict(zip(_RESOLVE_KEYS, values, strict=True)) for values in rows]
    # Asks raised by one message: a reply must be about the one it settles.
    asks_per_message = Counter(s["activity_ids"][0] for s in signals if s["owed"] and s["activity_ids"])
    updates = []
    for signal in signals:
        shared = asks_per_message[signal["activity_ids"][0]] > 1 if signal["activity_ids"] else False
        status, resolved_at, resolved_by = resolution.resolve(signal, index, shared_origin=shared)
        updates.append({"signal_id": signal["signal_id"], "status": status,
                        "resolved_at": resolved_at, "resolved_by": resolved_by})
    frame = pd.DataFrame(updates)
    frame["resolved_at"] = pd.to_datetime(frame["resolved_at"], utc=True)
    con.register("_resolutions", frame)
    try:
        con.execute(
            """
            UPDATE signals SET status = r.status, resolved_at = r.resolved_at, resolved_by = r.resolved_by
            FROM _resolutions r WHERE signals.signal_id = r.signal_id
            """
        )
    finally:
        con.unregister("_resolutions")
    still_open = sum(1 for u in updates if u["status"] == "open")
    return len(updates), still_open
