"""SQL models: sql/<table>.sql, one model per file, named for the table it makes.

A model is a SELECT. Its first lines say how it is written:
    -- materialized: table                      rebuilt whole (small tables: customers, opportunities)
    -- materialized: partitioned by <column>    the window's rows replaced (activity, usage)
    -- materialized: view                       a mart the Python reads, computed when read (no $parameters)
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
from se_pipeline.errors import SePipelineError
from se_pipeline.paths import SQL_DIR
from se_pipeline.sources import CONTRACTS, contract_sql, create_contract_views
from se_pipeline.warehouse import RAW_TABLES, Between, ensure_tables, replace_slice, table_exists, transaction
from se_pipeline.window import Window

_HEADER = re.compile(r"^--\s*materialized:\s*(table|view|partitioned by (\w+))\s*$", re.MULTILINE)
_PARAM = re.compile(r"\$(\w+)")
MACROS_PATH = SQL_DIR / "macros.sql"
SETTINGS_TABLES = ("config_sales_engineers", "config_customers", "config_company_domains", "config_terminal_stages")


@dataclass(frozen=True)
class SqlModel:
    name: str
    sql: str
    partition_column: str | None  # None: rebuilt whole
    reads: frozenset[str]  # every table the SELECT reads
    view: bool = False  # a view: nothing stored, so nothing to rebuild or lose

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
    return _tables_read(contract_sql(contract))


def parse_model(path: Path) -> SqlModel:
    sql = path.read_text(encoding="utf-8")
    header = _HEADER.search(sql)
    if not header:
        raise ValueError(
            f"{path}: first lines must say '-- materialized: table', '-- materialized: view' "
            "or '-- materialized: partitioned by <column>'"
        )
    try:
        reads = _tables_read(sql)
        # A contract view reads what its sources' staging SQL reads: the model depends on those tables too.
        reads |= {table for contract in reads & set(CONTRACTS) for table in contract_reads(contract)}
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    view = header.group(1) == "view"
    if view and _PARAM.search(sql):
        raise ValueError(f"{path}: a view cannot take $parameters (the Python that reads it filters it)")
    return SqlModel(name=path.stem, sql=sql, partition_column=header.group(2), reads=reads, view=view)


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


def _column_change(con: duckdb.DuckDBPyConnection, model: SqlModel, params: dict) -> str | None:
    """How the model's columns differ from its table's (names and types; order does not matter), or None."""
    have = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {model.name}").fetchall()}
    want = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {model.sql}", params).fetchall()}
    changes = [f"+{c}" for c in want if c not in have] + [f"-{c}" for c in have if c not in want]
    changes += [f"{c} {have[c]} -> {want[c]}" for c in want if c in have and have[c] != want[c]]
    return ", ".join(changes) or None


def _raw_days(con: duckdb.DuckDBPyConnection, window: Window) -> Window:
    """`window` widened to every day the raw tables hold: a partitioned model rebuilt from raw."""
    held = [t for t, spec in RAW_TABLES.items() if spec.partitioned and table_exists(con, t)]
    if not held:
        return window
    union = " UNION ALL ".join(f"SELECT min(partition_date) AS lo, max(partition_date) AS hi FROM {t}" for t in held)
    low, high = con.execute(f"SELECT min(lo), max(hi) FROM ({union})").fetchall()[0]
    return Window(min(window.first_day, low or window.first_day), max(window.last_day, high or window.last_day), window.tz)


def run_model(con: duckdb.DuckDBPyConnection, model: SqlModel, window: Window, full_refresh: bool = False) -> int:
    """Write `model` (the window's partition, or the whole table); return the rows written.

    `full_refresh`: a partitioned model's table is dropped and rebuilt from every day of the raw
    tables. Without it, a partitioned model whose columns changed is an error: its table holds
    earlier days the new SELECT did not write, which a silent rebuild would lose.
    """
    if model.view:
        con.execute(f"CREATE OR REPLACE VIEW {model.name} AS {model.sql}")
        return 0
    column = model.partition_column
    if column is None:  # rebuilt whole every run: a change of columns loses nothing
        con.execute(f"CREATE OR REPLACE TABLE {model.name} AS {model.sql}", _params(model, window))
        return con.execute(f"SELECT count(*) FROM {model.name}").fetchall()[0][0]

    if full_refresh:
        window = _raw_days(con, window)
    params = _params(model, window)
    with transaction(con):
        if full_refresh:
            con.execute(f"DROP TABLE IF EXISTS {model.name}")
        if not table_exists(con, model.name):
            con.execute(f"CREATE TABLE {model.name} AS SELECT * FROM ({model.sql}) LIMIT 0", params)
        else:
            change = _column_change(con, model, params)
            if change:
                raise SePipelineError(
                    f"the columns of {model.name} changed in sql/{model.name}.sql ({change}) and its table holds earlier "
                    f"days: rebuild it from the raw tables with `se-pipeline run --full-refresh {model.name}` "
                    f"(or `se-pipeline backfill ... --full-refresh {model.name}`)"
                )
        rows = con.sql(model.sql, params=params)
        return replace_slice(con, model.name, rows, {column: Between(window.first_day, window.last_day)})
