"""The settings tables and macros every model needs (one step per run), then one asset per SQL model in
sql/, with dependencies read from the SQL itself."""

from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Config,
    MaterializeResult,
    MetadataValue,
    PartitionsDefinition,
    asset,
    multi_asset,
)

from se_pipeline_assets.metadata import table_metadata
from se_pipeline_assets.partitions import WAREHOUSE_POOL, single_run, window_for
from se_pipeline_assets.resources import SettingsParam, WarehouseResource
from se_pipeline.models import SETTINGS_TABLES, SqlModel, discover_models, prepare, run_model
from se_pipeline.warehouse import table_doc

MACROS = "sql_macros"  # not a table: the macros of sql/macros.sql, which any model may call
SETTINGS_STEP_KEYS = (*SETTINGS_TABLES, MACROS)  # what settings_tables makes


def settings_tables_asset(daily: PartitionsDefinition):
    """The run's settings as tables (SEs, customers, our domains, terminal stages), the raw tables' DDL and the
    macros, written once per run before any model (models.prepare)."""

    @multi_asset(
        name="settings_tables",
        specs=[
            *(AssetSpec(table, group_name="core", kinds={"duckdb"},
                        description=table_doc(table).description or f"{table}, from the settings")
              for table in SETTINGS_TABLES),
            AssetSpec(MACROS, group_name="core", kinds={"sql"}, description="The helpers every model may call (sql/macros.sql)"),
        ],
        partitions_def=daily,
        backfill_policy=single_run,
        pool=WAREHOUSE_POOL,
    )
    def _prepare(settings: SettingsParam, warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
        with warehouse.connect() as con:
            prepare(con, settings)
            for table in SETTINGS_TABLES:
                yield MaterializeResult(asset_key=table, metadata=table_metadata(con, table))
        yield MaterializeResult(asset_key=MACROS)

    return _prepare


class ModelRun(Config):
    full_refresh: bool = False  # a partitioned model: drop its table and rebuild it from every raw day


def _materialized(model: SqlModel) -> str:
    if model.view:
        return "a view"
    return f"partitioned by {model.partition_column}" if model.partitioned else "rebuilt whole"


def sql_model_asset(model: SqlModel, known_assets: set[str], daily: PartitionsDefinition):
    @asset(
        name=model.name,
        # What the SQL reads, and the macros (any model may call them).
        deps=[AssetKey(table) for table in sorted((model.reads & known_assets) | {MACROS})],
        partitions_def=daily,
        backfill_policy=single_run,
        pool=WAREHOUSE_POOL,
        group_name="core",
        kinds={"duckdb", "sql"},
        description=(table_doc(model.name).description or model.name)
        + f" (sql/{model.name}.sql, {_materialized(model)})",
    )
    def _model(context: AssetExecutionContext, config: ModelRun, settings: SettingsParam,
               warehouse: WarehouseResource) -> MaterializeResult:
        window = window_for(context, settings)
        with warehouse.connect() as con:
            rows = run_model(con, model, window, config.full_refresh)
            return MaterializeResult(
                metadata={"window": str(window), "rows_written": MetadataValue.int(rows), **table_metadata(con, model.name)}
            )

    return _model


def core_assets(known_assets: set[str], daily: PartitionsDefinition) -> list:
    """The settings step and every SQL model; `known_assets`: the tables other assets make."""
    models = discover_models()
    known = known_assets | set(models) | set(SETTINGS_TABLES)
    return [settings_tables_asset(daily), *(sql_model_asset(m, known, daily) for m in models.values())]
