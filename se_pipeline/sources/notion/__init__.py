"""Notion: the opportunity database, its pages' content and their comments, from an export or the API
(connector.py)."""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports
from se_pipeline.sources.base import Source, TableSpec
from se_pipeline.sources.notion.settings import NotionApi, NotionExport, NotionProperties

SOURCE = Source(
    name="notion",
    package=__name__,
    modes=(NotionExport, NotionApi),
    tables=(
        TableSpec("raw_notion_opportunities", ("page_id", "partition_date")),
        TableSpec("raw_notion_blocks", ("block_id", "partition_date"), checked=False),
        TableSpec("raw_notion_comments", ("comment_id",)),
    ),
    export_fix="point sources.notion.path at the opportunity database's Notion export (Markdown & CSV: the .zip, its folder or the .csv)",
)

if TYPE_CHECKING:  # the connectors' modules import their clients: on first use only
    from se_pipeline.sources.notion.connector import NotionApiConnector, NotionExportConnector, from_settings
    from se_pipeline.sources.notion.changes import notion_changes
    from se_pipeline.sources.notion.database import NotionDatabase
    from se_pipeline.sources.notion.feedback import NotionFeedback
    from se_pipeline.sources.notion.http import NOTION_READS
    from se_pipeline.sources.notion.properties import FieldError, field_text, flatten_property, parse_date, parse_number
    from se_pipeline.sources.notion.schema import TEXT, PropertyMapping, map_properties

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {
        "connector": ("NotionApiConnector", "NotionExportConnector", "from_settings"),
        "changes": ("notion_changes",),
        "database": ("NotionDatabase",),
        "feedback": ("NotionFeedback",),
        "http": ("NOTION_READS",),
        "properties": ("FieldError", "field_text", "flatten_property", "parse_date", "parse_number"),
        "schema": ("TEXT", "PropertyMapping", "map_properties"),
    })

__all__ = [
    "field_text", "FieldError", "flatten_property", "from_settings", "map_properties", "notion_changes",
    "NOTION_READS", "NotionApi", "NotionApiConnector", "NotionDatabase", "NotionExport", "NotionExportConnector",
    "NotionFeedback", "NotionProperties", "parse_date", "parse_number", "PropertyMapping", "SOURCE", "TEXT"
]
