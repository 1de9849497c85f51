"""The delivery log (`deliveries`): what went to whom, so each version of a digest is sent once."""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb

SENT, UPDATED = "sent", "updated"


def content_hash(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()


def status_for(con: duckdb.DuckDBPyConnection, kind: str, se_id: str, day: dt.date, channel: str, recipient: str,
               digest_hash: str) -> str | None:
    """None when this version went to `recipient` already; else SENT, or UPDATED when an earlier one did."""
    versions = {h for (h,) in con.execute(
        "SELECT content_hash FROM deliveries WHERE kind = ? AND se_id = ? AND day = ? AND channel = ? AND recipient = ?",
        [kind, se_id, day, channel, recipient],
    ).fetchall()}
    if digest_hash in versions:
        return None
    return UPDATED if versions else SENT


def record(con: duckdb.DuckDBPyConnection, kind: str, se_id: str, day: dt.date, channel: str, recipient: str,
           digest_hash: str, status: str, response_ids: list[str]) -> None:
    con.execute(
        "INSERT INTO deliveries (kind, se_id, day, channel, recipient, content_hash, status, sent_at, response_ids) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [kind, se_id, day, channel, recipient, digest_hash, status, dt.datetime.now(dt.timezone.utc), response_ids],
    )
