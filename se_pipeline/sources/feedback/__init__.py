"""Enablement inputs: rep feedback, win/loss notes, content inventory and onboarding metrics, from files
or a Notion database (connector.py), read whole by the weekly enablement job."""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports
from se_pipeline.sources.feedback.settings import DEMO_FILES, FeedbackNotion, FeedbackSettings, feedback_settings, report_dir
from se_pipeline.sources.base import Source, TableSpec

SOURCE = Source(
    name="feedback",
    package=__name__,
    modes=(FeedbackSettings,),
    # Read whole from files each run, so upserted, not partitioned.
    tables=(
        TableSpec("raw_feedback", ("feedback_id",), partitioned=False),
        TableSpec("raw_win_loss", ("note_id",), partitioned=False),
        TableSpec("raw_content_inventory", ("asset_id",), partitioned=False),
        TableSpec("raw_onboarding_metrics", ("rep_id", "metric", "period"), partitioned=False),
    ),
    daily=False,
    export_fix="check the files and the notion_database listed under sources.feedback (paths are relative to the configuration file)",
)

if TYPE_CHECKING:  # the connectors' modules import their clients: on first use only
    from se_pipeline.sources.feedback.connector import FeedbackConnector

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {
        "connector": ("FeedbackConnector",),
    })

__all__ = [
    "DEMO_FILES", "feedback_settings", "FeedbackConnector", "FeedbackNotion", "FeedbackSettings", "report_dir",
    "SOURCE"
]
