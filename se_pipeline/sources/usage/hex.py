"""Usage through the Hex API: run a published project, wait for the run, then read the export it writes.

  * POST /projects/{projectId}/runs starts the latest published version of the project. It asks
    for fresh SQL results (the point of the run is current usage) and leaves the published app's
    cached results alone (updatePublishedResults false), so the app's viewers see nothing change.
  * GET /projects/{projectId}/runs/{runId} is polled, the wait growing from poll_seconds to a
    minute, until the run is COMPLETED. ERRORED, KILLED, UNABLE_TO_ALLOCATE_KERNEL or the timeout
    end the load with the project, the run's URL and its status.
Then the export the project writes (`path`) is read by the file-mode reader it is given. A local
export that the run did not rewrite is refused: it would pass last run's usage off as today's.
The guard allows those two requests for the configured project and nothing else: not even
cancelling the run, so a run that times out is left to finish in Hex.
Hex allows 60 requests a minute per user: 429 waits for Retry-After, and 5xx back off (503 is
Hex saying every kernel is busy, answered before a run is created).
Paths are relative to base_url (https://app.hex.tech/api/v1 by default).
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
import time
from collections.abc import Iterator
from typing import Any, Protocol

import httpx

from se_pipeline.connectors import Connector, GuardedHttp, json_object
from se_pipeline.errors import SourceError
from se_pipeline.readonly import ReadOnlyGuard
from se_pipeline.pages import Page
from se_pipeline.window import Window

FAILED = frozenset({"ERRORED", "KILLED", "UNABLE_TO_ALLOCATE_KERNEL"})
MAX_POLL_S = 60.0


class FileExport(Connector, Protocol):
    path: str  # a file, a glob, or a URL DuckDB reads


class HexRunConnector:
    """Runs `project_id` in Hex, then yields what `export` (the file-mode reader of its export) reads."""

    def __init__(
        self,
        base_url: str,
        token: str,
        project_id: str,
        export: FileExport,
        *,
        token_env: str,
        input_params: dict[str, Any] | None = None,
        poll_s: float = 5.0,
        timeout_s: float = 1800.0,
        max_retries: int = 5,
        backoff_s: float = 1.0,
    ):
        self.project_id = project_id
        self.export = export
        self.source = export.source
        self.tables = export.tables
        self.token_env = token_env  # named (never the token) when Hex refuses it
        self.input_params = input_params or {}
        self.poll_s = poll_s
        self.timeout_s = timeout_s
        self._runs = f"/projects/{project_id}/runs"
        allowed = (f"POST {re.escape(self._runs)}", rf"GET {re.escape(self._runs)}/[0-9A-Za-z-]+")
        self.http = GuardedHttp(
            httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60.0),
            ReadOnlyGuard(self.source, allowed),
            "Hex",
            max_retries=max_retries,
            backoff_s=backoff_s,
        )

    @property
    def calls(self) -> int:
        return self.http.calls

    def extract(self, window: Window) -> Iterator[Page]:
        started = time.time()
        run = self.request("POST", self._runs, {
            "inputParams": _with_window(self.input_params, window),
            "updatePublishedResults": False,
            "useCachedSqlResults": False,
        })
        if not run.get("runId"):
            raise SourceError(f"{self.source}: Hex started a run of project {self.project_id} but gave no runId: {run}")
        run_url = self._wait(str(run["runId"]), str(run.get("runUrl") or ""))
        self._check_rewritten(started, run_url)
        yield from self.export.extract(window)

    def _check_rewritten(self, started: float, run_url: str) -> None:
        if "://" in self.export.path:
            return  # s3://, https://…: no modification time to compare
        files = glob.glob(self.export.path)
        if not files:
            return  # the reader says what is missing and where
        newest = max(os.path.getmtime(f) for f in files)
        if newest < started:
            written = dt.datetime.fromtimestamp(newest).astimezone().isoformat(timespec="seconds")
            raise SourceError(
                f"{self.source}: the Hex run of project {self.project_id} completed but did not rewrite "
                f"{self.export.path} (last written {written}); check that the project's export step writes "
                f"there (sources.usage.path); see {run_url}"
            )

    def _wait(self, run_id: str, run_url: str) -> str:
        """Poll until the run completes; its URL (the status may name a newer one)."""
        deadline = time.monotonic() + self.timeout_s
        delay = self.poll_s
        while True:
            status = self.request("GET", f"{self._runs}/{run_id}")
            state, run_url = status.get("status"), status.get("runUrl") or run_url
            if state == "COMPLETED":
                return run_url
            if state in FAILED:
                raise SourceError(f"{self.source}: the Hex run of project {self.project_id} ended {state}; see {run_url}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise SourceError(
                    f"{self.source}: the Hex run of project {self.project_id} is still {state} after "
                    f"{self.timeout_s:g}s; see {run_url} (raise sources.usage.timeout_seconds if it needs longer)"
                )
            time.sleep(min(delay, left))
            delay = min(delay * 2, max(MAX_POLL_S, self.poll_s))

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One request, with retries; a JSON object, or a SourceError that says what to fix."""
        response = self.http.send(method, path, body)
        status = response.status_code
        if response.is_success:
            return response.json()
        fix = {
            401: f"; check the Hex API token in the environment variable {self.token_env}",
            403: f"; check that the token in {self.token_env} may run projects (its Run projects scope)",
            404: f"; check sources.usage.project_id, and that the token's user can open project {self.project_id}",
            422: "; check that the project is published and that sources.usage.input_params names its inputs",
        }.get(status, "")
        raise SourceError(f"{self.source}: Hex answered HTTP {status} to {method} {path}: {_reason(response)}{fix}")


def _with_window(params: dict[str, Any], window: Window) -> dict[str, Any]:
    """The app's inputs, with {first_day} and {last_day} in text values set to the load's days (ISO dates)."""
    days = {"{first_day}": window.first_day.isoformat(), "{last_day}": window.last_day.isoformat()}
    filled = {}
    for name, value in params.items():
        if isinstance(value, str):
            for placeholder, day in days.items():
                value = value.replace(placeholder, day)
        filled[name] = value
    return filled


def _reason(response: httpx.Response) -> str:
    """Hex's error text: its JSON `reason` or `message`, else the start of the body."""
    body = json_object(response)
    return str(body.get("reason") or body.get("message") or response.text)[:200]
