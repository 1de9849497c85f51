"""The environment variables se-pipeline reads (a module of its own so that `se-pipeline --help`
imports nothing heavy)."""

CONFIG_ENV = "SE_PIPELINE_CONFIG"  # the settings file
HOME_ENV = "SE_PIPELINE_HOME"  # overrides `home:` (warehouse, digests, reports, the Dagster instance)
DAGSTER_HOME_ENV = "DAGSTER_HOME"  # Dagster's own: the instance; default <home>/dagster
# Dagster's own: a run over a range of partitions records one "planned" event per asset for the whole
# range, not one per asset per day (30 x 3,650 for ten years, one SQLite commit each). Dagster then
# does not mark each day of a failed range run failed; `se-pipeline backfill` keeps its own progress.
PLANNED_EVENTS_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
