"""Slack: messages, users and conversations, from a workspace export or the Web API.

`from_settings(settings)` picks the connector for `settings.sources.slack`:
export -> SlackExportConnector, api -> SlackApiConnector.
"""

from __future__ import annotations

from se_pipeline.config import Settings, SlackApi, SlackExport
from se_pipeline.connectors import Connector, check_env_name
from se_pipeline.sources.slack.api import SlackApiConnector, token_from_env
from se_pipeline.sources.slack.client import READ_METHODS, ReadOnlyWebClient
from se_pipeline.sources.slack.export import SlackExportConnector
from se_pipeline.errors import ConfigError

__all__ = ["READ_METHODS", "ReadOnlyWebClient", "SlackApiConnector", "SlackExportConnector", "from_settings"]


def from_settings(settings: Settings, api_class: type[SlackApiConnector] = SlackApiConnector) -> Connector:
    """The Slack connector for the configured mode (`api_class`: the api connector or a subclass of it)."""
    config = settings.sources.slack
    own_user_ids = [se.slack_user_id for se in settings.sales_engineers if se.slack_user_id]
    if isinstance(config, SlackExport):
        return SlackExportConnector(config.path, config.workspace, own_user_ids)
    if isinstance(config, SlackApi):
        check_env_name("sources.slack.token_env", config.token_env)
        client = ReadOnlyWebClient(token_from_env(config.token_env), config.base_url, config.max_retries)
        return api_class(
            client,
            workspace=config.workspace,
            channel_types=config.channel_types,
            thread_lookback_days=config.thread_lookback_days,
            thread_watch_days=config.thread_watch_days,
            token_env=config.token_env,
            own_user_ids=own_user_ids,
        )
    raise ConfigError(f"sources.slack: unsupported mode {config.mode!r}")
