"""Sensors: new activity in a source starts a run of the affected day's raw asset and what depends on it.

Thin: each sensor asks a watcher (se_pipeline.changes and the connectors' changes modules) what
changed since its cursor, then asks for one run per affected day of the `daily_digest` job, with
only that source's raw asset and its downstream core and digest assets selected; never a reload of
history. Where the changes are in some channels only, the run re-reads those channels (the raw
asset's parts_tag). Run keys name the day and the exact changes, so one change never starts two
runs, and a day whose run is still queued to re-read as much is left to it. The daily schedule stays
the safety net. All are off until turned on (Automation in the UI).

A source package with a watcher (<package>/watch.py: Slack, Gmail, Notion) gets its `<source>_activity`
sensor from the registry; its interval follows its rate limit, leaving at least half of it to the runs the
sensor starts (the module says how). Files and landed Slack events cost no API call: every 30 s and 10 s.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Callable, Mapping

from dagster import (
    AssetSelection,
    DagsterRunStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from se_pipeline.changes import Changes, DayChanges
from se_pipeline.config import Settings
from se_pipeline.errors import SePipelineError
from se_pipeline.sources import SOURCES, Source
from se_pipeline.warehouse import stored_rows
from se_pipeline_assets.raw import RAW_SOURCES, parts_tag
from se_pipeline_assets.core import SETTINGS_STEP_KEYS
from se_pipeline_assets.resources import SettingsParam
from se_pipeline_assets.schedules import DAILY_GROUPS, daily_job

SOURCES_TAG = "se_pipeline/sources"  # the raw sources a run re-reads, comma-separated
PARTITION_TAG = "dagster/partition"
_WAITING = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED]

FILES_INTERVAL = 30
EVENTS_INTERVAL = 10


def source_selection(sources: list[str]) -> AssetSelection:
    """The sources' raw assets and every daily asset downstream of them (core tables, signals, digests)."""
    # With the settings step, which every run writes first (the models need its tables and macros).
    reread = AssetSelection.assets(*[t for s in sources for t in RAW_SOURCES[s]]).downstream() | AssetSelection.assets(*SETTINGS_STEP_KEYS)
    return reread & AssetSelection.groups(*DAILY_GROUPS)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _cursor(context: SensorEvaluationContext) -> dict | None:
    try:
        return json.loads(context.cursor) if context.cursor else None
    except ValueError:
        context.log.warning("the sensor's cursor was not readable: starting over with a first look")
        return None


def _tags(changes: DayChanges) -> dict[str, str]:
    return {SOURCES_TAG: ",".join(changes.sources),
            **{parts_tag(source): ",".join(parts) for source, parts in changes.parts.items()}}


def _covers(tags: Mapping[str, str], changes: DayChanges) -> bool:
    """Whether a run with `tags` re-reads everything `changes` needs (a source it reads whole covers any part)."""
    if not set(changes.sources) <= set(tags.get(SOURCES_TAG, "").split(",")):
        return False
    for source in changes.sources:
        theirs = tags.get(parts_tag(source))
        if theirs is not None and (source not in changes.parts or not set(changes.parts[source]) <= set(theirs.split(","))):
            return False
    return True


def _queued(context: SensorEvaluationContext, day: dt.date, changes: DayChanges) -> bool:
    """Whether a run of `day` that re-reads what `changes` needs is waiting to start: it will read them too."""
    records = context.instance.get_run_records(
        RunsFilter(job_name=daily_job.name, statuses=_WAITING, tags={PARTITION_TAG: day.isoformat()})
    )
    return any(_covers(r.dagster_run.tags, changes) for r in records)


def changes_result(context: SensorEvaluationContext, settings: Settings, changes: Changes, what: str) -> SensorResult:
    """One run request per day with changes (or why there are none), and the watcher's new cursor."""
    for note in changes.notes:
        context.log.info(note)
    cursor = json.dumps(changes.cursor, sort_keys=True)
    today = _now().astimezone(settings.tz).date()
    requests, waiting = [], []
    assert context.repository_def is not None  # a sensor is evaluated in its code location
    graph = context.repository_def.asset_graph
    for day, needs in changes.by_day(settings.start_date, today).items():
        if _queued(context, day, needs):
            waiting.append(day.isoformat())
            continue
        requests.append(RunRequest(
            run_key=f"{what}:{day}:{needs.key}",
            partition_key=day.isoformat(),
            asset_selection=sorted(source_selection(needs.sources).resolve(graph), key=lambda k: k.to_user_string()),
            tags=_tags(needs),
        ))
    spent = f" ({changes.calls} API calls)" if changes.calls else ""
    if requests:
        context.log.info(f"{what}: new activity on {', '.join(str(r.partition_key) for r in requests)}{spent}")
        return SensorResult(run_requests=requests, cursor=cursor)
    if waiting:
        reason = f"{what}: new activity on {', '.join(waiting)}, which a queued run will read"
    elif changes.found:
        reason = f"{what}: new activity only on days that cannot be loaded (before start_date {settings.start_date} or after today)"
    elif changes.notes:
        reason = changes.notes[-1]
    else:
        reason = f"{what}: nothing new{spent}"
    return SensorResult(skip_reason=reason, cursor=cursor)


def _look(
    context: SensorEvaluationContext, settings: Settings, what: str, watch: Callable[[Settings, dict | None], Changes | str]
) -> SensorResult:
    """Run `watch` (which answers Changes, or why the source is not watched) and turn it into the tick's result;
    a mistake in settings or credentials skips the tick with its one-line message and keeps the cursor."""
    try:
        found = watch(settings, _cursor(context))
    except SePipelineError as exc:
        context.log.error(f"{what}: {exc}")
        return SensorResult(skip_reason=f"{what}: could not look: {exc}")
    if isinstance(found, str):
        return SensorResult(skip_reason=found)
    return changes_result(context, settings, found, what)


def _files(config: Settings, cursor: dict | None) -> Changes:
    from se_pipeline.changes import file_changes

    return file_changes(config, cursor, _now())


def _events(config: Settings, cursor: dict | None) -> Changes:
    from se_pipeline.events import EventStore, landed_changes, landing_path

    return landed_changes(EventStore(landing_path(config)), cursor, config.tz)


def _watching(name: str, what: str, interval: int, description: str, watch: Callable[[Settings, dict | None], Changes | str]):
    @sensor(name=name, job=daily_job, minimum_interval_seconds=interval, description=description)
    def _sensor(context: SensorEvaluationContext, settings: SettingsParam) -> SensorResult:
        return _look(context, settings, what, watch)

    return _sensor


def _source_sensor(source: Source):
    """The sensor a source package declares (its watch module), named `<source>_activity`."""
    module = importlib.import_module(source.watcher or "")

    def watch(config: Settings, cursor: dict | None) -> Changes | str:
        return module.watch(config, cursor, _now(), lambda sql: stored_rows(config.database_path, sql))

    return _watching(f"{source.name}_activity", source.name, module.INTERVAL, module.DESCRIPTION, watch)


sensors = [
    *(_source_sensor(source) for source in SOURCES if source.watcher),
    _watching("files_changed", "files", FILES_INTERVAL,
              "A new or changed export file, mbox, usage file or call transcript starts a run of the days it covers.", _files),
    _watching("slack_events", "slack events", EVENTS_INTERVAL,
              "Slack events landed by `se-pipeline serve-events` start a run of their day.", _events),
]
