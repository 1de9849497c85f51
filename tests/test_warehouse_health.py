"""What the Dagster UI shows about the warehouse: row counts, column docs from the SQL, previews as
tables; and the checks keys cannot make: quarantine share, freshness, external activity without a
customer. Invented rows in a real DuckDB file."""

import datetime as dt

import pytest
from dagster import TableRecord

from se_pipeline.config import Settings
from se_pipeline.warehouse import connect, ensure_tables, table_doc
from se_pipeline.warehouse.docs import header_comment
from se_pipeline.warehouse.health import freshness, quarantine_share, unresolved_external_activity
from se_pipeline_assets.definitions import build_definitions
from se_pipeline_assets.metadata import table_metadata

DAY = dt.date(2026, 3, 4)


@pytest.fixture
def con(tmp_path):
    with connect(str(tmp_path / "warehouse.duckdb")) as con:
        ensure_tables(con)
        yield con


def add_usage(con, day: dt.date, n: int) -> None:
    for i in range(n):
        con.execute("INSERT INTO raw_usage (customer, partition_date, metric, value) VALUES (?, ?, ?, ?)",
                    [f"Customer {i}", day, "events", i])


def quarantine(con, day: dt.date, n: int, reason: str = "bad_number: 'twelve' in value") -> None:
    for i in range(n):
        con.execute("INSERT INTO quarantine (source, record_key, partition_date, reason, loaded_at) VALUES ('usage', ?, ?, ?, now())",
                    [f"usage.csv:{i}", day, reason])


def test_metadata_has_row_count_documented_columns_and_a_preview_table(con):
    add_usage(con, DAY, 7)
    meta = table_metadata(con, "raw_usage")
    assert meta["dagster/row_count"].value == 7
    columns = {c.name: c for c in meta["dagster/column_schema"].value.columns}
    assert columns["partition_date"].type == "DATE" and columns["partition_date"].description == "the usage day"
    preview = meta["preview"].value
    assert len(preview.records) == 5 and isinstance(preview.records[0], TableRecord)
    assert "payload" not in preview.records[0].data and preview.records[0].data["partition_date"] == "2026-03-04"


def test_descriptions_come_from_each_sql_files_header():
    assert table_doc("raw_usage").description.startswith("Product usage per account per day")
    assert header_comment("-- materialized: table\n-- Who owns what.\n-- key: id; written per day\n-- (continued)\nSELECT 1") == "Who owns what. (continued)"
    defs = build_definitions(Settings())
    usage = defs.resolve_assets_def("raw_usage").specs_by_key
    assert next(iter(s.description for k, s in usage.items() if k.path == ["raw_usage"])).startswith("Product usage")


def test_the_checks_beyond_keys_are_defined():
    names = {key.name for checks in build_definitions(Settings()).asset_checks for key in checks.check_keys}
    assert {"usage_quarantine_share", "slack_is_fresh", "calls_is_fresh",
            "activity_external_rows_have_a_customer"} <= names


def test_quarantine_share_fails_when_a_days_records_go_to_quarantine(con):
    add_usage(con, DAY, 19)
    quarantine(con, DAY, 1)
    assert quarantine_share(con, "usage", DAY).passed  # 1 in 20: 5%
    quarantine(con, DAY + dt.timedelta(days=1), 3)
    add_usage(con, DAY + dt.timedelta(days=1), 7)
    latest = quarantine_share(con, "usage", None)  # no day given: the latest
    assert not latest.passed and latest.metadata["quarantined"] == 3 and latest.metadata["share"] == 0.3
    assert latest.metadata["top_reasons"] == "bad_number (3)"


def test_freshness_measures_the_newest_data_against_the_day_loaded(con):
    add_usage(con, DAY, 2)
    assert freshness(con, "usage", DAY + dt.timedelta(days=3)).passed
    stale = freshness(con, "usage", DAY + dt.timedelta(days=6))
    assert not stale.passed and stale.metadata["days_behind"] == 6 and stale.metadata["newest_data"] == "2026-03-04"
    assert freshness(con, "usage", None).metadata == {"skipped": "the run names no day"}


def test_external_activity_without_a_customer_is_flagged(con):
    con.execute("CREATE TABLE activity (activity_date DATE, customer VARCHAR, author_is_external BOOLEAN, is_bot BOOLEAN, "
                "author_email VARCHAR, author_name VARCHAR, channel VARCHAR)")
    rows = [(DAY, "Northwind Labs", True, False, "ana@northwind.example")] * 3 + [(DAY, None, False, False, "me@ours.example")] * 5
    con.executemany("INSERT INTO activity VALUES (?, ?, ?, ?, ?, NULL, NULL)", rows)
    assert unresolved_external_activity(con, DAY, DAY).passed  # our own unresolved mail does not count
    con.execute("INSERT INTO activity VALUES (?, NULL, TRUE, FALSE, 'kim@unknown-buyer.example', NULL, NULL)", [DAY])
    flagged = unresolved_external_activity(con, DAY, DAY)
    assert not flagged.passed and flagged.metadata["examples"] == "kim@unknown-buyer.example"
    assert unresolved_external_activity(con, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=1)).passed


def test_a_run_warns_about_a_stale_source_and_not_about_sources_that_are_off(tmp_path, monkeypatch, capsys):
    from se_pipeline.cli import main as cli

    # The code location's partitions are read from the settings when it is first imported (demo: from
    # 2026-10-01), as in one `se-pipeline` process: this run stays inside them.
    monkeypatch.setenv("SE_PIPELINE_CONFIG", "")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("SE_PIPELINE_HOME", raising=False)
    (tmp_path / "usage.csv").write_text("customer,date,metric,value\nNorthwind Labs,2026-10-01,events,5\n")
    config = tmp_path / "cfg.yaml"
    config.write_text(
        f"home: {tmp_path / 'home'}\ntimezone: UTC\nstart_date: 2026-10-01\n"
        "sales_engineers: [{id: sam, name: Sam Roe, email: sam@ours.example}]\n"
        "sources:\n  usage: {mode: file, path: usage.csv}\n"
    )
    assert cli(["--config", str(config), "run", "--date", "2026-10-08"]) == 0
    err = capsys.readouterr().err
    assert "check usage_is_fresh failed" in err and "newest_data: 2026-10-01" in err
    assert not [line for line in err.splitlines() if "_is_fresh failed" in line and "usage" not in line]
