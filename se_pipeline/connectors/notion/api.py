"""The opportunity database read live with notion_client (Notion-Version 2025-09-03 by default).

Every page of the database is enumerated by se_pipeline.connectors.notion.database (data source
queries, cursor pagination, the 10,000-row cap, stale cursors). On top of that, here:
* relation/people values carry at most 25 references in a page object: the rest come from
  GET /v1/pages/{id}/properties/{property id}, paginated;
* page content is read to `block_depth` levels and hitting the cap is logged.
Anything that stops the read early raises SourceError: a partial database never loads silently.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any, cast
from urllib.parse import quote, unquote

from notion_client.errors import APIErrorCode, HTTPResponseError

from se_pipeline.connectors.notion.database import NotionDatabase
from se_pipeline.connectors.notion.properties import (
    FieldError,
    extract_fields,
    flatten_properties,
    is_active,
    person,
)
from se_pipeline.connectors.notion.rows import (
    BLOCKS,
    COMMENTS,
    OPPORTUNITIES,
    SOURCE,
    TABLES,
    block_row,
    block_text,
    comment_records,
    opportunity_row,
    snapshot_on_each_day,
)
from se_pipeline.connectors.notion.schema import PropertyMapping, map_properties
from se_pipeline.pages import Quarantined, Rows
from se_pipeline.window import Window

log = logging.getLogger(__name__)

REFERENCE_LIMIT = 25  # references a page object carries per relation/people property
_NO_RECURSE = {"child_page", "child_database"}  # their content belongs to other pages


class NotionApiConnector:
    """Rows of the three raw Notion tables from the live API, read-only."""

    source = SOURCE
    tables = TABLES

    def __init__(
        self,
        *,
        token: str,
        terminal_stages: list[str],
        database_id: str | None = None,
        data_source_id: str | None = None,
        block_depth: int = 3,
        properties: Mapping[str, str | None] | None = None,
        **options: Any,
    ):
        """Exactly one of `database_id` and `data_source_id`; `properties`: field -> property name, from
        sources.notion.properties (the rest is detected). `options` go to NotionDatabase (base_url,
        token_env, max_retries, page_size, requests_per_second, …)."""
        self.database = NotionDatabase(token=token, database_id=database_id, data_source_id=data_source_id, **options)
        self.client = self.database.client
        self.terminal_stages = terminal_stages
        self.block_depth = block_depth
        self.properties = dict(properties or {})
        self._mappings: dict[tuple[tuple[str, str], ...], PropertyMapping] = {}
        self._users: dict[str, tuple[str | None, str | None]] = {}
        self._can_read_users = True

    @property
    def calls(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self.database.calls

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        return snapshot_on_each_day(self.database.reading(self._extract(window)), window)

    def property_mapping(self, database: dict[str, Any] | None = None) -> PropertyMapping:
        """Which property holds each field, from the database's schema (doctor shows it); `database`:
        its GET /v1/databases answer when the caller has it already."""
        types = self.database.property_types(database)
        return self._mapping({name: {"type": kind} for name, kind in types.items()})

    def _mapping(self, properties: dict[str, Any]) -> PropertyMapping:
        """The mapping for a page's property types; every page of a database shares them, so it is made once."""
        types = tuple((name, prop.get("type", "")) for name, prop in properties.items())
        if types not in self._mappings:
            self._mappings[types] = map_properties(dict(types), self.properties)
        return self._mappings[types]

    # ---- the database ----------------------------------------------------------------------

    def _extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        day = window.last_day
        active: dict[str, str] = {}  # page id -> url
        batch: list[dict[str, Any]] = []
        for page in self.database.pages():
            item = self._opportunity(page, day)
            if isinstance(item, Quarantined):
                yield item
                continue
            batch.append(item)
            if is_active(item["stage"], self.terminal_stages):
                active[item["page_id"]] = item["url"]
            if len(batch) >= self.database.page_size:
                yield Rows(OPPORTUNITIES, batch)
                batch = []
        yield Rows(OPPORTUNITIES, batch)
        for page_id, url in active.items():
            yield Rows(BLOCKS, self._blocks(page_id, day))
            yield from self._comments(page_id, url, window)

    # ---- one opportunity -------------------------------------------------------------------

    def _opportunity(self, page: dict[str, Any], day) -> dict[str, Any] | Quarantined:
        properties = self._complete_references(page["id"], page.get("properties") or {})
        page = {**page, "properties": properties}
        flat = flatten_properties(properties)
        types = {name: prop.get("type", "") for name, prop in properties.items()}
        mapping = self._mapping(properties)
        title = flat.get(mapping["title"] or "") or ""
        try:
            fields = extract_fields(flat, types, mapping)
        except FieldError as exc:
            return Quarantined(SOURCE, page["id"], str(exc), page, day)
        return opportunity_row(
            page_id=page["id"],
            day=day,
            name=title,
            fields=fields,
            url=page.get("url"),
            properties=flat,
            payload=page,
            created_time=page.get("created_time"),
            last_edited_time=page.get("last_edited_time"),
        )

    def _complete_references(self, page_id: str, properties: dict[str, Any]) -> dict[str, Any]:
        """Relation/people values cut at 25 references, completed from the property endpoint."""
        completed = dict(properties)
        for name, prop in properties.items():
            kind = prop.get("type")
            if kind not in ("relation", "people"):
                continue
            if not prop.get("has_more") and len(prop.get(kind) or []) < REFERENCE_LIMIT:
                continue
            # Property ids arrive URL-encoded or not, depending on the API version: encode once.
            property_id = quote(unquote(prop["id"]), safe="")
            items = [
                item.get(kind)
                for response in self.database.paginate(
                    self.client.pages.properties.retrieve,
                    f"property {name!r} of page {page_id}",
                    page_id=page_id,
                    property_id=property_id,
                )
                for item in response.get("results") or []
            ]
            completed[name] = {**prop, kind: items, "has_more": False}
        return completed

    def _blocks(self, page_id: str, day) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        capped = self._walk(page_id, page_id, 0, rows, day)
        if capped:
            log.warning(
                "notion: page %s: %d block(s) have content nested deeper than block_depth=%d; it was not read",
                page_id, capped, self.block_depth,
            )
        return rows

    def _walk(self, page_id: str, parent_id: str, depth: int, rows: list[dict[str, Any]], day) -> int:
        """Append the children of `parent_id` depth-first; return how many blocks hit the depth cap."""
        capped = 0
        for response in self.database.paginate(self.client.blocks.children.list, f"the content of {parent_id}", block_id=parent_id):
            for block in response.get("results") or []:
                rows.append(
                    block_row(
                        block_id=block["id"],
                        day=day,
                        page_id=page_id,
                        parent_id=parent_id,
                        position=len(rows),
                        depth=depth,
                        block_type=block.get("type", ""),
                        text=block_text(block),
                        payload=block,
                    )
                )
                if not block.get("has_children") or block.get("type") in _NO_RECURSE:
                    continue
                if depth + 1 < self.block_depth:
                    capped += self._walk(page_id, block["id"], depth + 1, rows, day)
                else:
                    capped += 1
        return capped

    def _comments(self, page_id: str, url: str, window: Window) -> Iterator[Rows | Quarantined]:
        comments = (
            comment
            for response in self.database.paginate(self.client.comments.list, f"the comments of {page_id}", block_id=page_id)
            for comment in response.get("results") or []
        )
        rows = []
        for item in comment_records(
            comments, page_urls={page_id: url}, window=window, author=self._author, where=f"comments of {page_id}"
        ):
            if isinstance(item, Quarantined):
                item.partition_date = window.last_day
                yield item
            else:
                rows.append(item)
        yield Rows(COMMENTS, rows)

    def _author(self, user_id: str) -> tuple[str | None, str | None]:
        """(name, email) of a user, cached; (None, None) when the integration may not read users."""
        if user_id not in self._users:
            self._users[user_id] = (None, None)
            if self._can_read_users:
                try:
                    user = person(cast(dict[str, Any], self.client.users.retrieve(user_id))) or {}  # a sync client
                    self._users[user_id] = (user.get("name"), user.get("email"))
                except HTTPResponseError as exc:
                    if exc.code not in (APIErrorCode.RestrictedResource, APIErrorCode.ObjectNotFound):
                        raise
                    if exc.code == APIErrorCode.RestrictedResource:
                        log.info("notion: the integration may not read users; comment authors keep their ids")
                        self._can_read_users = False
        return self._users[user_id]
