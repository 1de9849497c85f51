"""Calls (Gong): calls and their transcripts, from an export folder or the API (connector.py)."""

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
