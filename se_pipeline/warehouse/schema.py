"""Tables written from Python: raw tables' DDL lives in sql/raw/<table>.sql, that of tables the
library computes (signals, digests, call_metrics, …) in sql/ddl/<table>.sql; write rules here."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from se_pipeline.paths import DDL_SQL_DIR, RAW_SQL_DIR


@dataclass(frozen=True)
class TableSpec:
    """How a raw table is written.

    partitioned: a load deletes the window's rows (by partition_date) and inserts, so a re-run
    replaces rather than duplicates. Otherwise rows are upserted by primary key (dimensions).
    part_column: a load may re-read some parts of a day only (the Slack channels with news): it then
    deletes and inserts only the window's rows of those parts.
    """

    name: str
    key: tuple[str, ...]
    partitioned: bool = True
    part_column: str | None = None


RAW_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in [
        TableSpec("raw_slack_messages", ("message_key",), part_column="channel_id"),
        TableSpec("raw_slack_users", ("user_id",), partitioned=False),
        TableSpec("raw_slack_channels", ("channel_id",), partitioned=False),
        TableSpec("raw_gmail_messages", ("message_key",)),
        TableSpec("raw_notion_opportunities", ("page_id", "partition_date")),
        TableSpec("raw_notion_blocks", ("block_id", "partition_date")),
        TableSpec("raw_notion_comments", ("comment_id",)),
        TableSpec("raw_usage", ("customer", "partition_date", "metric")),
        TableSpec("raw_usage_reads", ("source_path", "partition_date")),
        TableSpec("raw_calls", ("call_id",)),
        TableSpec("raw_call_utterances", ("call_id", "position")),
        # Enablement inputs are read whole from files each run, so they are upserted, not partitioned.
        TableSpec("raw_feedback", ("feedback_id",), partitioned=False),
        TableSpec("raw_win_loss", ("note_id",), partitioned=False),
        TableSpec("raw_content_inventory", ("asset_id",), partitioned=False),
        TableSpec("raw_onboarding_metrics", ("rep_id", "metric", "period"), partitioned=False),
    ]
}


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()
    return found[0][0] > 0


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw and library-written table (and quarantine) that does not exist yet."""
    for folder in (RAW_SQL_DIR, DDL_SQL_DIR):
        for path in sorted(folder.glob("*.sql")):
            con.execute(path.read_text(encoding="utf-8"))
