"""What the fake JSON APIs (Gong, Hex) share: a server on 127.0.0.1 that checks the Authorization
header, answers queued failures first, logs every request, and leaves the real answers to `route`.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

Answer = tuple[int, "dict | str"]  # status and body (a str is sent as plain text)
_Fake = TypeVar("_Fake", bound="FakeJsonApi")


class FakeJsonApi:
    UNAUTHORIZED: Answer = (401, "Unauthorized")
    FAILURE: dict | str = "fake failure"  # the body of a queued failure

    def __init__(self, authorization: str):
        self.fail_next: list[tuple[int, str | None]] = []  # (status, Retry-After)
        self.log: list[tuple[str, str, Any]] = []  # (method, path, JSON body) of every request that arrived
        self._authorization = authorization
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self: _Fake) -> _Fake:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def route(self, method: str, path: str, body: Any) -> Answer:
        """The answer to an authorized request (`path` without its query)."""
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: dict | str, headers: dict[str, str] | None = None) -> None:
                text = isinstance(body, str)
                data = body.encode() if text else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if text else "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}") if length else {}
                fake.log.append((self.command, self.path, body))
                if self.headers.get("Authorization") != fake._authorization:
                    return self._send(*fake.UNAUTHORIZED)
                if fake.fail_next:
                    status, retry_after = fake.fail_next.pop(0)
                    return self._send(status, fake.FAILURE, {"Retry-After": retry_after} if retry_after else None)
                self._send(*fake.route(self.command, self.path.split("?")[0], body))

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        return Handler
