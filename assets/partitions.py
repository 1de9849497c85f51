"""Daily and weekly partitions in the configured time zone; a range backfills in one run."""

import datetime as dt
import warnings
from dataclasses import dataclass

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    BetaWarning,
    DailyPartitionsDefinition,
    WeeklyPartitionsDefinition,
)

from se_pipeline.config import Settings
from se_pipeline.window import Window

single_run = BackfillPolicy.single_run()
# backfill_policy is marked beta; a range in one run is what DuckDB's single writer needs, so we use it knowingly.
warnings.filterwarnings("ignore", category=BetaWarning, message=".*backfill_policy.*")
WAREHOUSE_POOL = "warehouse"  # DuckDB allows one writer per file: the instance limits this pool to 1


@dataclass(frozen=True)
class Partitions:
    daily: DailyPartitionsDefinition
    weekly: WeeklyPartitionsDefinition


def partitions_for(settings: Settings) -> Partitions:
    """The days from start_date in the settings' time zone, and the weeks (Monday to Sunday) holding them."""
    first_monday = settings.start_date - dt.timedelta(days=settings.start_date.weekday())
    return Partitions(
        # end_offset=1: today's partition exists too, for "today so far" runs.
        daily=DailyPartitionsDefinition(start_date=settings.start_date.isoformat(), timezone=settings.timezone, end_offset=1),
        # Weeks start on Monday (day_offset=1); the first one holds start_date.
        weekly=WeeklyPartitionsDefinition(start_date=first_monday.isoformat(), timezone=settings.timezone, day_offset=1),
    )


def window_for(context: AssetExecutionContext, settings: Settings) -> Window:
    """The local days this run covers: one partition, or a whole range in a single-run backfill."""
    keys = context.partition_key_range
    return Window(dt.date.fromisoformat(keys.start), dt.date.fromisoformat(keys.end), settings.tz)
