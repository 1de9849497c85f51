"""Daily partitions in the configured time zone; a range backfills in one run."""

import datetime as dt
import warnings

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    BetaWarning,
    DailyPartitionsDefinition,
)

from se_pipeline.config import Settings, load_settings
from se_pipeline.window import Window

_settings = load_settings()

# end_offset=1: today's partition exists too, for "today so far" runs.
daily_partitions = DailyPartitionsDefinition(
    start_date=_settings.start_date.isoformat(), timezone=_settings.timezone, end_offset=1
)
single_run = BackfillPolicy.single_run()
# backfill_policy is marked beta; a range in one run is what DuckDB's single writer needs, so we use it knowingly.
warnings.filterwarnings("ignore", category=BetaWarning, message=".*backfill_policy.*")
WAREHOUSE_POOL = "warehouse"  # DuckDB allows one writer per file: the instance limits this pool to 1


def window_for(context: AssetExecutionContext, settings: Settings) -> Window:
    """The local days this run covers: one partition, or a whole range in a single-run backfill."""
    keys = context.partition_key_range
    return Window(dt.date.fromisoformat(keys.start), dt.date.fromisoformat(keys.end), settings.tz)
