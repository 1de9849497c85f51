"""Running the daily job from the command line, through the same Definitions the UI loads."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sys
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from dagster import DagsterEventType, DagsterInstance

from se_pipeline import errors, interrupt
from se_pipeline.config import Settings
from se_pipeline.envvars import PLANNED_EVENTS_ENV

INSTANCE_CONFIG = Path(__file__).with_name("dagster.yaml")
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
# Dagster's console shows tracebacks even for a user's mistake: by default the CLI prints RunOutcome
# instead (log level CRITICAL), and every step's events, tracebacks included, stay in the run's logs
# (se-pipeline ui). `se-pipeline -v` passes INFO, `-vv` DEBUG.
QUIET = "CRITICAL"
DELIVERY_STEPS = frozenset({"digest_delivery", "coaching_delivery"})
_T = TypeVar("_T")
# Mistakes in input or settings: their message says what to fix, so it is shown without the class name.
_USER_ERRORS = {errors.SePipelineError.__name__, *(cls.__name__ for cls in errors.SePipelineError.__subclasses__())}


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    errors: list[str]  # one line per failed step: what failed and why
    warnings: list[str] = field(default_factory=list)  # assets' warnings and failed checks
    quarantined: dict[str, int] = field(default_factory=dict)  # source -> records set aside in `quarantine`
    failed_steps: list[str] = field(default_factory=list)

    @property
    def only_delivery_failed(self) -> bool:
        """The run wrote everything, and only sending it on failed (its digests are in place)."""
        return not self.success and bool(self.failed_steps) and set(self.failed_steps) <= DELIVERY_STEPS


def dagster_home(settings: Settings) -> Path:
    """<home>/dagster, holding the shipped instance config (pool limits), unless DAGSTER_HOME is set."""
    if os.environ.get("DAGSTER_HOME"):
        return Path(os.environ["DAGSTER_HOME"]).resolve()
    home = (settings.home / "dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")
    return home


def pool_limit_note(home: Path) -> str | None:
    """Why an instance the user chose (DAGSTER_HOME) may let two steps write the warehouse at once, or None."""
    import yaml

    config = home / "dagster.yaml"
    try:
        pools = ((yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("concurrency") or {}).get("pools") or {}
    except (OSError, yaml.YAMLError, AttributeError):
        pools = {}
    if pools.get("default_limit") == 1:
        return None
    return (f"{config} does not limit the warehouse pool to 1, so two runs may write the warehouse at once: "
            f"add the concurrency section of {INSTANCE_CONFIG}")


def _step_errors(result) -> list[str]:
    found = []
    for event in result.all_events:
        if event.event_type != DagsterEventType.STEP_FAILURE:
            continue
        error = event.step_failure_data.error
        # Dagster wraps the asset's exception; the user's message is in the innermost cause.
        while error.cause is not None:
            error = error.cause
        message = error.message.strip()
        if error.cls_name in _USER_ERRORS:
            message = message.split(": ", 1)[-1]  # "se_pipeline.errors.SourceError: <message>"
        else:
            message += f" (an unexpected error: the traceback is in run {result.run_id}'s logs, se-pipeline ui)"
        found.append(f"{event.step_key}: {message}")
    return found


def _quarantined(result) -> dict[str, int]:
    """Records each raw source set aside, from its materializations' rows_quarantined (the history job: its
    output's rows_quarantined/<source>)."""
    from se_pipeline_assets.backfill import QUARANTINED_PREFIX

    counts: dict[str, int] = {}
    for event in result.all_events:
        if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            value = event.event_specific_data.materialization.metadata.get("rows_quarantined")
            if value is not None and value.value:
                counts[event.step_key.removeprefix("raw_")] = int(value.value)
        elif event.event_type == DagsterEventType.STEP_OUTPUT:
            for key, value in event.event_specific_data.metadata.items():
                if key.startswith(QUARANTINED_PREFIX) and value.value:
                    counts[key.removeprefix(QUARANTINED_PREFIX)] = int(value.value)
    return counts


def _warnings(instance: DagsterInstance, result) -> list[str]:
    """Warnings the assets logged, and checks that failed: what the quiet console no longer shows."""
    found = [
        f"{entry.step_key or 'run'}: {entry.user_message}"
        for entry in instance.all_logs(result.run_id)
        # context.log.warning; the engine's own errors ("Dependencies … failed") repeat the step failures
        if not entry.is_dagster_event and isinstance(entry.level, int) and logging.WARNING <= entry.level < logging.ERROR
    ]
    for event in result.all_events:
        if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            check = event.event_specific_data
            if not check.passed:
                details = "; ".join(f"{k}: {v.value}" for k, v in check.metadata.items())
                found.append(f"check {check.asset_check_key.name} failed ({details})")
    return found


