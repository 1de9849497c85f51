"""Delivering digests and coaching reports to the SEs who opted in (sales_engineers[].deliver).

A delivery that fails fails this asset alone: the digest or report it would have carried is
written already, and the next run (or a re-run of the day) sends what did not go. A backfill
(`se-pipeline backfill`, tagged se_pipeline/deliver=false) delivers nothing: old digests are not news.
"""

import datetime as dt
from typing import Any

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from se_pipeline_assets.coaching import coaching_reports, weekly_partitions
from se_pipeline_assets.partitions import WAREHOUSE_POOL, daily_partitions, single_run, window_for
from se_pipeline_assets.resources import SettingsResource, WarehouseResource
from se_pipeline.delivery import DeliveryReport, deliver_coaching, deliver_digests
from se_pipeline.errors import SePipelineError

DELIVER_TAG = "se_pipeline/deliver"  # "false" on a run that must not deliver (a backfill)


def _result(report: DeliveryReport, **metadata: Any) -> MaterializeResult:
    if report.failures:
        raise SePipelineError("delivery failed: " + "; ".join(report.failures))
    return MaterializeResult(metadata={
        **metadata,
        "delivered": MetadataValue.int(len(report.sent)),
        "already_delivered": MetadataValue.int(report.unchanged),
        "deliveries": MetadataValue.md("\n".join(f"- {line}" for line in report.sent) or "nothing new to send"),
    })


@asset(
    deps=[AssetKey("digests")],
    partitions_def=daily_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
    group_name="digest",
    kinds={"slack", "gmail"},
    description="Each opted-in SE's digest of the run's last day, as a Slack DM and/or an email to themselves; "
    "sent once per version (the deliveries table).",
)
def digest_delivery(context: AssetExecutionContext, settings: SettingsResource, warehouse: WarehouseResource) -> MaterializeResult:
    config = settings.load()
    day = window_for(context, config).last_day
    if context.run.tags.get(DELIVER_TAG) == "false":
        return MaterializeResult(metadata={"skipped": "this run does not deliver (a backfill)"})
    with warehouse.connect() as con:
        report = deliver_digests(con, day, config)
    return _result(report, day=str(day))


@asset(
    deps=[coaching_reports],
    partitions_def=weekly_partitions,
    pool=WAREHOUSE_POOL,
    group_name="coaching",
    kinds={"slack", "gmail"},
    description="Each opted-in rep's weekly coaching report, and their manager's copy when a score is Critical.",
)
def coaching_delivery(context: AssetExecutionContext, settings: SettingsResource, warehouse: WarehouseResource) -> MaterializeResult:
    week = dt.date.fromisoformat(context.partition_key)
    with warehouse.connect() as con:
        report = deliver_coaching(con, week, settings.load())
    return _result(report, week=str(week))


delivery_assets = [digest_delivery, coaching_delivery]
