"""refresh_signals: the window's signals from activity, then open items re-checked against all activity."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from se_pipeline.analysis import accounts, resolution, usage_facts
from se_pipeline.analysis.messages import RuleContext, SalesEngineerRef, message_signals
from se_pipeline.analysis.signal import Signal
from se_pipeline.analysis.text import DEFAULT_COMPETITORS, competitor_pattern
from se_pipeline.config import AnalysisSettings, Settings
from se_pipeline.paths import DDL_SQL_DIR
from se_pipeline.warehouse.connection import transaction
from se_pipeline.warehouse.schema import table_exists
from se_pipeline.window import Window

SIGNAL_COLUMNS = [
    "signal_id", "se_id", "customer", "kind", "owed", "status", "raised_at", "activity_date", "resolved_at",
    "resolved_by", "summary", "tldr", "activity_ids", "link", "relevance", "evidence", "excerpt", "thread_key",
    "asker_id", "asker_name", "resolve_rule", "due_date",
]
_RESOLVE_KEYS = ["signal_id", "kind", "owed", "customer", "raised_at", "activity_ids", "thread_key", "asker_id",
                 "asker_name", "resolve_rule", "excerpt"]


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
    recent = _activity(con, since=min(lookback_start, window.first_day - dt.timedelta(days=options.slow_response_days)))
    ctx = _context(con, settings, options, since=lookback_start)

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
        con.execute("DELETE FROM signals WHERE activity_date BETWEEN ? AND ?", [window.first_day, window.last_day])
        _insert(con, found)
        report.rechecked, report.still_open = _recheck(con, lookback_start, recent, ctx)
    return report


def _activity(con: duckdb.DuckDBPyConnection, since: dt.date) -> pd.DataFrame:
    if not table_exists(con, "activity"):
        return pd.DataFrame(columns=["activity_id", "activity_date", "sent_at", "thread_key", "source", "customer"])
    frame = con.execute("SELECT * FROM activity WHERE activity_date >= ? ORDER BY sent_at, activity_id", [since]).df()
    frame["activity_date"] = pd.to_datetime(frame["activity_date"]).dt.date
    frame["sent_at"] = [ts.to_pydatetime() for ts in frame["sent_at"]]
    return frame.astype(object).where(frame.notna(), None)


def _context(con: duckdb.DuckDBPyConnection, settings: Settings, options: AnalysisSettings, since: dt.date) -> RuleContext:
    ses = [SalesEngineerRef(se.id, se.name, se.email, se.slack_user_id) for se in settings.sales_engineers]
    competitors = competitor_pattern(tuple(options.competitors) or DEFAULT_COMPETITORS)
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
    return RuleContext(ses, competitors, files, recipients)


def _extract(recent: pd.DataFrame, window: Window, ctx: RuleContext, con: duckdb.DuckDBPyConnection,
             options: AnalysisSettings) -> list[Signal]:
    in_window = recent[[window.first_day <= d <= window.last_day for d in recent["activity_date"]]]
    found: list[Signal] = []
    for row in in_window.to_dict("records"):
        found.extend(message_signals(row, ctx))
    found.extend(accounts.slow_responses(recent, window, options.slow_response_days))
    found.extend(usage_facts.trial_not_started(con, window))
    found.extend(accounts.new_customers(con, window))
    found.extend(usage_facts.usage_drops(con, window))
    found.extend(usage_facts.usage_growth(con, window))
    found.extend(usage_facts.feature_adoptions(con, window))
    found.extend(accounts.opportunity_changes(con, window))
    return found


def _insert(con: duckdb.DuckDBPyConnection, found: list[Signal]) -> None:
    if not found:
        return
    records = []
    for signal in found:
        record: dict[str, Any] = dataclasses.asdict(signal)
        record["signal_id"] = signal.signal_id
        records.append({c: record.get(c) for c in SIGNAL_COLUMNS})
    frame = pd.DataFrame(records, columns=SIGNAL_COLUMNS)
    frame = frame.drop_duplicates("signal_id", keep="first")
    con.register("_signals_page", frame)
    try:
        con.execute("INSERT INTO signals BY NAME SELECT * FROM _signals_page")
    finally:
        con.unregister("_signals_page")


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
    updates = []
    for values in rows:
        signal = dict(zip(_RESOLVE_KEYS, values))
        status, resolved_at, resolved_by = resolution.resolve(signal, index)
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
