"""The Slack sensor's look: new messages, edits and thread replies since its cursor (Web API).

A look costs one conversations.history call per channel (Tier 3, about 50 a minute): every 60 s, up to 25
channels fit in half of that, leaving the other half to the runs the sensor starts.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from se_pipeline.sources.base import Stored, not_watched

if TYPE_CHECKING:
    from se_pipeline.changes import Changes
    from se_pipeline.config import Settings

INTERVAL = 60
DESCRIPTION = "New Slack messages, edits and thread replies (Web API) start a run of their day."


def watch(config: Settings, cursor: dict | None, now: dt.datetime, stored: Stored) -> Changes | str:
    """What changed since `cursor`, or why the source is not watched."""
    from se_pipeline.config import SlackApi
    from se_pipeline.sources.slack.changes import SlackWatcher
    from se_pipeline.sources.slack.connector import from_settings

    if not isinstance(config.sources.slack, SlackApi):
        return not_watched("slack", "exports")
    watcher = cast(SlackWatcher, from_settings(config, api_class=SlackWatcher))  # api mode: an api_class
    return watcher.changes(cursor, now, config.tz)
