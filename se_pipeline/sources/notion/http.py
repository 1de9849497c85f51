"""The HTTP layer under notion_client: read-only guard, call count, rate limit, retries.

Everything the Notion client sends passes `GuardedTransport.handle_request`, so a write is refused
before it leaves the process. Retries live here rather than in notion_client because notion-client
3.x retries 5xx only for GET, and data source queries are POST (reads all the same).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import notion_client
from notion_client.constants import DEFAULT_BASE_URL

from se_pipeline.connectors import parse_json
from se_pipeline.readonly import ReadOnlyGuard

log = logging.getLogger(__name__)

_ID = r"[0-9a-fA-F-]{32,36}"
# Paths are relative to <base_url>/v1. Queries are POST but only read.
# Enumerating a database's pages (se_pipeline.sources.notion.database) needs only these.
DATABASE_READS = (
    rf"GET /databases/{_ID}",
    rf"POST /databases/{_ID}/query",
    rf"POST /data_sources/{_ID}/query",
)
NOTION_READS = (
    *DATABASE_READS,
    rf"GET /data_sources/{_ID}",
    rf"GET /pages/{_ID}",
    rf"GET /pages/{_ID}/properties/[^/]+",
    rf"GET /blocks/{_ID}/children",
    r"GET /comments",
    rf"GET /users/{_ID}",
)

_RETRY_STATUSES = {429, 500, 502, 503, 504}
_MAX_DELAY = 60.0


class GuardedTransport(httpx.BaseTransport):
    """Checks each request against the guard, spaces requests out, retries 429 and 5xx, counts calls."""

    def __init__(
        self,
        guard: ReadOnlyGuard,
        api_root: str,
        *,
        max_retries: int = 5,
        requests_per_second: float | None = 3.0,
        backoff_seconds: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        inner: httpx.BaseTransport | None = None,
    ):
        self.guard = guard
        self.api_root = api_root.rstrip("/")
        self.max_retries = max_retries
        self.interval = 1.0 / requests_per_second if requests_per_second else 0.0
        self.backoff_seconds = backoff_seconds
        self.sleep = sleep
        self.clock = clock
        self.inner = inner or httpx.HTTPTransport()
        self.calls = 0
        self._next_slot = 0.0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # The encoded path: a property id may contain an encoded "/".
        path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        relative = path[len(self.api_root) :] if path.startswith(self.api_root + "/") else path
        self.guard.check_http(request.method, relative, request.content)  # a write's body is judged too
        attempt = 0
        while True:
            self._throttle()
            self.calls += 1
            try:
                response = self._whole_answer(request)
            except httpx.TransportError as exc:
                # Reset before the answer, dropped mid-answer, or a body cut short: retried like a 5xx.
                if attempt >= self.max_retries:
                    raise
                delay = min(self.backoff_seconds * 2**attempt, _MAX_DELAY)
                log.info("notion: %s %s failed (%s); retrying in %.1fs", request.method, relative, exc, delay)
            else:
                if response.status_code not in _RETRY_STATUSES or attempt >= self.max_retries:
                    return response
                delay = self._delay(response, attempt)
                log.info("notion: %s %s answered %s; retrying in %.1fs", request.method, relative, response.status_code, delay)
            self.sleep(delay)
            attempt += 1

    def _whole_answer(self, request: httpx.Request) -> httpx.Response:
        """The response, read in full; a 2xx JSON body that does not parse (cut short) is a ProtocolError."""
        response = self.inner.handle_request(request)
        try:
            response.read()
        finally:
            response.close()
        if response.is_success and "json" in response.headers.get("content-type", ""):
            try:
                parse_json(response.content)
            except ValueError as exc:
                raise httpx.RemoteProtocolError(f"the answer is not whole JSON ({exc})", request=request) from None
        return response

    def _throttle(self) -> None:
        # Notion allows about three requests a second per integration; stay under it rather than earn 429s.
        if not self.interval:
            return
        now = self.clock()
        if self._next_slot > now:
            self.sleep(self._next_slot - now)
        self._next_slot = max(now, self._next_slot) + self.interval

    def _delay(self, response: httpx.Response, attempt: int) -> float:
        retry_after = response.headers.get("retry-after")
        if retry_after:
            try:
                return min(max(float(retry_after), 0.0), _MAX_DELAY)
            except ValueError:
                pass
        return min(self.backoff_seconds * 2**attempt, _MAX_DELAY)

    def close(self) -> None:
        self.inner.close()


def notion_client_for(
    token: str,
    transport: GuardedTransport,
    *,
    base_url: str | None,
    notion_version: str | None = None,
) -> notion_client.Client:
    """A notion_client.Client whose every request goes through `transport` (its own retries off)."""
    options: dict = {
        "auth": token,
        "base_url": (base_url or DEFAULT_BASE_URL).rstrip("/"),
        "retry": False,
        "logger": logging.getLogger("se_pipeline.sources.notion.client"),
    }
    if notion_version:
        options["notion_version"] = notion_version
    return notion_client.Client(client=httpx.Client(transport=transport), **options)


def api_root(base_url: str | None) -> str:
    """The URL path under which the API's /v1 routes live (for matching against the allow-list)."""
    return urlsplit((base_url or DEFAULT_BASE_URL).rstrip("/")).path + "/v1"
