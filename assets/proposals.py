"""Proposed updates to the opportunity database, from the day's signals and activity (never applied here)."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from se_pipeline_assets.metadata import table_metadata
from se_pipeline_assets.partitions import WAREHOUSE_POOL, daily_partitions, single_run, window_for
from se_pipeline_assets.resources import SettingsResource, WarehouseResource
from se_pipeline.models import contract_reads
from se_pipeline.proposals import refresh_proposals


@asset(
    deps=[AssetKey(t) for t in ("signals", "activity", "opportunities", "customers", *sorted(contract_reads("stg_opportunities")))],
    partitions_def=daily_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
    group_name="digest",
    kinds={"duckdb", "python"},
    description="Suggested changes to the opportunity database (stage, dates, amount, next step, a day's comment, "
    "new opportunities), each with its target, current and proposed value, reason and sources; "
    "`se-pipeline apply <id>` writes one after the user confirms it.",
)
def proposals(context: AssetExecutionContext, settings: SettingsResource, warehouse: WarehouseResource) -> MaterializeResult:
    config = settings.load()
    window = window_for(context, config)
    with warehouse.connect(prepared_for=config) as con:
        report = refresh_proposals(con, window, config)
        return MaterializeResult(metadata={
            "window": str(window),
            **{k: MetadataValue.int(v) for k, v in report.as_metadata().items()},
            **table_metadata(con, "proposals", "WHERE status = 'open'"),
        })
