"""Where the project's own files live. The SQL models are `sql/` in a checkout; an installed
distribution carries them inside the package (`se_pipeline/sql`, see setup.py)."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
PROJECT_ROOT = _PACKAGE.parent
SQL_DIR = _PACKAGE / "sql" if (_PACKAGE / "sql").is_dir() else PROJECT_ROOT / "sql"
RAW_SQL_DIR = SQL_DIR / "raw"
DDL_SQL_DIR = SQL_DIR / "ddl"
