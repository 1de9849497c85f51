"""Metadata every warehouse asset reports, in the forms the Dagster UI shows best: the row count
(dagster/row_count), the columns with their SQL comments (dagster/column_schema) and a preview table."""

from __future__ import annotations

import datetime as dt
import decimal
import json

import duckdb
from dagster import MetadataValue, TableColumn, TableRecord, TableSchema

from se_pipeline.warehouse import table_doc

PREVIEW_ROWS = 5
_PREVIEW_TEXT = 200  # characters of a long cell shown in the preview


def _cell(value: object) -> str | int | float | bool | None:
    """A preview cell: TableRecord takes only plain scalars."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    text = json.dumps(value, default=str, ensure_ascii=False) if isinstance(value, list | dict) else str(value)
    return text if len(text) <= _PREVIEW_TEXT else text[: _PREVIEW_TEXT - 1] + "…"


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> TableSchema:
    comments = table_doc(table).columns
    return TableSchema(columns=[
        TableColumn(name=name, type=kind, description=comments.get(name))
        for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()
    ])


def table_metadata(con: duckdb.DuckDBPyConnection, table: str, where: str = "", params: list | None = None) -> dict:
    schema = table_schema(con, table)
    total = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    shown = [c for c in schema.columns if c.name != "payload"]  # raw JSON: too big to preview
    select = ", ".join(f'"{c.name}"' for c in shown)
    rows = con.execute(f"SELECT {select} FROM {table} {where} LIMIT {PREVIEW_ROWS}", params or []).fetchall()
    return {
        "dagster/row_count": MetadataValue.int(int(total)),
        "dagster/column_schema": MetadataValue.table_schema(schema),
        "preview": MetadataValue.table(
            records=[TableRecord({c.name: _cell(v) for c, v in zip(shown, row, strict=True)}) for row in rows],
            schema=TableSchema(columns=[TableColumn(name=c.name, type=c.type) for c in shown]),
        ),
    }
