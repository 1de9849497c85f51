"""Rep feedback from a Notion database (`sources.feedback.notion_database`), read-only.

Every page of the database is one feedback item. Its properties are read into the feedback CSV's
columns (FeedbackProperties says which property holds which), so that se_pipeline.sources.feedback.connector
parses and quarantines Notion pages and file rows alike. The guard lets through only the requests
that enumerate the database: no page content, comments or users, and nothing that writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from se_pipeline.connectors import check_env_name, env_secret
from se_pipeline.sources.notion.database import NotionDatabase
from se_pipeline.sources.notion.http import DATABASE_READS
from se_pipeline.sources.notion.properties import FieldError, field_text, flatten_properties, parse_date, pick
from se_pipeline.sources.feedback import FeedbackNotion
from se_pipeline.errors import ConfigError

SETTING = "sources.feedback.notion_database"


class NotionFeedback:
    """The pages of one feedback database as feedback CSV rows."""

    def __init__(self, config: FeedbackNotion, token: str, **options: Any):
        """`options` go to NotionDatabase (page_size, requests_per_second, sleep, …)."""
        self.config = config
        self.database = NotionDatabase(
            token=token,
            database_id=config.database_id,
            source="feedback",
            setting=SETTING,
            reads=DATABASE_READS,
            base_url=config.base_url,
            token_env=config.token_env,
            max_retries=config.max_retries,
            **options,
        )
        self.source_file = f"notion:{self.database.id}"  # raw_feedback.source_file of its rows

    @classmethod
    def from_env(cls, config: FeedbackNotion) -> NotionFeedback:
        """Reads the token from the environment variable `config.token_env` names."""
        check_env_name(f"{SETTING}.token_env", config.token_env)
        token, problem = env_secret(config.token_env)
        if problem:
            raise ConfigError(
                f"{SETTING}.token_env: {problem}; put the Notion "
                "integration's secret in it (and share the feedback database with the integration)"
            )
        return cls(config, token)

    @property
    def calls(self) -> int:
        return self.database.calls

    def rows(self) -> Iterator[tuple[str, dict[str, str]]]:
        """(page id, the page's values under the feedback CSV's column names) for every page.

        A field whose property the page lacks is left out, so a page without the text property can
        be told from one whose text is empty. The date is the page's created_time when it has none.
        """
        return self.database.reading(self._rows())

    def _rows(self) -> Iterator[tuple[str, dict[str, str]]]:
        for page in self.database.pages():
            flat = flatten_properties(page.get("properties") or {})
            row = {"feedback_id": page["id"], "url": page.get("url") or ""}
            for field, name in self.config.properties:
                if found := pick(flat, (name,)):
                    row[field] = field_text(found[1]) or ""
            row["date"] = _iso_date(row.get("date") or page.get("created_time") or "")
            yield page["id"], row


def _iso_date(text: str) -> str:
    """A Notion date or moment as YYYY-MM-DD; anything else as written, for the feedback parser to refuse."""
    try:
        return parse_date(text).isoformat()
    except FieldError:
        return text
