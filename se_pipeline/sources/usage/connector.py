"""Usage: product usage per account, day and metric, from any file (or glob) DuckDB reads, or from
the export a Hex project run writes (se_pipeline.sources.usage.hex runs it, then this reader reads it).

A *long* file has one row per account, date, metric and value. A *wide* file has the account, the
date and one column per metric; each non-empty cell becomes a row named for its column. Which
column is which is detected (se_pipeline.sources.usage.columns); `columns` names them when
detection cannot tell. The account may be named, or given by its domain or its workspace / account
id: raw_usage keeps each the file has, and the usage model links them to customers.

Only rows dated inside the window are returned. A row without an account, or whose date or value
does not parse, or a CSV line with more cells than the header, becomes a Quarantined keyed
`<file>:<line>` (CSV: the line in the file, the header being line 1; Parquet and JSON: the record
number). Rows with an unparseable date have no day, so they are reported on every run (the
quarantine upserts them by key, so they are never duplicated). A file none of whose dates parse is
a SourceError: a format to fix. Each load also records, per day of the window, that `path` was read
and how many rows it had (raw_usage_reads): "no usage" is then a fact, not a missing source.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb

from se_pipeline.config import Settings, UsageFile, UsageHex
from se_pipeline.connectors import check_env_name
from se_pipeline.sources.usage.hex import HexRunConnector
from se_pipeline.sources.usage.columns import DAY_SQL, UsageColumns, check_mapping, detect_columns, ident
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.pages import Quarantined, Rows
from se_pipeline.window import Window

SOURCE = "usage"
TABLE = "raw_usage"
READS = "raw_usage_reads"
_PAGE = 1000


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader_sql(con: duckdb.DuckDBPyConnection, path: str) -> tuple[str, int]:
    """The DuckDB table function for `path` (by its extension), and how far a record's number is
    from its line in the file (1 for CSV, whose header is line 1; 0 otherwise)."""
    name = path.lower().split("?")[0]
    if name.endswith((".parquet", ".parq")):
        return f"read_parquet({_quote(path)}, filename = true, union_by_name = true)", 0
    if name.endswith((".json", ".jsonl", ".ndjson")):
        return f"read_json_auto({_quote(path)}, filename = true, union_by_name = true)", 0
    # Every CSV cell as text: a stray word in a number column must quarantine one row, not fail the file.
    # null_padding: a line with more cells than the header gets extra columns (quarantined), instead of
    # making DuckDB read the whole file as one column; parallel = false lets a quoted cell hold a newline
    # beside it. store_rejects: a line DuckDB cannot read (bytes that are not UTF-8, too many cells) is
    # set aside in reject_errors (quarantined below) and the rest of the file is read. DuckDB refuses
    # store_rejects with union_by_name, so each file of a glob is read alone and the reads are unioned.
    options = ("all_varchar = true, header = true, filename = true, null_padding = true, parallel = false, "
               "store_rejects = true")
    try:
        files = [row[0] for row in con.execute("SELECT file FROM glob(?) ORDER BY file", [path]).fetchall()] or [path]
    except duckdb.Error:  # a remote path DuckDB cannot list: read it as given
        files = [path]
    reads = " UNION ALL BY NAME ".join(f"SELECT * FROM read_csv({_quote(f)}, {options})" for f in files)
    return f"({reads})", 1


def _rejected(con: duckdb.DuckDBPyConnection, source: str) -> Iterator[Quarantined]:
    """The CSV lines DuckDB set aside while reading (store_rejects), once each: every scan of a file
    records them again."""
    try:
        found = con.execute(
            """
            SELECT s.file_path, e.line, any_value(e.error_type), any_value(e.error_message), any_value(e.csv_line)
            FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)
            GROUP BY ALL ORDER BY 1, 2
            """
        ).fetchall()
    except duckdb.CatalogException:  # nothing was read as CSV
        return
    for file, line, kind, message, text in found:
        reason = ("extra_cells: the line has more cells than the header" if kind == "TOO MANY COLUMNS"
                  else f"bad_line: {kind.lower()}: {' '.join(str(message).split())[:200]}")
        yield Quarantined(source=source, key=f"{file}:{line}", reason=reason, payload={"line": text}, partition_date=None)


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


_VALUE_SQL = "try_cast(trim(value_text) AS DOUBLE)"
_CUSTOMER_SQL = "nullif(trim(customer), '')"
_METRIC_SQL = "nullif(trim(metric), '')"


@dataclass
class UsageFileConnector:
    """Reads `path` with an in-memory DuckDB connection."""

    path: str
    columns: dict[str, str] = field(default_factory=dict)
    source: str = SOURCE
    tables: tuple[str, ...] = (TABLE, READS)
    calls: int = 0

    def __post_init__(self) -> None:
        check_mapping(self.columns)
        if "://" not in self.path:
            # Usage facts cite the file by its absolute path (raw_usage.source_file, raw_usage_reads).
            self.path = os.path.abspath(self.path)

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        con = duckdb.connect()
        # One thread keeps the scan in file order, so row numbers name the right line.
        con.execute("SET threads = 1")
        try:
            yield from self._extract(con, window)
        finally:
            con.close()

    def _extract(self, con: duckdb.DuckDBPyConnection, window: Window) -> Iterator[Rows | Quarantined]:
        reader, line_offset = _reader_sql(con, self.path)
        try:
            have = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
        except duckdb.Error as exc:
            raise SourceError(f"usage: cannot read {self.path}: {_duckdb_message(exc)}") from None
        is_csv = line_offset == 1
        padding = [c for c in have if is_csv and _PADDING.fullmatch(c) and c not in self.columns.values()]
        header = [c for c in have if c not in padding and c != "filename"]
        columns = detect_columns(con, reader, header, self.columns, self.path)
        normalized = self._normalized_sql(reader, columns, padding)
        bounds = [window.first_day, window.last_day]
        self._check_dates(con, normalized)

        good = con.execute(
            f"""
            SELECT {_CUSTOMER_SQL} AS customer, account_name, account_domain, workspace_id,
                   {DAY_SQL} AS partition_date, {_METRIC_SQL} AS metric,
                   {_VALUE_SQL} AS value, source_file, payload
            FROM ({normalized}) n
            WHERE {DAY_SQL} BETWEEN ? AND ? AND {_CUSTOMER_SQL} IS NOT NULL AND {_METRIC_SQL} IS NOT NULL
              AND {_VALUE_SQL} IS NOT NULL AND NOT extra
            """,
            bounds,
        )
        names = [d[0] for d in good.description]
        per_day: Counter[dt.date] = Counter()
        while page := good.fetchmany(_PAGE):
            rows = [dict(zip(names, values, strict=True)) for values in page]
            for row in rows:
                row["payload"] = json.loads(row["payload"])
                per_day[row["partition_date"]] += 1
            yield Rows(TABLE, rows)
        yield Rows(READS, [{"source_path": self.path, "partition_date": day, "rows": per_day[day]} for day in window.days])

        bad = con.execute(
            f"""
            SELECT customer, date_text, metric, value_text, source_file, row_no, payload, {DAY_SQL} AS day, extra
            FROM ({normalized}) n
            WHERE ({DAY_SQL} IS NULL OR {DAY_SQL} BETWEEN ? AND ?)
              AND (extra OR NOT coalesce({_CUSTOMER_SQL} IS NOT NULL AND {_METRIC_SQL} IS NOT NULL
                                         AND {_VALUE_SQL} IS NOT NULL AND {DAY_SQL} IS NOT NULL, false))
            ORDER BY source_file, row_no
            """,
            bounds,
        )
        # One record per line: a wide line's bad cells are told together, under the line's key.
        lines: dict[str, Quarantined] = {}
        for customer, date_text, metric, value_text, source_file, row_no, payload, day, extra in bad.fetchall():
            key = f"{source_file}:{row_no + line_offset}"
            reason = ("extra_cells: the line has more cells than the header" if extra
                      else _reason(customer, date_text, metric, value_text, day))
            if key in lines:
                if reason not in lines[key].reason:
                    lines[key].reason += f"; {reason}"
                continue
            lines[key] = Quarantined(self.source, key, reason, json.loads(payload), day)
        yield from lines.values()
        yield from _rejected(con, self.source)

    def _check_dates(self, con: duckdb.DuckDBPyConnection, normalized: str) -> None:
        """A date column none of whose values reads as a date is a format to fix, not rows to quarantine."""
        rows, days, example = con.execute(
            f"SELECT count(date_text), count({DAY_SQL}), any_value(date_text) FROM ({normalized}) n"
        ).fetchall()[0]
        if rows and not days:
            raise SourceError(
                f"usage: no date in {self.path} reads as a date (e.g. {example!r}); write dates as YYYY-MM-DD "
                "(a time and zone may follow)"
            )

    @staticmethod
    def _normalized_sql(reader: str, columns: UsageColumns, padding: list[str]) -> str:
        """customer (the row's account key: its workspace id, else name, else domain), account_name,
        account_domain, workspace_id, date_text, metric, value_text (all text), source_file, row_no,
        payload (the whole record), extra (the line has cells beyond the header) per record."""
        def text(column: str | None) -> str:
            return f"nullif(trim(CAST({ident(column)} AS VARCHAR)), '')" if column else "NULL::VARCHAR"

        extra = " OR ".join(f"{ident(c)} IS NOT NULL" for c in padding) or "false"
        numbered = f"SELECT *, ({extra}) AS extra, row_number() OVER (PARTITION BY filename) AS row_no FROM {reader}"
        keys = f"""coalesce({text(columns.workspace_id)}, {text(columns.customer)}, {text(columns.domain)}) AS customer,
                   {text(columns.customer)} AS account_name, {text(columns.domain)} AS account_domain,
                   {text(columns.workspace_id)} AS workspace_id,
                   CAST({ident(columns.date)} AS VARCHAR) AS date_text"""
        if columns.is_long:
            assert columns.metric is not None and columns.value is not None  # a long file names both
            return f"""
                SELECT {keys}, CAST({ident(columns.metric)} AS VARCHAR) AS metric,
                       CAST({ident(columns.value)} AS VARCHAR) AS value_text,
                       filename AS source_file, row_no, to_json(t) AS payload, extra
                FROM ({numbered}) t"""
        # Wide: one row per metric cell; an empty cell is "not measured", not a bad row.
        cells = ", ".join(f"CAST({ident(m)} AS VARCHAR) AS {ident(m)}" for m in columns.metrics)
        return f"""
            UNPIVOT (
                SELECT {keys}, filename AS source_file, row_no, extra,
                       to_json(t) AS payload, {cells}
                FROM ({numbered}) t
            ) ON {', '.join(ident(m) for m in columns.metrics)} INTO NAME metric VALUE value_text"""


def _reason(customer: str | None, date_text: str | None, metric: str | None, value_text: str | None, day: dt.date | None) -> str:
    if not (customer or "").strip():
        return "no_customer: the row names no account (no customer, domain or workspace id)"
    if day is None:
        return f"bad_date: {date_text!r} is not a date"
    if not (metric or "").strip():
        return "no_metric: the row names no metric"
    if value_text is None:
        return "no_value: the row has no value"
    return f"bad_value: {value_text!r} is not a number ({metric})"


def from_settings(settings: Settings) -> UsageFileConnector | HexRunConnector:
    config = settings.sources.usage
    if isinstance(config, (UsageFile, UsageHex)):
        reader = UsageFileConnector(path=config.path, columns=dict(config.columns))
        # A Hex project's export is read exactly as file mode reads a file.
        return _hex_run(config, reader) if isinstance(config, UsageHex) else reader
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
