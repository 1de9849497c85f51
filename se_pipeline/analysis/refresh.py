"""refresh_signals: the window's signals from activity, then open items re-checked against all activity."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
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
# Activity is read a day at a time (with what that day needs of the lookback) or streamed from a result,
# never a whole window at once: a backfill's window can hold a year of every SE's messages.
_FETCH_ROWS = 2048  # rows of a streamed result fetched at a time
# The rows a slow response can depend on (a customer's, not a bot's, written by them or in an external
# channel) and the columns it reads.
_SLOW_RESPONSE_ROWS = ("customer IS NOT NULL AND NOT coalesce(is_bot, FALSE) "
                       "AND (coalesce(author_is_external, FALSE) OR coalesce(is_external_channel, FALSE))")
_SLOW_RESPONSE_COLUMNS = ["activity_id", "activity_date", "sent_at", "se_id", "customer", "author_is_external", "is_bot",
                          "is_external_channel", "text", "link", "thread_key", "channel"]


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
    since = window.first_day - dt.timedelta(days=max(options.lookback_days, options.slow_response_days))
    ctx = _context(con, settings, options, since=lookback_start)

    found = _extract(since, window, ctx, con, options)
    if options.llm is not None:
        from se_pipeline.analysis.llm import (
            refine_signals,  # only imported when switched on
        )

        outcome = refine_signals(found, _cited(con, since, found), options.llm)
        report.llm_rewritten, report.llm_dropped = outcome.rewritten, outcome.dropped
    report.raised = Counter(s.kind for s in found)
    report.uncertain = sum(1 for s in found if s.relevance == "uncertain")

    with transaction(con):
        replace_slice(con, "signals", _frame(found), {"activity_date": Between(window.first_day, window.last_day)})
        report.rechecked, report.still_open = _recheck(con, lookback_start, since, ctx)
    return report


_EMPTY_ACTIVITY = ["activity_id", "activity_date", "sent_at", "thread_key", "source", "customer"]
_SELECT = ("SELECT {columns} FROM activity WHERE activity_date >= ? AND activity_date <= coalesce(?, activity_date) "
           "AND {where} ORDER BY sent_at, activity_id")


def _activity(con: duckdb.DuckDBPyConnection, since: dt.date, until: dt.date | None = None, where: str = "TRUE",
              params: list | None = None) -> pd.DataFrame:
    """Activity of the days from `since` to `until` (or on) matching `where`, in (sent_at, activity_id)
    order, each value a Python object (None for NULL)."""
    if not table_exists(con, "activity"):
        return pd.DataFrame(columns=_EMPTY_ACTIVITY)
    frame = con.execute(_SELECT.format(columns="*", where=where), [since, until, *(params or [])]).df()
    frame["activity_date"] = pd.to_datetime(frame["activity_date"]).dt.date
    frame["sent_at"] = [ts.to_pydatetime() for ts in frame["sent_at"]]
    return frame.astype(object).where(frame.notna(), None)


def _stream(con: duckdb.DuckDBPyConnection, since: dt.date, columns: str, where: str = "TRUE",
            until: dt.date | None = None) -> Iterator[tuple]:
    """The same rows as tuples, a batch at a time from `con`'s result: no other query may run on `con`
    until the last one is read."""
    if not table_exists(con, "activity"):
        return
    con.execute(_SELECT.format(columns=columns, where=where), [since, until])
    while batch := con.fetchmany(_FETCH_ROWS):
        yield from batch


class _Rows:
    """Activity rows from `since` on matching `where`, as dicts, streamed each time they are iterated."""

    def __init__(self, con: duckdb.DuckDBPyConnection, since: dt.date, where: str, columns: list[str]):
        self.con, self.since, self.where, self.columns = con, since, where, columns

    def __iter__(self) -> Iterator[dict]:
        for values in _stream(self.con, self.since, ", ".join(self.columns), self.where):
            yield dict(zip(self.columns, values, strict=True))


def _cited(con: duckdb.DuckDBPyConnection, since: dt.date, found: list[Signal]) -> pd.DataFrame:
    """The activity `found` cites (the model is shown its text)."""
    cited = sorted({a for signal in found for a in signal.activity_ids})
    return _activity(con, since, where="list_contains(?::VARCHAR[], activity_id)", params=[cited])


def _context(con: duckdb.DuckDBPyConnection, settings: Settings, options: AnalysisSettings, since: dt.date) -> RuleContext:
    ses = [SalesEngineerRef(se.id, se.name, se.email, se.slack_user_id) for se in settings.sales_engineers]
    # The rivals the team named: settings, the opportunity database's competition property, feedback.
    competitors = competitor_pattern(known_competitors(con, configured_competitors(settings)))
    files: dict[str, list[str]] = {}
    recipients: dict[str, list[str]] = {}
    if table_exists(con, "stg_message_files"):
        for key, names, to in con.execute(
            "SELECT activity_id, files, recipients FROM stg_message_files WHERE partition_date >= ?", [since]
        ).fetchall():
            if names:
                files[key] = list(names)
            if to is not None:  # an email's
                recipients[key] = list(to)
    return RuleContext(ses, competitors, files, recipients, mail=mail_facts(con, since), tz=settings.tz)


def _people(con: duckdb.DuckDBPyConnection, ctx: RuleContext, authors: Iterable[tuple]) -> People:
    names, colleagues = _people_names(con, authors)
    return People.of([(se.id, se.name) for se in ctx.sales_engineers], names, colleagues)


def _authors(con: duckdb.DuckDBPyConnection, since: dt.date, until: dt.date | None = None) -> Iterator[tuple]:
    """(author_name, is_bot, author_is_external) of each row from `since` (to `until`), in order."""
    return _stream(con, since, "author_name, is_bot, author_is_external", until=until)


def _people_names(con: duckdb.DuckDBPyConnection, authors: Iterable[tuple]) -> tuple[list[str], list[str]]:
    """(everyone a sentence may name, those on our side): Slack's users and the people who wrote the activity
    (`authors`: (name, is_bot, is_external) in the activity's order)."""
    names: dict[str, bool] = {}  # name -> on our side
    if table_exists(con, "slack_people"):
        for name, external in con.execute("SELECT name, is_external FROM slack_people").fetchall():
            if name:
                names[name] = not external
    for name, bot, external in authors:
        if name and not truthy(bot) and "@" not in name:
            names.setdefault(name, not truthy(external))
    return sorted(names), sorted(n for n, ours in names.items() if ours)


def _extract(since: dt.date, window: Window, ctx: RuleContext, con: duckdb.DuckDBPyConnection,
             options: AnalysisSettings) -> list[Signal]:
    """The window's signals; `since`: the first day of activity they may read."""
    found: list[Signal] = []
    for day in window.days:
        found.extend(_message_signals(day, ctx, con, options))
    found = merge_repeats(found)
    ctx = dataclasses.replace(ctx, people=_people(con, ctx, _authors(con, since)))
    rows = _Rows(con, since, _SLOW_RESPONSE_ROWS, _SLOW_RESPONSE_COLUMNS)
    found.extend(accounts.slow_responses(rows, window, options.slow_response_days, ctx))
    found.extend(usage_facts.trial_not_started(con, window))
    found.extend(accounts.new_customers(con, window))
    found.extend(usage_facts.usage_drops(con, window))
    found.extend(usage_facts.usage_growth(con, window))
    found.extend(usage_facts.feature_adoptions(con, window))
    found.extend(accounts.opportunity_changes(con, window))
    return found


def _message_signals(day: dt.date, ctx: RuleContext, con: duckdb.DuckDBPyConnection,
                     options: AnalysisSettings) -> list[Signal]:
    """The signals of each message of `day`, and its chases of earlier asks."""
    on_day = _activity(con, day, day)
    if on_day.empty:  # no message to read that day (a long backfill is mostly such days)
        return []
    # The people a sentence may name: those seen in the lookback up to that day, so a day's
    # signals do not depend on which later days were loaded with it.
    since = day - dt.timedelta(days=options.lookback_days)
    day_ctx = dataclasses.replace(ctx, people=_people(con, ctx, _authors(con, since, day)))
    found: list[Signal] = []
    for row in on_day.to_dict("records"):
        found.extend(message_signals(row, day_ctx))
    # A chase reads the earlier messages of its own thread only.
    keys = set(on_day["thread_key"])
    earlier = _activity(con, since, day, where="(list_contains(?::VARCHAR[], thread_key) OR (? AND thread_key IS NULL))",
                        params=[sorted(keys - {None}), None in keys])
    found.extend(chases.chase_signals(on_day, earlier, day_ctx))
    return found


def _frame(found: list[Signal]) -> pd.DataFrame:
    """The signals as rows of the signals table (one per signal_id)."""
    records = []
    for signal in found:
        record: dict[str, Any] = dataclasses.asdict(signal)
        record["signal_id"] = signal.signal_id
        records.append({c: record.get(c) for c in SIGNAL_COLUMNS})
    return pd.DataFrame(records, columns=SIGNAL_COLUMNS).drop_duplicates("signal_id", keep="first")


def _recheck(con: duckdb.DuckDBPyConnection, since: dt.date, history: dt.date, ctx: RuleContext) -> tuple[int, int]:
    """Recompute status / resolved_at / resolved_by of every open-able signal raised since `since`, as of
    the activity from `history` on."""
    rows = con.execute(
        f"SELECT {', '.join(_RESOLVE_KEYS)} FROM signals WHERE activity_date >= ? AND resolve_rule IS NOT NULL "
        "ORDER BY signal_id",
        [since],
    ).fetchall()
    if not rows:
        return 0, 0
    index = resolution.ActivityIndex(_activity(con, _first_day_read(con, rows, history)), ctx.files)
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


def _first_day_read(con: duckdb.DuckDBPyConnection, signals: list[tuple], history: dt.date) -> dt.date:
    """The first day of activity re-checking `signals` can read: a resolution is a message after the ask
    was raised, and the ask's own messages place it. Earlier days are not loaded (a backfill's window
    re-checks only its last lookback)."""
    raised = [values[_RESOLVE_KEYS.index("raised_at")] for values in signals]
    own = sorted({a for values in signals for a in values[_RESOLVE_KEYS.index("activity_ids")] or []})
    if None in raised or not table_exists(con, "activity"):
        return history
    first_own = con.execute("SELECT min(activity_date) FROM activity WHERE list_contains(?::VARCHAR[], activity_id)",
                            [own]).fetchall()[0][0]
    # Two days before the raise: a local date and a UTC moment are at most a day apart.
    first = min(raised).date() - dt.timedelta(days=2)
    return max(history, min(first, first_own) if first_own is not None else first)
