"""SQL models: sql/<table>.sql, one model per file, named for the table it makes.

A model is a SELECT. Its first lines say how it is written:
    -- materialized: table                      rebuilt whole (small tables: customers, opportunities)
    -- materialized: partitioned by <column>    the window's rows replaced (activity, usage)
Partitioned models may use $first_day / $last_day (DATE) and $window_start / $window_end (TIMESTAMPTZ).
Dependencies are the tables the SELECT reads, found by DuckDB's own parser.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from se_pipeline.config import Settings
from se_pipeline.paths import SQL_DIR
from se_pipeline.sources import CONTRACTS, contract_sql, create_contract_views
from se_pipeline.warehouse.connection import transaction
from se_pipeline.warehouse.schema import ensure_tables, table_exists
from se_pipeline.window import Window

_HEADER = re.compile(r"^--\s*materialized:\s*(table|partitioned by (\w+))\s*$", re.MULTILINE)
_PARAM = re.compile(r"\$(\w+)")
MACROS_PATH = SQL_DIR / "macros.sql"
SETTINGS_TABLES = ("config_sales_engineers", "config_customers", "config_company_domains", "config_terminal_stages")


@dataclass(frozen=True)
class SqlModel:
    name: str
    sql: str
    partition_column: str | None  # None: rebuilt whole
    reads: frozenset[str]  # every table the SELECT reads

    @property
    def partitioned(self) -> bool:
        return self.partition_column is not None


def _tables_read(sql: str) -> frozenset[str]:
    """Tables a SELECT reads, from DuckDB's parse tree (no binding, so tables need not exist yet)."""
    # The parser cannot take $parameters; any literal in their place reads the same tables.
    text = duckdb.execute("SELECT json_serialize_sql(?)", [_PARAM.sub("NULL", sql)]).fetchall()[0][0]
    tree = json.loads(text)
    if tree.get("error"):
        raise ValueError(tree.get("error_message", "unparseable SQL"))
    tables: set[str] = set()
    ctes: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and "table_name" in node:
                tables.add(node["table_name"])
            ctes.update(entry["key"] for entry in node.get("cte_map", {}).get("map", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return frozenset(tables - ctes)


def contract_reads(contract: str) -> frozenset[str]:
    """The tables a contract view reads (its sources' raw tables, and what their staging SQL joins)."""
    return _tables_read(contract_sql(contract) or "SELECT 1")


def parse_model(path: Path) -> SqlModel:
    sql = path.read_text(encoding="utf-8")
    header = _HEADER.search(sql)
    if not header:
        raise ValueError(f"{path}: first lines must say '-- materialized: table' or '-- materialized: partitioned by <column>'")
    try:
        reads = _tables_read(sql)
        # A contract view reads what its sources' staging SQL reads: the model depends on those tables too.
        reads |= {table for contract in reads & set(CONTRACTS) for table in contract_reads(contract)}
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    return SqlModel(name=path.stem, sql=sql, partition_column=header.group(2), reads=reads)


def discover_models(folder: Path = SQL_DIR) -> dict[str, SqlModel]:
    """Every model in `folder`, in dependency order."""
    models = {p.stem: parse_model(p) for p in sorted(folder.glob("*.sql")) if p != MACROS_PATH}
    ordered: dict[str, SqlModel] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in ordered:
            return
        if name in trail:
            raise ValueError(f"SQL models depend on each other in a cycle: {' -> '.join(trail + (name,))}")
        for dep in sorted(models[name].reads & models.keys()):
            visit(dep, trail + (name,))
        ordered[name] = models[name]

    for name in models:
        visit(name, ())
    return ordered


def write_settings_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The configuration models join against: SEs, customers, our domains, terminal stages."""
    frames = {
        "config_sales_engineers": pd.DataFrame(
            [se.model_dump() for se in settings.sales_engineers],
            columns=["id", "name", "email", "slack_user_id", "gong_user_id"],
        ),
        "config_customers": pd.DataFrame(
            [c.model_dump() for c in settings.customers], columns=["name", "aliases", "domains", "workspace_ids"]
        ),
        "config_company_domains": pd.DataFrame({"domain": [d.lower() for d in settings.company_domains]}),
        "config_terminal_stages": pd.DataFrame({"stage": settings.terminal_stages}),
    }
    for table, frame in frames.items():
        con.register("_frame", frame)
        try:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame")
        finally:
            con.unregister("_frame")
    # Empty pandas columns arrive as NULL-typed; give list columns their types.
    con.execute(
        "CREATE OR REPLACE TABLE config_customers AS SELECT name::VARCHAR AS name, aliases::VARCHAR[] AS aliases, "
        "domains::VARCHAR[] AS domains, workspace_ids::VARCHAR[] AS workspace_ids FROM config_customers"
    )
    for column in ("id", "name", "email", "slack_user_id", "gong_user_id"):
        con.execute(f"ALTER TABLE config_sales_engineers ALTER {column} TYPE VARCHAR")


def prepare(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Make sure raw tables, settings tables, macros and the contract views exist before any model runs."""
    ensure_tables(con)
    write_settings_tables(con, settings)
    con.execute(MACROS_PATH.read_text(encoding="utf-8"))
    create_contract_views(con, ("stg_activity",))


def _params(model: SqlModel, window: Window) -> dict[str, object]:
    available = {
        "first_day": window.first_day,
        "last_day": window.last_day,
        "window_start": window.start,
        "window_end": window.end,
    }
    used = set(_PARAM.findall(model.sql))
    return {k: v for k, v in available.items() if k in used}


def _same_columns(con: duckdb.DuckDBPyConnection, table: str, select_sql: str, params: dict) -> bool:
    have = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    want = [r[0] for r in con.execute(f"DESCRIBE {select_sql}", params).fetchall()]
    return have == want


def run_model(con: duckdb.DuckDBPyConnection, model: SqlModel, window: Window) -> int:
    """Write `model` (the window's partition, or the whole table); return the rows written."""
    params = _params(model, window)
    select = model.sql
    if not model.partitioned:
        con.execute(f"CREATE OR REPLACE TABLE {model.name} AS {select}", params)
        return con.execute(f"SELECT count(*) FROM {model.name}").fetchall()[0][0]

    exists = table_exists(con, model.name)
    if exists and not _same_columns(con, model.name, select, params):
        # The model's columns changed: earlier partitions no longer fit, so start the table again.
        con.execute(f"DROP TABLE {model.name}")
        exists = False
    if not exists:
        con.execute(f"CREATE TABLE {model.name} AS SELECT * FROM ({select}) LIMIT 0", params)
    column = model.partition_column
    with transaction(con):
        con.execute(
            f"DELETE FROM {model.name} WHERE {column} BETWEEN $first_day AND $last_day",
            {"first_day": window.first_day, "last_day": window.last_day},
        )
        con.execute(f"INSERT INTO {model.name} BY NAME {select}", params)
    return con.execute(
        f"SELECT count(*) FROM {model.name} WHERE {column} BETWEEN ? AND ?", [window.first_day, window.last_day]
    ).fetchall()[0][0]
