"""SQL models: a partitioned model whose columns change fails loudly and keeps its history;
a full refresh rebuilds it from every raw day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.errors import SePipelineError
from se_pipeline.models import parse_model, run_model
from se_pipeline.warehouse import ensure_tables
from se_pipeline.window import Window

TZ = ZoneInfo("Europe/Berlin")
DAYS = [dt.date(2031, 5, 1), dt.date(2031, 5, 2), dt.date(2031, 5, 3)]
FIRST_COLUMNS = """-- materialized: partitioned by usage_date
SELECT partition_date AS usage_date, customer, metric, value FROM raw_usage
WHERE partition_date BETWEEN $first_day AND $last_day
"""
# The same model with one column more, and the others in another order.
MORE_COLUMNS = """-- materialized: partitioned by usage_date
SELECT value, metric, customer, partition_date AS usage_date, value * 2 AS doubled FROM raw_usage
WHERE partition_date BETWEEN $first_day AND $last_day
"""


@pytest.fixture
def con():
    con = duckdb.connect()
    ensure_tables(con)
    for i, day in enumerate(DAYS):
        con.execute("INSERT INTO raw_usage (customer, partition_date, metric, value) VALUES ('ws-1', ?, 'events', ?)", [day, i])
    yield con
    con.close()


def model(tmp_path: Path, sql: str):
    path = tmp_path / "daily_events.sql"
    path.write_text(sql, encoding="utf-8")
    return parse_model(path)


def stored(con) -> list[tuple]:
    return con.execute("SELECT usage_date, value FROM daily_events ORDER BY usage_date").fetchall()


def run_days(con, m, days, full_refresh: bool = False) -> None:
    for day in days:
        run_model(con, m, Window.for_day(day, TZ), full_refresh)


def test_rerunning_a_day_replaces_it(con, tmp_path):
    m = model(tmp_path, FIRST_COLUMNS)
    run_days(con, m, DAYS + DAYS[:1])
    assert stored(con) == [(DAYS[0], 0.0), (DAYS[1], 1.0), (DAYS[2], 2.0)]


def test_changed_columns_fail_with_the_fix_and_keep_the_history(con, tmp_path):
    run_days(con, model(tmp_path, FIRST_COLUMNS), DAYS)
    changed = model(tmp_path, MORE_COLUMNS)
    with pytest.raises(SePipelineError) as failure:
        run_days(con, changed, DAYS[2:])
    message = str(failure.value)
    assert "\n" not in message
    assert "daily_events" in message and "+doubled" in message
    assert "se-pipeline run --full-refresh daily_events" in message
    assert stored(con) == [(DAYS[0], 0.0), (DAYS[1], 1.0), (DAYS[2], 2.0)]  # nothing lost


def test_a_full_refresh_rebuilds_every_raw_day(con, tmp_path):
    run_days(con, model(tmp_path, FIRST_COLUMNS), DAYS)
    changed = model(tmp_path, MORE_COLUMNS)
    # Asked for the last day only, the rebuild covers every day the raw table holds.
    assert run_model(con, changed, Window.for_day(DAYS[2], TZ), full_refresh=True) == 3
    assert con.execute("SELECT usage_date, doubled FROM daily_events ORDER BY usage_date").fetchall() == [
        (DAYS[0], 0.0), (DAYS[1], 2.0), (DAYS[2], 4.0)]
    run_days(con, changed, DAYS[1:2])  # then days run as before, by name whatever the column order
    assert stored(con) == [(DAYS[0], 0.0), (DAYS[1], 1.0), (DAYS[2], 2.0)]


def test_a_whole_table_model_is_rebuilt_with_its_new_columns(con, tmp_path):
    day = Window.for_day(DAYS[0], TZ)
    run_model(con, model(tmp_path, "-- materialized: table\nSELECT DISTINCT customer FROM raw_usage"), day)
    run_model(con, model(tmp_path, "-- materialized: table\nSELECT DISTINCT customer, 'x' AS tag FROM raw_usage"), day)
    assert con.execute("SELECT * FROM daily_events").fetchall() == [("ws-1", "x")]
