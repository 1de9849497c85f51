"""Product usage: files (CSV, Parquet, JSON) read by DuckDB, or a Hex project run that writes them
(connector.py; hex.py is the api mode)."""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports
from se_pipeline.sources.base import Source, TableSpec
from se_pipeline.sources.usage.settings import UsageFile, UsageFiles, UsageHex

SOURCE = Source(
    name="usage",
    package=__name__,
    modes=(UsageFile, UsageHex),
    tables=(
        TableSpec("raw_usage", ("customer", "partition_date", "metric")),
        TableSpec("raw_usage_reads", ("source_path", "partition_date")),
    ),
    export_fix="point sources.usage.path at the usage file(s) (CSV, Parquet or JSON; a glob is fine) and map their columns in sources.usage.columns",
)

if TYPE_CHECKING:  # the connectors' modules import their clients: on first use only
    from se_pipeline.sources.usage.connector import UsageFileConnector, from_settings
    from se_pipeline.sources.usage.hex import HexRunConnector

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {
        "connector": ("UsageFileConnector", "from_settings"),
        "hex": ("HexRunConnector",),
    })

__all__ = [
    "from_settings", "HexRunConnector", "SOURCE", "UsageFile", "UsageFileConnector", "UsageFiles", "UsageHex"
]
