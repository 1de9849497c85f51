"""Jobs and schedules: the daily digest every morning; coaching, enablement and SE artefacts weekly."""

from __future__ import annotations

import datetime as dt

from dagster import (
    AssetSelection,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    build_schedule_from_partitioned_job,
    define_asset_job,
    schedule,
)

from se_pipeline.config import Settings

DAILY_GROUPS = ("raw", "core", "digest")

daily_job = define_asset_job(
    "daily_digest",
    selection=AssetSelection.groups(*DAILY_GROUPS),
    description="Load a day from every source, build the core tables and signals, and write each SE's digest.",
)


weekly_coaching_job = define_asset_job(
    "weekly_coaching",
    selection=AssetSelection.groups("coaching"),
    description="Call metrics, skill scores and coaching reports for a week (Monday to Sunday).",
)

enablement_job = define_asset_job(
    "enablement_and_artifacts",
    selection=AssetSelection.groups("enablement", "se_artifacts"),
    description="Feedback themes, the enablement board and content refresh plan; product gaps, competitor mentions, win criteria.",
)
jobs = [daily_job, weekly_coaching_job, enablement_job]


def schedules_for(settings: Settings) -> list:
    """The three jobs' schedules, in the settings' time zone (the weekly one: its partitions' time zone)."""

    @schedule(job=daily_job, cron_schedule="0 6 * * *", execution_timezone=settings.timezone)
    def daily_digest_schedule(context: ScheduleEvaluationContext) -> RunRequest:
        """At 06:00 local time, materialize yesterday: the last whole day."""
        yesterday = (context.scheduled_execution_time - dt.timedelta(days=1)).date().isoformat()
        return RunRequest(run_key=yesterday, partition_key=yesterday)

    return [
        daily_digest_schedule,
        # Monday morning, for the week that just ended.
        build_schedule_from_partitioned_job(weekly_coaching_job, hour_of_day=7),
        ScheduleDefinition(job=enablement_job, cron_schedule="30 7 * * 1", execution_timezone=settings.timezone),
    ]
