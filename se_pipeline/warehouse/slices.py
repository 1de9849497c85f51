"""replace_slice: how every step writes its rows.

A step's output is a slice of its table (the window's days, one initiative, one week, the whole
table). Writing it deletes that slice and inserts the new rows in one transaction, so a re-run
replaces what the last run wrote and never duplicates a row. Rows go in by column name, so a table
whose columns are in another order (a column added by ALTER TABLE goes last) still takes them.

The slice is given as data, `{column: condition}`, never as SQL text: values are bound as
parameters and column names are checked against the table, so nothing a value holds (a customer
called `x'; DROP TABLE signals; --`) can become SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeAlias

import duckdb
import pandas as pd

from se_pipeline.warehouse.connection import transaction


@dataclass(frozen=True)
class Between:
    """The column's value is from `first` to `last`, both included (e.g. a window's days)."""

    first: object
    last: object


@dataclass(frozen=True)
class AnyOf:
    """The column's value is one of `values` (none given: no row)."""

    values: tuple[object, ...]

    def __init__(self, values: Iterable[object]) -> None:
        object.__setattr__(self, "values", tuple(values))


Condition: TypeAlias = Between | AnyOf | object  # anything else: the column equals it (None: is NULL)
Where: TypeAlias = Mapping[str, Condition]  # conditions on columns, all of which hold
WHOLE_TABLE: Where = MappingProxyType({})
SliceRows: TypeAlias = pd.DataFrame | duckdb.DuckDBPyRelation | Sequence[Mapping[str, object]]

_VIEW = "_slice_rows"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _predicate(con: duckdb.DuckDBPyConnection, table: str, where: Where) -> tuple[str, list[object]]:
    """`where` as SQL with ? placeholders, and the values they take."""
    columns = set(con.table(table).columns)
    clauses, params = [], []
    for column, condition in where.items():
        if column not in columns:
            raise ValueError(f"{table} has no column {column!r} to select a slice by")
        name = _quoted(column)
        if isinstance(condition, Between):
            clauses.append(f"{name} BETWEEN ? AND ?")
            params += [condition.first, condition.last]
        elif isinstance(condition, AnyOf):
            clauses.append(f"{name} IN (SELECT unnest(?))")
            params.append(list(condition.values))
        elif condition is None:
            clauses.append(f"{name} IS NULL")
        else:
            clauses.append(f"{name} = ?")
            params.append(condition)
    return " AND ".join(clauses) or "TRUE", params


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: SliceRows) -> int:
    """Insert `rows` by column name; return how many."""
    if isinstance(rows, pd.DataFrame) and rows.empty:
        return 0  # pd.DataFrame([]) has no columns to insert by
    if isinstance(rows, (pd.DataFrame, duckdb.DuckDBPyRelation)):
        con.register(_VIEW, rows)
        try:
            return con.execute(f"INSERT INTO {_quoted(table)} BY NAME SELECT * FROM {_VIEW}").fetchall()[0][0]
        finally:
            con.unregister(_VIEW)
    if not rows:
        return 0
    columns = list(rows[0])
    if any(row.keys() != rows[0].keys() for row in rows):
        raise ValueError(f"rows for {table} must all have the same columns")
    names = ", ".join(_quoted(c) for c in columns)
    con.executemany(
        f"INSERT INTO {_quoted(table)} ({names}) VALUES ({', '.join('?' * len(columns))})",
        [[row[c] for c in columns] for row in rows],
    )
    return len(rows)


def replace_slice(con: duckdb.DuckDBPyConnection, table: str, rows: SliceRows, where: Where) -> int:
    """Replace the rows of `table` matching `where` with `rows`, in one transaction (or as part of
    the caller's); return the rows written.

    `rows`: a DataFrame, a DuckDB relation of this connection, or a list of dicts, each matched to
    the table's columns by name (a column not given is NULL or its default). `where`: e.g.
    `{"activity_date": Between(first, last)}`, `{"initiative": name}`, `{"status": AnyOf(["open"])}`,
    or WHOLE_TABLE. Every row written must be inside the slice (else a re-run would keep it twice):
    one that is not is an error and nothing is written.
    """
    predicate, params = _predicate(con, table, where)
    with transaction(con):
        con.execute(f"DELETE FROM {_quoted(table)} WHERE {predicate}", params)
        written = _insert(con, table, rows)
        inside = con.execute(f"SELECT count(*) FROM {_quoted(table)} WHERE {predicate}", params).fetchall()[0][0]
        if inside != written:
            raise ValueError(
                f"{written - inside} of the {written} rows written to {table} are outside the slice they replace "
                f"({predicate}, {params}): a re-run would keep them twice"
            )
    return written
