"""A run killed with `kill -9` at any step never blocks the next one, and the next one's tables match a
clean run's: the real CLI in subprocesses, on the eval workspace (tests/data/eval), killed at each kind
of step (a raw load, its commit, a SQL model, signals, digests), each kill followed by a run that must
get past the dead run's slot of the warehouse pool to reach its own kill point."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from table_rows import table_rows

DATA = Path(__file__).parent / "data" / "eval"
DAY = "2026-10-07"
# Where to kill: the debug line each kind of step logs first (-vv shows Dagster's step events).
KILL_POINTS = {
    "raw load": r'STEP_START - Started execution of step "raw_slack"',
    "raw commit": r"gmail: extracted .* API calls",  # logged just before the commit opens the warehouse
    "sql model": r'STEP_START - Started execution of step "sql_models"',
    "signals": r'STEP_START - Started execution of step "signals"',
    "digests": r'STEP_START - Started execution of step "digests"',
}
RUN_SECONDS = 120


def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "eval"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns(".se_pipeline*"))
    config = (folder / "config.yaml").read_text()
    config = re.sub(r"(?m)^start_date: .*$", f"start_date: '{DAY}'", config)  # one day: no cold start
    for name in ("clean", "killed"):
        (folder / f"{name}.yaml").write_text(re.sub(r"(?m)^home: .*$", f"home: home-{name}", config))
    return folder


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "SE_PIPELINE_HOME", "SE_PIPELINE_CONFIG")}


def run(folder: Path, config: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "se_pipeline.cli", "run", "--date", DAY, "--config", config],
                          cwd=folder, env=environment(), capture_output=True, text=True, timeout=RUN_SECONDS)


def run_and_kill(folder: Path, config: str, pattern: str) -> str:
    """Start a run, kill -9 it when `pattern` shows in its log; the line it was killed on."""
    process = subprocess.Popen([sys.executable, "-m", "se_pipeline.cli", "-vv", "run", "--date", DAY, "--config", config],
                               cwd=folder, env=environment(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()
    deadline = time.monotonic() + RUN_SECONDS
    try:
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if process.poll() is not None:
                    pytest.fail(f"the run ended (status {process.returncode}) before {pattern!r}")
                continue
            if re.search(pattern, line):
                process.send_signal(signal.SIGKILL)
                return line
        pytest.fail(f"no {pattern!r} within {RUN_SECONDS}s: the run is blocked")
    finally:
        process.kill()
        process.wait()


def tables(home: Path) -> dict[str, list]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return table_rows(con, home, "<home>")


def test_a_run_killed_at_any_step_never_blocks_the_next_and_the_result_matches_a_clean_run(tmp_path):
    folder = workspace(tmp_path)
    clean = run(folder, "clean.yaml")
    assert clean.returncode == 0, clean.stderr

    for kind, pattern in KILL_POINTS.items():
        assert re.search(pattern, run_and_kill(folder, "killed.yaml", pattern)), kind

    final = run(folder, "killed.yaml")
    assert final.returncode == 0, final.stderr
    recovered = [line for line in final.stderr.splitlines() if "had stopped without finishing" in line]
    assert len(recovered) == 1 and recovered[0].startswith("se-pipeline: warning: run: run ")

    home = folder / "home-killed"
    assert tables(home) == tables(folder / "home-clean")
    assert sorted(p.name for p in (home / "digests" / DAY).iterdir()) == sorted(
        p.name for p in (folder / "home-clean" / "digests" / DAY).iterdir())
    assert list((home / "staging").glob("*")) == []  # what killed runs staged was removed
    with DagsterInstance.from_config(str(home / "dagster")) as instance:
        stuck = instance.get_run_records(RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING]))
        assert stuck == [] and instance.event_log_storage.get_concurrency_run_ids() == set()
        failed = instance.get_run_records(RunsFilter(statuses=[DagsterRunStatus.FAILURE]))
        assert len(failed) == len(KILL_POINTS)

