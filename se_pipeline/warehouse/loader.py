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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from se_pipeline.pages import KeepRows, Quarantined, Rows
from se_pipeline.processes import owned_name, remove_orphans
from se_pipeline.warehouse.connection import transaction
from se_pipeline.warehouse.schema import RAW_TABLES, ensure_tables
from se_pipeline.warehouse.slices import replace_slice
from se_pipeline.window import Window

_MAX_PAYLOAD = 100_000
_MAX_REASON = 500


@dataclass
class LoadReport:
    rows: Counter = field(default_factory=Counter)  # table -> rows inserted
    quarantined: int = 0
    quarantine_reasons: Counter = field(default_factory=Counter)

    def as_metadata(self) -> dict[str, int]:
        meta = {f"rows_{table}": n for table, n in sorted(self.rows.items())}
        meta["rows_quarantined"] = self.quarantined
        return meta


_JSON_COLUMNS = ("payload", "properties", "calendar")


def clean_text(text: str) -> str:
    """`text` as UTF-8 can store it: a lone surrogate (from undecodable bytes, or a broken \\ud83d escape
    in JSON) becomes U+FFFD; a surrogate pair written as two escapes becomes its character."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return clean_text(value)
    try:
        text = json.dumps(value, default=str, sort_keys=True)
        # ensure_ascii escapes every non-ASCII character: a lone surrogate shows as one such escape.
        return json.dumps(_clean(value), default=str, sort_keys=True) if "\\ud" in text else text
    except (ValueError, RecursionError):  # nested deeper than json can write, or a cycle
        return json.dumps({"unwritable": "nested too deeply to store"})


# Values with no text inside: stored as they are (the common case, so it skips _clean's walk).
_PLAIN_TYPES = frozenset({type(None), bool, int, float, dt.date, dt.datetime})


def _clean_row(row: dict[str, Any]) -> dict[str, Any]:
    cleaned = {}
    for column, value in row.items():
        if column in _JSON_COLUMNS:
            cleaned[column] = _json_text(value)
        elif type(value) in _PLAIN_TYPES or (type(value) is str and value.isascii()):
            cleaned[column] = value
        else:
            cleaned[column] = _clean(value)
    return cleaned


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("_page", frame)
    try:
        con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM _page")
    finally:
        con.unregister("_page")


def _insert_page(con: duckdb.DuckDBPyConnection, source: str, table: str, rows: list[dict[str, Any]]) -> list[Quarantined]:
    """Insert the page; a row the table cannot hold (a number out of range, a wrong type) is returned
    as Quarantined instead, and the page's other rows are inserted."""
    spec = RAW_TABLES[table]
    # A page may repeat a record (a reply seen in history and in its thread): keep the last.
    frame = pd.DataFrame([_clean_row(row) for row in rows]).drop_duplicates(subset=list(spec.key), keep="last")
    try:
        _insert_frame(con, table, frame)
        return []
    except (duckdb.Error, ValueError, TypeError, OverflowError):
        pass  # one bad row fails the whole page: find it, row by row
    bad = []
    for record in frame.to_dict("records"):
        try:
            _insert_frame(con, table, pd.DataFrame([record]))
        except (duckdb.Error, ValueError, TypeError, OverflowError) as exc:
            key = ":".join(str(record.get(column)) for column in spec.key)
            reason = str(exc).strip().splitlines()[0][:300]
            day = record.get("partition_date")
            bad.append(Quarantined(source, f"{table}:{key}", f"unloadable: {reason}", record,
                                   day if isinstance(day, dt.date) else None))
    return bad


def _insert_quarantine(con: duckdb.DuckDBPyConnection, item: Quarantined) -> None:
    payload = _json_text(item.payload)
    if payload is not None and len(payload) > _MAX_PAYLOAD:
        payload = payload[:_MAX_PAYLOAD]
    # A reason may quote the bad value, which may be huge (a 1 MB cell): the payload keeps the record.
    key, reason = clean_text(item.key), clean_text(item.reason)
    if len(reason) > _MAX_REASON:
        reason = reason[: _MAX_REASON - 1] + "…"
    row = {"source": item.source, "record_key": key, "partition_date": item.partition_date, "reason": reason,
           "payload": payload, "loaded_at": dt.datetime.now(dt.timezone.utc)}
    replace_slice(con, "quarantine", [row], {"source": item.source, "record_key": key})


