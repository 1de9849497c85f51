"""The usage file connector: long and wide files, column mapping, the window, bad rows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.config import Settings
from se_pipeline.sources.usage import UsageFileConnector, from_settings
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.warehouse import Quarantined, Rows, load_records
from se_pipeline.window import Window

TZ = ZoneInfo("America/New_York")
OCT_1_2 = Window(dt.date(2026, 10, 1), dt.date(2026, 10, 2), TZ)

LONG = """customer,date,metric,value
Acme,2026-09-30,events,1
Acme,2026-10-01,events,120
Acme,2026-10-02,active_users,7
,2026-10-01,events,3
Beta,yesterday,events,2
Beta,2026-10-02,events,lots
Beta,2026-10-05,events,oops
"""


def _extract(connector: UsageFileConnector, window=OCT_1_2):
    records = list(connector.extract(window))
    rows = [r for rec in records if isinstance(rec, Rows) and rec.table == "raw_usage" for r in rec.rows]
    bad = [rec for rec in records if isinstance(rec, Quarantined)]
    return rows, bad


def test_long_csv_reads_only_the_window_and_quarantines_bad_rows_with_their_line(tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text(LONG)
    rows, bad = _extract(UsageFileConnector(str(path)))

    assert sorted((r["customer"], r["partition_date"], r["metric"], r["value"]) for r in rows) == [
        ("Acme", dt.date(2026, 10, 1), "events", 120.0),
        ("Acme", dt.date(2026, 10, 2), "active_users", 7.0),
    ]
    assert all(r["source_file"] == str(path) for r in rows)
    # Lines count the header as line 1; the bad value dated outside the window is not this run's concern.
    assert {(q.key, q.reason.split(":")[0], q.partition_date) for q in bad} == {
        (f"{path}:5", "no_customer", dt.date(2026, 10, 1)),
        (f"{path}:6", "bad_date", None),
        (f"{path}:7", "bad_value", dt.date(2026, 10, 2)),
    }
    assert next(q for q in bad if q.key.endswith(":7")).payload["value"] == "lots"


def test_columns_map_our_names_to_the_files(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("account,day,kpi,amount\nAcme,2026-10-01T13:45:00,logins,4\n")
    rows, bad = _extract(
        UsageFileConnector(str(path), columns={"customer": "account", "date": "day", "metric": "kpi", "value": "amount"})
    )
    assert [(r["customer"], r["partition_date"], r["metric"], r["value"]) for r in rows] == [
        ("Acme", dt.date(2026, 10, 1), "logins", 4.0)
    ]
    assert bad == []


def test_wide_file_has_a_row_per_filled_metric_cell_and_text_columns_are_attributes(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("customer,date,plan,events,active_users\nAcme,2026-10-01,trial,10,\nBeta,2026-10-02,pro,5,x\n"
                    "Beta,2026-10-01,pro,,4\n")
    rows, bad = _extract(UsageFileConnector(str(path)))
    assert sorted((r["customer"], r["metric"], r["value"]) for r in rows) == [
        ("Acme", "events", 10.0), ("Beta", "active_users", 4.0), ("Beta", "events", 5.0),
    ]
    # The plan is not a metric, but it stays with the row.
    assert {r["payload"]["plan"] for r in rows} == {"trial", "pro"}
    assert [(q.key, q.reason) for q in bad] == [(f"{path}:3", "bad_value: 'x' is not a number (active_users)")]


def test_two_bad_cells_of_a_wide_line_are_one_quarantined_line_naming_both(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("account,day,seats,events\nAcme,2026-10-01,n/a,-\nAcme,2026-10-02,3,4\n")
    rows, bad = _extract(UsageFileConnector(str(path)))
    assert len(rows) == 2
    assert [(q.key, q.reason) for q in bad] == [
        (f"{path}:2", "bad_value: 'n/a' is not a number (seats); bad_value: '-' is not a number (events)")
    ]


def test_a_line_that_is_not_utf8_far_into_the_file_is_quarantined_and_the_rest_loads(tmp_path):
    path = tmp_path / "usage.csv"
    good = "".join(f"Acme,2026-10-{day:02d},events,{day}\n" for day in range(1, 29)) * 1000
    path.write_bytes(b"customer,date,metric,value\n" + good.encode() + b"Ac\xffme,2026-10-01,events,1\n"
                     + b"Beta,2026-10-01,events,2\n")
    rows, bad = _extract(UsageFileConnector(str(path)))
    assert {(r["customer"], r["value"]) for r in rows} == {("Acme", 1.0), ("Acme", 2.0), ("Beta", 2.0)}
    [line] = bad
    assert line.key == f"{path}:{28_000 + 2}" and line.reason.startswith("bad_line: invalid encoding")


def test_a_quoted_cell_may_hold_a_newline(tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text('customer,date,metric,value,note\nAcme,2026-10-01,events,3,"two\nlines"\nBeta,2026-10-01,events,4,\n')
    rows, bad = _extract(UsageFileConnector(str(path)))
    assert sorted((r["customer"], r["value"]) for r in rows) == [("Acme", 3.0), ("Beta", 4.0)] and bad == []


def test_parquet_glob_across_files(tmp_path):
    con = duckdb.connect()
    for i, day in enumerate(["2026-10-01", "2026-10-03"]):
        con.execute(
            f"COPY (SELECT 'Acme' AS customer, DATE '{day}' AS date, 'events' AS metric, {i + 1}.5 AS value) "
            f"TO '{tmp_path / f'part{i}.parquet'}' (FORMAT parquet)"
        )
    rows, bad = _extract(UsageFileConnector(str(tmp_path / "*.parquet")))
    assert [(r["partition_date"], r["value"]) for r in rows] == [(dt.date(2026, 10, 1), 1.5)]
    assert bad == []


def test_missing_file_and_missing_column_say_what_to_fix(tmp_path):
    with pytest.raises(SourceError, match="cannot read .*nothere.csv"):
        _extract(UsageFileConnector(str(tmp_path / "nothere.csv")))
    path = tmp_path / "u.csv"
    path.write_text("who,date,metric,value\nAcme,2026-10-01,events,1\n")
    with pytest.raises(SourceError, match="no account column.*sources.usage.columns, e.g. {customer: <your column>}"):
        _extract(UsageFileConnector(str(path)))
    with pytest.raises(SourceError, match="has no column 'client'.*sources.usage.columns.customer"):
        _extract(UsageFileConnector(str(path), columns={"customer": "client"}))
    with pytest.raises(ConfigError, match="unknown column"):
        UsageFileConnector(str(path), columns={"acount": "account"})


def test_loading_a_window_twice_does_not_duplicate(tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text(LONG)
    settings = Settings.model_validate({"sources": {"usage": {"mode": "file", "path": str(path)}}})
    connector = from_settings(settings)
    con = duckdb.connect()
    for _ in range(2):
        report = load_records(con, "usage", connector.tables, OCT_1_2, connector.extract(OCT_1_2))
    assert report.rows["raw_usage"] == 2
    assert con.execute("SELECT count(*) FROM raw_usage").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM quarantine WHERE source = 'usage'").fetchone()[0] == 3


def test_a_product_export_keyed_by_workspace_and_domain_is_read_as_it_is(tmp_path):
    path = tmp_path / "daily.jsonl"
    path.write_text(
        '{"day": "2026-10-01", "workspace_id": "ws_1", "account_domain": "acme.example", "plan": "trial", "metric": "rows", "value": 5}\n'
        '{"day": "2026-10-02", "workspace_id": "ws_1", "account_domain": "acme.example", "plan": "trial", "metric": "rows", "value": 0}\n'
        '{"day": "2026-10-02", "workspace_id": null, "account_domain": "beta.example", "plan": "pro", "metric": "rows", "value": 9}\n'
    )
    connector = UsageFileConnector(str(path))
    records = list(connector.extract(OCT_1_2))
    rows, _ = _extract(connector)
    assert sorted((r["customer"], r["workspace_id"], r["account_domain"], r["partition_date"], r["value"]) for r in rows) == [
        ("beta.example", None, "beta.example", dt.date(2026, 10, 2), 9.0),
        ("ws_1", "ws_1", "acme.example", dt.date(2026, 10, 1), 5.0),
        ("ws_1", "ws_1", "acme.example", dt.date(2026, 10, 2), 0.0),
    ]
    assert {r["payload"]["plan"] for r in rows} == {"trial", "pro"}
    # Each day of the window was read, and how many rows it had: "no usage" is then a fact.
    reads = [r for rec in records if isinstance(rec, Rows) and rec.table == "raw_usage_reads" for r in rec.rows]
    assert [(r["source_path"], r["partition_date"], r["rows"]) for r in reads] == [
        (str(path), dt.date(2026, 10, 1), 1), (str(path), dt.date(2026, 10, 2), 2)]


def test_a_wide_file_with_its_own_names_and_a_date_column_found_by_its_values(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("snapshot,tenant_id,tier,events,seats\n2026-10-01,t-9,gold,40,3\n2026-10-02,t-9,gold,44,3\n")
    rows, bad = _extract(UsageFileConnector(str(path)))
    assert sorted((r["customer"], r["partition_date"], r["metric"], r["value"]) for r in rows) == [
        ("t-9", dt.date(2026, 10, 1), "events", 40.0), ("t-9", dt.date(2026, 10, 1), "seats", 3.0),
        ("t-9", dt.date(2026, 10, 2), "events", 44.0), ("t-9", dt.date(2026, 10, 2), "seats", 3.0),
    ]  # the tier is an attribute, not a metric
    assert bad == []
    path.write_text("start,finish,tenant_id,events\n2026-10-01,2026-10-02,t-9,4\n")
    with pytest.raises(SourceError, match=r"several columns hold dates \(start, finish\).*sources.usage.columns, e.g. {date:"):
        _extract(UsageFileConnector(str(path)))
