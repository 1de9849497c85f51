"""Proposed updates to the opportunity database, from the day's signals and activity (never applied here)."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, PartitionsDefinition, asset

from se_pipeline_assets.lineage import reads
from se_pipeline_assets.metadata import table_metadata
from se_pipeline_assets.partitions import WAREHOUSE_POOL, single_run, window_for
from se_pipeline_assets.resources import SettingsParam, WarehouseResource
from se_pipeline.models import contract_reads
from se_pipeline.proposals import refresh_proposals


def proposals_asset(daily: PartitionsDefinition):
    @asset(
        deps=reads("signals", "activity", "opportunities", "customers", *contract_reads("stg_opportunities"), *contract_reads("stg_mail")),
        partitions_def=daily,
        backfill_policy=single_run,
        pool=WAREHOUSE_POOL,
        group_name="digest",
        kinds={"duckdb", "python"},
        description="Suggested changes to the opportunity database (stage, dates, amount, next step, a day's comment, "
        "new opportunities), each with its target, current and proposed value, reason and sources; "
        "`se-pipeline apply <id>` writes one after the user confirms it.",
    )
    def proposals(context: AssetExecutionContext, settings: SettingsParam, warehouse: WarehouseResource) -> MaterializeResult:
        window = window_for(context, settings)
        with warehouse.connect() as con:
            report = refresh_proposals(con, window, settings)
            return MaterializeResult(metadata={
                "window": str(window),
                **{k: MetadataValue.int(v) for k, v in report.as_metadata().items()},
                **table_metadata(con, "proposals", "WHERE status = 'open'"),
            })

    return proposals
