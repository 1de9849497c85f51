"""Where accepted Slack events land: one SQLite table beside the warehouse, deduplicated by event_id.

Not the DuckDB warehouse: a run holds that file's write lock for minutes, and Slack wants an answer
within 3 seconds. SQLite in WAL mode takes the receiver's insert while a sensor reads, in another
process, and a committed insert survives a crash. `seq` orders events as they landed, so a sensor's
cursor is the last seq it has turned into runs.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from se_pipeline.config import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,  -- landing order: a sensor's cursor
    event_id    TEXT NOT NULL UNIQUE,               -- Slack's Ev…; a retry or replay of it lands nothing
    team_id     TEXT,
    event_type  TEXT,                               -- event.type (message, app_mention, …)
    channel     TEXT,
    message_ts  TEXT,                               -- the message the event is about (edits: the edited one)
    event_time  INTEGER,                            -- Slack's event_time (unix seconds)
    received_at TEXT NOT NULL,                      -- ISO, UTC
    payload     TEXT NOT NULL                       -- the event_callback body, without its verification token
)
"""
_BUSY_MS = 2000  # an insert waits at most this long for another writer: Slack's 3 seconds still hold


def landing_path(settings: Settings) -> Path:
    return settings.home / "events" / "slack_events.sqlite3"


@dataclass(frozen=True)
class LandedEvent:
    seq: int
    event_id: str
    event_type: str | None
    channel: str | None
    message_ts: str | None
    event_time: int | None


def message_ts(event: dict[str, Any]) -> str | None:
    """The ts of the message an event is about: the message itself, or the one edited or deleted."""
    for inner in (event.get("message"), event.get("previous_message")):
        if isinstance(inner, dict) and inner.get("ts"):
            return str(inner["ts"])
    value = event.get("deleted_ts") or event.get("ts") or event.get("event_ts")
    return str(value) if value else None


class EventStore:
    """The landing table at `path` (created on first use)."""

    def __init__(self, path: Path):
        self.path = path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=_BUSY_MS / 1000)) as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")  # landed means on disk: the answer to Slack follows
            con.execute(_SCHEMA)
            yield con

    def land(self, body: dict[str, Any], received_at: dt.datetime) -> bool:
        """Store an event_callback body; False when its event_id had landed already."""
        event: dict[str, Any] = body["event"] if isinstance(body.get("event"), dict) else {}
        kept = {k: v for k, v in body.items() if k != "token"}  # the legacy verification token is a secret
        row = (
            str(body["event_id"]),
            body.get("team_id"),
            event.get("type"),
            event.get("channel") or (event.get("item") or {}).get("channel"),
            message_ts(event),
            body.get("event_time") if isinstance(body.get("event_time"), int) else None,
            received_at.astimezone(dt.timezone.utc).isoformat(),
            json.dumps(kept, separators=(",", ":")),
        )
        with self._connect() as con, con:
            cursor = con.execute(
                "INSERT INTO slack_events (event_id, team_id, event_type, channel, message_ts, event_time, received_at, "
                "payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
                row,
            )
            return cursor.rowcount == 1

    def after(self, seq: int, limit: int = 10_000) -> list[LandedEvent]:
        """Events landed after `seq`, in landing order."""
        if not self.path.exists():
            return []
        with self._connect() as con:
            rows = con.execute(
                "SELECT seq, event_id, event_type, channel, message_ts, event_time FROM slack_events "
                "WHERE seq > ? ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return [LandedEvent(*row) for row in rows]
