"""Requests to a JSON HTTP API behind the read-only guard, with the retries such APIs need.

Shared by the connectors that speak HTTP through httpx themselves (Gong, Hex). Each request is
checked by the guard before it is sent, requests are spaced by `min_interval_s`, dropped
connections and 5xx back off exponentially, and a 429 waits for its Retry-After. What any other
answer means (a 404, a refused token) is the caller's to say, in the API's own terms.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from se_pipeline.errors import SourceError
from se_pipeline.readonly import ReadOnlyGuard

MAX_RETRY_AFTER_S = 300  # a longer wait means a quota is spent: stop and say so rather than stall the run


class GuardedHttp:
    """Sends `client`'s requests through `guard`; `service` names the API in messages (e.g. "Gong")."""

    def __init__(
        self,
        client: httpx.Client,
        guard: ReadOnlyGuard,
        service: str,
        *,
        max_retries: int = 5,
        min_interval_s: float = 0.0,
        backoff_s: float = 1.0,
        quota_hint: str = "",
    ):
        self.client = client
        self.guard = guard
        self.service = service
        self.max_retries = max_retries
        self.min_interval_s = min_interval_s
        self.backoff_s = backoff_s
        self.quota_hint = quota_hint  # why a long Retry-After may come, e.g. " (the daily limit is spent)"
        self.calls = 0
        self._last_request = 0.0

    def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        """The first answer that is neither a 429 nor a 5xx; SourceError once the retries are spent."""
        self.guard.check_http(method, path)  # before anything is sent
        source = self.guard.source
        for attempt in range(self.max_retries + 1):
            wait = self._last_request + self.min_interval_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last_request = time.monotonic()
            self.calls += 1
            try:
                response = self.client.request(method, path, json=body)
            except httpx.TransportError as exc:
                if attempt == self.max_retries:
                    raise SourceError(f"{source}: cannot reach {self.service} at {self.client.base_url}: {exc}") from None
                time.sleep(self.backoff_s * 2**attempt)
                continue
            status = response.status_code
            if status != 429 and status < 500:
                return response
            if attempt == self.max_retries:
                break
            time.sleep(self._retry_after(response) if status == 429 else self.backoff_s * 2**attempt)
        raise SourceError(
            f"{source}: {self.service} still answered HTTP {status} to {method} {path} after {self.max_retries} retries"
        )

    def _retry_after(self, response: httpx.Response) -> float:
        try:
            delay = float(response.headers.get("Retry-After", self.backoff_s))
        except ValueError:
            delay = self.backoff_s
        if delay > MAX_RETRY_AFTER_S:
            raise SourceError(
                f"{self.guard.source}: {self.service}'s rate limit asks to wait {delay:.0f}s{self.quota_hint}; run again later"
            )
        return delay


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object, or {} when it is not one (an error page, plain text)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
