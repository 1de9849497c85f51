"""A fake Zoom API on 127.0.0.1: GET /report/users/{email}/meetings, answered in the shape of Zoom's
past-meetings report (from/to dates, page_size, next_page_token paging; 404 with Zoom's error body for
a user it does not know). Checks the bearer token; every request is in `log`."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.json_api import Answer, FakeJsonApi

_REPORT = re.compile(r"/report/users/([^/]+)/meetings")


class FakeZoom(FakeJsonApi):
    UNAUTHORIZED = (401, {"code": 124, "message": "Invalid access token."})

    def __init__(self, meetings: dict[str, list[dict]], *, token: str = "zoom-token"):
        super().__init__(f"Bearer {token}")
        self.meetings = meetings  # host email -> their meetings (Zoom's report objects)

    def route(self, method: str, path: str, body: Any) -> Answer:
        found = _REPORT.fullmatch(path)
        if method != "GET" or not found:
            return 404, {"code": 300, "message": "Not found"}
        email = found.group(1).replace("%40", "@")
        if email not in self.meetings:
            return 404, {"code": 1001, "message": "User does not exist: " + email}
        query = {k: v[0] for k, v in parse_qs(self.log[-1][1].partition("?")[2]).items()}
        # a meeting without a start time (a malformed record) is in every answer
        chosen = [m for m in self.meetings[email] if query["from"] <= (m["start_time"] or query["from"])[:10] <= query["to"]]
        size, start = int(query.get("page_size", 30)), int(query.get("next_page_token") or 0)
        page = {"from": query["from"], "to": query["to"], "page_size": size, "total_records": len(chosen),
                "next_page_token": str(start + size) if start + size < len(chosen) else "",
                "meetings": chosen[start:start + size]}
        return 200, page
