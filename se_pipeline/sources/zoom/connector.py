"""Zoom meetings from the past-meetings report (GET /report/users/{user}/meetings), one SE at a time.

Each SE is asked for by their email; a page holds up to `page_size` meetings and `next_page_token`
leads to the next. The guard allows that one read, so nothing else can leave the process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from se_pipeline.config import Settings
from se_pipeline.connectors import GuardedHttp, check_env_name, env_secret, json_object
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.readonly import ReadOnlyGuard
from se_pipeline.sources.zoom.settings import ZoomApi
from se_pipeline.pages import KeepRows, Quarantined, Rows, paged
from se_pipeline.window import Window

TABLE = "raw_zoom_meetings"
ALLOWED = (r"GET /report/users/[^/?]+/meetings(\?.*)?",)


class ZoomApiConnector:
    source = "zoom"
    tables = (TABLE,)

    def __init__(self, base_url: str, token: str, se_emails: dict[str, str], *, page_size: int = 300,
                 max_retries: int = 5, backoff_s: float = 1.0):
        self.se_emails = se_emails  # se id -> the email Zoom knows them by
        self.page_size = page_size
        self.http = GuardedHttp(
            httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60.0),
            ReadOnlyGuard("zoom", ALLOWED),
            "Zoom",
            max_retries=max_retries,
            backoff_s=backoff_s,
        )

    @property
    def calls(self) -> int:
        return self.http.calls

    def meetings(self, email: str, first: dt.date, last: dt.date) -> Iterator[dict[str, Any]]:
        """The meetings `email` hosted from `first` to `last`, page after page."""
        token = ""
        while True:
            query = {"from": first.isoformat(), "to": last.isoformat(), "page_size": self.page_size}
            if token:
                query["next_page_token"] = token
            response = self.http.send("GET", f"/report/users/{quote(email)}/meetings?{urlencode(query)}")
            page = json_object(response)
            if response.status_code in (401, 403):
                raise SourceError(f"zoom: Zoom refused the token (HTTP {response.status_code}): {page.get('message', '')}; "
                                  "put an access token with the report:read:admin scope in the variable sources.zoom.token_env names")
            if response.status_code == 404:  # Zoom's answer for a user it does not know
                raise SourceError(f"zoom: Zoom knows no user {email} (HTTP 404): check the SE's email in sales_engineers")
            if response.status_code != 200:
                raise SourceError(f"zoom: Zoom answered HTTP {response.status_code}: {page.get('message') or response.text[:200]}")
            yield from page.get("meetings") or []
            token = page.get("next_page_token") or ""
            if not token:
                return

    def extract(self, window: Window) -> Iterator[Rows | Quarantined | KeepRows]:
        yield from paged(TABLE, self._records(window))

    def _records(self, window: Window) -> Iterator[dict[str, Any] | Quarantined]:
        for se_id, email in self.se_emails.items():
            # The report's days are UTC: a day either side holds the local days' edges.
            for meeting in self.meetings(email, window.first_day - dt.timedelta(days=1), window.last_day + dt.timedelta(days=1)):
                uuid, started = meeting.get("uuid"), _time(meeting.get("start_time"))
                if not uuid or started is None:
                    yield Quarantined(self.source, f"zoom:{email}:{meeting.get('id')}", "bad_meeting: no uuid or start_time",
                                      meeting, window.first_day)
                    continue
                day = window.local_date(started)
                if not window.first_day <= day <= window.last_day:
                    continue
                yield {
                    "meeting_uuid": uuid, "partition_date": day, "se_id": se_id, "topic": meeting.get("topic"),
                    "started": started, "duration_min": meeting.get("duration"),
                    "participants": meeting.get("participants_count"), "host_email": meeting.get("user_email") or email,
                    "payload": meeting,
                }


def _time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def from_settings(settings: Settings) -> ZoomApiConnector:
    config = settings.sources.zoom
    if not isinstance(config, ZoomApi):
        raise ConfigError(f"sources.zoom: unsupported mode {config.mode!r}")
    check_env_name("sources.zoom.token_env", config.token_env)
    token, problem = env_secret(config.token_env)
    if problem:
        raise SourceError(f"zoom: {problem}; put a Zoom access token in it (sources.zoom.token_env names it)")
    return ZoomApiConnector(config.base_url, token, {se.id: se.email for se in settings.sales_engineers},
                            page_size=config.page_size, max_retries=config.max_retries)
