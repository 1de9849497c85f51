"""A long backfill (se_pipeline/history.py, the load_history job, `se-pipeline backfill`): its runs follow
the data, and what it stores for a day is what the daily runs store for that day."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from contextlib import nullcontext

import duckdb
import pytest

from se_pipeline.cli import RUN_DAYS, next_run_days
from se_pipeline.cli import main as cli
from se_pipeline.config import OffSource, load_settings
from se_pipeline.sources.notion.rows import SNAPSHOT_PAGE_ROWS, snapshot_on_each_day
from se_pipeline.history import load_history
from se_pipeline.warehouse import Rows
from se_pipeline.window import Window
from test_chunking import DATA, FIRST, LAST, backfill, chunked
from test_cli import clean_env  # noqa: F401  (a fixture)

# Proposals and calls are the history job's too; the chunking runs do not make them.
NOT_COMPARED = {"digests", "digest_items", "proposals", "proposal_changes"}


def as_history(con: duckdb.DuckDBPyConnection, settings, window: Window) -> None:
    settings = settings.model_copy(update={"sources": settings.sources.model_copy(update={"calls": OffSource()})})
    load_history(settings, window, lambda: nullcontext(con), lambda line: None, read_next=LAST)


@pytest.fixture(scope="module")
def daily(tmp_path_factory):
    return backfill(tmp_path_factory.mktemp("daily"), "daily", chunked(1))


def test_history_in_one_run_stores_what_daily_runs_store_and_digests_the_days_with_activity(tmp_path, daily):
    tables, files = backfill(tmp_path, "history", [(FIRST, LAST)], load=as_history)
    expected_tables, expected_files = daily
    compared = sorted((set(tables) | set(expected_tables)) - NOT_COMPARED)
    assert [t for t in compared if tables.get(t) != expected_tables.get(t)] == []
    active = {row.split("datetime.date(")[1].split(")")[0] for row in expected_tables["activity"]}
    active_days = {dt.date(*map(int, d.split(", "))).isoformat() for d in active}
    digested = {name.split("/")[0] for name in files}
    assert digested == active_days | {LAST.isoformat()}
    assert len(digested) < 7, "the eval week has a day without activity: it gets no digest"
    assert {name: text for name, text in expected_files.items() if name.split("/")[0] in digested} == files


def test_a_backfills_runs_grow_with_sparse_data_and_shrink_with_dense_data():
    assert next_run_days(0, 31) == RUN_DAYS[1]  # nothing seen: as long as a run goes
    assert next_run_days(40, 31) == RUN_DAYS[1]  # a message a day: a year a run
    assert next_run_days(100_000, 31) == 15  # 3,200 a day: about 50,000 rows a run
    assert next_run_days(10_000_000, 31) == RUN_DAYS[0]  # never less than a week


def test_the_notion_snapshot_of_a_long_window_is_every_day_in_few_pages():
    window = Window(dt.date(2020, 1, 1), dt.date(2023, 12, 31), Window.for_day(FIRST, None).tz)  # 1,461 days
    page = Rows("raw_notion_opportunities", [{"page_id": f"p{i}", "partition_date": None} for i in range(40)])
    pages = [r for r in snapshot_on_each_day([page], window) if isinstance(r, Rows)]
    rows = [row for p in pages for row in p.rows]
    assert len(rows) == 40 * len(window.days)
    assert {(r["page_id"], r["partition_date"]) for r in rows} == {(f"p{i}", d) for i in range(40) for d in window.days}
    assert len(pages) == -(-len(rows) // SNAPSHOT_PAGE_ROWS) and all(len(p.rows) <= SNAPSHOT_PAGE_ROWS for p in pages)


def test_backfill_through_the_cli_resumes_digests_the_days_with_activity_and_counts_the_quarantined(
        tmp_path, clean_env, cli_log_level, capsys):
    folder = tmp_path / "eval"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns(".se_pipeline*"))
    channel = next(p for p in sorted((folder / "slack").iterdir()) if p.is_dir())
    (channel / f"{FIRST + dt.timedelta(days=1)}.json").write_text('[{"ts": "17913')  # cut short
    args = ["--config", str(folder / "config.yaml"), "-q", "backfill", "--start", str(FIRST), "--end", str(LAST),
            "--days-per-run", "4"]
    assert cli(args) == 0
    assert "se-pipeline: slack: 1 record could not be read and went to quarantine" in capsys.readouterr().err
    home = load_settings(folder / "config.yaml").home
    assert len(json.loads((home / "backfills" / f"{FIRST}_{LAST}.json").read_text())) == 7
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        active = {d for (d,) in con.execute("SELECT DISTINCT activity_date FROM activity").fetchall()}
        digested = {d for (d,) in con.execute("SELECT DISTINCT digest_date FROM digests").fetchall()}
        duplicates = con.execute("SELECT count(*) - count(DISTINCT activity_id) FROM activity").fetchall()[0][0]
    assert len(active) >= 2 and digested == active | {LAST} and duplicates == 0
    assert sorted(p.name for p in (home / "digests").iterdir()) == sorted(d.isoformat() for d in digested)
    assert cli(args) == 0  # all done: the same command has nothing left to run


def test_a_range_run_of_the_daily_job_plans_each_asset_once_not_once_a_day(tmp_path, clean_env):
    from dagster import DagsterEventType, DagsterInstance

    from se_pipeline.config import load_settings
    from se_pipeline_assets.runner import materialize_days

    folder = tmp_path / "eval"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns(".se_pipeline*"))
    config = str(folder / "config.yaml")
    outcome = materialize_days(load_settings(config), FIRST, FIRST + dt.timedelta(days=2), deliver=False)
    assert outcome.success, outcome.errors
    with DagsterInstance.get() as instance:  # the runner's, in the settings' home
        planned = instance.all_logs(outcome.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED)
    assets = {event.dagster_event.asset_key for event in planned}
    assert len(assets) > 10 and len(planned) == len(assets)
