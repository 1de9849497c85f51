"""Coaching assets: raw calls (daily) → call_metrics → rep_skill_scores → coaching_reports (weekly).

Thin: each weekly asset calls one se_pipeline.coaching function for its week (Monday to Sunday).
"""


import datetime as dt

from dagster import (
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    WeeklyPartitionsDefinition,
    asset,
)

from se_pipeline_assets.metadata import table_metadata
from se_pipeline_assets.partitions import WAREHOUSE_POOL
from se_pipeline_assets.raw import raw_source_asset
from se_pipeline_assets.resources import SettingsResource, WarehouseResource
from se_pipeline.coaching import (
    compute_call_metrics,
    compute_skill_scores,
    write_coaching_reports,
)
from se_pipeline.config import load_settings
from se_pipeline.connectors.calls.pages import TABLES as CALLS_TABLES

_settings = load_settings()
_first_monday = _settings.start_date - dt.timedelta(days=_settings.start_date.weekday())
# Weeks start on Monday (day_offset=1); the first one holds start_date.
weekly_partitions = WeeklyPartitionsDefinition(
    start_date=_first_monday.isoformat(), timezone=_settings.timezone, day_offset=1
)

raw_calls = raw_source_asset("calls", CALLS_TABLES)


def _week(context: AssetExecutionContext) -> dt.date:
    return dt.date.fromisoformat(context.partition_key)


@asset(
    deps=[AssetKey(t) for t in CALLS_TABLES],
    partitions_def=weekly_partitions,
    pool=WAREHOUSE_POOL,
    group_name="coaching",
    kinds={"duckdb"},
    description="Per call: talk ratio, questions, fillers, monologue, interactivity, patience, objections, next steps, sentiment",
)
def call_metrics(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    week = _week(context)
    with warehouse.connect() as con:
        calls = compute_call_metrics(con, week)
        return MaterializeResult(
            metadata={"week": str(week), "calls_measured": MetadataValue.int(calls),
                      **table_metadata(con, "call_metrics", "WHERE week_start = ?", [week])}
        )


@asset(
    deps=[call_metrics, AssetKey("opportunities")],
    partitions_def=weekly_partitions,
    pool=WAREHOUSE_POOL,
    group_name="coaching",
    kinds={"duckdb"},
    description="Six skill areas per rep (seed weights), deal outcomes, trend and team aggregates",
)
def rep_skill_scores(
    context: AssetExecutionContext, settings: SettingsResource, warehouse: WarehouseResource
) -> MaterializeResult:
    week = _week(context)
    quotas = {se.id: se.quota for se in settings.load().sales_engineers if se.quota}
    with warehouse.connect() as con:
        rows = compute_skill_scores(con, week, quotas=quotas or None)
        return MaterializeResult(
            metadata={"week": str(week), "rows_written": MetadataValue.int(rows),
                      **table_metadata(con, "rep_skill_scores", "WHERE week_start = ?", [week])}
        )


@asset(
    deps=[rep_skill_scores],
    partitions_def=weekly_partitions,
    pool=WAREHOUSE_POOL,
    group_name="coaching",
    kinds={"duckdb", "markdown"},
    description="Coaching report, quick card and chart per rep: <home>/reports/coaching/<week>/<rep>.md",
)
def coaching_reports(
    context: AssetExecutionContext, settings: SettingsResource, warehouse: WarehouseResource
) -> MaterializeResult:
    config = settings.load()
    week = _week(context)
    with warehouse.connect() as con:
        paths = write_coaching_reports(
            con, week, config.home / "reports" / "coaching", {se.id: se.name for se in config.sales_engineers}
        )
        review = con.execute(
            "SELECT count(*) FROM coaching_reports WHERE week_start = ? AND needs_manager_review", [week]
        ).fetchall()[0][0]
    return MaterializeResult(
        metadata={"week": str(week), "reports": MetadataValue.int(len(paths)),
                  "needs_manager_review": MetadataValue.int(review),
                  "folder": MetadataValue.path(str(config.home / "reports" / "coaching" / str(week)))}
    )


coaching_assets = [raw_calls, call_metrics, rep_skill_scores, coaching_reports]
