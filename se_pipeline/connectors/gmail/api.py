"""Gmail API: one mailbox per SE, read with googleapiclient (the static discovery document it ships).

Per local day of the window: users.messages.list with q="after:<unix s> before:<unix s>" (unix
seconds, because Gmail reads plain dates in Pacific time), widened by a margin because Gmail
filters on its receipt time while rows are dated by the Date header; then the raw messages,
oldest first, in batch requests of at most 50 gets. Rate limits (429, 403 rateLimitExceeded /
userRateLimitExceeded) and 5xx are retried after Retry-After (else exponential backoff), for the
whole request or for the failed parts of a batch.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import http.client
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httplib2
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from se_pipeline.connectors.gmail.guarded_http import (
    BATCH_PATH,
    DEFAULT_ROOT_URL,
    GuardedHttp,
    gmail_guard,
)
from se_pipeline.connectors.gmail.mime import parse_message
from se_pipeline.connectors.gmail.rows import (
    PAGE_ROWS,
    SKIPPED_LABELS,
    TABLE,
    MailboxMeta,
    UnparseableMessage,
    build_row,
)
from se_pipeline.errors import SourceError
from se_pipeline.pages import KeepRows, Quarantined, Rows, paged
from se_pipeline.window import Window

SCOPES = ["https://www.googleapis.com/auth/gmail.readonly"]
BATCH_SIZE = 50  # Gmail: "sending batches larger than 50 requests is not recommended"
LIST_PAGE_SIZE = 500  # the API's maximum maxResults
DATE_MARGIN = dt.timedelta(hours=1)
_RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
_MAX_BACKOFF_SECONDS = 64.0
log = logging.getLogger(__name__)


class MailboxRefused(SourceError):
    """One SE's credentials were refused (revoked, expired, no permission): that mailbox only fails."""


class _BrokenAnswer(Exception):
    """An answer that arrived cut short (its JSON does not parse): retried like a server error."""


@dataclass
class _BatchOutcome:
    found: dict[str, dict[str, Any]] = field(default_factory=dict)
    retry: dict[str, float] = field(default_factory=dict)  # message id -> seconds to wait
    failed: list[HttpError] = field(default_factory=list)


