"""Where the project's own files live (the SQL models ship beside the package)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
RAW_SQL_DIR = SQL_DIR / "raw"
DDL_SQL_DIR = SQL_DIR / "ddl"
