"""Rows of the raw Notion tables, built the same way from the export and the API.

Page ids are kept in Notion's dashed UUID form whichever way they were read, so an export and
the API give the same keys.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from se_pipeline.connectors.notion.properties import OpportunityFields, rich_text
from se_pipeline.pages import Quarantined, Rows
from se_pipeline.window import Window

SOURCE = "notion"
OPPORTUNITIES = "raw_notion_opportunities"
BLOCKS = "raw_notion_blocks"
COMMENTS = "raw_notion_comments"
TABLES = (OPPORTUNITIES, BLOCKS, COMMENTS)


def dashed_id(value: str) -> str:
    """'0123…ef' (32 hex) or a dashed UUID -> the dashed form; other ids are returned as they are."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return value


def page_url(page_id: str) -> str | None:
    """Notion's canonical URL for a page id (None for ids that are not Notion's)."""
    try:
        return f"https://www.notion.so/{uuid.UUID(page_id).hex}"
    except ValueError:
        return None


def opportunity_row(
    *,
    page_id: str,
    day: dt.date,
    name: str,
    fields: OpportunityFields,
    url: str | None,
    properties: dict[str, Any],
    payload: Any,
    created_time: str | dt.datetime | None = None,
    last_edited_time: str | dt.datetime | None = None,
) -> dict[str, Any]:
    return {
        "page_id": page_id,
        "partition_date": day,
        "name": name,
        "customer": fields.customer,
        "stage": fields.stage,
        "se_name": fields.se_name,
        "se_email": fields.se_email,
        "amount": fields.amount,
        "close_date": fields.close_date,
        "domain": fields.domain,
        "workspace_id": fields.workspace_id,
        "poc_end": fields.poc_end,
        "probability": fields.probability,
        "url": url,
        "created_time": _timestamp(created_time),
        "last_edited_time": _timestamp(last_edited_time),
        "properties": properties,
        "payload": payload,
    }


def _timestamp(value: str | dt.datetime | None) -> dt.datetime | None:
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def block_row(
    *,
    block_id: str,
    day: dt.date,
    page_id: str,
    parent_id: str | None,
    position: int,
    depth: int,
    block_type: str,
    text: str,
    payload: Any,
) -> dict[str, Any]:
    return {
        "block_id": block_id,
        "partition_date": day,
        "page_id": page_id,
        "parent_id": parent_id,
        "position": position,
        "depth": depth,
        "block_type": block_type,
        "text": text,
        "payload": payload,
    }


def block_text(block: dict[str, Any]) -> str:
    """The readable text of an API block object (rich text, or a child page's title)."""
    kind = block.get("type", "")
    body = block.get(kind) or {}
    if "rich_text" in body or "text" in body:  # "text" in payloads before 2021-08-16
        return rich_text(body.get("rich_text", body.get("text")))
    if kind in ("child_page", "child_database"):
        return body.get("title", "")
    return ""


# ---- comments --------------------------------------------------------------------------------


class _Comment(BaseModel):
    """A Notion API comment object (GET /v1/comments); `created_by_name`/`_email` are the export's addition."""

    model_config = ConfigDict(extra="allow")

    id: str
    parent: dict[str, Any]
    discussion_id: str | None = None
    created_time: dt.datetime
    created_by: dict[str, Any] = {}
    rich_text: list[dict[str, Any]] = []
    display_name: dict[str, Any] | None = None
    created_by_name: str | None = None
    created_by_email: str | None = None

    @property
    def page_id(self) -> str | None:
        page = self.parent.get("page_id") or self.parent.get("block_id")
        return dashed_id(page) if page else None


# (name, email) of a user id; either may be None.
AuthorLookup = Callable[[str], tuple[str | None, str | None]]


def comment_url(page: str, discussion_id: str | None, comment_id: str) -> str:
    """A clickable link to the comment: the page URL with ?d=<discussion>#<comment>."""
    discussion = f"?d={discussion_id.replace('-', '')}" if discussion_id else ""
    return f"{page}{discussion}#{comment_id.replace('-', '')}"


def comment_records(
    comments: Iterable[dict[str, Any]],
    *,
    page_urls: dict[str, str],
    window: Window,
    author: AuthorLookup,
    where: str,
) -> Iterator[dict[str, Any] | Quarantined]:
    """Rows of raw_notion_comments for comments whose local day is in `window` and whose page is
    in `page_urls` (the active opportunities); unreadable comments become Quarantined."""
    for index, raw in enumerate(comments):
        try:
            comment = _Comment.model_validate(raw)
        except ValidationError as exc:
            key = raw.get("id") if isinstance(raw, dict) and raw.get("id") else f"{where}[{index}]"
            reason = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            yield Quarantined(SOURCE, str(key), f"bad_comment: {reason}", raw, window.last_day)
            continue
        if comment.created_time.tzinfo is None:
            yield Quarantined(SOURCE, comment.id, "no_date: created_time has no time zone", raw, window.last_day)
            continue
        day = window.local_date(comment.created_time)
        url = page_urls.get(comment.page_id or "")
        if url is None or not window.first_day <= day <= window.last_day:
            continue
        name, email = _author(comment, author)
        yield {
            "comment_id": comment.id,
            "partition_date": day,
            "page_id": comment.page_id,
            "discussion_id": comment.discussion_id,
            "author_name": name,
            "author_email": email,
            "created_time": comment.created_time,
            "text": rich_text(comment.rich_text),
            "url": comment_url(url, comment.discussion_id, comment.id),
            "payload": raw,
        }


def _author(comment: _Comment, author: AuthorLookup) -> tuple[str | None, str | None]:
    user_id = comment.created_by.get("id")
    name, email = comment.created_by.get("name"), (comment.created_by.get("person") or {}).get("email")
    if not (name and email) and user_id:
        looked_up = author(user_id)
        name, email = name or looked_up[0], email or looked_up[1]
    name = name or comment.created_by_name or (comment.display_name or {}).get("resolved_name")
    email = email or comment.created_by_email
    # With no user capability the id is all there is: better than nothing for the reader.
    return name or user_id, email


SNAPSHOT_PAGE_ROWS = 20_000


def snapshot_on_each_day(records: Iterable[Rows | Quarantined], window: Window) -> Iterator[Rows | Quarantined]:
    """The database as read, stored as the snapshot of every day of the window (the connectors date it
    on the window's last day): a run over seven days then stores what seven one-day runs store, so the
    tables do not depend on how a backfill was cut into runs."""
    days = window.days
    for record in records:
        if isinstance(record, Rows) and record.table in (OPPORTUNITIES, BLOCKS):
            # Several days a page, up to SNAPSHOT_PAGE_ROWS rows: the loader's cost is per page, and years
            # of days a page each took minutes; a page stays small enough to hold.
            per_page = max(1, SNAPSHOT_PAGE_ROWS // max(1, len(record.rows)))
            for i in range(0, len(days), per_page):
                yield Rows(record.table, [{**row, "partition_date": day} for day in days[i:i + per_page] for row in record.rows])
        else:
            yield record
