"""Calls (Gong): calls and their transcripts, from an export folder or the API (connector.py)."""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports
from se_pipeline.sources.base import Source, TableSpec
from se_pipeline.sources.calls.settings import CallsApi, CallsExport

SOURCE = Source(
    name="calls",
    package=__name__,
    modes=(CallsExport, CallsApi),
    tables=(
        TableSpec("raw_calls", ("call_id",), checked=False),
        TableSpec("raw_call_utterances", ("call_id", "position"), checked=False),
    ),
    export_fix="point sources.calls.path at the folder of Gong call JSON files",
)

if TYPE_CHECKING:  # the connectors' modules import their clients: on first use only
    from se_pipeline.sources.calls.connector import CallsExportConnector, from_settings
    from se_pipeline.sources.calls.api import GongApiConnector
    from se_pipeline.sources.calls.pages import TABLES

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {
        "connector": ("CallsExportConnector", "from_settings"),
        "api": ("GongApiConnector",),
        "pages": ("TABLES",),
    })

__all__ = [
    "CallsApi", "CallsExport", "CallsExportConnector", "from_settings", "GongApiConnector", "SOURCE", "TABLES"
]