@dataclass
class StagedLoad:
    """Records extracted for a window, held in a scratch DuckDB file until they are committed."""

    path: Path
    source: str
    tables: tuple[str, ...]
    window: Window
    report: LoadReport
    keep: list[KeepRows] = field(default_factory=list)
    parts: tuple[str, ...] | None = None  # only these parts of the window were read (see TableSpec.part_column)

    def discard(self) -> None:
        for suffix in ("", ".wal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def stage_records(
    source: str,
    tables: Iterable[str],
    window: Window,
    records: Iterable[Rows | Quarantined | KeepRows],
    staging_dir: Path,
    parts: Iterable[str] | None = None,
) -> StagedLoad:
    """Extract into a scratch file, page by page, without touching the warehouse.

    Extraction (API calls, parsing) may take long or run in parallel; the warehouse's single
    write lock is then held only for the short commit. `parts`: the records are those of these parts
    of the window only (Slack channels), so the commit replaces only theirs.
    """
    staging_dir.mkdir(parents=True, exist_ok=True)
    remove_orphans(staging_dir)  # what a killed run staged and never committed
    path = staging_dir / owned_name(f"{source}-{window.first_day}-{window.last_day}-{uuid.uuid4().hex[:8]}", "duckdb")
    staged = StagedLoad(path, source, tuple(tables), window, LoadReport(), parts=None if parts is None else tuple(parts))
    try:
        with duckdb.connect(str(path)) as con:
            ensure_tables(con)
            for record in records:
                if isinstance(record, Quarantined):
                    _insert_quarantine(con, record)
                elif isinstance(record, KeepRows):
                    staged.keep.append(record)
                elif record.rows:
                    for bad in _insert_page(con, source, record.table, record.rows):
                        _insert_quarantine(con, bad)
            for table in staged.tables:
                staged.report.rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            # Counted from what is stored (one row per key), so the count told equals the table's.
            reasons = con.execute("SELECT split_part(reason, ':', 1), count(*) FROM quarantine GROUP BY ALL").fetchall()
            staged.report.quarantine_reasons.update(dict(reasons))
            staged.report.quarantined = sum(staged.report.quarantine_reasons.values())
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
                kept = [k for k in staged.keep if k.table == table]
                if spec.partitioned and staged.parts is None:
                    con.execute(
                        f"DELETE FROM {table} WHERE partition_date BETWEEN ? AND ?"
                        + "".join(f" AND {k.column} IS DISTINCT FROM ?" for k in kept),
                        [window.first_day, window.last_day, *(k.value for k in kept)],
                    )
                elif spec.partitioned:
                    if spec.part_column is None:
                        raise ValueError(f"{table} cannot be loaded in parts")
                    con.execute(
                        f"DELETE FROM {table} WHERE partition_date BETWEEN ? AND ? AND {spec.part_column} IN "
                        "(SELECT unnest(?::VARCHAR[]))",
                        [window.first_day, window.last_day, list(staged.parts or ())],
                    )
                # A key may also be stored on a day outside the window (or in an unpartitioned table): its
                # row is replaced. Deleting those keys, then appending, holds about half the memory
                # INSERT OR REPLACE does (which keeps the whole insert in memory until the commit).
                same_key = " AND ".join(f"{table}.{column} = s.{column}" for column in spec.key)
                con.execute(f"DELETE FROM {table} USING staged.{table} AS s WHERE {same_key}")
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM staged.{table}")
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
    records: Iterable[Rows | Quarantined | KeepRows],
    staging_dir: Path | None = None,
) -> LoadReport:
    """Replace `window` in the partitioned `tables` (and `source`'s quarantine rows) with `records`.

    Stages first (see stage_records), then commits in one transaction: a failure part-way leaves
    the warehouse as it was, and re-running a window never duplicates rows.
    """
    with tempfile.TemporaryDirectory(dir=staging_dir) as scratch:
        staged = stage_records(source, tables, window, records, Path(scratch))
        return commit_staged(con, staged)
