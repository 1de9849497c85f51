"""Small reads shared by the steps that query the warehouse in Python."""

from __future__ import annotations

from pathlib import Path

import duckdb

from se_pipeline.warehouse.connection import read_only_connection

__all__ = ["records", "stored_rows"]


def records(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """The query's rows as dicts keyed by column name."""
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def stored_rows(database: str, sql: str) -> list[tuple]:
    """The rows of a read-only query on the warehouse at `database` as last written; none before the first
    run, or while the table it reads is not made yet (what a sensor's look may ask of it)."""
    if not database.startswith("md:") and not Path(database).exists():
        return []
    with read_only_connection(database) as con:
        try:
            return con.execute(sql).fetchall()
        except duckdb.CatalogException:
            return []
