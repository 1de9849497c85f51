"""Coaching assets: raw calls (daily) → call_metrics → rep_skill_scores → coaching_reports (weekly).

Thin: each weekly asset calls one se_pipeline.coaching function for its week (Monday to Sunday).
"""


import datetime as dt

from dagster import (
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset,
)

from se_pipeline_assets.lineage import reads
from se_pipeline_assets.metadata import table_metadata
from se_pipeline_assets.partitions import WAREHOUSE_POOL, Partitions
from se_pipeline_assets.resources import SettingsParam, WarehouseResource
from se_pipeline.coaching import (
    compute_call_metrics,
    compute_skill_scores,
    write_coaching_reports,
)
from se_pipeline.models import contract_reads
from se_pipeline.sources.calls import TABLES as CALLS_TABLES


def _week(context: AssetExecutionContext) -> dt.date:
    return dt.date.fromisoformat(context.partition_key)


def coaching_assets(partitions: Partitions) -> list:
    """The weekly call_metrics, rep_skill_scores and coaching_reports (raw_calls is the calls source's raw asset)."""

    @asset(
        deps=reads(*CALLS_TABLES),
        partitions_def=partitions.weekly,
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
        deps=reads("call_metrics", "opportunities", *contract_reads("stg_opportunities"), *CALLS_TABLES),
        partitions_def=partitions.weekly,
        pool=WAREHOUSE_POOL,
        group_name="coaching",
        kinds={"duckdb"},
        description="Six skill areas per rep (seed weights), deal outcomes, trend and team aggregates",
    )
    def rep_skill_scores(
        context: AssetExecutionContext, settings: SettingsParam, warehouse: WarehouseResource
    ) -> MaterializeResult:
        week = _week(context)
        quotas = {se.id: se.quota for se in settings.sales_engineers if se.quota}
        with warehouse.connect() as con:
            rows = compute_skill_scores(con, week, quotas=quotas or None)
            return MaterializeResult(
                metadata={"week": str(week), "rows_written": MetadataValue.int(rows),
                          **table_metadata(con, "rep_skill_scores", "WHERE week_start = ?", [week])}
            )

    @asset(
        deps=reads("rep_skill_scores", "call_metrics"),
        partitions_def=partitions.weekly,
        pool=WAREHOUSE_POOL,
        group_name="coaching",
        kinds={"duckdb", "markdown"},
        description="Coaching report, quick card and chart per rep: <home>/reports/coaching/<week>/<rep>.md",
    )
    def coaching_reports(
        context: AssetExecutionContext, settings: SettingsParam, warehouse: WarehouseResource
    ) -> MaterializeResult:
        week = _week(context)
        with warehouse.connect() as con:
            paths = write_coaching_reports(
                con, week, settings.home / "reports" / "coaching", {se.id: se.name for se in settings.sales_engineers}
            )
            review = con.execute(
                "SELECT count(*) FROM coaching_reports WHERE week_start = ? AND needs_manager_review", [week]
            ).fetchall()[0][0]
        return MaterializeResult(
            metadata={"week": str(week), "reports": MetadataValue.int(len(paths)),
                      "needs_manager_review": MetadataValue.int(review),
                      "folder": MetadataValue.path(str(settings.home / "reports" / "coaching" / str(week)))}
        )

    return [call_metrics, rep_skill_scores, coaching_reports]
