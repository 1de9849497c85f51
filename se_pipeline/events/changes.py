"""Slack events the receiver landed since the last look, for the events sensor (no API call).

A message event (new, edited, deleted, in a thread; or an app_mention) counts for the local day of
the message it is about (its ts), else of its event_time, in its channel. Other events (reactions,
joins, …) land but start no run: the raw tables do not change with them. The cursor is the last
landing seq turned into runs; events that landed while the sensor was off are taken on its first
look, since each is news the receiver accepted.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from se_pipeline.changes import Changes
from se_pipeline.sources.slack import BadMessage, parse_ts
from se_pipeline.events.landing import EventStore, LandedEvent

MESSAGE_EVENTS = frozenset({"message", "app_mention"})


def _moment(event: LandedEvent) -> dt.datetime | None:
    try:
        return parse_ts(event.message_ts)
    except BadMessage:
        return dt.datetime.fromtimestamp(event.event_time, dt.timezone.utc) if event.event_time else None


def landed_changes(store: EventStore, cursor: dict | None, tz: ZoneInfo) -> Changes:
    seq = int((cursor or {}).get("seq", 0))
    events = store.after(seq)
    found = Changes(cursor={"seq": events[-1].seq if events else seq})
    for event in events:
        if event.event_type not in MESSAGE_EVENTS:
            continue
        moment = _moment(event)
        if moment is None:
            found.notes.append(f"slack events: event {event.event_id} names no time; it starts no run")
            continue
        found.add("slack", [moment.astimezone(tz).date()], event.event_id, part=event.channel)
    return found
