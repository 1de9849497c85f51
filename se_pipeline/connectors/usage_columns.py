"""Which columns of a usage file hold the day, the account and the metrics: detected from the file,
or named in `sources.usage.columns` (ours -> theirs; a name there always wins).

* the day: a usual name (date, day, usage_date, event_date, ts, …), else the one column whose every
  value reads as a date;
* the account, by any of: its name (customer, account, account_name, …), its domain (account_domain,
  domain, …) or its workspace / account id (workspace_id, account_id, tenant_id, org_id, …); the usage
  model links each to a customer;
* long files have a metric and a value column; wide files have one column per metric, and only
  columns holding numbers are metrics: other text columns (a plan, a region) are attributes, kept in
  the row's payload.
Names are compared without case.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from se_pipeline.errors import ConfigError, SourceError

# Our names for the columns sources.usage.columns may map.
OURS = ("customer", "date", "metric", "value", "domain", "workspace_id")
ACCOUNT_COLUMNS = ("workspace_id", "customer", "domain")  # most specific first: the row's key

_USUAL = {
    "date": ("date", "day", "usage_date", "event_date", "activity_date", "metric_date", "report_date", "ts",
             "timestamp", "time", "period", "dt", "ds"),
    "workspace_id": ("workspace_id", "account_id", "tenant_id", "org_id", "organization_id", "organisation_id",
                     "customer_id", "instance_id", "workspace", "tenant"),
    "customer": ("customer", "account", "account_name", "customer_name", "company", "company_name", "organization",
                 "organisation", "org_name", "client", "client_name"),
    "domain": ("account_domain", "domain", "customer_domain", "company_domain", "email_domain", "website"),
    "metric": ("metric", "metric_name", "measure", "kpi"),
    "value": ("value", "metric_value", "val"),
}

# A day from a date, timestamp or timestamp-with-zone written as text (or already typed).
DAY_SQL = (
    "coalesce(try_cast(date_text AS DATE), try_cast(try_cast(date_text AS TIMESTAMP) AS DATE), "
    "try_cast(try_cast(date_text AS TIMESTAMPTZ) AS DATE))"
)


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class UsageColumns:
    """The file's column for each of ours (None: the file has none); `metrics`: a wide file's metric columns."""

    date: str
    customer: str | None = None
    domain: str | None = None
    workspace_id: str | None = None
    metric: str | None = None
    value: str | None = None
    metrics: tuple[str, ...] = ()

    @property
    def is_long(self) -> bool:
        return self.metric is not None


def check_mapping(columns: dict[str, str]) -> None:
    unknown = set(columns) - set(OURS)
    if unknown:
        raise ConfigError(
            f"sources.usage.columns: unknown column(s) {sorted(unknown)}; map ours ({', '.join(OURS)}) to yours"
        )


def detect_columns(
    con: duckdb.DuckDBPyConnection, reader: str, have: list[str], explicit: dict[str, str], path: str
) -> UsageColumns:
    """The columns of the file `reader` reads (`have`: its column names, without DuckDB's own)."""
    if not have:
        raise SourceError(f"usage: {path} is empty (expected a header row: a date, an account, metrics)")
    listed = f"(it has: {', '.join(have)})" if len(have) > 1 else (
        f"(it was read as one column {have[0]!r}: is the file empty, or its separator unusual?)"
    )
    by_key = {name.lower(): name for name in have}
    chosen: dict[str, str | None] = {}
    for ours, theirs in explicit.items():
        if theirs.lower() not in by_key:
            raise SourceError(f"usage: {path} has no column {theirs!r} {listed}; correct sources.usage.columns.{ours}")
        chosen[ours] = by_key[theirs.lower()]
    for ours, usual in _USUAL.items():
        if ours not in chosen:
            taken = set(chosen.values())
            chosen[ours] = next((by_key[n] for n in usual if n in by_key and by_key[n] not in taken), None)
    if chosen["date"] is None:
        chosen["date"] = _only_date_column(con, reader, [c for c in have if c not in chosen.values()], path, listed)
    if not any(chosen[ours] for ours in ACCOUNT_COLUMNS):
        raise SourceError(
            f"usage: {path} has no account column {listed}: name it customer, account or account_name; "
            "account_domain or domain; or workspace_id, account_id, tenant_id or org_id; "
            "or name yours in sources.usage.columns, e.g. {customer: <your column>}"
        )
    metric, value = chosen["metric"], chosen["value"]
    if (metric is None) != (value is None):
        present, absent = ("metric", "value") if metric else ("value", "metric")
        raise SourceError(
            f"usage: {path} has a {chosen[present]!r} column but no {absent!r} column; add it, or name yours in "
            f"sources.usage.columns (a wide file has neither: one column per metric)"
        )
    metrics: tuple[str, ...] = ()
    if metric is None:
        rest = [c for c in have if c not in chosen.values()]
        metrics = tuple(c for c in rest if _holds_numbers(con, reader, c))
        if not metrics:
            raise SourceError(
                f"usage: {path} has neither metric/value columns nor columns of numbers beside the date and the account "
                f"{listed}"
            )
    date = chosen.pop("date")
    assert date is not None  # found above, or _only_date_column raised
    return UsageColumns(date, metrics=metrics, **chosen)


def _only_date_column(con: duckdb.DuckDBPyConnection, reader: str, candidates: list[str], path: str, listed: str) -> str:
    """The one column whose every value reads as a date."""
    dated = []
    for column in candidates:
        day = DAY_SQL.replace("date_text", f"CAST({ident(column)} AS VARCHAR)")
        values, days = con.execute(f"SELECT count({ident(column)}), count({day}) FROM {reader}").fetchall()[0]
        if values and values == days:
            dated.append(column)
    if len(dated) == 1:
        return dated[0]
    which = f"several columns hold dates ({', '.join(dated)})" if dated else "no column is named for the date or holds dates"
    raise SourceError(f"usage: {path}: {which} {listed}; name it in sources.usage.columns, e.g. {{date: <your column>}}")


def _holds_numbers(con: duckdb.DuckDBPyConnection, reader: str, column: str) -> bool:
    """A metric column: some of its values are numbers (a stray word in one is a bad row, not an attribute)."""
    cell = f"try_cast(trim(CAST({ident(column)} AS VARCHAR)) AS DOUBLE)"
    return con.execute(f"SELECT count({cell}) > 0 FROM {reader}").fetchall()[0][0]
