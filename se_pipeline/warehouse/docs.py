"""What each table is and what its columns hold, read from the comments of the SQL that makes it
(sql/<model>.sql, se_pipeline/sources/<source>/<table>.sql, sql/ddl/<table>.sql), so the docs live beside the code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from se_pipeline.paths import DDL_SQL_DIR, RAW_SQL_DIR, SQL_DIR
from se_pipeline.sources import SOURCES

_DIRECTIVE = re.compile(r"^(materialized|key):", re.IGNORECASE)  # machine-read header lines, not prose
# `    name   TYPE …,   -- what it holds` inside CREATE TABLE
_COLUMN = re.compile(r"^\s+([a-z_][a-z0-9_]*)\s+[A-Z][^\n]*?--\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class TableDoc:
    description: str | None = None
    columns: dict[str, str] = field(default_factory=dict)


def header_comment(sql: str) -> str | None:
    """The prose of the `--` lines a SQL file starts with."""
    lines = []
    in_directive = False
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        text = line[2:].strip()
        if _DIRECTIVE.match(text) or (in_directive and text[:1].islower()):
            in_directive = True  # a directive, or a line continuing one
            continue
        in_directive = False
        if text:
            lines.append(text)
    return " ".join(lines) or None


@cache
def table_doc(table: str) -> TableDoc:
    """The table's description and column comments, or an empty TableDoc for a table with no SQL file."""
    for folder in (SQL_DIR, RAW_SQL_DIR, DDL_SQL_DIR, *(source.folder for source in SOURCES)):
        path = folder / f"{table}.sql"
        if path.is_file():
            sql = path.read_text(encoding="utf-8")
            return TableDoc(header_comment(sql), dict(_COLUMN.findall(sql)))
    return TableDoc()
