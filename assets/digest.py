"""Signals from activity, then the digest per SE per day (tables and Markdown files)."""

import datetime as dt
from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    PartitionsDefinition,
    asset,
    multi_asset,
)

from se_pipeline_assets.lineage import reads
from se_pipeline_assets.metadata import table_metadata
from se_pipeline_assets.partitions import WAREHOUSE_POOL, single_run, window_for
from se_pipeline_assets.resources import SettingsParam, WarehouseResource
from se_pipeline.analysis import refresh_signals
from se_pipeline.models import contract_reads
from se_pipeline.render import publish_digests


def digest_assets(daily: PartitionsDefinition) -> list:
    @asset(
        # Besides the core tables: the marts made for it (views in sql/), and the contracts it reads (through their
        # raw tables): the CRM, the messages' files, the mails' tool facts, and the competitors that feedback and
        # win/loss name (the enablement job's tables, as last loaded).
        deps=reads("activity", "customers", "opportunities", "usage", "usage_daily", "feature_first_use", "new_customers",
                   "opportunity_changes", "slack_people", "usage_days_read", "customer_usage_span",
                   *(table for contract in ("stg_opportunities", "stg_mail", "stg_message_files", "stg_feedback", "stg_win_loss")
                     for table in contract_reads(contract))),
        partitions_def=daily,
        backfill_policy=single_run,
        pool=WAREHOUSE_POOL,
        group_name="digest",
        kinds={"duckdb", "python"},
        description="Notable things (questions, asks, commitments, risk, …) found in activity; open items re-checked as new activity arrives.",
    )
    def signals(context: AssetExecutionContext, settings: SettingsParam, warehouse: WarehouseResource) -> MaterializeResult:
        window = window_for(context, settings)
        with warehouse.connect() as con:
            report = refresh_signals(con, window, settings)
            return MaterializeResult(
                metadata={"window": str(window), **report.as_metadata(), **table_metadata(con, "signals")}
            )

    digest_reads = reads("signals", "activity", "customers", "digest_signals", "unplaced_activity", "customer_handovers")

    @multi_asset(
        specs=[
            AssetSpec("digest_items", deps=digest_reads, group_name="digest", kinds={"duckdb"},
                      description="Every line of every digest, shown or overflowing."),
            AssetSpec("digests", deps=digest_reads, group_name="digest", kinds={"duckdb", "markdown"},
                      description="One digest per SE per day; files at <home>/digests/<date>/<se_id>.md."),
        ],
        partitions_def=daily,
        backfill_policy=single_run,
        pool=WAREHOUSE_POOL,
    )
    def digests(context: AssetExecutionContext, settings: SettingsParam, warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
        window = window_for(context, settings)
        with warehouse.connect() as con:
            published = publish_digests(con, window, settings, read_at=_run_start(context))
            files = MetadataValue.md("\n".join(f"- {p.day} {p.se_id}: `{p.path}` ({p.todo} todo, {p.know} to know)" for p in published))
            yield MaterializeResult(asset_key="digest_items", metadata={"window": str(window), **table_metadata(con, "digest_items")})
            yield MaterializeResult(asset_key="digests", metadata={"window": str(window), "files": files, **table_metadata(con, "digests")})

    return [signals, digests]


def _run_start(context: AssetExecutionContext) -> dt.datetime:
    """When the run started: what it re-reads was read after that, so today's digest is "as of" then."""
    record = context.instance.get_run_record_by_id(context.run.run_id)
    started = record.start_time if record else None
    return dt.datetime.fromtimestamp(started, dt.timezone.utc) if started else dt.datetime.now(dt.timezone.utc)
