"""Notion edits since the last look, for the Notion sensor: opportunity pages through the connector's
guarded client, and the comments of the active opportunities the warehouse holds.

Per look: one data source query filtered on last_edited_time (plus GET /databases/{id} when the
settings name the database rather than a data source), and one GET /comments per active opportunity
(a comment does not count as an edit of its page). Notion keeps edit times to the minute and indexes
an edit a moment after it is made, so each look asks again from the minute before the previous look
and remembers what it saw there (`seen`: id -> time), so nothing is missed or counted twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from se_pipeline.changes import Changes
from se_pipeline.connectors.notion.database import NotionDatabase

OVERLAP = dt.timedelta(minutes=1)


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _minute(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:00.000Z")


def _edits(database: NotionDatabase, since: str, pages: list[str]) -> Iterator[tuple[str, str, str | None, str | None]]:
    """(kind, id, when edited, when dated) of the pages edited since `since` and of the comments on `pages`."""
    for page in database.edited_since(since):
        yield "page", page["id"], page.get("last_edited_time"), page.get("last_edited_time")
    for page_id in pages:
        for response in database.paginate(database.client.comments.list, f"the comments of {page_id}", block_id=page_id):
            for comment in response.get("results") or []:
                edited = comment.get("last_edited_time") or comment.get("created_time")
                yield "comment", str(comment.get("id")), edited, comment.get("created_time")


def notion_changes(
    database: NotionDatabase, cursor: dict | None, now: dt.datetime, tz: ZoneInfo, pages: list[str]
) -> Changes:
    """Pages edited, and comments written on `pages`, since the cursor."""
    since = _minute(now - OVERLAP)
    if cursor is None:
        return Changes(cursor={"since": since, "seen": {}}, notes=["notion: first look: watching edits from now on"])
    calls = database.calls
    seen: dict[str, str] = dict(cursor.get("seen") or {})
    found = Changes(cursor={"since": since})
    for kind, object_id, edited, dated in database.reading(_edits(database, cursor["since"], pages)):
        if not edited or not dated or _time(edited) < _time(cursor["since"]) or seen.get(object_id) == edited:
            continue
        seen[object_id] = edited
        found.add("notion", [_time(dated).astimezone(tz).date()], f"{kind}:{object_id}:{edited}")
    found.cursor["seen"] = {k: v for k, v in seen.items() if _time(v) >= _time(since)}
    found.calls = database.calls - calls
    return found
