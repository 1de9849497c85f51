"""Every page of one Notion database, read with notion_client through the read-only guard.

Enumeration: GET /v1/databases/{id} names the database's data sources; each is read with
POST /v1/data_sources/{id}/query, page by page (start_cursor / next_cursor / has_more), sorted by
created_time. Given a data source id instead, that data source alone is queried. A database read
with an older Notion-Version (no `data_sources` in the answer) is read with the legacy
POST /v1/databases/{id}/query. Never the search endpoint: it drops records.

Known traps, each handled here:
* one query returns at most `result_cap` (10,000) rows and then reports
  `request_status: {"type": "incomplete"}` with has_more false: the read continues with a new query
  for created_time on or after the last row's, de-duplicated by page id;
* a cursor may become invalid mid-way (400 validation_error): the query restarts, de-duplicated;
* 429 (Retry-After) and 5xx are retried in the HTTP layer (se_pipeline.connectors.notion.http).
Anything that stops the read early raises SourceError: a partial database never loads silently.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, TypeVar, cast

import httpx
from notion_client.errors import APIErrorCode, HTTPResponseError, RequestTimeoutError
from notion_client.helpers import extract_notion_id

from se_pipeline.connectors.notion.http import NOTION_READS, GuardedTransport, api_root, notion_client_for
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.readonly import ReadOnlyGuard, WriteAllowance

log = logging.getLogger(__name__)

RESULT_CAP = 10_000  # rows one Notion query returns at most
_SORT = [{"timestamp": "created_time", "direction": "ascending"}]
T = TypeVar("T")


class NotionDatabase:
    """A Notion database (or one data source of it) and the guarded client that reads it.

    Exactly one of `database_id` and `data_source_id` is given. `source` prefixes messages and
    names the guard; `setting` is the configuration block the database is configured in (for
    messages); `reads` are the only requests the guard lets through, with `writes` (only ever a
    confirmed proposal's one write: se_pipeline.proposals.apply).
    """

    def __init__(
        self,
        *,
        token: str,
        database_id: str | None = None,
        data_source_id: str | None = None,
        source: str = "notion",
        setting: str = "sources.notion",
        reads: Iterable[str] = NOTION_READS,
        writes: Iterable[WriteAllowance] = (),
        base_url: str | None = None,
        token_env: str = "NOTION_TOKEN",
        max_retries: int = 5,
        result_cap: int = RESULT_CAP,
        page_size: int = 100,
        requests_per_second: float | None = 3.0,
        cursor_restarts: int = 3,
        notion_version: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if (database_id is None) == (data_source_id is None):
            raise ValueError("NotionDatabase needs exactly one of database_id and data_source_id")
        self.is_data_source = data_source_id is not None
        given = (data_source_id if self.is_data_source else database_id) or ""
        found = extract_notion_id(given)
        if found is None:
            # Without this the guard would refuse the request as if it were a write.
            if self.is_data_source:
                raise ConfigError(
                    f"{setting}.data_source_id {given!r} is not a Notion data source id (in Notion, open the database's "
                    "settings menu → Manage data sources, and use the data source's ••• menu → Copy data source ID)"
                )
            raise ConfigError(
                f"{setting}.database_id {given!r} is neither a Notion database id nor its URL "
                "(open the database in Notion, use ⋯ → Copy link, and put that link, or the 32 hex characters in it, there)"
            )
        self.id: str = found
        self.kind = "data source" if self.is_data_source else "database"
        self.what = f"{self.kind} {self.id}"  # for messages
        self.source = source
        self.token_env = token_env
        self.result_cap = result_cap
        self.page_size = page_size
        self.cursor_restarts = cursor_restarts
        self.transport = GuardedTransport(
            ReadOnlyGuard(source, reads, writes),
            api_root(base_url),
            max_retries=max_retries,
            requests_per_second=requests_per_second,
            sleep=sleep,
        )
        self.client = notion_client_for(token, self.transport, base_url=base_url, notion_version=notion_version)
        self.pages_read = 0

    @property
    def calls(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self.transport.calls

    def reading(self, records: Iterator[T]) -> Iterator[T]:
        """`records`, with Notion's HTTP and network errors turned into SourceErrors that say what to fix."""
        self.pages_read = 0
        try:
            yield from records
        except HTTPResponseError as exc:
            raise SourceError(self._explain(exc)) from None
        except httpx.RemoteProtocolError as exc:
            raise SourceError(
                f"{self.source}: the API's answers were cut short ({exc}) {self.progress()}, "
                f"{self.transport.max_retries} retries; try again later"
            ) from None
        except (RequestTimeoutError, httpx.TransportError) as exc:
            raise SourceError(
                f"{self.source}: no answer from the API ({exc}) {self.progress()}; check base_url and the network"
            ) from None

    def pages(self) -> Iterator[dict[str, Any]]:
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
                        f"{self.source}: more than {self.result_cap} pages of {self.what} share the "
                        f"created_time {after}; Notion cannot page past that {self.progress()}"
                    )
                log.info("notion: a query hit the %d-row cap; continuing from created_time %s", self.result_cap, last_created)
                after = last_created

    def edited_since(self, moment: str) -> Iterator[dict[str, Any]]:
        """The pages edited (or created) at or after `moment` (ISO 8601): one query per data source,
        filtered on last_edited_time."""
        body = {
            "filter": {"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": moment}},
            "sorts": [{"timestamp": "last_edited_time", "direction": "ascending"}],
        }
        for query in self._queries():
            for response in self.paginate(query, f"the pages of {self.what} edited since {moment}", **body):
                yield from (page for page in response.get("results") or [] if page.get("object", "page") == "page")

    def retrieve(self) -> dict[str, Any]:
        """The database object (GET /v1/databases/{id}) or the data source's (GET /v1/data_sources/{id})."""
        if self.is_data_source:
            return cast(dict[str, Any], self.client.data_sources.retrieve(self.id))  # a sync client: no Awaitable
        return cast(dict[str, Any], self.client.databases.retrieve(self.id))

    def property_types(self, database: dict[str, Any] | None = None) -> dict[str, str]:
        """Property name -> Notion type, from the schema (a data source's own, or the database's first
        data source's); `database`: the retrieve() answer when the caller has it already."""
        database = database or self.retrieve()
        if "data_sources" in database:
            sources = database["data_sources"]
            database = cast(dict[str, Any], self.client.data_sources.retrieve(sources[0]["id"])) if sources else {}
        return {name: prop.get("type", "") for name, prop in (database.get("properties") or {}).items()}

    def paginate(self, call: Callable[..., Any], what: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Each response of a paginated endpoint. (notion_client's iterate_paginated_api yields only
        results, hiding request_status, and ends quietly when has_more comes without a cursor.)"""
        cursor = None
        while True:
            page: dict[str, Any] = {"start_cursor": cursor} if cursor else {}
            response = call(**kwargs, **page, page_size=self.page_size)
            yield response
            if not response.get("has_more"):
                return
            cursor = response.get("next_cursor")
            if not cursor:
                raise SourceError(f"{self.source}: {what} said has_more but gave no next_cursor {self.progress()}")

    def progress(self) -> str:
        return f"(after {self.pages_read} pages of {self.what}; nothing partial is loaded)"

    def _queries(self) -> list[Callable[..., Any]]:
        if self.is_data_source:
            return [partial(self.client.data_sources.query, self.id)]
        database = cast(dict[str, Any], self.client.databases.retrieve(self.id))
        if "data_sources" in database:
            return [partial(self.client.data_sources.query, source["id"]) for source in database["data_sources"]]
        # Notion-Version before 2025-09-03: the database is queried directly (notion-client 3.x has no method for it).
        return [self._legacy_query]

    def _legacy_query(self, **body: Any) -> Any:
        return self.client.request(path=f"databases/{self.id}/query", method="POST", body=body)

    def _query(self, query: Callable[..., Any], after: str | None, seen: set[str]):
        """Yield one query's unseen pages; return (capped, created_time of its last row)."""
        body: dict[str, Any] = {"sorts": _SORT}
        if after:
            body["filter"] = {"timestamp": "created_time", "created_time": {"on_or_after": after}}
        restarts = 0
        while True:
            rows, capped, last_created = 0, False, None
            try:
                for response in self.paginate(query, f"the query of {self.what}", **body):
                    rows += len(response.get("results") or [])
                    capped = capped or (response.get("request_status") or {}).get("type") == "incomplete"
                    for page in response.get("results") or []:
                        last_created = page.get("created_time") or last_created
                        if page.get("object", "page") == "page" and page["id"] not in seen:
                            seen.add(page["id"])
                            self.pages_read += 1
                            yield page
                # Older API versions do not flag the cap: a full cap of rows is treated as capped too.
                return capped or rows >= self.result_cap, last_created
            except HTTPResponseError as exc:
                # A validation error after the first page is the cursor going stale: start the query over.
                if exc.code != APIErrorCode.ValidationError or rows == 0 or restarts >= self.cursor_restarts:
                    raise
                restarts += 1
                log.warning("notion: the query cursor became invalid after %d rows (%s); restarting the query", rows, exc)

    def _explain(self, exc: HTTPResponseError) -> str:
        code = getattr(exc.code, "value", exc.code)
        if code == APIErrorCode.Unauthorized.value:
            hint = f"the token in ${self.token_env} was refused: set it to the integration's secret"
        elif code in (APIErrorCode.ObjectNotFound.value, APIErrorCode.RestrictedResource.value):
            shared = "its database" if self.is_data_source else "it"
            hint = f"{self.what} is not visible to the integration: share {shared} with the integration"
        else:
            hint = f"Notion answered {exc.status} {code}: {exc}"
        return f"{self.source}: {hint} {self.progress()}"
