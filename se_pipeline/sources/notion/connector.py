"""Notion: the opportunity database, its pages' content and their comments.

`from_settings(settings)` returns the connector for `settings.sources.notion`:
export (a "Markdown & CSV" export) or api (notion_client, live).
"""

from __future__ import annotations


from se_pipeline.config import NotionApi, NotionExport, Settings
from se_pipeline.connectors import Connector, check_env_name, env_secret
from se_pipeline.sources.notion.api import NotionApiConnector
from se_pipeline.sources.notion.export import NotionExportConnector
from se_pipeline.sources.notion.schema import FieldNames, PropertyMapping
from se_pipeline.errors import ConfigError, SourceError

__all__ = ["FieldNames", "NotionApiConnector", "NotionExportConnector", "PropertyMapping", "from_settings"]


def from_settings(settings: Settings) -> Connector:
    """The Notion connector for the configured mode."""
    config = settings.sources.notion
    if isinstance(config, NotionExport):
        return NotionExportConnector(config.path, settings.terminal_stages, config.properties.model_dump())
    if isinstance(config, NotionApi):
        check_env_name("sources.notion.token_env", config.token_env)
        token, problem = env_secret(config.token_env)
        if problem:
            raise SourceError(f"notion: {problem}; put the integration's secret in it (sources.notion.token_env names it)")
        return NotionApiConnector(
            token=token,
            database_id=config.database_id,
            data_source_id=config.data_source_id,
            terminal_stages=settings.terminal_stages,
            base_url=config.base_url,
            token_env=config.token_env,
            max_retries=config.max_retries,
            block_depth=config.block_depth,
            properties=config.properties.model_dump(),
        )
    raise ConfigError(f"sources.notion: unknown mode {getattr(config, 'mode', config)!r}")
