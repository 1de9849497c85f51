"""The daily job and its morning schedule."""

from __future__ import annotations

import datetime as dt

from dagster import (
    AssetSelection,
    RunRequest,
    ScheduleEvaluationContext,
    define_asset_job,
    schedule,
)

from assets.partitions import daily_partitions
from se_pipeline.config import load_settings

DAILY_GROUPS = ("raw", "core", "digest")

daily_job = define_asset_job(
    "daily_digest",
    selection=AssetSelection.groups(*DAILY_GROUPS),
    partitions_def=daily_partitions,
    description="Load a day from every source, build the core tables and signals, and write each SE's digest.",
)


@schedule(job=daily_job, cron_schedule="0 6 * * *", execution_timezone=load_settings().timezone)
def daily_digest_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    """At 06:00 local time, materialize yesterday: the last whole day."""
    yesterday = (context.scheduled_execution_time - dt.timedelta(days=1)).date().isoformat()
    return RunRequest(run_key=yesterday, partition_key=yesterday)
