"""`se-pipeline query`: read-only SQL on the warehouse, printed as a table, CSV or JSON.

The connection is sandboxed: no file is read or written outside the warehouse (no `COPY … TO`,
`read_csv('/etc/passwd')`, ATTACH or extension loads), and the sandbox settings cannot be undone.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import duckdb

from se_pipeline.errors import SePipelineError

Format = Literal["table", "csv", "json"]

_SANDBOX = (
    "SET enable_external_access = false",
    "SET autoload_known_extensions = false",
    "SET autoinstall_known_extensions = false",
    "SET lock_configuration = true",
)


@dataclass
class Result:
    statement: str
    columns: list[str]
    rows: list[tuple]


def sandbox(con: duckdb.DuckDBPyConnection) -> None:
    """No file access beyond the open warehouse, for the rest of this connection's life."""
    for setting in _SANDBOX:
        con.execute(setting)


def split_statements(sql: str) -> list[str]:
    """The statements in `sql`, each as written (DuckDB's own parser splits them)."""
    if not sql.strip():
        raise SePipelineError('no SQL given: se-pipeline query "SELECT …"')
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise SePipelineError(str(exc).splitlines()[0]) from None
    return [s.query.strip().rstrip(";").strip() for s in statements]


def run(con: duckdb.DuckDBPyConnection, statements: Iterable[str]) -> list[Result]:
    """Run each statement on a sandboxed connection; a refused or failing one stops with its message."""
    sandbox(con)
    results = []
    for statement in statements:
        try:
            cursor = con.execute(statement)
            columns = [d[0] for d in cursor.description] if cursor.description else []
            rows = cursor.fetchall() if columns else []
        except duckdb.Error as exc:
            raise SePipelineError(_explain(str(exc).splitlines()[0])) from None
        results.append(Result(statement, columns, rows))
    return results


def _explain(message: str) -> str:
    lowered = message.lower()
    if "read-only" in lowered:
        return f"{message} (se-pipeline query opens the warehouse read-only: SELECT only)"
    if "external access" in lowered or "permission error" in lowered:
        return f"{message} (se-pipeline query reads only the warehouse: no files, no ATTACH)"
    return message


def _plain(value: Any) -> Any:
    """A JSON value for a DuckDB value: dates as ISO text, decimals as numbers, nested values kept nested."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _cell(value: Any) -> Any:
    """Text for a table or CSV cell: NULL stays empty for the caller to mark, dates print as dates."""
    if value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | dict | tuple):
        return json.dumps(_plain(value), ensure_ascii=False)
    return str(_plain(value))


def render(results: list[Result], fmt: Format, out) -> None:
    """Print each result; several statements are headed by their SQL (table format only)."""
    if fmt != "table" and len(results) > 1:
        raise SePipelineError(f"--format {fmt} prints one result: give one statement, or use --format table to see each")
    for number, result in enumerate(results):
        if fmt == "json":
            records = [dict(zip(result.columns, map(_plain, row), strict=True)) for row in result.rows]
            out.write(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(result.columns)
            writer.writerows([_cell(v) for v in row] for row in result.rows)
        else:
            if len(results) > 1:
                out.write(("\n" if number else "") + f"-- {' '.join(result.statement.split())}\n")
            out.write(_table(result) + "\n")


def _table(result: Result) -> str:
    from tabulate import tabulate

    if not result.columns:
        return "(done)"
    if not result.rows:
        return "(no rows)"
    rows = [[_cell(v) for v in row] for row in result.rows]
    # Text is never read as a number (an id "0012" stays "0012"); numeric columns align right.
    numeric = [
        all(isinstance(row[i], int | float | decimal.Decimal) for row in result.rows if row[i] is not None)
        and any(row[i] is not None for row in result.rows)
        for i in range(len(result.columns))
    ]
    return tabulate(rows, headers=result.columns, tablefmt="pipe", missingval="NULL", disable_numparse=True,
                    colalign=["right" if n else "left" for n in numeric])
