"""The read-only guard: ingestion never writes to a source system.

Every connector sends each request through a guard built with the exact operations it needs
(Slack API method names, or "<HTTP method> <path>" for REST APIs). Anything else is refused
before it leaves the process.

The product's only writes (an update to the opportunity database the user confirmed, a digest
delivered to its SE) pass a guard too, one built for that write alone: it holds a `WriteAllowance`
naming the exact operation and judging the request's body (the confirmed properties only, the
SE's own DM or address only). Connectors never hold one, so an ingestion code path that calls the
same endpoint is refused like any other write.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from se_pipeline.errors import WriteRefusedError


@dataclass(frozen=True)
class WriteAllowance:
    """One write allowed: exactly `operation`, with a body that `check` accepts (it returns None for
    the body it was made for, else why not), at most `times` times (None: each message of a delivery).
    `what` names the write in messages ("proposal 3f2a…: Stage of 'Acme – Pilot'")."""

    operation: str
    check: Callable[[Any], str | None]
    what: str
    times: int | None = 1


class ReadOnlyGuard:
    """Allows only operations matching one of `allowed` (full-match regular expressions), and the
    explicit `writes` (none for a connector)."""

    def __init__(self, source: str, allowed: Iterable[str], writes: Iterable[WriteAllowance] = ()):
        self.source = source
        self._allowed = [re.compile(pattern) for pattern in allowed]
        self._writes = list(writes)
        self._used: dict[int, int] = {}

    def check(self, operation: str, body: Any = None) -> None:
        """Raise WriteRefusedError unless `operation` is an allowed read, or an allowed write whose
        `body` (a dict, or its JSON text) is the one allowed."""
        if any(p.fullmatch(operation) for p in self._allowed):
            return
        for index, allowance in enumerate(self._writes):
            if allowance.operation != operation:
                continue
            problem = allowance.check(_as_json(body))
            if problem is None and allowance.times is not None and self._used.get(index, 0) >= allowance.times:
                problem = f"it was allowed {allowance.times} time(s) and has been sent"
            if problem is not None:
                raise WriteRefusedError(f"{self.source}: refused {operation!r} for {allowance.what}: {problem}")
            self._used[index] = self._used.get(index, 0) + 1
            return
        raise WriteRefusedError(
            f"{self.source}: refused {operation!r}: ingestion is read-only and this is not one of "
            f"the read operations the {self.source} connector may use"
        )

    def check_http(self, method: str, url_path: str, body: Any = None) -> None:
        """Check a REST request, e.g. check_http('GET', '/v1/pages/abc')."""
        self.check(f"{method.upper()} {url_path}", body)


def _as_json(body: Any) -> Any:
    """A request body as data: JSON text or bytes decoded (anything else, e.g. a form, as it is)."""
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", errors="replace")
    if isinstance(body, str):
        try:
            return json.loads(body) if body.strip() else None
        except ValueError:
            return body
    return body
