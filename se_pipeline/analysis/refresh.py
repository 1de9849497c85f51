"""refresh_signals: the window's signals from activity, then open items re-checked against all activity."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from se_pipeline.analysis import accounts, chases, resolution, usage_facts
from se_pipeline.analysis.addressing import People
from se_pipeline.analysis.messages import RuleContext, SalesEngineerRef, message_signals
from se_pipeline.analysis.rows import ActivityRow
from se_pipeline.analysis.signal import SIGNAL_COLUMNS, Signal, SignalRow
from se_pipeline.competitors import (
    alias_names,
    competitor_pattern,
    configured_aliases,
    configured_competitors,
    known_competitors,
)
from se_pipeline.analysis.tools import mail_facts, merge_repeats
from se_pipeline.config import AnalysisSettings, Settings
from se_pipeline.paths import DDL_SQL_DIR
from se_pipeline.warehouse import Between, replace_slice, table_exists, transaction
from se_pipeline.window import Window

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

    # Resolved before written: the window's signals and the rows of the lookback they re-check are
    # one slice, written once (no UPDATE after the insert).
    first = min(lookback_start, window.first_day)
    with transaction(con):
        rows, report.rechecked, report.still_open = _resolve(con, _records(found) + _kept(con, first, window),
                                                             lookback_start, since, ctx)
        # No last day: a backfill of earlier days re-checks the open items of later ones too.
        replace_slice(con, "signals", _frame(rows), {"activity_date": Between(first, dt.date.max)})
    return report


_SELECT = ("SELECT {columns} FROM activity WHERE activity_date >= ? AND activity_date <= coalesce(?, activity_date) "
           "AND {where} ORDER BY sent_at, activity_id")


def _activity(con: duckdb.DuckDBPyConnection, since: dt.date, until: dt.date | None = None, where: str = "TRUE",
              params: list | None = None) -> list[ActivityRow]:
    """Activity of the days from `since` to `until` (or on) matching `where`, in (sent_at, activity_id)
    order, as DuckDB gives it (None for NULL)."""
    if not table_exists(con, "activity"):
        return []
    result = con.execute(_SELECT.format(columns="*", where=where), [since, until, *(params or [])])
    columns = [c[0] for c in result.description]
    return [ActivityRow.of(columns, values) for values in result.fetchall()]


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
    """Activity rows from `since` on matching `where`, streamed each time they are iterated."""

    def __init__(self, con: duckdb.DuckDBPyConnection, since: dt.date, where: str, columns: list[str]):
        self.con, self.since, self.where, self.columns = con, since, where, columns

    def __iter__(self) -> Iterator[ActivityRow]:
        for values in _stream(self.con, self.since, ", ".join(self.columns), self.where):
            yield ActivityRow.of(self.columns, values)


def _cited(con: duckdb.DuckDBPyConnection, since: dt.date, found: list[Signal]) -> list[ActivityRow]:
    """The activity `found` cites (the model is shown its text)."""
    cited = sorted({a for signal in found for a in signal.activity_ids})
    return _activity(con, since, where="list_contains(?::VARCHAR[], activity_id)", params=[cited])


def _context(con: duckdb.DuckDBPyConnection, settings: Settings, options: AnalysisSettings, since: dt.date) -> RuleContext:
    ses = [SalesEngineerRef(se.id, se.name, se.email, se.slack_user_id) for se in settings.sales_engineers]
    # The rivals the team named: settings, the opportunity database's competition property, feedback.
    aliases = configured_aliases(settings)
    names = known_competitors(con, configured_competitors(settings), aliases)
    competitors = competitor_pattern(names, aliases)
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
    return RuleContext(
        ses, competitors, files, recipients, mail=mail_facts(con, since), tz=settings.tz,
        aliases=alias_names(names, aliases),
    )


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
        if name and not bot and "@" not in name:
            names.setdefault(name, not external)
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
    if not on_day:  # no message to read that day (a long backfill is mostly such days)
        return []
    # The people a sentence may name: those seen in the lookback up to that day, so a day's
    # signals do not depend on which later days were loaded with it.
    since = day - dt.timedelta(days=options.lookback_days)
    day_ctx = dataclasses.replace(ctx, people=_people(con, ctx, _authors(con, since, day)))
    found: list[Signal] = []
    for row in on_day:
        found.extend(message_signals(row, day_ctx))
    # A chase reads the earlier messages of its own thread only.
    keys = {row.thread_key for row in on_day}
    earlier = _activity(con, since, day, where="(list_contains(?::VARCHAR[], thread_key) OR (? AND thread_key IS NULL))",
                        params=[sorted(keys - {None}), None in keys])
    found.extend(chases.chase_signals(on_day, earlier, day_ctx))
    return found


def _records(found: list[Signal]) -> list[SignalRow]:
    """The signals as rows of the signals table, the first of each signal_id."""
    records: dict[str, SignalRow] = {}
    for signal in found:
        records.setdefault(signal.signal_id, signal.row())
    return list(records.values())


def _kept(con: duckdb.DuckDBPyConnection, first: dt.date, window: Window) -> list[SignalRow]:
    """The signals table's rows from `first` on outside `window`: rewritten as they are but re-checked."""
    rows = con.execute(
        f"SELECT {', '.join(SIGNAL_COLUMNS)} FROM signals WHERE activity_date >= ? "
        "AND activity_date NOT BETWEEN ? AND ? ORDER BY signal_id",
        [first, window.first_day, window.last_day],
    ).fetchall()
    return [SignalRow(*values) for values in rows]


