"""Loading a source's records for a window: stage, then delete the window and insert in one transaction.

A connector is a generator of `Rows` (a page of records for one raw table) and `Quarantined`
(a record it could not parse). Pages are inserted as they arrive, so memory holds one page.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from se_pipeline.warehouse.connection import transaction
from se_pipeline.warehouse.schema import RAW_TABLES, ensure_tables
from se_pipeline.window import Window

_MAX_PAYLOAD = 100_000


@dataclass
class Rows:
    """A page of records for one raw table; each dict's keys are that table's columns."""

    table: str
    rows: list[dict[str, Any]]


@dataclass
class Quarantined:
    """A record that could not be loaded, and why. `key` says where to find it."""

    source: str
    key: str
    reason: str
    payload: Any = None
    partition_date: dt.date | None = None


@dataclass
class LoadReport:
    rows: Counter = field(default_factory=Counter)  # table -> rows inserted
    quarantined: int = 0
    quarantine_reasons: Counter = field(default_factory=Counter)

    def as_metadata(self) -> dict[str, int]:
        meta = {f"rows_{table}": n for table, n in sorted(self.rows.items())}
        meta["rows_quarantined"] = self.quarantined
        return meta


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str, sort_keys=True)


def _insert_page(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> int:
    spec = RAW_TABLES[table]
    frame = pd.DataFrame(rows)
    for column in ("payload", "properties", "calendar"):
        if column in frame:
            frame[column] = frame[column].map(_json_text)
    # A page may repeat a record (a reply seen in history and in its thread): keep the last.
    frame = frame.drop_duplicates(subset=list(spec.key), keep="last")
    con.register("_page", frame)
    try:
        con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM _page")
    finally:
        con.unregister("_page")
    return len(frame)


PAGE_SIZE = 1000


def paged(
    table: str, records: Iterable[dict[str, Any] | Quarantined], size: int = PAGE_SIZE
) -> Iterator[Rows | Quarantined]:
    """Group row dicts into `Rows` pages of at most `size`; `Quarantined` records pass straight through."""
    page: list[dict[str, Any]] = []
    for record in records:
        if isinstance(record, Quarantined):
            yield record
            continue
        page.append(record)
        if len(page) >= size:
            yield Rows(table, page)
            page = []
    if page:
        yield Rows(table, page)


def _insert_quarantine(con: duckdb.DuckDBPyConnection, item: Quarantined) -> None:
    payload = _json_text(item.payload)
    if payload is not None and len(payload) > _MAX_PAYLOAD:
        payload = payload[:_MAX_PAYLOAD]
    con.execute("DELETE FROM quarantine WHERE source = ? AND record_key = ?", [item.source, item.key])
    con.execute(
        "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, now())",
        [item.source, item.key, item.partition_date, item.reason, payload],
    )


@dataclass
class StagedLoad:
    """Records extracted for a window, held in a scratch DuckDB file until they are committed."""

    path: Path
    source: str
    tables: tuple[str, ...]
    window: Window
    report: LoadReport
    parts: tuple[str, ...] | None = None  # only these parts of the window were read (see TableSpec.part_column)

    def discard(self) -> None:
        for suffix in ("", ".wal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def stage_records(
    source: str,
    tables: Iterable[str],
    window: Window,
    records: Iterable[Rows | Quarantined],
    staging_dir: Path,
    parts: Iterable[str] | None = None,
) -> StagedLoad:
    """Extract into a scratch file, page by page, without touching the warehouse.

    Extraction (API calls, parsing) may take long or run in parallel; the warehouse's single
    write lock is then held only for the short commit. `parts`: the records are those of these parts
    of the window only (Slack channels), so the commit replaces only theirs.
    """
    staging_dir.mkdir(parents=True, exist_ok=True)
    path = staging_dir / f"{source}-{window.first_day}-{window.last_day}-{uuid.uuid4().hex[:8]}.duckdb"
    staged = StagedLoad(path, source, tuple(tables), window, LoadReport(), None if parts is None else tuple(parts))
    try:
        with duckdb.connect(str(path)) as con:
            ensure_tables(con)
            for record in records:
                if isinstance(record, Quarantined):
                    _insert_quarantine(con, record)
                    staged.report.quarantined += 1
                    staged.report.quarantine_reasons[record.reason.split(":")[0]] += 1
                elif record.rows:
                    _insert_page(con, record.table, record.rows)
            for table in staged.tables:
                staged.report.rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    except BaseException:
        staged.discard()
        raise
    return staged


def commit_staged(con: duckdb.DuckDBPyConnection, staged: StagedLoad) -> LoadReport:
    """Replace the window in the warehouse with the staged records, in one transaction."""
    ensure_tables(con)
    window = staged.window
    con.execute(f"ATTACH '{staged.path}' AS staged (READ_ONLY)")
    try:
        with transaction(con):
            for table in staged.tables:
                spec = RAW_TABLES[table]
                if spec.partitioned and staged.parts is None:
                    con.execute(
                        f"DELETE FROM {table} WHERE partition_date BETWEEN ? AND ?",
                        [window.first_day, window.last_day],
                    )
                elif spec.partitioned:
                    if spec.part_column is None:
                        raise ValueError(f"{table} cannot be loaded in parts")
                    con.execute(
                        f"DELETE FROM {table} WHERE partition_date BETWEEN ? AND ? AND {spec.part_column} IN "
                        "(SELECT unnest(?::VARCHAR[]))",
                        [window.first_day, window.last_day, list(staged.parts)],
                    )
                con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM staged.{table}")
            # Only whole-file reads (mbox, feedback files) quarantine without a day, and they are found
            # again on every read of the source, so each commit replaces them: fixing a file clears its row.
            # A read of some parts replaces only what it quarantined again (the next whole read clears the rest).
            con.execute(
                "DELETE FROM quarantine WHERE source = ? AND (((partition_date BETWEEN ? AND ? OR partition_date IS NULL) "
                "AND ?) OR record_key IN (SELECT record_key FROM staged.quarantine))",
                [staged.source, window.first_day, window.last_day, staged.parts is None],
            )
            con.execute("INSERT INTO quarantine BY NAME SELECT * FROM staged.quarantine")
    finally:
        con.execute("DETACH staged")
        staged.discard()
    return staged.report


def load_records(
    con: duckdb.DuckDBPyConnection,
    source: str,
    tables: Iterable[str],
    window: Window,
    records: Iterable[Rows | Quarantined],
    staging_dir: Path | None = None,
) -> LoadReport:
    """Replace `window` in the partitioned `tables` (and `source`'s quarantine rows) with `records`.

    Stages first (see stage_records), then commits in one transaction: a failure part-way leaves
    the warehouse as it was, and re-running a window never duplicates rows.
    """
    with tempfile.TemporaryDirectory(dir=staging_dir) as scratch:
        staged = stage_records(source, tables, window, records, Path(scratch))
        return commit_staged(con, staged)
