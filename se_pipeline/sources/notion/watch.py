"""The Notion sensor's look: opportunity pages edited and comments written since its cursor.

A look costs one query and one comments call per active opportunity (about 3 requests a second, 180 a
minute): every 60 s, up to 85 active opportunities fit in half, leaving the other half to the runs.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from se_pipeline.sources.base import not_watched

if TYPE_CHECKING:
    from se_pipeline.changes import Changes
    from se_pipeline.config import Settings

INTERVAL = 60
DESCRIPTION = "Opportunity pages edited and comments written in Notion start a run of their day."


def watch(config: Settings, cursor: dict | None, now: dt.datetime) -> Changes | str:
    """What changed since `cursor`, or why the source is not watched."""
    from se_pipeline.sources.notion.changes import notion_changes
    from se_pipeline.sources.notion.connector import NotionApiConnector, from_settings
    from se_pipeline.warehouse.reads import active_pages

    connector = from_settings(config)
    if not isinstance(connector, NotionApiConnector):
        return not_watched("notion", "exports")
    return notion_changes(connector.database, cursor, now, config.tz, active_pages(config.database_path) if cursor else [])
