"""Usage: product usage per customer, day and metric, from any file (or glob) DuckDB reads, or from
the export a Hex project run writes (se_pipeline.connectors.hex runs it, then this reader reads it).

A *long* file has one row per customer, date, metric and value. A *wide* file has customer, date
and one column per metric; each non-empty cell becomes a row named for its column. Column names
may differ from ours: `columns` maps ours (customer, date, metric, value) to the file's.

Only rows dated inside the window are returned. A row without a customer, or whose date or value
does not parse, or a CSV line with more cells than the header, becomes a Quarantined keyed
`<file>:<line>` (CSV: the line in the file, the header being line 1; Parquet and JSON: the record
number). Rows with an unparseable date have no day, so they are reported on every run (the
quarantine upserts them by key, so they are never duplicated). A file none of whose dates parse,
or with a metric column but no value column (or the reverse), is a SourceError: a format to fix.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from se_pipeline.config import DemoSource, Settings, UsageFile, UsageHex
from se_pipeline.connectors.base import check_env_name
from se_pipeline.connectors.hex import HexRunConnector
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.warehouse.loader import Quarantined, Rows
from se_pipeline.window import Window

SOURCE = "usage"
TABLE = "raw_usage"
OUR_COLUMNS = ("customer", "date", "metric", "value")
_PAGE = 1000


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _reader_sql(path: str) -> tuple[str, int]:
    """The DuckDB table function for `path` (by its extension), and how far a record's number is
    from its line in the file (1 for CSV, whose header is line 1; 0 otherwise)."""
    name = path.lower().split("?")[0]
    if name.endswith((".parquet", ".parq")):
        return f"read_parquet({_quote(path)}, filename = true, union_by_name = true)", 0
    if name.endswith((".json", ".jsonl", ".ndjson")):
        return f"read_json_auto({_quote(path)}, filename = true, union_by_name = true)", 0
    # Every CSV cell as text: a stray word in a number column must quarantine one row, not fail the file.
    # null_padding: a line with more cells than the header gets extra columns (quarantined), instead of
    # making DuckDB read the whole file as one column.
    options = "all_varchar = true, header = true, filename = true, union_by_name = true, null_padding = true"
    return f"read_csv({_quote(path)}, {options})", 1


# Columns DuckDB adds for cells beyond the header (null_padding) are named column<N>.
_PADDING = re.compile(r"column\d+")


def _duckdb_message(error: duckdb.Error) -> str:
    """DuckDB's error up to its first blank line (what went wrong and where), without the advice for SQL users."""
    lines = []
    for line in str(error).splitlines():
        if not line.strip() or line.startswith("Possible Solution"):
            break
        lines.append(line.strip()[:160])
    return "; ".join(lines)


# A day from a date, timestamp or timestamp-with-zone written as text (or already typed).
_DAY_SQL = (
    "coalesce(try_cast(date_text AS DATE), try_cast(try_cast(date_text AS TIMESTAMP) AS DATE), "
    "try_cast(try_cast(date_text AS TIMESTAMPTZ) AS DATE))"
)
_VALUE_SQL = "try_cast(trim(value_text) AS DOUBLE)"
_CUSTOMER_SQL = "nullif(trim(customer), '')"
_METRIC_SQL = "nullif(trim(metric), '')"


