"""Runs whose process is gone: a `kill -9` (or a lost machine) leaves its run STARTED in the instance
and its slot of the `warehouse` pool held, and every later run would wait for that slot forever.

Each run tags itself with its process (host, PID, start time) when its resources start, before any of
its steps claims a slot; then it looks for runs still STARTED (or holding slots) whose process is gone,
marks each failed, frees its slots, and says so in one line. This covers runs of the CLI (in-process)
and those the UI or the daemon launch (each in its own process) alike.
"""

from __future__ import annotations

from collections.abc import Mapping

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from se_pipeline.processes import ProcessRef, this_process

HOST_TAG, PID_TAG, STARTED_TAG = "se_pipeline/host", "se_pipeline/pid", "se_pipeline/process_started"
_UNFINISHED = [DagsterRunStatus.STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.CANCELING]


def tag_with_this_process(instance: DagsterInstance, run_id: str) -> None:
    me = this_process()
    instance.add_run_tags(run_id, {HOST_TAG: me.host, PID_TAG: str(me.pid), STARTED_TAG: f"{me.started:.3f}"})


def _process_of(tags: Mapping[str, str]) -> ProcessRef | None:
    try:
        return ProcessRef(tags[HOST_TAG], int(tags[PID_TAG]), float(tags[STARTED_TAG]))
    except (KeyError, ValueError):
        return None  # a run that never started its resources (or not one of ours): not judged


def recover_dead_runs(instance: DagsterInstance, current_run_id: str | None) -> list[str]:
    """Fail the runs whose process is gone and free their pool slots; one line per run recovered."""
    storage = instance.event_log_storage
    holding = storage.get_concurrency_run_ids() if storage.supports_global_concurrency_limits else set()
    unfinished = {record.dagster_run.run_id for record in instance.get_run_records(RunsFilter(statuses=_UNFINISHED))}
    told = []
    for run_id in sorted((holding | unfinished) - {current_run_id}):
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            process = _process_of(run.tags)
            if process is None or not process.is_gone():
                continue
            reason = (f"its process (PID {process.pid} on {process.host}) ended without finishing the run "
                      "(killed?); marked failed by a later run")
            instance.report_run_failed(run, message=reason)
            told.append(f"run {run_id} had stopped without finishing (PID {process.pid} is gone): "
                        "marked it failed and freed the warehouse for this run")
        if run_id in holding:  # its slots, or those of a run that ended without giving them back
            storage.free_concurrency_slots_for_run(run_id)
    return told
