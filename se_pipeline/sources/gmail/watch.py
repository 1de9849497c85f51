"""The Gmail sensor's look: new mail in each SE's mailbox since its cursor (Gmail history).

A look costs one users.history.list per mailbox (2 of the 250 quota units a user may spend per second):
every 30 s, Dagster's default, is far inside it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from se_pipeline.sources.base import Stored, not_watched

if TYPE_CHECKING:
    from se_pipeline.changes import Changes
    from se_pipeline.config import Settings

INTERVAL = 30
DESCRIPTION = "New mail in an SE's mailbox (Gmail history) starts a run of its day."


def watch(config: Settings, cursor: dict | None, now: dt.datetime, stored: Stored) -> Changes | str:
    """What changed since `cursor`, or why the source is not watched."""
    from se_pipeline.config import GmailApi
    from se_pipeline.sources.gmail.changes import GmailWatcher
    from se_pipeline.sources.gmail.connector import from_settings

    if not isinstance(config.sources.gmail, GmailApi):
        return not_watched("gmail", "mboxes")
    watcher = cast(GmailWatcher, from_settings(config, api_class=GmailWatcher))  # api mode: an api_class
    return watcher.changes(cursor, now, config.tz)
