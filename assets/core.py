"""One asset per SQL model in sql/, with dependencies read from the SQL itself."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
)

from se_pipeline_assets.metadata import table_metadata
from se_pipeline_assets.partitions import WAREHOUSE_POOL, daily_partitions, single_run, window_for
from se_pipeline_assets.resources import SettingsResource, WarehouseResource
from se_pipeline.models import SqlModel, discover_models, run_model
from se_pipeline.warehouse.docs import table_doc


class ModelRun(Config):
    full_refresh: bool = False  # a partitioned model: drop its table and rebuild it from every raw day


def sql_model_asset(model: SqlModel, known_assets: set[str]):
    @asset(
        name=model.name,
        deps=[AssetKey(table) for table in sorted(model.reads & known_assets)],
        partitions_def=daily_partitions,
        backfill_policy=single_run,
        pool=WAREHOUSE_POOL,
        group_name="core",
        kinds={"duckdb", "sql"},
        description=(table_doc(model.name).description or model.name)
        + f" (sql/{model.name}.sql, {f'partitioned by {model.partition_column}' if model.partitioned else 'rebuilt whole'})",
    )
    def _model(context: AssetExecutionContext, config: ModelRun, settings: SettingsResource,
               warehouse: WarehouseResource) -> MaterializeResult:
        loaded = settings.load()
        window = window_for(context, loaded)
        with warehouse.connect(prepared_for=loaded) as con:
            rows = run_model(con, model, window, config.full_refresh)
            return MaterializeResult(
                metadata={"window": str(window), "rows_written": MetadataValue.int(rows), **table_metadata(con, model.name)}
            )

    return _model


def sql_model_assets(known_assets: set[str]) -> list:
    models = discover_models()
    return [sql_model_asset(m, known_assets | set(models)) for m in models.values()]
