"""Raw assets: one multi-asset per source, loading the partition's window into raw_* tables."""

from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    PartitionsDefinition,
    multi_asset,
)

from se_pipeline_assets.metadata import table_metadata
from se_pipeline_assets.partitions import WAREHOUSE_POOL, single_run, window_for
from se_pipeline_assets.resources import SettingsParam, WarehouseResource
from se_pipeline.sources import SOURCES, build_connector, recall_stored
from se_pipeline.warehouse import commit_staged, stage_records, table_doc

# The daily sources' raw tables, by source (the registry's; feedback is loaded by the enablement job).
RAW_SOURCES: dict[str, tuple[str, ...]] = {source.name: source.table_names for source in SOURCES if source.daily}


def parts_tag(source: str) -> str:
    """The run tag naming the parts of the day to re-read (comma-separated), where the source's connector can
    read a day in parts (narrow(): Slack's API, by channel); other sources re-read the whole day."""
    return f"se_pipeline/{source}_parts"


# Counters some connectors keep beyond `calls` (Slack's thread completeness, export files read, …).
_COUNTERS = ("thread_parents", "replies_expected", "replies_fetched", "channels_read", "channels_not_member",
             "threads_watched", "day_files_read")


def connector_counters(connector) -> dict:
    found: dict[str, MetadataValue] = {
        name: MetadataValue.int(int(getattr(connector, name))) for name in _COUNTERS if hasattr(connector, name)
    }
    if getattr(connector, "calls_by_method", None):
        found["api_calls_by_method"] = MetadataValue.json(connector.calls_by_method)
    expected, fetched = getattr(connector, "replies_expected", 0), getattr(connector, "replies_fetched", 0)
    if expected:
        # Replies stored against what the parents' reply_count promised: below 1.0, a thread came back short.
        found["thread_completeness"] = MetadataValue.float(round(fetched / expected, 4))
    return found


def _parts(context: AssetExecutionContext, source: str, connector) -> list[str] | None:
    """The parts of the day the run re-reads (its parts_tag), narrowing the connector to them; None: all."""
    tag = context.run.tags.get(parts_tag(source))
    if not tag or not hasattr(connector, "narrow"):
        return None
    parts = sorted(set(tag.split(",")))
    connector.narrow(parts)
    return parts


def raw_source_asset(source: str, tables: tuple[str, ...], daily: PartitionsDefinition):
    """The multi-asset that extracts `source` for the window and replaces the window in `tables`."""

    @multi_asset(
        name=f"raw_{source}",
        specs=[AssetSpec(table, group_name="raw", kinds={"duckdb"},
                         description=f"{table_doc(table).description or source} (se_pipeline/sources/{source}/{table}.sql)")
               for table in tables],
        partitions_def=daily,
        backfill_policy=single_run,
        pool=WAREHOUSE_POOL,
    )
    def _load(
        context: AssetExecutionContext, settings: SettingsParam, warehouse: WarehouseResource
    ) -> Iterator[MaterializeResult]:
        window = window_for(context, settings)
        if source not in settings.enabled_sources():
            for table in tables:
                yield MaterializeResult(asset_key=table, metadata={"skipped": f"the {source} source is off in the settings"})
            return
        connector = build_connector(settings, source)
        parts = _parts(context, source, connector)
        recall_stored(connector, warehouse.connect, window)
        # Extraction runs with the warehouse closed: the write lock is held only for the commit.
        warehouse.release()
        staged = stage_records(source, connector.tables, window, connector.extract(window), settings.home / "staging", parts)
        context.log.info(f"{source}: extracted {window}{f' ({len(parts)} parts)' if parts else ''} with {connector.calls} API calls")
        extra = connector_counters(connector)
        with warehouse.connect() as con:
            report = commit_staged(con, staged)
            for table in tables:
                yield MaterializeResult(
                    asset_key=table,
                    metadata={
                        "window": str(window),
                        "rows_loaded": MetadataValue.int(report.rows.get(table, 0)),
                        "rows_quarantined": MetadataValue.int(report.quarantined),
                        "api_calls": MetadataValue.int(connector.calls),
                        **{k: v for k, v in extra.items()},
                        **table_metadata(con, table),
                    },
                )

    return _load


def raw_assets(daily: PartitionsDefinition) -> list:
    return [raw_source_asset(source, tables, daily) for source, tables in RAW_SOURCES.items()]