def _interruptible(work: Callable[[], _T]) -> _T:
    """work() in a worker thread, so that Ctrl-C reaches this (main) thread, which Dagster's in-process
    execution would otherwise deny it: the first asks the run to stop before its next step, a second
    stops at once."""
    outcome: dict[str, Any] = {}  # value: work()'s result; error: what it raised
    finished = threading.Event()  # not Thread.join: a Ctrl-C inside join() can mark a live thread finished

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the main thread below
            outcome["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=target, name="se-pipeline-run", daemon=True).start()
    while not finished.is_set():
        try:
            finished.wait(0.2)
        except KeyboardInterrupt:
            if interrupt.requested.is_set():
                # The run's thread may be inside DuckDB: leave without unwinding it (DuckDB's WAL keeps the
                # file whole; the transaction in progress is rolled back when the file is next opened).
                print("se-pipeline: interrupted at once; run the same command again to finish", file=sys.stderr, flush=True)
                os._exit(130)
            interrupt.requested.set()
            print("se-pipeline: stopping after the current step (Ctrl-C again to stop at once)", file=sys.stderr, flush=True)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def run_job(
    settings: Settings,
    job_name: str,
    partition_key: str | None = None,
    tags: dict | None = None,
    log_level: str = QUIET,
    ops: dict | None = None,
) -> RunOutcome:
    """Run one of the code location's jobs (built from `settings`) in this process, recorded in the shared instance.

    Raises KeyboardInterrupt after the run has stopped if the user pressed Ctrl-C.
    """
    from se_pipeline_assets.definitions import build_definitions
    from se_pipeline_assets.instance import open_instance

    os.environ["DAGSTER_HOME"] = str(dagster_home(settings))
    os.environ[PLANNED_EVENTS_ENV] = "1"  # a range run's cost follows its steps, not its days
    job = build_definitions(settings).resolve_job_def(job_name)
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}, **({"ops": ops} if ops else {})}
    with open_instance() as instance:
        result = _interruptible(lambda: job.execute_in_process(
            instance=instance, partition_key=partition_key, tags=tags, raise_on_error=False, run_config=run_config
        ))
        if interrupt.requested.is_set():
            raise KeyboardInterrupt
        warnings = _warnings(instance, result)
    failed = [e.step_key for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE and e.step_key]
    return RunOutcome(result.run_id, result.success, _step_errors(result), warnings, _quarantined(result), failed)


def materialize_days(
    settings: Settings, first: dt.date, last: dt.date, log_level: str = QUIET,
    deliver: bool = True, full_refresh: Collection[str] = (),
) -> RunOutcome:
    """Run the daily job over [first, last] in one run (the assets' single-run backfill policy);
    `deliver`: send the last day's digests to the SEs who opted in (a backfill does not);
    `full_refresh`: SQL models rebuilt from every raw day."""
    from se_pipeline_assets.core import SQL_MODEL_STEPS
    from se_pipeline_assets.delivery import DELIVER_TAG

    tags = {RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()}
    if not deliver:
        tags[DELIVER_TAG] = "false"
    ops = {step: {"config": {"full_refresh": sorted(full_refresh)}} for step in SQL_MODEL_STEPS} if full_refresh else None
    return run_job(settings, "daily_digest", tags=tags, log_level=log_level, ops=ops)


def load_history_days(
    settings: Settings, first: dt.date, last: dt.date, read_next: dt.date,
    log_level: str = QUIET, full_refresh: Collection[str] = (),
) -> RunOutcome:
    """Load [first, last] in one run of the history job (a backfill: nothing is delivered); `read_next`:
    the backfill's last day, digested even without activity; `full_refresh`: SQL models rebuilt from every raw day."""
    from se_pipeline_assets.backfill import HISTORY_JOB

    day_range = {"first_day": first.isoformat(), "last_day": last.isoformat(), "read_next": read_next.isoformat(),
                 "full_refresh": sorted(full_refresh)}
    return run_job(settings, HISTORY_JOB, log_level=log_level,
                   ops={"load_history_range": {"config": day_range}})


def materialize_reports(
    settings: Settings, week_start: dt.date, log_level: str = QUIET
) -> list[RunOutcome]:
    """The week's coaching reports, then the enablement board and SE artefacts as of the week's last
    day (or the default day, when the week is not over yet)."""
    from se_pipeline.runtime import default_day
    from se_pipeline_assets.enablement import AS_OF_TAG

    as_of = min(week_start + dt.timedelta(days=6), default_day(settings))
    return [
        run_job(settings, "weekly_coaching", partition_key=week_start.isoformat(), log_level=log_level),
        run_job(settings, "enablement_and_artifacts", tags={AS_OF_TAG: as_of.isoformat()}, log_level=log_level),
    ]
