"""New mail since the last look, for the Gmail sensor: the connector's guarded client, asking Gmail's
history for what was added.

Per mailbox and look: users.history.list from the stored historyId (historyTypes=messageAdded; one
call, more only past 500 changes). Drafts, spam and trash are not activity. Mail added since the
last look arrived between then and now, so its rows belong to the local days from (last look −
the connector's DATE_MARGIN) to now: no message needs to be fetched to date it. A historyId Gmail
no longer keeps (about a week; it answers 404) falls back to a search for the mail received since
the last look, and a fresh historyId from users.getProfile. A mailbox's first look only takes the
current historyId from users.getProfile.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from googleapiclient.errors import HttpError

from se_pipeline.changes import Changes, days_spanned
from se_pipeline.sources.gmail.api import DATE_MARGIN, GmailApiConnector
from se_pipeline.sources.gmail.guarded_http import gmail_guard
from se_pipeline.sources.gmail.rows import SKIPPED_LABELS

HISTORY_PAGE = 500  # the API's maximum maxResults


class _NotFoundIsNone:
    """A request whose 404 is an answer (None), not an error, for the connector's retrying _execute."""

    def __init__(self, request: Any):
        self.request = request

    def execute(self) -> dict | None:
        try:
            return self.request.execute()
        except HttpError as error:
            if error.resp.status == 404:
                return None
            raise


class GmailWatcher(GmailApiConnector):
    """The Gmail api connector, allowed two more reads (history and profile), plus `changes()`."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._guard = gmail_guard(self.root_url, extra=("history", "profile"))

    def changes(self, cursor: dict | None, now: dt.datetime, tz: ZoneInfo) -> Changes:
        calls = self.calls
        boxes = dict((cursor or {}).get("mailboxes") or {})
        found = Changes(cursor={"mailboxes": boxes})
        try:
            for se_id in self.mailboxes:
                box = boxes.get(se_id)
                if box is None:
                    found.notes.append(f"gmail: {se_id}: first look: watching the mailbox from now on")
                    boxes[se_id] = {"history_id": self._history_now(se_id), "checked": now.isoformat()}
                    continue
                boxes[se_id] = self._mailbox(se_id, box, now, tz, found)
        finally:
            for http in self._https.values():
                http.close()
        found.calls = self.calls - calls
        return found

    def _mailbox(self, se_id: str, box: dict, now: dt.datetime, tz: ZoneInfo, found: Changes) -> dict:
        checked = dt.datetime.fromisoformat(box["checked"])
        added = self._added(se_id, box["history_id"])
        if added is None:
            found.notes.append(
                f"gmail: {se_id}: Gmail no longer has history {box['history_id']} (404); "
                f"searched the mail received since {checked.astimezone(tz):%Y-%m-%d %H:%M} instead"
            )
            history_id = self._history_now(se_id)
            ids = self._list_ids(se_id, self.service_for(se_id), checked - DATE_MARGIN, now + DATE_MARGIN)
        else:
            ids, history_id = added
        days = days_spanned(checked - DATE_MARGIN, now, tz)
        for message_id in ids:
            found.add("gmail", days, f"{se_id}:{message_id}")
        return {"history_id": history_id, "checked": now.isoformat()}

    def _history_now(self, se_id: str) -> str:
        service = self.service_for(se_id)
        return str(self._execute(se_id, lambda: service.users().getProfile(userId="me"))["historyId"])

    def _added(self, se_id: str, start: str) -> tuple[list[str], str] | None:
        """(ids of the messages added since history `start`, the newest historyId), or None when Gmail
        no longer keeps that history."""
        history = self.service_for(se_id).users().history()
        request = history.list(userId="me", startHistoryId=start, historyTypes=["messageAdded"], maxResults=HISTORY_PAGE)
        ids: list[str] = []
        newest = start
        while request is not None:
            response = self._execute(se_id, lambda page=request: _NotFoundIsNone(page))
            if response is None:
                return None
            newest = str(response.get("historyId") or newest)
            for record in response.get("history") or []:
                for added in record.get("messagesAdded") or []:
                    message = added.get("message") or {}
                    if message.get("id") and not SKIPPED_LABELS.intersection(message.get("labelIds") or []):
                        ids.append(message["id"])
            request = history.list_next(request, response)
        return ids, newest
