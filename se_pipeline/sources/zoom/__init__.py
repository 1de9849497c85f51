"""Zoom: the meetings each SE hosted, from Zoom's reports API (connector.py). A small source: the sample
that shows what adding one takes (this package and its name in the registry)."""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports
from se_pipeline.sources.base import Source, TableSpec
from se_pipeline.sources.zoom.settings import ZoomApi

SOURCE = Source(
    name="zoom",
    package=__name__,
    modes=(ZoomApi,),
    tables=(TableSpec("raw_zoom_meetings", ("meeting_uuid",)),),
)

if TYPE_CHECKING:  # the connectors' modules import their clients: on first use only
    from se_pipeline.sources.zoom.connector import ZoomApiConnector, from_settings

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {
        "connector": ("ZoomApiConnector", "from_settings"),
    })

__all__ = [
    "from_settings", "SOURCE", "ZoomApi", "ZoomApiConnector"
]