@dataclass
class UsageFileConnector:
    """Reads `path` with an in-memory DuckDB connection."""

    path: str
    columns: dict[str, str] = field(default_factory=dict)
    source: str = SOURCE
    tables: tuple[str, ...] = (TABLE,)
    calls: int = 0

    def __post_init__(self) -> None:
        unknown = set(self.columns) - set(OUR_COLUMNS)
        if unknown:
            raise ConfigError(
                f"sources.usage.columns: unknown column(s) {sorted(unknown)}; map ours ({', '.join(OUR_COLUMNS)}) to yours"
            )

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        con = duckdb.connect()
        # One thread keeps the scan in file order, so row numbers name the right line.
        con.execute("SET threads = 1")
        try:
            yield from self._extract(con, window)
        finally:
            con.close()

    def _extract(self, con: duckdb.DuckDBPyConnection, window: Window) -> Iterator[Rows | Quarantined]:
        reader, line_offset = _reader_sql(self.path)
        try:
            have = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
        except duckdb.Error as exc:
            raise SourceError(f"usage: cannot read {self.path}: {_duckdb_message(exc)}") from None
        is_csv = line_offset == 1
        padding = [c for c in have if is_csv and _PADDING.fullmatch(c) and c not in self.columns.values()]
        normalized = self._normalized_sql(reader, [c for c in have if c not in padding], padding)
        bounds = [window.first_day, window.last_day]
        self._check_dates(con, normalized)

        good = con.execute(
            f"""
            SELECT {_CUSTOMER_SQL} AS customer, {_DAY_SQL} AS partition_date, {_METRIC_SQL} AS metric,
                   {_VALUE_SQL} AS value, source_file, payload
            FROM ({normalized}) n
            WHERE {_DAY_SQL} BETWEEN ? AND ? AND {_CUSTOMER_SQL} IS NOT NULL AND {_METRIC_SQL} IS NOT NULL
              AND {_VALUE_SQL} IS NOT NULL AND NOT extra
            """,
            bounds,
        )
        names = [d[0] for d in good.description]
        while page := good.fetchmany(_PAGE):
            rows = [dict(zip(names, values)) for values in page]
            for row in rows:
                row["payload"] = json.loads(row["payload"])
            yield Rows(TABLE, rows)

        bad = con.execute(
            f"""
            SELECT customer, date_text, metric, value_text, source_file, row_no, payload, {_DAY_SQL} AS day, extra
            FROM ({normalized}) n
            WHERE ({_DAY_SQL} IS NULL OR {_DAY_SQL} BETWEEN ? AND ?)
              AND (extra OR NOT coalesce({_CUSTOMER_SQL} IS NOT NULL AND {_METRIC_SQL} IS NOT NULL
                                         AND {_VALUE_SQL} IS NOT NULL AND {_DAY_SQL} IS NOT NULL, false))
            ORDER BY source_file, row_no
            """,
            bounds,
        )
        for customer, date_text, metric, value_text, source_file, row_no, payload, day, extra in bad.fetchall():
            yield Quarantined(
                source=self.source,
                key=f"{source_file}:{row_no + line_offset}",
                reason="extra_cells: the line has more cells than the header" if extra
                else _reason(customer, date_text, metric, value_text, day),
                payload=json.loads(payload),
                partition_date=day,
            )

    def _check_dates(self, con: duckdb.DuckDBPyConnection, normalized: str) -> None:
        """A date column none of whose values reads as a date is a format to fix, not rows to quarantine."""
        rows, days, example = con.execute(
            f"SELECT count(date_text), count({_DAY_SQL}), any_value(date_text) FROM ({normalized}) n"
        ).fetchall()[0]
        if rows and not days:
            raise SourceError(
                f"usage: no date in {self.path} reads as a date (e.g. {example!r}); write dates as YYYY-MM-DD "
                "(a time and zone may follow)"
            )

    def _normalized_sql(self, reader: str, have: list[str], padding: list[str]) -> str:
        """customer, date_text, metric, value_text (all text), source_file, row_no, payload, extra (the
        line has cells beyond the header) per record."""
        theirs = {ours: self.columns.get(ours, ours) for ours in OUR_COLUMNS}
        header = [c for c in have if c != "filename"]
        if not header:
            raise SourceError(f"usage: {self.path} is empty (expected a header row: customer,date,metric,value)")
        for ours in ("customer", "date"):
            if theirs[ours] not in have:
                hint = (
                    f"; it was read as one column {header[0]!r}: is the file empty, or its separator unusual?"
                    if len(header) == 1 else f" (it has: {', '.join(header)})"
                )
                raise SourceError(
                    f"usage: {self.path} has no column {theirs[ours]!r}{hint}; "
                    f"name yours in sources.usage.columns, e.g. {{{ours}: <your column>}}"
                )
        pair = [theirs["metric"] in have, theirs["value"] in have]
        if any(pair) and not all(pair):
            present, absent = (theirs["metric"], theirs["value"]) if pair[0] else (theirs["value"], theirs["metric"])
            raise SourceError(
                f"usage: {self.path} has a {present!r} column but no {absent!r} column; add it, or name yours in "
                f"sources.usage.columns (a wide file has neither: one column per metric)"
            )
        extra = " OR ".join(f"{_ident(c)} IS NOT NULL" for c in padding) or "false"
        numbered = f"SELECT *, ({extra}) AS extra, row_number() OVER (PARTITION BY filename) AS row_no FROM {reader}"
        cust, date = _ident(theirs["customer"]), _ident(theirs["date"])
        if all(pair):
            return f"""
                SELECT CAST({cust} AS VARCHAR) AS customer, CAST({date} AS VARCHAR) AS date_text,
                       CAST({_ident(theirs['metric'])} AS VARCHAR) AS metric,
                       CAST({_ident(theirs['value'])} AS VARCHAR) AS value_text,
                       filename AS source_file, row_no, to_json(t) AS payload, extra
                FROM ({numbered}) t"""
        # Wide: every other column is a metric; an empty cell is "not measured", not a bad row.
        metrics = [c for c in have if c not in (theirs["customer"], theirs["date"], "filename")]
        if not metrics:
            raise SourceError(f"usage: {self.path} has neither metric/value columns nor metric columns beside customer and date")
        cells = ", ".join(f"CAST({_ident(m)} AS VARCHAR) AS {_ident(m)}" for m in metrics)
        return f"""
            SELECT customer, date_text, metric, value_text, source_file, row_no,
                   json_object('customer', customer, 'date', date_text, metric, value_text) AS payload, extra
            FROM (
                UNPIVOT (
                    SELECT CAST({cust} AS VARCHAR) AS customer, CAST({date} AS VARCHAR) AS date_text,
                           filename AS source_file, row_no, extra, {cells}
                    FROM ({numbered})
                ) ON {', '.join(_ident(m) for m in metrics)} INTO NAME metric VALUE value_text
            )"""


