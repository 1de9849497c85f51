"""The Slack Web API client the connector uses: slack_sdk's WebClient behind the read-only guard.

slack_sdk sends every method as POST, so the guard judges the *method name*, before any request
(and, for the one write a delivery is allowed, its arguments).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from http.client import HTTPException, RemoteDisconnected
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    RetryHandler,
)
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.web import SlackResponse

from se_pipeline.readonly import ReadOnlyGuard, WriteAllowance

# The exact read methods ingestion may use (others, e.g. chat.postMessage, are refused).
READ_METHODS = (
    "auth.test",
    "team.info",
    "bots.info",
    "users.list",
    "users.info",
    "conversations.list",
    "conversations.info",
    "conversations.history",
    "conversations.replies",
)


# Connections reset before the answer, answers dropped mid-body (IncompleteRead) and JSON cut short:
# all retried like a server error.
BROKEN_ANSWERS = (URLError, ConnectionResetError, RemoteDisconnected, HTTPException, json.JSONDecodeError)


def retry_handlers(max_retries: int) -> list[RetryHandler]:
    """429 waits for Retry-After; 500/503, dropped connections and broken answers back off exponentially."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        ServerErrorRetryHandler(max_retry_count=max_retries),
        ConnectionErrorRetryHandler(max_retry_count=max_retries, error_types=list(BROKEN_ANSWERS)),
    ]


class ReadOnlyWebClient(WebClient):
    """A WebClient that refuses every method not in READ_METHODS and counts the calls it makes.

    `calls` counts API calls (a retry of the same call is not another call), `calls_by_method` the same by
    method name. `writes`: the only
    writes allowed (a delivery's chat.postMessage to one user); connectors pass none. A write is
    retried only when Slack rate-limited it, which means it was not posted: never twice.
    """

    def __init__(
        self,
        token: str,
        base_url: str | None = None,
        max_retries: int = 5,
        writes: Sequence[WriteAllowance] = (),
        **kwargs: Any,
    ):
        base = base_url or WebClient.BASE_URL
        handlers: list[RetryHandler] = (
            retry_handlers(max_retries) if not writes else [RateLimitErrorRetryHandler(max_retry_count=max_retries)]
        )
        super().__init__(
            token=token,
            base_url=base if base.endswith("/") else base + "/",  # urljoin drops a last segment without "/"
            retry_handlers=handlers,
            **kwargs,
        )
        self.guard = ReadOnlyGuard("slack", [re.escape(m) for m in READ_METHODS], writes)
        self.calls_by_method: Counter[str] = Counter()

    @property
    def calls(self) -> int:
        return sum(self.calls_by_method.values())

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        self.guard.check(api_method, kwargs.get("json") or kwargs.get("params") or kwargs.get("data"))
        self.calls_by_method[api_method] += 1
        return super().api_call(api_method, **kwargs)
