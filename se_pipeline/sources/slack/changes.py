"""New Slack activity since the last look, for the Slack sensor: the connector's client and guard,
asking only what changed.

Per look: conversations.list when the channel list is older than LIST_EVERY (new channels join the
watch), then for each channel the bot is in one conversations.history page over the last
thread_lookback_days (`oldest`), as the connector scans it. Each channel keeps a mark, the newest
ts seen in it (a message, an edit, or a thread's latest_reply). A message newer than the mark is new;
an edit newer than the mark changed a message; a parent whose latest_reply passed the mark has new
replies, which is how a reply to an older thread is seen without reading every thread. A channel
with more than PAGE_LIMIT top-level messages in the lookback costs one call more per page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from se_pipeline.changes import Changes, days_spanned
from se_pipeline.sources.slack.api import SlackApiConnector, _Unavailable
from se_pipeline.sources.slack.records import BadMessage, parse_ts, ts_of, ts_value

LIST_EVERY = dt.timedelta(minutes=15)  # conversations.list is Tier 2 (about 20 a minute): not every look
# A channel without news is marked with our clock, and Slack stamps messages with its own: a minute of
# overlap keeps a message posted just before a look, by a clock a little behind ours, from being missed.
CLOCK_MARGIN = dt.timedelta(minutes=1)


class SlackWatcher(SlackApiConnector):
    """The Slack api connector, plus `changes()`."""

    def changes(self, cursor: dict | None, now: dt.datetime, tz: ZoneInfo) -> Changes:
        state = cursor or {}
        calls = self.calls
        marks, listed = self._channels(state, now)
        found = Changes(cursor={"channels": marks, "listed": listed, "checked": ts_of(now - CLOCK_MARGIN)})
        if cursor is None:
            found.notes.append(f"slack: first look: watching {len(marks)} channels from now on")
        else:
            oldest = ts_of(now - self.thread_lookback)
            for channel in list(marks):
                try:
                    marks[channel] = self._channel(channel, marks[channel], oldest, tz, found)
                except _Unavailable as exc:  # archived or left since it was listed
                    found.notes.append(f"slack: channel {channel} can no longer be read ({exc.error}); no longer watched")
                    del marks[channel]
        found.calls = self.calls - calls
        return found

    def _channels(self, state: dict, now: dt.datetime) -> tuple[dict[str, str], str]:
        """(channel id -> mark, when the list was read): the cursor's, refreshed from conversations.list when
        that is due. A channel new to the list is watched from the previous look on, so what was said in it
        since then counts."""
        marks = dict(state.get("channels") or {})
        listed = state.get("listed")
        if listed is not None and now - dt.datetime.fromisoformat(listed) < LIST_EVERY:
            return marks, listed
        since = state.get("checked") or ts_of(now - CLOCK_MARGIN)
        listing = self._paginate(
            "conversations.list", self.client.conversations_list, "channels", types=self.channel_types,
            exclude_archived=True,
        )
        member = [c["id"] for c in listing if c.get("id") and c.get("is_member") is not False]
        return {channel: marks.get(channel, since) for channel in member}, now.isoformat()

    def _channel(self, channel: str, mark: str, oldest: str, tz: ZoneInfo, found: Changes) -> str:
        """Add the channel's changes since `mark` to `found`; return its new mark."""
        newest = ts_value(mark)
        history = self._paginate(
            "conversations.history", self.client.conversations_history, "messages", channel=channel, oldest=oldest
        )
        for message in history:
            ts, edited, latest = message.get("ts"), _edited(message), message.get("latest_reply")
            try:
                posted = parse_ts(ts)
                # A new message, or an edit of an older one, changes the day it was posted; new replies
                # may sit anywhere after the mark: every day from there to the latest reply counts.
                news = [(ts, [posted.astimezone(tz).date()]), (edited, [posted.astimezone(tz).date()])]
                if ts_value(latest) > ts_value(mark):
                    news.append((latest, days_spanned(max(posted, parse_ts(mark)), parse_ts(latest), tz)))
            except BadMessage:
                continue  # the load quarantines it; nothing to date a run by here
            for seen, days in news:
                if ts_value(seen) > ts_value(mark):
                    found.add("slack", days, f"{channel}:{ts}:{seen}", part=channel)
                    newest = max(newest, ts_value(seen))
        return str(newest)


def _edited(message: dict[str, Any]) -> str | None:
    edited = message.get("edited")
    return edited.get("ts") if isinstance(edited, dict) and isinstance(edited.get("ts"), str) else None
