"""The opportunity database read live with notion_client (Notion-Version 2025-09-03 by default).

Enumeration: GET /v1/databases/{id} names the database's data sources; each is read with
POST /v1/data_sources/{id}/query, page by page (start_cursor / next_cursor / has_more), sorted by
created_time. A database read with an older Notion-Version (no `data_sources` in the answer) is
read with the legacy POST /v1/databases/{id}/query. Never the search endpoint: it drops records.

Known traps, each handled here:
* one query returns at most `result_cap` (10,000) rows and then reports
  `request_status: {"type": "incomplete"}` with has_more false: the read continues with a new query
  for created_time on or after the last row's, de-duplicated by page id;
* a cursor may become invalid mid-way (400 validation_error): the query restarts, de-duplicated;
* relation/people values carry at most 25 references in a page object: the rest come from
  GET /v1/pages/{id}/properties/{property id}, paginated;
* page content is read to `block_depth` levels and hitting the cap is logged;
* 429 (Retry-After) and 5xx are retried in the HTTP layer (se_pipeline.connectors.notion.http).
Anything that stops the read early raises SourceError: a partial database never loads silently.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any
from urllib.parse import quote, unquote

import httpx
from notion_client.errors import APIErrorCode, HTTPResponseError, RequestTimeoutError
from notion_client.helpers import extract_notion_id

from se_pipeline.connectors.notion.http import (
    NOTION_READS,
    GuardedTransport,
    api_root,
    notion_client_for,
)
from se_pipeline.connectors.notion.properties import (
    FieldError,
    FieldNames,
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
)
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.readonly import ReadOnlyGuard
from se_pipeline.warehouse.loader import Quarantined, Rows
from se_pipeline.window import Window

log = logging.getLogger(__name__)

RESULT_CAP = 10_000  # rows one Notion query returns at most
REFERENCE_LIMIT = 25  # references a page object carries per relation/people property
_NO_RECURSE = {"child_page", "child_database"}  # their content belongs to other pages
_SORT = [{"timestamp": "created_time", "direction": "ascending"}]


class NotionApiConnector:
    """Rows of the three raw Notion tables from the live API, read-only."""

    source = SOURCE
    tables = TABLES

    def __init__(
        self,
        *,
        token: str,
        database_id: str,
        terminal_stages: list[str],
        base_url: str | None = None,
        token_env: str = "NOTION_TOKEN",
        max_retries: int = 5,
        block_depth: int = 3,
        result_cap: int = RESULT_CAP,
        page_size: int = 100,
        requests_per_second: float | None = 3.0,
        cursor_restarts: int = 3,
        notion_version: str | None = None,
        field_names: FieldNames = FieldNames(),
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.database_id = extract_notion_id(database_id)
        if self.database_id is None:
            # Without this the guard would refuse the request as if it were a write.
            raise ConfigError(
                f"sources.notion.database_id {database_id!r} is neither a Notion database id nor its URL "
                "(open the database in Notion, use ⋯ → Copy link, and put that link, or the 32 hex characters in it, there)"
            )
        self.terminal_stages = terminal_stages
        self.token_env = token_env
        self.block_depth = block_depth
        self.result_cap = result_cap
        self.page_size = page_size
        self.cursor_restarts = cursor_restarts
        self.field_names = field_names
        self._transport = GuardedTransport(
            ReadOnlyGuard(SOURCE, NOTION_READS),
            api_root(base_url),
            max_retries=max_retries,
            requests_per_second=requests_per_second,
            sleep=sleep,
        )
        self.client = notion_client_for(token, self._transport, base_url=base_url, notion_version=notion_version)
        self._users: dict[str, tuple[str | None, str | None]] = {}
        self._can_read_users = True
        self._pages_read = 0

    @property
    def calls(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._transport.calls

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        self._pages_read = 0
        try:
            yield from self._extract(window)
        except HTTPResponseError as exc:
            raise SourceError(self._explain(exc)) from None
        except (RequestTimeoutError, httpx.TransportError) as exc:
            raise SourceError(
                f"notion: no answer from the API ({exc}) {self._progress()}; check base_url and the network"
            ) from None

    # ---- the database ----------------------------------------------------------------------

    def _extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        day = window.last_day
        active: dict[str, str] = {}  # page id -> url
        batch: list[dict[str, Any]] = []
        for page in self._database_pages():
            item = self._opportunity(page, day)
            if isinstance(item, Quarantined):
                yield item
                continue
            batch.append(item)
            if is_active(item["stage"], self.terminal_stages):
                active[item["page_id"]] = item["url"]
            if len(batch) >= self.page_size:
                yield Rows(OPPORTUNITIES, batch)
                batch = []
        yield Rows(OPPORTUNITIES, batch)
        for page_id, url in active.items():
            yield Rows(BLOCKS, self._blocks(page_id, day))
            yield from self._comments(page_id, url, window)

    def _database_pages(self) -> Iterator[dict[str, Any]]:
        """Every page of the database, each once."""
        seen: set[str] = set()
        for query in self._queries():
            after: str | None = None
            while True:
                capped, last_created = yield from self._query(query, after, seen)
                if not capped:
                    break
                if last_created is None or last_created == after:
                    raise SourceError(
                        f"notion: more than {self.result_cap} pages of database {self.database_id} share the "
                        f"created_time {after}; Notion cannot page past that {self._progress()}"
                    )
                log.info("notion: a query hit the %d-row cap; continuing from created_time %s", self.result_cap, last_created)
                after = last_created

    def _queries(self) -> list[Callable[..., Any]]:
        database = self.client.databases.retrieve(self.database_id)
        if "data_sources" in database:
            return [partial(self.client.data_sources.query, source["id"]) for source in database["data_sources"]]
        # Notion-Version before 2025-09-03: the database is queried directly (notion-client 3.x has no method for it).
        return [self._legacy_query]

    def _legacy_query(self, **body: Any) -> Any:
        return self.client.request(path=f"databases/{self.database_id}/query", method="POST", body=body)

    def _query(self, query: Callable[..., Any], after: str | None, seen: set[str]):
        """Yield one query's unseen pages; return (capped, created_time of its last row)."""
        body: dict[str, Any] = {"sorts": _SORT}
        if after:
            body["filter"] = {"timestamp": "created_time", "created_time": {"on_or_after": after}}
        restarts = 0
        while True:
            rows, capped, last_created = 0, False, None
            try:
                for response in self._paginate(query, f"the query of database {self.database_id}", **body):
                    rows += len(response.get("results") or [])
                    capped = capped or (response.get("request_status") or {}).get("type") == "incomplete"
                    for page in response.get("results") or []:
                        last_created = page.get("created_time") or last_created
                        if page.get("object", "page") == "page" and page["id"] not in seen:
                            seen.add(page["id"])
                            self._pages_read += 1
                            yield page
                # Older API versions do not flag the cap: a full cap of rows is treated as capped too.
                return capped or rows >= self.result_cap, last_created
            except HTTPResponseError as exc:
                # A validation error after the first page is the cursor going stale: start the query over.
                if exc.code != APIErrorCode.ValidationError or rows == 0 or restarts >= self.cursor_restarts:
                    raise
                restarts += 1
                log.warning("notion: the query cursor became invalid after %d rows (%s); restarting the query", rows, exc)

    def _paginate(self, call: Callable[..., Any], what: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Each response of a paginated endpoint. (notion_client's iterate_paginated_api yields only
        results, hiding request_status, and ends quietly when has_more comes without a cursor.)"""
        cursor = None
        while True:
            page = {"start_cursor": cursor} if cursor else {}
            response = call(**kwargs, **page, page_size=self.page_size)
            yield response
            if not response.get("has_more"):
                return
            cursor = response.get("next_cursor")
            if not cursor:
                raise SourceError(f"notion: {what} said has_more but gave no next_cursor {self._progress()}")

    # ---- one opportunity -------------------------------------------------------------------

    def _opportunity(self, page: dict[str, Any], day) -> dict[str, Any] | Quarantined:
        properties = self._complete_references(page["id"], page.get("properties") or {})
        page = {**page, "properties": properties}
        flat = flatten_properties(properties)
        types = {name: prop.get("type", "") for name, prop in properties.items()}
        title = next((flat[name] for name, kind in types.items() if kind == "title"), "")
        try:
            fields = extract_fields(flat, types, self.field_names)
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
                for response in self._paginate(
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
        for response in self._paginate(self.client.blocks.children.list, f"the content of {parent_id}", block_id=parent_id):
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
            for response in self._paginate(self.client.comments.list, f"the comments of {page_id}", block_id=page_id)
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
                    user = person(self.client.users.retrieve(user_id)) or {}
                    self._users[user_id] = (user.get("name"), user.get("email"))
                except HTTPResponseError as exc:
                    if exc.code not in (APIErrorCode.RestrictedResource, APIErrorCode.ObjectNotFound):
                        raise
                    if exc.code == APIErrorCode.RestrictedResource:
                        log.info("notion: the integration may not read users; comment authors keep their ids")
                        self._can_read_users = False
        return self._users[user_id]

    # ---- messages --------------------------------------------------------------------------

    def _progress(self) -> str:
        return f"(after {self._pages_read} pages of database {self.database_id}; nothing partial is loaded)"

    def _explain(self, exc: HTTPResponseError) -> str:
        code = getattr(exc.code, "value", exc.code)
        if code == APIErrorCode.Unauthorized.value:
            hint = f"the token in ${self.token_env} was refused: set it to the integration's secret"
        elif code in (APIErrorCode.ObjectNotFound.value, APIErrorCode.RestrictedResource.value):
            hint = f"database {self.database_id} is not visible to the integration: share it with the integration"
        else:
            hint = f"Notion answered {exc.status} {code}: {exc}"
        return f"notion: {hint} {self._progress()}"
