"""Calls from Gong's API v2 over httpx (basic auth: access key + secret from the environment).

Reads, per window (plus a lookback, so transcripts Gong finishes late are picked up when a later
day runs; those earlier days' rows are upserted by key):
  * POST /v2/calls/extensive with a date filter: the calls with their parties, 100 per page,
    following records.cursor. One request gives the metadata and the parties, so the plain
    GET /v2/calls listing would only double the calls made.
  * POST /v2/calls/transcript with the page's call ids (at most 100 per request).
Gong serves these reads as POST (the filter travels in the body); the guard allows exactly those
two paths, so no other POST (adding a call, a meeting, a CRM object) can leave the process.
Limits: Gong allows 3 requests/second and 10,000/day; requests are spaced, a 429's Retry-After
is honoured, and date ranges are split into windows of at most 90 days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
from pydantic import ValidationError

from se_pipeline.sources.calls.gong import CallData, CallTranscript, Monologue, Team
from se_pipeline.sources.calls.pages import TABLES, PageBuffer
from se_pipeline.connectors import GuardedHttp
from se_pipeline.errors import SourceError
from se_pipeline.readonly import ReadOnlyGuard
from se_pipeline.pages import Quarantined, Rows
from se_pipeline.window import Window

EXTENSIVE = "/v2/calls/extensive"
TRANSCRIPT = "/v2/calls/transcript"
ALLOWED = (f"POST {EXTENSIVE}", f"POST {TRANSCRIPT}")
MAX_IDS_PER_REQUEST = 100
MAX_RANGE_DAYS = 90
DEFAULT_LOOKBACK_DAYS = 7


def date_ranges(first: dt.date, last: dt.date, max_days: int = MAX_RANGE_DAYS) -> list[tuple[dt.date, dt.date]]:
    """[first, last] cut into consecutive inclusive ranges of at most `max_days` days."""
    ranges = []
    start = first
    while start <= last:
        end = min(last, start + dt.timedelta(days=max_days - 1))
        ranges.append((start, end))
        start = end + dt.timedelta(days=1)
    return ranges


class GongApiConnector:
    source = "calls"
    tables = TABLES

    def __init__(
        self,
        base_url: str,
        access_key: str,
        secret: str,
        team: Team,
        *,
        max_retries: int = 5,
        lookback_days: int = DEFAULT_LOOKBACK_DAYS,
        min_interval_s: float = 1 / 3,
        backoff_s: float = 1.0,
    ):
        self.team = team
        self.lookback_days = lookback_days
        self.http = GuardedHttp(
            httpx.Client(base_url=base_url, auth=(access_key, secret), timeout=60.0),
            ReadOnlyGuard("calls", ALLOWED),
            "Gong",
            max_retries=max_retries,
            min_interval_s=min_interval_s,
            backoff_s=backoff_s,
            quota_hint=" (the daily limit of 10,000 requests is probably spent)",
        )

    # ---- HTTP ---------------------------------------------------------------------------------

    @property
    def calls(self) -> int:
        return self.http.calls

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """One read, with retries. None when Gong answers 404 (its way of saying "no calls found")."""
        response = self.http.send(method, path, body)
        status = response.status_code
        if status == 200:
            return response.json()
        if status == 404:
            return None
        if status in (401, 403):
            raise SourceError(
                f"calls: Gong refused the credentials (HTTP {status}); check the access key and secret "
                "in the environment variables named by sources.calls.access_key_env / secret_env"
            )
        raise SourceError(f"calls: Gong answered HTTP {status} to {method} {path}: {_errors(response)}")

    # ---- reading ------------------------------------------------------------------------------

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        first = window.first_day - dt.timedelta(days=self.lookback_days)
        buffer = PageBuffer(self.team, window.tz)
        for start, end in date_ranges(first, window.last_day):
            since = dt.datetime.combine(start, dt.time(), window.tz)
            until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), window.tz)
            cursor = None
            while True:
                body: dict[str, Any] = {
                    "filter": {"fromDateTime": since.isoformat(), "toDateTime": until.isoformat()},
                    "contentSelector": {"context": "Extended", "exposedFields": {"parties": True}},
                }
                if cursor:
                    body["cursor"] = cursor
                page = self.request("POST", EXTENSIVE, body)
                if page is None:
                    break
                calls: list[CallData] = []
                for i, raw in enumerate(page.get("calls") or []):
                    try:
                        calls.append(CallData.model_validate(raw))
                    except ValidationError as exc:
                        call_id = (raw.get("metaData") or {}).get("id") if isinstance(raw, dict) else None
                        yield Quarantined(self.source, f"gong:call:{call_id or f'page item {i}'}", f"bad_call: {exc.errors()[0]['msg']}", raw, window.first_day)
                transcripts = self._transcripts([c.metaData.id for c in calls])
                for call in calls:
                    yield from buffer.add(call, transcripts.get(call.metaData.id))
                cursor = (page.get("records") or {}).get("cursor")
                if not cursor:
                    break
        yield from buffer.flush()

    def _transcripts(self, call_ids: list[str]) -> dict[str, list[Monologue]]:
        found: dict[str, list[Monologue]] = {}
        for i in range(0, len(call_ids), MAX_IDS_PER_REQUEST):
            cursor = None
            while True:
                body: dict[str, Any] = {"filter": {"callIds": call_ids[i : i + MAX_IDS_PER_REQUEST]}}
                if cursor:
                    body["cursor"] = cursor
                page = self.request("POST", TRANSCRIPT, body)
                if page is None:
                    break
                for raw in page.get("callTranscripts") or []:
                    try:
                        item = CallTranscript.model_validate(raw)
                    except ValidationError:
                        continue  # the call is still loaded, marked as having no transcript yet
                    found[item.callId] = item.transcript
                cursor = (page.get("records") or {}).get("cursor")
                if not cursor:
                    break
        return found


def _errors(response: httpx.Response) -> str:
    try:
        return "; ".join(response.json().get("errors") or []) or response.text[:200]
    except ValueError:
        return response.text[:200]
