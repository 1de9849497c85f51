"""Every table of a warehouse as sorted rows of text, for tests that compare two warehouses."""

from __future__ import annotations

from pathlib import Path

import duckdb

VOLATILE = {"loaded_at", "created_at"}  # when a row was written (raw rows, proposals), not what it says


def table_rows(con: duckdb.DuckDBPyConnection, folder: Path, placeholder: str) -> dict[str, list[str]]:
    """Each table's rows but its VOLATILE columns, as text with `folder` written as `placeholder`
    (digests record where their file is), sorted."""
    found = {}
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall():
        columns = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                             "ORDER BY ordinal_position", [table]).fetchall() if c not in VOLATILE]
        rows = con.execute(f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)} FROM {table}").fetchall()
        found[table] = sorted(repr(row).replace(str(folder), placeholder) for row in rows)
    return found