def _frame(rows: list[SignalRow]) -> pd.DataFrame:
    frame = pd.DataFrame([dataclasses.astuple(row) for row in rows], columns=SIGNAL_COLUMNS)
    for column in ("raised_at", "resolved_at"):  # one time zone per column, whatever the rows came with
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def _resolve(con: duckdb.DuckDBPyConnection, rows: list[SignalRow], since: dt.date, history: dt.date,
             ctx: RuleContext) -> tuple[list[SignalRow], int, int]:
    """`rows` with status / resolved_at / resolved_by of every open-able one raised since `since` as of the
    activity from `history` on; and how many were re-checked, how many are still open."""
    signals = sorted((r for r in rows if r.activity_date >= since and r.resolve_rule is not None),
                     key=lambda r: r.signal_id)
    if not signals:
        return rows, 0, 0
    index = resolution.ActivityIndex(_activity(con, _first_day_read(con, signals, history)), ctx.files)
    # Asks raised by one message: a reply must be about the one it settles.
    asks_per_message = Counter(s.activity_ids[0] for s in signals if s.owed and s.activity_ids)
    resolved: dict[str, SignalRow] = {}
    for signal in signals:
        shared = asks_per_message[signal.activity_ids[0]] > 1 if signal.activity_ids else False
        status, resolved_at, resolved_by = resolution.resolve(signal, index, shared_origin=shared)
        resolved[signal.signal_id] = dataclasses.replace(signal, status=status, resolved_at=resolved_at,
                                                         resolved_by=resolved_by)
    still_open = sum(1 for s in resolved.values() if s.status == "open")
    return [resolved.get(r.signal_id, r) for r in rows], len(resolved), still_open


def _first_day_read(con: duckdb.DuckDBPyConnection, signals: list[SignalRow], history: dt.date) -> dt.date:
    """The first day of activity re-checking `signals` can read: a resolution is a message after the ask
    was raised, and the ask's own messages place it. Earlier days are not loaded (a backfill's window
    re-checks only its last lookback)."""
    raised = [s.raised_at for s in signals]
    own = sorted({a for s in signals for a in s.activity_ids or []})
    if None in raised or not table_exists(con, "activity"):
        return history
    first_own = con.execute("SELECT min(activity_date) FROM activity WHERE list_contains(?::VARCHAR[], activity_id)",
                            [own]).fetchall()[0][0]
    # Two days before the raise: a local date and a UTC moment are at most a day apart.
    first = min(raised).astimezone(dt.timezone.utc).date() - dt.timedelta(days=2)
    return max(history, min(first, first_own) if first_own is not None else first)
