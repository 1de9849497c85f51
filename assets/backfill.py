"""The history job: one op that loads a range of days as the daily job would (se_pipeline.history), for
`se-pipeline backfill`. An op, not the daily job's assets over a partition range: those record a
materialization per asset per day, which for years of history costs more than the data."""

import datetime as dt
from collections.abc import Iterator

from dagster import Config, OpExecutionContext, Output, in_process_executor, job, op

from se_pipeline_assets.partitions import WAREHOUSE_POOL
from se_pipeline_assets.resources import SettingsParam, WarehouseResource
from se_pipeline.history import load_history
from se_pipeline.window import Window

HISTORY_JOB = "load_history"
QUARANTINED_PREFIX = "rows_quarantined/"  # + source: the op's output metadata


class HistoryRange(Config):
    first_day: str  # ISO dates, both included
    last_day: str
    read_next: str = ""  # the backfill's last day: its digest is written even without activity
    full_refresh: list[str] = []  # SQL models rebuilt from every raw day (their columns changed)


@op(pool=WAREHOUSE_POOL, tags={"kind": "duckdb"})
def load_history_range(context: OpExecutionContext, config: HistoryRange, settings: SettingsParam,
                       warehouse: WarehouseResource) -> Iterator[Output]:
    window = Window(dt.date.fromisoformat(config.first_day), dt.date.fromisoformat(config.last_day), settings.tz)
    read_next = dt.date.fromisoformat(config.read_next) if config.read_next else None
    # Each source is extracted with the warehouse closed, as in the daily job's raw steps.
    report = load_history(settings, window, lambda: warehouse.connect(keep=False), context.log.info, read_next, frozenset(config.full_refresh))
    # Read by the runner as it reads the raw assets' rows_quarantined (RunOutcome.quarantined).
    yield Output(None, metadata={f"{QUARANTINED_PREFIX}{source}": count for source, count in report.quarantined.items()})


@job(name=HISTORY_JOB, executor_def=in_process_executor,
     description="Load a range of days from every source, with its core tables, signals and the digests of the days "
                 "with activity (se-pipeline backfill).")
def history_job() -> None:
    load_history_range()
