"""The code location: `dagster dev -w workspace.yaml` and `se-pipeline run` both load these Definitions."""

from __future__ import annotations

import os

from dagster import Definitions, in_process_executor

from se_pipeline_assets.backfill import history_job
from se_pipeline_assets.checks import asset_checks
from se_pipeline_assets.coaching import coaching_assets
from se_pipeline_assets.core import sql_model_assets
from se_pipeline_assets.delivery import delivery_assets
from se_pipeline_assets.digest import digests, signals
from se_pipeline_assets.enablement import enablement_assets
from se_pipeline_assets.proposals import proposals
from se_pipeline_assets.raw import RAW_SOURCES, raw_assets
from se_pipeline_assets.resources import SettingsResource, WarehouseResource
from se_pipeline_assets.sensors import sensors
from se_pipeline_assets.schedules import (
    daily_digest_schedule,
    daily_job,
    enablement_job,
    enablement_schedule,
    weekly_coaching_job,
    weekly_coaching_schedule,
)
from se_pipeline.config import load_settings

_RAW_TABLES = {table for tables in RAW_SOURCES.values() for table in tables}


def build_definitions(config_path: str | None = None) -> Definitions:
    settings = load_settings(config_path or None)
    return Definitions(
        # Every step reads or writes the one DuckDB file, which takes one process at a time: steps run in
        # the run's own process. (For parallel extraction, use the multiprocess executor; the
        # "warehouse" pool, limited to 1 in assets/dagster.yaml, still serializes the writes.)
        executor=in_process_executor,
        # The digest's marts (views in sql/) read the signals the Python step writes.
        assets=[*raw_assets, *sql_model_assets(_RAW_TABLES | {"signals"}), signals, digests, proposals, *delivery_assets, *coaching_assets,
                *enablement_assets],
        asset_checks=asset_checks,
        jobs=[daily_job, weekly_coaching_job, enablement_job, history_job],
        schedules=[daily_digest_schedule, weekly_coaching_schedule, enablement_schedule],
        sensors=sensors,
        resources={
            "settings": SettingsResource(config_path=config_path or os.environ.get("SE_PIPELINE_CONFIG", "")),
            "warehouse": WarehouseResource(database=settings.database_path),
        },
    )


defs = build_definitions()
