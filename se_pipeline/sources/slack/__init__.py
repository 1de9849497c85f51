"""Slack: messages, users and conversations, from a workspace export or the Web API (connector.py)."""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports
from se_pipeline.sources.base import Source, TableSpec
from se_pipeline.sources.slack.settings import SlackApi, SlackExport

SOURCE = Source(
    name="slack",
    package=__name__,
    modes=(SlackExport, SlackApi),
    tables=(
        TableSpec("raw_slack_messages", ("message_key",), part_column="channel_id"),
        TableSpec("raw_slack_users", ("user_id",), partitioned=False),
        TableSpec("raw_slack_channels", ("channel_id",), partitioned=False),
    ),
    export_fix="point sources.slack.path at the Slack workspace export (the folder or .zip holding users.json and channels.json)",
)

if TYPE_CHECKING:  # the connectors' modules import their clients: on first use only
    from se_pipeline.sources.slack.connector import SlackApiConnector, SlackExportConnector, from_settings
    from se_pipeline.sources.slack.changes import SlackWatcher
    from se_pipeline.sources.slack.client import ReadOnlyWebClient
    from se_pipeline.sources.slack.api import token_from_env
    from se_pipeline.sources.slack.records import BadMessage, parse_ts

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {
        "connector": ("SlackApiConnector", "SlackExportConnector", "from_settings"),
        "changes": ("SlackWatcher",),
        "client": ("ReadOnlyWebClient",),
        "api": ("token_from_env",),
        "records": ("BadMessage", "parse_ts"),
    })

__all__ = [
    "BadMessage", "from_settings", "parse_ts", "ReadOnlyWebClient", "SlackApi", "SlackApiConnector", "SlackExport",
    "SlackExportConnector", "SlackWatcher", "SOURCE", "token_from_env"
]
