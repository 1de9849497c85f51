"""The settings tables and macros every model needs (one step per run), then one asset per SQL model in
sql/, with dependencies read from the SQL itself, all made in one step."""

from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Config,
    MaterializeResult,
    MetadataValue,
    PartitionsDefinition,
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
    full_refresh: list[str] = []  # partitioned models to drop and rebuild from every raw day


def _materialized(model: SqlModel) -> str:
    if model.view:
        return "a view"
    return f"partitioned by {model.partition_column}" if model.partitioned else "rebuilt whole"


# The two steps that make the SQL models: those the signals step reads, then the marts that read signals.
SQL_MODEL_STEPS = ("sql_models", "sql_models_over_signals")


def sql_models_asset(name: str, models: dict[str, SqlModel], known_assets: set[str], daily: PartitionsDefinition):
    """Each of `models` an asset of its own (its deps the tables its SQL reads), all made in one step: a step each
    cost Dagster more than most models' SQL. A run that selects some (a sensor's source and what depends on it)
    makes only those."""

    @multi_asset(
        name=name,
        specs=[
            AssetSpec(
                model.name,
                # What the SQL reads, and the macros (any model may call them).
                deps=[AssetKey(table) for table in sorted((model.reads & known_assets) | {MACROS})],
                group_name="core",
                kinds={"duckdb", "sql"},
                description=(table_doc(model.name).description or model.name)
                + f" (sql/{model.name}.sql, {_materialized(model)})",
            )
            for model in models.values()
        ],
        partitions_def=daily,
        backfill_policy=single_run,
        pool=WAREHOUSE_POOL,
        can_subset=True,
    )
    def _models(context: AssetExecutionContext, config: ModelRun, settings: SettingsParam,
                warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
        window = window_for(context, settings)
        selected = {key.to_user_string() for key in context.selected_asset_keys}
        for model in models.values():  # in dependency order
            if model.name not in selected:
                continue
            with warehouse.connect() as con:
                rows = run_model(con, model, window, model.name in config.full_refresh)
                yield MaterializeResult(asset_key=model.name, metadata={
                    "window": str(window), "rows_written": MetadataValue.int(rows), **table_metadata(con, model.name)})

    return _models


def core_assets(known_assets: set[str], daily: PartitionsDefinition) -> list:
    """The settings step and the SQL models' two steps; `known_assets`: the tables other assets make."""
    models = discover_models()
    known = known_assets | set(models) | set(SETTINGS_TABLES)
    # One step for all would both precede and follow the signals step: Dagster would then split every multi-asset
    # (the checks' too) into several steps to break the cycle.
    over_signals: set[str] = set()
    for model in models.values():  # in dependency order
        if model.reads & (over_signals | {"signals"}):
            over_signals.add(model.name)
    steps = zip(SQL_MODEL_STEPS, ({n: m for n, m in models.items() if n not in over_signals},
                                  {n: m for n, m in models.items() if n in over_signals}), strict=True)
    return [settings_tables_asset(daily), *(sql_models_asset(name, part, known, daily) for name, part in steps if part)]
