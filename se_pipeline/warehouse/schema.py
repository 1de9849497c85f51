"""Tables written from Python: raw tables' DDL and write rules live in their source's package
(se_pipeline/sources/<name>/<table>.sql, its `Source.tables`), that of tables the library computes
(signals, digests, call_metrics, …) in sql/ddl/<table>.sql, the quarantine's in sql/raw/quarantine.sql."""

from __future__ import annotations

import duckdb

from se_pipeline.paths import DDL_SQL_DIR, RAW_SQL_DIR
from se_pipeline.sources import RAW_CONTRACTS, RAW_TABLES, SOURCES, TableSpec, create_contract_views

__all__ = ["RAW_TABLES", "TableSpec", "ensure_tables", "table_exists"]


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()
    return found[0][0] > 0


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw and library-written table (and quarantine) that does not exist yet, and the contract
    views over raw tables."""
    for source in SOURCES:
        for table in source.table_names:
            con.execute(source.ddl(table))
    for folder in (RAW_SQL_DIR, DDL_SQL_DIR):
        for path in sorted(folder.glob("*.sql")):
            con.execute(path.read_text(encoding="utf-8"))
    create_contract_views(con, RAW_CONTRACTS)
