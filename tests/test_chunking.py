"""Same days, same bytes: loading a week day by day, three days a run or in one run (a backfill's
--days-per-run) leaves the same tables and the same digest files.

Each run does what the daily job's steps do, in their order, in-process (the real connectors, loader,
SQL models, signals and digests on the eval workspace, tests/data/eval): Dagster adds nothing a
chunking could change, and this runs in seconds."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from se_pipeline.analysis import refresh_signals
from se_pipeline.config import load_settings
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.render import publish_digests
from se_pipeline.sources import build_connector
from se_pipeline.warehouse import commit_staged, stage_records
from se_pipeline.window import Window
from table_rows import table_rows

DATA = Path(__file__).parent / "data" / "eval"
FIRST, LAST = dt.date(2026, 10, 1), dt.date(2026, 10, 7)
SOURCES = ("slack", "gmail", "notion", "usage")


def run(con: duckdb.DuckDBPyConnection, settings, window: Window) -> None:
    """One run of the daily job over `window`: raw loads, SQL models, signals, digests."""
    for source in SOURCES:
        connector = build_connector(settings, source)
        staged = stage_records(source, connector.tables, window, connector.extract(window), settings.home / "staging")
        commit_staged(con, staged)
    prepare(con, settings)
    for model in discover_models().values():
        run_model(con, model, window)
    refresh_signals(con, window, settings)
    publish_digests(con, window, settings)


def backfill(tmp_path: Path, name: str, chunks: list[tuple[dt.date, dt.date]], load: Callable = run) -> tuple[dict, dict]:
    """The tables (rows as text, sorted) and digest files after `load(con, settings, window)` over `chunks`, in order."""
    folder = tmp_path / name
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns(".se_pipeline*"))
    settings = load_settings(folder / "config.yaml")
    settings.home.mkdir(parents=True)
    with duckdb.connect(str(settings.home / "warehouse.duckdb")) as con:
        for first, last in chunks:
            load(con, settings, Window(first, last, settings.tz))
        tables = table_rows(con, folder, "<folder>")
    digests = settings.home / "digests"
    files = {str(p.relative_to(digests)): p.read_text().replace(str(folder), "<folder>")
             for p in sorted(digests.rglob("*")) if p.is_file()}
    return tables, files


def chunked(days_per_run: int) -> list[tuple[dt.date, dt.date]]:
    days = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    return [(days[i], days[min(i + days_per_run, len(days)) - 1]) for i in range(0, len(days), days_per_run)]


@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    return backfill(tmp_path_factory.mktemp("chunking"), "seven", chunked(7))


@pytest.mark.parametrize("days_per_run", [1, 3])
def test_the_same_days_give_the_same_tables_and_digests_however_the_runs_are_cut(tmp_path, one_run, days_per_run):
    tables, files = backfill(tmp_path, "chunks", chunked(days_per_run))
    expected_tables, expected_files = one_run
    assert len(expected_files) == 7 * 7  # 3 SEs' Markdown and HTML and the day's index, each day
    differing = [t for t in sorted(set(tables) | set(expected_tables)) if tables.get(t) != expected_tables.get(t)]
    assert differing == [], {t: (sorted(set(tables.get(t, [])) - set(expected_tables.get(t, [])))[:2],
                                 sorted(set(expected_tables.get(t, [])) - set(tables.get(t, [])))[:2]) for t in differing}
    assert [f for f in sorted(set(files) | set(expected_files)) if files.get(f) != expected_files.get(f)] == []


def test_two_ses_who_write_as_much_in_a_channel_give_it_to_the_first_by_id_on_every_run(tmp_path):
    folder = tmp_path / "tie"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns(".se_pipeline*"))
    settings = load_settings(folder / "config.yaml")
    settings.home.mkdir(parents=True)
    day = Window.for_day(LAST, settings.tz)
    owners = set()
    with duckdb.connect(str(settings.home / "warehouse.duckdb")) as con:
        for _ in range(3):  # each run replaces the day: the owner must not flip between identical runs
            run(con, settings, day)
            posts = con.execute("""
                SELECT se.id, count(*) FROM raw_slack_messages m JOIN config_sales_engineers se ON se.slack_user_id = m.user_id
                WHERE m.channel_name = 'se-team' GROUP BY ALL ORDER BY 1""").fetchall()
            owners |= {se for (se,) in con.execute(
                "SELECT DISTINCT se_id FROM activity WHERE channel = 'se-team' AND activity_date = ?", [LAST]).fetchall()}
    assert posts == [("alice", 1), ("carmen", 1)]  # a tie
    assert owners == {"alice"}
