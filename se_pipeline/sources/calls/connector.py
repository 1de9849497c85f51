"""Calls (Gong): raw_calls and raw_call_utterances from the API or an export folder."""

from __future__ import annotations

import os

from se_pipeline.config import CallsApi, CallsExport, Settings
from se_pipeline.connectors import check_env_name
from se_pipeline.sources.calls.api import DEFAULT_LOOKBACK_DAYS, GongApiConnector
from se_pipeline.sources.calls.export import CallsExportConnector
from se_pipeline.sources.calls.gong import Team
from se_pipeline.errors import ConfigError, SourceError

__all__ = ["CallsExportConnector", "GongApiConnector", "Team", "from_settings"]


def from_settings(settings: Settings) -> CallsExportConnector | GongApiConnector:
    config = settings.sources.calls
    team = Team.from_settings(settings)
    if isinstance(config, CallsExport):
        return CallsExportConnector(config.path, team)
    if isinstance(config, CallsApi):
        check_env_name("sources.calls.access_key_env", config.access_key_env)
        check_env_name("sources.calls.secret_env", config.secret_env)
        missing = [name for name in (config.access_key_env, config.secret_env) if not os.environ.get(name)]
        if missing:
            raise SourceError(f"calls: set the environment variable(s) {', '.join(missing)} to your Gong API access key and secret")
        return GongApiConnector(
            config.base_url,
            os.environ[config.access_key_env],
            os.environ[config.secret_env],
            team,
            max_retries=config.max_retries,
            # Until the config has sources.calls.transcript_lookback_days, the default applies.
            lookback_days=getattr(config, "transcript_lookback_days", DEFAULT_LOOKBACK_DAYS),
        )
    raise ConfigError(f"sources.calls: unsupported mode {config.mode!r}")
