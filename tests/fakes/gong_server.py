"""A fake Gong API v2 on 127.0.0.1, answering in the shapes of Gong's published OpenAPI spec.

Serves POST /v2/calls/extensive (date or id filter, cursor paging, 404 when nothing matches, as
Gong does) and POST /v2/calls/transcript (id filter; calls without a transcript are left out).
Checks basic auth. `fail_next` queues statuses to answer before the real response (429 carries
Retry-After). Every request that reaches it is in `log` as (method, path, body).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeGong:
    def __init__(self, calls: list[dict], transcripts: dict[str, list], *, key: str = "key", secret: str = "secret", page_size: int = 100):
        self.calls = calls  # CallData objects
        self.transcripts = transcripts  # call id -> monologues
        self.page_size = page_size
        self.fail_next: list[tuple[int, str | None]] = []  # (status, Retry-After)
        self.log: list[tuple[str, str, Any]] = []
        self._auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "FakeGong":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

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

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}") if length else {}
                fake.log.append((self.command, self.path, body))
                if self.headers.get("Authorization") != fake._auth:
                    return self._send(401, {"requestId": "fake", "errors": ["Invalid credentials"]})
                if fake.fail_next:
                    status, retry_after = fake.fail_next.pop(0)
                    return self._send(status, {"requestId": "fake", "errors": ["fake failure"]}, {"Retry-After": retry_after} if retry_after else None)
                routes = {("POST", "/v2/calls/extensive"): fake._extensive, ("POST", "/v2/calls/transcript"): fake._transcript}
                route = routes.get((self.command, self.path.split("?")[0]))
                if route is None:
                    # A write the connector must never send; answer as if it worked so only the guard stops it.
                    return self._send(200, {"requestId": "fake"})
                self._send(*route(body))

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        return Handler