class GmailApiConnector:
    """`mailboxes`: se id -> google-auth credentials for that SE's mailbox."""

    source = "gmail"
    tables = (TABLE,)

    def __init__(
        self,
        mailboxes: dict[str, Credentials],
        root_url: str | None = None,
        max_retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.mailboxes = dict(mailboxes)
        self.root_url = (root_url or DEFAULT_ROOT_URL).rstrip("/") + "/"
        self.max_retries = max_retries
        self._sleep = sleep
        self._guard = gmail_guard(self.root_url)
        self._https: dict[str, GuardedHttp] = {}
        self._services: dict[str, Any] = {}

    @property
    def calls(self) -> int:
        """HTTP requests sent (a batch of up to 50 gets is one)."""
        return sum(http.calls for http in self._https.values())

    def service_for(self, se_id: str) -> Any:
        """The googleapiclient Gmail service for an SE's mailbox (its HTTP layer is guarded)."""
        if se_id not in self._services:
            http = GuardedHttp(self.mailboxes[se_id], self._guard, self.root_url)
            self._https[se_id] = http
            self._services[se_id] = build(
                "gmail",
                "v1",
                http=http,
                static_discovery=True,
                client_options={"api_endpoint": self.root_url},
            )
        return self._services[se_id]

    def extract(self, window: Window) -> Iterator[Rows | Quarantined | KeepRows]:
        refused: list[MailboxRefused] = []
        try:
            for se_id in self.mailboxes:
                try:
                    yield from paged(TABLE, self._records(se_id, window), PAGE_ROWS)
                except MailboxRefused as exc:
                    # The other SEs' mail still loads; this mailbox's days keep what an earlier run stored.
                    refused.append(exc)
                    yield Quarantined("gmail", f"mailbox:{se_id}", f"refused: {exc}", None, window.last_day)
                    yield KeepRows(TABLE, "se_id", se_id)
            if refused and len(refused) == len(self.mailboxes):
                raise refused[0]
        finally:
            for http in self._https.values():
                http.close()  # httplib2 keeps sockets open until told; a later request reopens them

    # ---- one mailbox ---------------------------------------------------------------------

    def _records(self, se_id: str, window: Window) -> Iterator[dict[str, Any] | Quarantined]:
        service = self.service_for(se_id)
        label_names = self._user_label_names(se_id, service)
        for day in window.days:
            day_window = Window.for_day(day, window.tz)
            ids = self._list_ids(
                se_id,
                service,
                day_window.start - DATE_MARGIN,
                day_window.end + DATE_MARGIN,
            )
            ids.reverse()  # the list is newest first; rows go oldest first
            for message in self._get_raw(se_id, service, ids):
                yield from self._record(se_id, message, label_names, day_window)

    def _user_label_names(self, se_id: str, service: Any) -> dict[str, str]:
        """Label id -> name for user labels (system label ids such as INBOX are kept as they are)."""
        response = self._execute(se_id, lambda: service.users().labels().list(userId="me"))
        return {label["id"]: label["name"] for label in response.get("labels", []) if label.get("type") == "user"}

    def _list_ids(self, se_id: str, service: Any, start: dt.datetime, end: dt.datetime) -> list[str]:
        messages = service.users().messages()
        query = f"after:{int(start.timestamp())} before:{int(end.timestamp())}"
        request = messages.list(userId="me", q=query, includeSpamTrash=False, maxResults=LIST_PAGE_SIZE)
        ids: list[str] = []
        while request is not None:
            response = self._execute(se_id, lambda page=request: page)
            ids.extend(m["id"] for m in response.get("messages", []))
            request = messages.list_next(request, response)
        return ids

    def _get_raw(self, se_id: str, service: Any, ids: list[str]) -> Iterator[dict[str, Any]]:
        """Message resources (format=raw) in the order of `ids`, fetched in batches."""
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            found = self._get_batch(se_id, service, chunk)
            yield from (found[i] for i in chunk if i in found)

    def _get_batch(self, se_id: str, service: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
        """One batch of gets; rate-limited parts are sent again (alone) after the longest Retry-After."""
        found: dict[str, dict[str, Any]] = {}
        pending = list(ids)
        for attempt in range(self.max_retries + 1):
            outcome = self._send_batch(se_id, service, pending, attempt)
            found.update(outcome.found)
            if outcome.failed:
                raise _source_error(se_id, outcome.failed[0])
            if not outcome.retry:
                return found
            if attempt < self.max_retries:
                self._sleep(max(outcome.retry.values()))
            pending = [i for i in pending if i in outcome.retry]
        raise SourceError(
            f"gmail: {se_id}: {len(pending)} messages still rate-limited after {self.max_retries} retries; "
            "try again later"
        )

    def _send_batch(self, se_id: str, service: Any, ids: list[str], attempt: int) -> _BatchOutcome:
        outcome = _BatchOutcome()

        def collect(request_id: str, response: Any, error: HttpError | None) -> None:
            if error is None and not isinstance(response, dict):
                outcome.retry[request_id] = _backoff(attempt)  # the part's JSON was cut short
            elif error is None:
                outcome.found[request_id] = response
            elif error.resp.status == 404:
                pass  # deleted between list and get: nothing to read
            elif (wait := _retry_wait(error, attempt)) is not None:
                outcome.retry[request_id] = wait
            else:
                outcome.failed.append(error)

        def new_batch() -> BatchHttpRequest:
            batch = BatchHttpRequest(callback=collect, batch_uri=self.root_url + BATCH_PATH)
            for message_id in ids:
                get = service.users().messages().get(userId="me", id=message_id, format="raw")
                batch.add(get, request_id=message_id)
            return batch

        self._execute(se_id, new_batch)
        return outcome

    def _execute(self, se_id: str, make_request: Callable[..., Any]) -> Any:
        """Run a request (rebuilt per attempt), retrying rate limits and server errors."""
        for attempt in range(self.max_retries + 1):
            try:
                response = make_request().execute()
                if not isinstance(response, (dict, type(None))):  # googleapiclient hands back JSON it cannot parse as text
                    raise _BrokenAnswer
                return response
            except HttpError as error:
                wait = _retry_wait(error, attempt)
                if wait is None or attempt == self.max_retries:
                    raise _source_error(se_id, error) from None
            except (httplib2.HttpLib2Error, OSError) as error:
                if attempt == self.max_retries:
                    raise SourceError(f"gmail: cannot reach {self.root_url} for {se_id}: {error}") from None
                wait = _backoff(attempt)
            except (_BrokenAnswer, http.client.HTTPException, ValueError):
                # JSON cut short, an answer dropped mid-body (IncompleteRead), a batch that does not parse
                if attempt == self.max_retries:
                    raise SourceError(
                        f"gmail: {se_id}: the API's answers kept arriving cut short after {self.max_retries} retries; "
                        "try again later"
                    ) from None
                wait = _backoff(attempt)
            except GoogleAuthError as error:
                raise MailboxRefused(
                    f"gmail: the credentials for {se_id} were refused ({type(error).__name__}): "
                    "re-authorize the token file or check the service account's domain-wide delegation"
                ) from None
            log.info("gmail: %s: retrying a request in %.1fs (attempt %d)", se_id, wait, attempt + 1)
            self._sleep(wait)
        raise AssertionError("unreachable")

    def _record(
        self,
        se_id: str,
        message: dict[str, Any],
        label_names: dict[str, str],
        day: Window,
    ) -> Iterator[dict[str, Any] | Quarantined]:
        labels = [label_names.get(label, label) for label in message.get("labelIds", [])]
        if SKIPPED_LABELS.intersection(labels):
            return
        received = dt.datetime.fromtimestamp(int(message.get("internalDate", 0)) / 1000, tz=dt.timezone.utc)
        meta = MailboxMeta(
            se_id=se_id,
            gmail_id=message["id"],
            thread_id=message.get("threadId"),
            labels=labels,
            received_at=received,
        )
        try:
            raw = base64.urlsafe_b64decode(message.get("raw", "") + "=" * (-len(message.get("raw", "")) % 4))
            row = build_row(parse_message(raw), meta, day.tz)
        except (UnparseableMessage, ValueError) as exc:
            if day.contains(received):
                yield Quarantined(
                    "gmail",
                    f"api:{se_id}:{message['id']}",
                    str(exc),
                    {"id": message["id"], "threadId": message.get("threadId")},
                    day.first_day,
                )
            return
        if row["partition_date"] == day.first_day:  # margin messages belong to their own day
            yield row


def _error_reason(error: HttpError) -> str | None:
    try:
        details = json.loads(error.content.decode("utf-8"))["error"]
        return details.get("errors", [{}])[0].get("reason") or details.get("status")
    except (ValueError, KeyError, IndexError, AttributeError, TypeError):
        return None


def _retry_wait(error: HttpError, attempt: int) -> float | None:
    """Seconds to wait before retrying, or None when the error is not worth retrying."""
    status = error.resp.status
    if status == 200:  # googleapiclient's word for a batch answer it could not parse: cut short
        return _backoff(attempt)
    rate_limited = status == 429 or (status == 403 and _error_reason(error) in _RATE_LIMIT_REASONS)
    if not rate_limited and status < 500:
        return None
    retry_after = str(error.resp.get("retry-after") or "").strip()
    if retry_after.isdigit():
        return float(retry_after)
    if retry_after:  # the HTTP-date form
        try:
            when = email.utils.parsedate_to_datetime(retry_after)
            return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())
        except (TypeError, ValueError):
            pass
    return _backoff(attempt)


def _backoff(attempt: int) -> float:
    return min(_MAX_BACKOFF_SECONDS, 2.0**attempt)


def _source_error(se_id: str, error: HttpError) -> SourceError:
    status = error.resp.status
    if status == 200:  # googleapiclient's word for a batch answer it could not parse
        return SourceError(f"gmail: {se_id}: the API's answers kept arriving cut short; try again later")
    reason = _error_reason(error) or "error"
    hint = {
        401: "the token was refused: re-authorize this mailbox",
        403: "missing permission: the token needs the gmail.readonly scope (or delegation for the service account)",
        404: "the mailbox was not found",
    }.get(status, "the Gmail API failed; try again later")
    refused = status in (401, 403) and reason not in _RATE_LIMIT_REASONS
    return (MailboxRefused if refused else SourceError)(f"gmail: {se_id}: HTTP {status} {reason}: {hint}")
