"""Zoom: the meetings each SE hosted, from Zoom's reports API (connector.py). A small source: the sample
that shows what adding one takes (this package and its name in the registry)."""

from se_pipeline.sources.base import Source, TableSpec
from se_pipeline.sources.zoom.settings import ZoomApi

SOURCE = Source(
    name="zoom",
    package=__name__,
    modes=(ZoomApi,),
    tables=(TableSpec("raw_zoom_meetings", ("meeting_uuid",)),),
)
