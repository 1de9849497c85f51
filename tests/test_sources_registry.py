"""Every source in the registry gets, with no other change, its settings key, its raw asset and key checks,
doctor's probe, its tables (DDL beside it) and its rows in the contract views."""

from __future__ import annotations

import importlib

import duckdb
from se_pipeline_assets.checks import DATA_CHECKS
from se_pipeline_assets.partitions import partitions_for
from se_pipeline_assets.raw import raw_assets
from se_pipeline_assets.sensors import sensors

from se_pipeline.config import Settings, Sources
from se_pipeline.sources import CONTRACTS, DAILY_SOURCES, SOURCES, contract_sql
from se_pipeline.warehouse import ensure_tables, table_exists


def test_each_source_has_its_settings_asset_checks_probe_and_tables():
    asset_tables = {k.path[-1] for a in raw_assets(partitions_for(Settings()).daily) for k in a.keys}
    checked = {key.asset_key.path[-1] for key in DATA_CHECKS if key.name.endswith("_key_is_unique")}
    with duckdb.connect() as con:
        ensure_tables(con)
        for source in SOURCES:
            assert source.name in Sources.model_fields
            assert callable(importlib.import_module(source.probe).probe)
            assert callable(importlib.import_module(source.connector).from_settings)
            for spec in source.tables:
                assert table_exists(con, spec.name), spec.name
                if source.daily:
                    assert spec.name in asset_tables
                    assert (spec.name in checked) == spec.checked


def test_every_source_is_off_unless_configured():
    assert Settings().enabled_sources() == []
    assert set(DAILY_SOURCES) <= {s.name for s in SOURCES}


def test_a_contract_view_is_the_union_of_its_sources_staging():
    with duckdb.connect() as con:
        ensure_tables(con)
        con.execute("INSERT INTO raw_notion_opportunities (page_id, partition_date, name, stage) "
                    "VALUES ('p1', '2026-03-02', 'Kestrel - Pilot', 'POC')")
        assert con.execute("SELECT page_id, name, stage FROM stg_opportunities").fetchall() == [("p1", "Kestrel - Pilot", "POC")]
    feeding = {contract: [s.name for s in SOURCES if s.staging_sql(contract)] for contract in CONTRACTS}
    assert set(feeding["stg_activity"]) >= {"slack", "gmail", "notion", "calls", "zoom"}
    assert contract_sql("stg_activity").count("UNION ALL BY NAME") == len(feeding["stg_activity"])  # and its declaration


def test_a_source_with_a_watch_module_gets_its_sensor():
    watched = {source.name for source in SOURCES if source.watcher}
    assert watched == {"slack", "gmail", "notion"}  # the sample source has none, and gets none
    assert {sensor.name for sensor in sensors} >= {f"{name}_activity" for name in watched}
    assert "zoom_activity" not in {sensor.name for sensor in sensors}