def _reason(customer: str | None, date_text: str | None, metric: str | None, value_text: str | None, day: dt.date | None) -> str:
    if not (customer or "").strip():
        return "no_customer: the row names no customer"
    if day is None:
        return f"bad_date: {date_text!r} is not a date"
    if not (metric or "").strip():
        return "no_metric: the row names no metric"
    if value_text is None:
        return "no_value: the row has no value"
    return f"bad_value: {value_text!r} is not a number"


def from_settings(settings: Settings) -> UsageFileConnector | HexRunConnector:
    config = settings.sources.usage
    if isinstance(config, (UsageFile, UsageHex)):
        reader = UsageFileConnector(path=config.path, columns=dict(config.columns))
        # A Hex project's export is read exactly as file mode reads a file.
        return _hex_run(config, reader) if isinstance(config, UsageHex) else reader
    if isinstance(config, DemoSource):
        from se_pipeline.demo import (
            ensure_demo_workspace,  # the demo generator is only needed in demo mode
        )

        return UsageFileConnector(path=str(Path(ensure_demo_workspace(settings.home).usage_path)))
    raise ConfigError(f"sources.usage: unsupported mode {config.mode!r}")


def _hex_run(config: UsageHex, reader: UsageFileConnector) -> HexRunConnector:
    check_env_name("sources.usage.token_env", config.token_env)
    token = os.environ.get(config.token_env, "").strip()
    if not token:
        raise ConfigError(f"sources.usage.token_env: set the environment variable {config.token_env} to your Hex API token")
    return HexRunConnector(
        config.base_url,
        token,
        config.project_id,
        reader,
        token_env=config.token_env,
        input_params=dict(config.input_params),
        poll_s=config.poll_seconds,
        timeout_s=config.timeout_seconds,
        max_retries=config.max_retries,
    )
