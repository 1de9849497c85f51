"""The Notion sensor's look: opportunity pages edited and comments written since its cursor.

A look costs one query and one comments call per active opportunity (about 3 requests a second, 180 a
minute): every 60 s, up to 85 active opportunities fit in half, leaving the other half to the runs.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from se_pipeline.sources.base import Stored, not_watched

if TYPE_CHECKING:
    from se_pipeline.changes import Changes
    from se_pipeline.config import Settings

INTERVAL = 60
DESCRIPTION = "Opportunity pages edited and comments written in Notion start a run of their day."


def watch(config: Settings, cursor: dict | None, now: dt.datetime, stored: Stored) -> Changes | str:
    """What changed since `cursor`, or why the source is not watched; after the first look, the active
    opportunities' pages (as the warehouse last stored them) are asked for new comments."""
    from se_pipeline.sources.notion.changes import notion_changes
    from se_pipeline.sources.notion.connector import NotionApiConnector, from_settings

    connector = from_settings(config)
    if not isinstance(connector, NotionApiConnector):
        return not_watched("notion", "exports")
    pages = [row[0] for row in stored("SELECT page_id FROM opportunities WHERE is_active ORDER BY page_id")] if cursor else []
    return notion_changes(connector.database, cursor, now, config.tz, pages)
