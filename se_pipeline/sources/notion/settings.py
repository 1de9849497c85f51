"""The settings of sources.notion: the opportunity database's export, or the API."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from se_pipeline.sources.base import Strict


class NotionProperties(Strict):
    """The property that holds each opportunity field, for when detection cannot tell (None: detected)."""

    title: str | None = None
    customer: str | None = None
    se: str | None = None
    stage: str | None = None
    amount: str | None = None
    close_date: str | None = None
    domain: str | None = None
    workspace_id: str | None = None
    poc_end: str | None = None
    probability: str | None = None
    next_step: str | None = None


class NotionExport(Strict):
    mode: Literal["export"]
    path: Path  # the database's CSV export (or the folder/zip holding it and the page Markdown)
    properties: NotionProperties = NotionProperties()


class NotionApi(Strict):
    """The opportunity database by its id (its data sources are found), or one data source by its id."""

    mode: Literal["api"]
    token_env: str = "NOTION_TOKEN"
    database_id: str | None = None
    data_source_id: str | None = None  # Notion API 2025-09-03: a database holds data sources
    base_url: str | None = None
    max_retries: int = 5
    block_depth: int = 3
    properties: NotionProperties = NotionProperties()

    @model_validator(mode="after")
    def _one_id(self) -> NotionApi:
        if (self.database_id is None) == (self.data_source_id is None):
            raise PydanticCustomError(
                "one_notion_id",
                "needs exactly one of database_id (the database's id or link) and data_source_id (one of its data sources)",
            )
        return self
