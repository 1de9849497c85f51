"""What earlier loads stored that spares Slack API calls: the user cache and the threads with replies.

The api connector reads it from the warehouse before a run (`SlackApiConnector.recall`): the users
raw_slack_users holds (users.list is asked again only when the newest listing is USERS_FRESH_FOR old),
every thread raw_slack_messages holds replies of, with when it last moved, so that a thread whose
parent is older than the history scan is still watched for late replies, and how many top-level
messages each channel has a day, so that reaching back for such a thread costs what the data says.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from se_pipeline.connectors.slack.records import MESSAGES, USERS, ts_value

# users.list costs a page per 200 members every run; names and emails rarely change within a week, and
# an author the cache lacks is asked for alone (users.info).
USERS_FRESH_FOR = dt.timedelta(days=7)


@dataclass(frozen=True)
class Thread:
    """A thread the warehouse holds: its parent's ts, its stored replies' ts (ascending) and its newest
    activity (the latest stored reply, or the latest_reply its parent carried when stored)."""

    ts: str
    replies: tuple[Decimal, ...]
    last_activity: Decimal

    def replies_before(self, moment: Decimal) -> int:
        return sum(1 for reply in self.replies if reply < moment)


@dataclass
class Memory:
    users: list[dict[str, Any]] = field(default_factory=list)
    users_listed: dt.datetime | None = None  # the newest listed_at: when users.list last answered
    threads: dict[str, dict[str, Thread]] = field(default_factory=dict)  # channel id -> parent ts -> thread
    # channel id -> local day -> top-level messages stored: what a longer history scan would return
    top_level: dict[str, dict[dt.date, int]] = field(default_factory=dict)

    def top_level_between(self, channel: str, start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> int:
        """About how many top-level messages the channel has from `start` to `end` (by whole local days)."""
        first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
        return sum(n for day, n in self.top_level.get(channel, {}).items() if first <= day <= last)


def read_memory(con: duckdb.DuckDBPyConnection, since: dt.datetime | None) -> Memory:
    """The user cache, and the threads that moved and the top-level messages posted from `since` on (None:
    all), from the warehouse behind `con`."""
    tables = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not {MESSAGES, USERS} <= tables:  # nothing loaded yet
        return Memory()
    memory = Memory()
    columns = {row[0] for row in con.execute(f"DESCRIBE {USERS}").fetchall()}
    if "listed_at" in columns:  # a warehouse from before the cache has no listing time: list again
        memory.users_listed = con.execute(f"SELECT max(listed_at) FROM {USERS}").fetchall()[0][0]
    for (payload,) in con.execute(f"SELECT payload FROM {USERS} WHERE payload IS NOT NULL ORDER BY user_id").fetchall():
        user = json.loads(payload) if isinstance(payload, str) else payload
        if isinstance(user, dict) and user.get("id"):
            memory.users.append(user)
    since = since or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    rows = con.execute(
        f"""WITH moved AS (
                SELECT DISTINCT channel_id, thread_ts FROM {MESSAGES}
                WHERE thread_ts IS NOT NULL AND (sent_at >= $since OR TRY_CAST(latest_reply AS DOUBLE) >= $epoch))
            SELECT channel_id, thread_ts,
                   list(ts) FILTER (WHERE is_reply),
                   list(latest_reply) FILTER (WHERE NOT is_reply AND latest_reply IS NOT NULL)
            FROM {MESSAGES} JOIN moved USING (channel_id, thread_ts) GROUP BY ALL""",
        {"since": since, "epoch": since.timestamp()},
    ).fetchall()
    for channel, thread_ts, replies, latest in rows:
        stored = tuple(sorted(ts_value(r) for r in replies or []))
        last = max((*stored, *(ts_value(t) for t in latest or []), ts_value(thread_ts)))
        memory.threads.setdefault(channel, {})[thread_ts] = Thread(thread_ts, stored, last)
    counts = con.execute(
        f"SELECT channel_id, partition_date, count(*) FROM {MESSAGES} WHERE NOT is_reply AND sent_at >= ? GROUP BY ALL",
        [since],
    )
    for channel, day, n in counts.fetchall():
        memory.top_level.setdefault(channel, {})[day] = n
    return memory
