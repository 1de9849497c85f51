"""Slack: messages, users and conversations, from a workspace export or the Web API (connector.py)."""

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
