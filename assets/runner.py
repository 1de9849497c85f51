"""Running the daily job from the command line, through the same Definitions the UI loads."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance

from se_pipeline.config import Settings

INSTANCE_CONFIG = Path(__file__).with_name("dagster.yaml")
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
# The terminal shows warnings and failures; every step's events stay in the run's logs (se-pipeline ui).
_QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    errors: list[str]  # one line per failed step: what failed and why


def dagster_home(settings: Settings) -> Path:
    """<home>/dagster, holding the shipped instance config (pool limits), unless DAGSTER_HOME is set."""
    if os.environ.get("DAGSTER_HOME"):
        return Path(os.environ["DAGSTER_HOME"])
    home = (settings.home / "dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")
    return home


def _step_errors(result) -> list[str]:
    errors = []
    for event in result.all_events:
        if event.event_type != DagsterEventType.STEP_FAILURE:
            continue
        error = event.step_failure_data.error
        # Dagster wraps the asset's exception; the user's message is in the innermost cause.
        while error.cause is not None:
            error = error.cause
        errors.append(f"{event.step_key}: {error.message.strip()}")
    return errors


def run_job(
    settings: Settings, config_path: str | None, job_name: str, partition_key: str | None = None, tags: dict | None = None
) -> RunOutcome:
    """Run one of the code location's jobs in this process, recorded in the shared instance."""
    from assets.definitions import build_definitions

    os.environ["DAGSTER_HOME"] = str(dagster_home(settings))
    job = build_definitions(config_path).resolve_job_def(job_name)
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, partition_key=partition_key, tags=tags, raise_on_error=False, run_config=_QUIET
        )
    return RunOutcome(result.run_id, result.success, _step_errors(result))


def materialize_days(settings: Settings, config_path: str | None, first: dt.date, last: dt.date) -> RunOutcome:
    """Run the daily job over [first, last] in one run (the assets' single-run backfill policy)."""
    tags = {RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()}
    return run_job(settings, config_path, "daily_digest", tags=tags)


def materialize_reports(settings: Settings, config_path: str | None, week_start: dt.date) -> list[RunOutcome]:
    """The week's coaching reports, then the enablement board and SE artefacts as of now."""
    return [
        run_job(settings, config_path, "weekly_coaching", partition_key=week_start.isoformat()),
        run_job(settings, config_path, "enablement_and_artifacts"),
    ]
