"""Opening the warehouse. DuckDB allows one writing process per file, so writers hold a connection
only while they write, and readers wait (and say so) while a writer holds the lock."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from se_pipeline.errors import SePipelineError

_LOCK_HINTS = ("Could not set lock", "Conflicting lock", "lock on file")


def _is_local(database: str) -> bool:
    return database != ":memory:" and not database.startswith("md:")


@contextmanager
def connect(database: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, closed on exit."""
    if _is_local(database):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(database)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All statements inside commit together, or none do (the error is re-raised)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def read_only_connection(database: str, wait_seconds: float = 120.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection. While a run holds the write lock, wait (telling stderr) up to `wait_seconds`."""
    if _is_local(database) and not Path(database).exists():
        raise SePipelineError(f"no warehouse at {database} yet: run `se-pipeline run` first")
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            con = duckdb.connect(database, read_only=True)
            break
        except duckdb.IOException as exc:
            if not any(h in str(exc) for h in _LOCK_HINTS):
                raise
            if time.monotonic() > deadline:
                raise SePipelineError(
                    f"the warehouse {database} is locked by a running job; tried for {wait_seconds:.0f}s, try again later"
                ) from None
            if not told:
                print(f"waiting: a run is writing to {database}…", file=sys.stderr)
                told = True
            time.sleep(0.5)
    try:
        yield con
    finally:
        con.close()
