"""The code location: `dagster dev -w workspace.yaml` and `se-pipeline run` both load these Definitions."""

from __future__ import annotations

from dagster import Definitions, definitions, in_process_executor

from se_pipeline_assets.backfill import history_job
from se_pipeline_assets.checks import asset_checks
from se_pipeline_assets.coaching import coaching_assets
from se_pipeline_assets.core import core_assets
from se_pipeline_assets.delivery import delivery_assets
from se_pipeline_assets.digest import digest_assets
from se_pipeline_assets.enablement import enablement_assets
from se_pipeline_assets.partitions import partitions_for
from se_pipeline_assets.proposals import proposals_asset
from se_pipeline_assets.raw import RAW_SOURCES, raw_assets
from se_pipeline_assets.resources import WarehouseResource
from se_pipeline_assets.schedules import jobs, schedules_for
from se_pipeline_assets.sensors import sensors
from se_pipeline.config import Settings, load_settings

_RAW_TABLES = {table for tables in RAW_SOURCES.values() for table in tables}


def build_definitions(settings: Settings) -> Definitions:
    """Everything the code location holds, from one settings object: partitions and schedules in its time
    zone from its start_date, and the `settings` resource every step and sensor reads."""
    partitions = partitions_for(settings)
    return Definitions(
        # Every step reads or writes the one DuckDB file, which takes one process at a time: steps run in
        # the run's own process. (For parallel extraction, use the multiprocess executor; the
        # "warehouse" pool, limited to 1 in assets/dagster.yaml, still serializes the writes.)
        executor=in_process_executor,
        # The digest's marts (views in sql/) read the signals the Python step writes.
        assets=[*raw_assets(partitions.daily), *core_assets(_RAW_TABLES | {"signals"}, partitions.daily),
                *digest_assets(partitions.daily),
                proposals_asset(partitions.daily), *delivery_assets(partitions), *coaching_assets(partitions),
                *enablement_assets],
        asset_checks=asset_checks,
        jobs=[*jobs, history_job],
        schedules=schedules_for(settings),
        sensors=sensors,
        resources={"settings": settings, "warehouse": WarehouseResource(database=settings.database_path)},
    )


@definitions
def defs() -> Definitions:
    """For `dagster dev -w workspace.yaml`: the settings of $SE_PIPELINE_CONFIG (`se-pipeline env` exports it),
    read once when the location loads, not when this module is imported."""
    return build_definitions(load_settings())
