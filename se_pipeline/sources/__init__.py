"""The sources: one package each (se_pipeline/sources/<name>/), listed here.

A package declares a `SOURCE` (se_pipeline.sources.base.Source): its settings modes, its raw tables (DDL
beside it, <table>.sql), its connector (`connector.from_settings`), doctor's probe (`probe.probe`) and
its staging SQL into the contract views (<contract>.sql). The raw assets and their key checks, the
`sources:` settings, doctor's checks and the contract views (stg_activity, stg_opportunities) are built
from this list: adding a source is adding its package's name here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports
from se_pipeline.sources.base import CONTRACTS, RAW_CONTRACTS, OffSource, Source, Strict, TableSpec, declared_sql
from se_pipeline.window import Window

if TYPE_CHECKING:
    # Only annotations need DuckDB: the mail workers import this package, and DuckDB took half its import.
    import duckdb

    from se_pipeline.config import Settings
    from se_pipeline.connectors import Connector
    from se_pipeline.sources.probing import Finding, env, fail, ok, warn

_PACKAGES = ("slack", "gmail", "notion", "usage", "calls", "feedback", "zoom")
SOURCES: tuple[Source, ...] = tuple(importlib.import_module(f"{__name__}.{name}").SOURCE for name in _PACKAGES)
SOURCE_BY_NAME: dict[str, Source] = {source.name: source for source in SOURCES}
# What the daily job loads (feedback is read by the weekly enablement job).
DAILY_SOURCES = tuple(source.name for source in SOURCES if source.daily)
RAW_TABLES: dict[str, TableSpec] = {spec.name: spec for source in SOURCES for spec in source.tables}

# doctor's findings and checks: probing.py imports this registry back, so on first use
if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {"probing": ("Finding", "env", "fail", "ok", "warn")})

__all__ = ["CONTRACTS", "DAILY_SOURCES", "RAW_CONTRACTS", "RAW_TABLES", "SOURCES", "SOURCE_BY_NAME", "Finding", "OffSource",
           "Source", "Strict", "TableSpec", "build_connector", "contract_sql", "create_contract_views", "env", "fail", "ok",
           "recall_stored", "warn"]


def build_connector(settings: Settings, source: str) -> Connector:
    """The connector for `source` in its configured mode; demo mode reads the demo workspace's export."""
    module = importlib.import_module(SOURCE_BY_NAME[source].connector)
    return module.from_settings(settings)


def recall_stored(connector: Connector, connect: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
                  window: Window) -> None:
    """Hand a connector what earlier loads stored that spares API calls (Slack's user cache and watched
    threads), read through a short connection before extraction, which runs with the warehouse closed."""
    if hasattr(connector, "recall"):
        with connect() as con:
            connector.recall(con, window)


def contract_sql(contract: str, sources: tuple[Source, ...] = SOURCES) -> str:
    """The SELECT of a contract view: its declared columns (no rows) and each of `sources`' staging SQL for it,
    unioned by name (a column a source lacks is NULL in its rows; with no source, the view is empty)."""
    parts = [declared_sql(contract), *(sql for source in sources if (sql := source.staging_sql(contract)))]
    return "\nUNION ALL BY NAME\n".join(f"SELECT * FROM (\n{sql}\n)" for sql in parts)


def create_contract_views(con: duckdb.DuckDBPyConnection, contracts: tuple[str, ...]) -> None:
    """(Re)make the contract views from the sources' staging SQL."""
    for contract in contracts:
        con.execute(f"CREATE OR REPLACE VIEW {contract} AS {contract_sql(contract)}")
