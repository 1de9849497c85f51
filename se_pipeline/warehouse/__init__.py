"""The DuckDB warehouse: connections, raw tables, loading partitions, SQL models.

`health` (the data's health, which no key enforces) is public as a module: its checks are read by name.
"""

from se_pipeline.warehouse.connection import (
    connect,
    publish_snapshot,
    read_only_connection,
    snapshot_path,
    transaction,
)
from se_pipeline.pages import KeepRows, Quarantined, Rows
from se_pipeline.warehouse.docs import table_doc
from se_pipeline.warehouse.loader import (
    LoadReport,
    StagedLoad,
    commit_staged,
    load_records,
    stage_records,
)
from se_pipeline.warehouse.reads import records, stored_rows
from se_pipeline.warehouse.schema import (
    RAW_TABLES,
    TableSpec,
    ensure_tables,
    table_exists,
)
from se_pipeline.warehouse.slices import (
    WHOLE_TABLE,
    AnyOf,
    Between,
    SliceRows,
    Where,
    replace_slice,
)

__all__ = [
    "records",
    "stored_rows",
    "AnyOf",
    "Between",
    "SliceRows",
    "WHOLE_TABLE",
    "Where",
    "replace_slice",
    "KeepRows",
    "RAW_TABLES",
    "LoadReport",
    "Quarantined",
    "Rows",
    "StagedLoad",
    "commit_staged",
    "stage_records",
    "TableSpec",
    "connect",
    "ensure_tables",
    "load_records",
    "publish_snapshot",
    "read_only_connection",
    "snapshot_path",
    "table_exists",
    "transaction",
    "health",
    "table_doc",
]
