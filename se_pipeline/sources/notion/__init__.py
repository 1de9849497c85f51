"""Notion: the opportunity database, its pages' content and their comments, from an export or the API
(connector.py)."""

from se_pipeline.sources.base import Source, TableSpec
from se_pipeline.sources.notion.settings import NotionApi, NotionExport

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
