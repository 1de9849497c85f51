"""A fake Gong API v2 on 127.0.0.1, answering in the shapes of Gong's published OpenAPI spec.

Serves POST /v2/calls/extensive (date or id filter, cursor paging, 404 when nothing matches, as
Gong does) and POST /v2/calls/transcript (id filter; calls without a transcript are left out).
Checks basic auth. `fail_next` queues statuses to answer before the real response (429 carries
Retry-After). Every request that reaches it is in `log` as (method, path, body).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from tests.fakes.json_api import Answer, FakeJsonApi


class FakeGong(FakeJsonApi):
    UNAUTHORIZED = (401, {"requestId": "fake", "errors": ["Invalid credentials"]})
    FAILURE = {"requestId": "fake", "errors": ["fake failure"]}

    def __init__(self, calls: list[dict], transcripts: dict[str, list], *, key: str = "key", secret: str = "secret", page_size: int = 100):
        super().__init__("Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode())
        self.calls = calls  # CallData objects
        self.transcripts = transcripts  # call id -> monologues
        self.page_size = page_size

    def _page(self, items: list, cursor: str | None) -> tuple[list, dict]:
        start = int(cursor or 0)
        page = items[start : start + self.page_size]
        records = {"totalRecords": len(items), "currentPageSize": len(page), "currentPageNumber": start // self.page_size}
        if start + self.page_size < len(items):
            records["cursor"] = str(start + self.page_size)
        return page, records

    def _extensive(self, body: dict) -> tuple[int, dict]:
        flt = body.get("filter") or {}
        chosen = self.calls
        if flt.get("callIds"):
            chosen = [c for c in chosen if c["metaData"]["id"] in flt["callIds"]]
        if flt.get("fromDateTime"):
            since, until = dt.datetime.fromisoformat(flt["fromDateTime"]), dt.datetime.fromisoformat(flt["toDateTime"])
            chosen = [c for c in chosen if since <= dt.datetime.fromisoformat(c["metaData"]["started"]) < until]
        if not chosen:
            return 404, {"requestId": "fake", "errors": ["No calls found corresponding to the provided filters"]}
        page, records = self._page(chosen, body.get("cursor"))
        return 200, {"requestId": "fake", "records": records, "calls": page}

    def _transcript(self, body: dict) -> tuple[int, dict]:
        ids = (body.get("filter") or {}).get("callIds") or []
        items = [{"callId": i, "transcript": self.transcripts[i]} for i in ids if i in self.transcripts]
        if not items:
            return 404, {"requestId": "fake", "errors": ["No calls found corresponding to the provided filters"]}
        page, records = self._page(items, body.get("cursor"))
        return 200, {"requestId": "fake", "records": records, "callTranscripts": page}

    def route(self, method: str, path: str, body: Any) -> Answer:
        routes = {("POST", "/v2/calls/extensive"): self._extensive, ("POST", "/v2/calls/transcript"): self._transcript}
        route = routes.get((method, path))
        if route is None:
            # A write the connector must never send; answer as if it worked so only the guard stops it.
            return 200, {"requestId": "fake"}
        return route(body)
