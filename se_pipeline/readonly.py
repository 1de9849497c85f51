"""The read-only guard: ingestion never writes to a source system.

Every connector sends each request through a guard built with the exact operations it needs
(Slack API method names, or "<HTTP method> <path>" for REST APIs). Anything else is refused
before it leaves the process. Writing (posting a digest, updating Notion) is a separate command
with its own confirmation, never a connector.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from se_pipeline.errors import WriteRefusedError


class ReadOnlyGuard:
    """Allows only operations matching one of `allowed` (full-match regular expressions)."""

    def __init__(self, source: str, allowed: Iterable[str]):
        self.source = source
        self._allowed = [re.compile(pattern) for pattern in allowed]

    def check(self, operation: str) -> None:
        """Raise WriteRefusedError unless `operation` is an allowed read."""
        if not any(p.fullmatch(operation) for p in self._allowed):
            raise WriteRefusedError(
                f"{self.source}: refused {operation!r}: ingestion is read-only and this is not one of "
                f"the read operations the {self.source} connector may use"
            )

    def check_http(self, method: str, url_path: str) -> None:
        """Check a REST request, e.g. check_http('GET', '/v1/pages/abc')."""
        self.check(f"{method.upper()} {url_path}")
