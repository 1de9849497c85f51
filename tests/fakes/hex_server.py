"""A fake Hex API on 127.0.0.1, answering in the shapes of Hex's API reference (RunProject, GetRunStatus).

Serves POST /api/v1/projects/{projectId}/runs (201 with runId, runUrl, runStatusUrl) and
GET /api/v1/projects/{projectId}/runs/{runId}, whose status goes PENDING, RUNNING, then
`end_status` over successive polls; when a run reaches COMPLETED the project "writes" its export:
`export` is written to `export_path` (unless `writes_export` is off, as for a project whose export
step writes elsewhere). Checks the bearer token (a bad one gets Hex's plain-text 401).
`fail_next` queues statuses to answer before the real response (429 carries Retry-After). Every
request that reaches it is in `log` as (method, path, body).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from tests.fakes.json_api import Answer, FakeJsonApi

STATUSES_BEFORE_END = ("PENDING", "RUNNING")


class FakeHex(FakeJsonApi):
    FAILURE = {"reason": "fake failure", "traceId": "fake"}

    def __init__(self, project_id: str, export_path: Path, export: str, *, token: str = "token", end_status: str = "COMPLETED",
                 writes_export: bool = True):
        super().__init__(f"Bearer {token}")
        self.project_id = project_id
        self.export_path = export_path
        self.export = export  # the CSV the project writes when a run completes
        self.end_status = end_status  # COMPLETED, ERRORED, KILLED, … (RUNNING: never ends)
        self.writes_export = writes_export
        self.polls: dict[str, int] = {}  # run id -> status requests answered

    @property
    def url(self) -> str:
        return super().url + "/api/v1"  # the API's root, as sources.usage.base_url names it

    def run_url(self, run_id: str) -> str:
        return f"https://app.hex.tech/fake-workspace/app/{self.project_id}/latest?runId={run_id}"

    def route(self, method: str, path: str, body: Any) -> Answer:
        runs = f"/api/v1/projects/{self.project_id}/runs"
        if (method, path) == ("POST", runs):
            return self._start()
        if method == "GET" and path.startswith(runs + "/"):
            return self._status(path[len(runs) + 1 :])
        # A write the connector must never send; answer as if it worked so only the guard stops it.
        return 200, {"traceId": "fake"}

    def _start(self) -> Answer:
        run_id = str(uuid.uuid4())
        self.polls[run_id] = 0
        return 201, {
            "projectId": self.project_id,
            "runId": run_id,
            "runUrl": self.run_url(run_id),
            "runStatusUrl": f"{self.url}/projects/{self.project_id}/runs/{run_id}",
            "traceId": "fake",
        }

    def _status(self, run_id: str) -> Answer:
        if run_id not in self.polls:
            return 404, {"reason": f"No run found with id {run_id}", "traceId": "fake"}
        polls = self.polls[run_id] = self.polls[run_id] + 1
        status = STATUSES_BEFORE_END[polls - 1] if polls <= len(STATUSES_BEFORE_END) else self.end_status
        if status == "COMPLETED" and polls == len(STATUSES_BEFORE_END) + 1 and self.writes_export:
            self.export_path.write_text(self.export, encoding="utf-8")
        return 200, {
            "projectId": self.project_id,
            "runId": run_id,
            "runUrl": self.run_url(run_id),
            "status": status,
            "startTime": "2026-11-01T06:00:00.000Z",
            "endTime": None if status in STATUSES_BEFORE_END else "2026-11-01T06:02:00.000Z",
            "elapsedTime": 120000.0,
            "traceId": "fake",
        }
