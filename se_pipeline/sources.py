"""Which connector reads each source, given its configured mode (demo, export or api)."""

from __future__ import annotations

import importlib
from contextlib import AbstractContextManager
from collections.abc import Callable

import duckdb

from se_pipeline.config import Settings
from se_pipeline.connectors.base import Connector
from se_pipeline.window import Window

# source name -> module exposing `from_settings(settings) -> Connector`
_CONNECTOR_MODULES = {
    "slack": "se_pipeline.connectors.slack",
    "gmail": "se_pipeline.connectors.gmail",
    "notion": "se_pipeline.connectors.notion",
    "usage": "se_pipeline.connectors.usage",
    "calls": "se_pipeline.connectors.calls",
    "feedback": "se_pipeline.connectors.feedback",
}
# What the daily job loads (feedback is read by the weekly enablement job).
DAILY_SOURCES = ("slack", "gmail", "notion", "usage", "calls")


def build_connector(settings: Settings, source: str) -> Connector:
    """The connector for `source` in its configured mode; demo mode reads the demo workspace's export."""
    module = importlib.import_module(_CONNECTOR_MODULES[source])
    return module.from_settings(settings)


def recall_stored(connector: Connector, connect: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
                  window: Window) -> None:
    """Hand a connector what earlier loads stored that spares API calls (Slack's user cache and watched
    threads), read through a short connection before extraction, which runs with the warehouse closed."""
    if hasattr(connector, "recall"):
        with connect() as con:
            connector.recall(con, window)
