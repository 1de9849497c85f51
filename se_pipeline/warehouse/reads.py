"""Small reads shared by the steps that query the warehouse in Python."""

from __future__ import annotations

from pathlib import Path

import duckdb

from se_pipeline.warehouse.connection import read_only_connection

__all__ = ["active_pages", "records"]


def records(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """The query's rows as dicts keyed by column name."""
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def active_pages(database: str) -> list[str]:
    """The page ids of the active opportunities in the warehouse at `database` (none before the first
    run): the pages the Notion watcher asks for new comments."""
    if not database.startswith("md:") and not Path(database).exists():
        return []
    with read_only_connection(database) as con:
        try:
            return [row[0] for row in con.execute("SELECT page_id FROM opportunities WHERE is_active ORDER BY page_id").fetchall()]
        except duckdb.CatalogException:
            return []
