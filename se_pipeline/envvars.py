"""The environment variables se-pipeline reads (a module of its own so that `se-pipeline --help`
imports nothing heavy)."""

CONFIG_ENV = "SE_PIPELINE_CONFIG"  # the settings file
HOME_ENV = "SE_PIPELINE_HOME"  # overrides `home:` (warehouse, digests, reports, the Dagster instance)
DAGSTER_HOME_ENV = "DAGSTER_HOME"  # Dagster's own: the instance; default <home>/dagster
