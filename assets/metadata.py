"""Metadata every warehouse asset reports: row counts and a preview."""

from __future__ import annotations

import duckdb
from dagster import MetadataValue

PREVIEW_ROWS = 5


def table_metadata(con: duckdb.DuckDBPyConnection, table: str, where: str = "", params: list | None = None) -> dict:
    total = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    preview = con.execute(f"SELECT * EXCLUDE (payload) FROM {table} {where} LIMIT {PREVIEW_ROWS}" if _has_payload(con, table)
                          else f"SELECT * FROM {table} {where} LIMIT {PREVIEW_ROWS}", params or []).df()
    return {
        "table_rows": MetadataValue.int(int(total)),
        "preview": MetadataValue.md(preview.astype(str).to_markdown(index=False) if len(preview) else "(no rows)"),
    }


def _has_payload(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return any(r[0] == "payload" for r in con.execute(f"DESCRIBE {table}").fetchall())
