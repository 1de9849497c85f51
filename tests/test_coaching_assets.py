"""The coaching Dagster assets materialize against a real warehouse file and write the reports."""

from __future__ import annotations

import datetime as dt

import duckdb
import yaml
from dagster import materialize

from se_pipeline_assets.coaching import coaching_assets
from se_pipeline_assets.raw import raw_assets
from se_pipeline_assets.partitions import partitions_for
from se_pipeline_assets.resources import WarehouseResource
from se_pipeline.config import CustomerConfig, SalesEngineer, load_settings
from se_pipeline.demo.calls import write_calls

SES = [SalesEngineer(id="alice", name="Alice Chen", email="alice@example.com"),
       SalesEngineer(id="bob", name="Bob Diaz", email="bob@example.com")]
CUSTOMERS = [CustomerConfig(name="Acme Corp", domains=["acme.com"]), CustomerConfig(name="Globex", domains=["globex.com"])]
WEEK = dt.date(2026, 10, 5)


def test_coaching_assets_materialize_a_week(tmp_path):
    write_calls(tmp_path, 1, SES, CUSTOMERS, WEEK, WEEK + dt.timedelta(days=6))
    config = tmp_path / "se.yaml"
    config.write_text(yaml.safe_dump({
        "home": str(tmp_path / "home"),
        "company_domains": ["example.com"],
        "sales_engineers": [se.model_dump() for se in SES],
        "sources": {"calls": {"mode": "export", "path": str(tmp_path / "calls")}},
    }))
    database = str(tmp_path / "warehouse.duckdb")
    settings = load_settings(config)
    resources = {"settings": settings, "warehouse": WarehouseResource(database=database)}
    call_metrics, rep_skill_scores, coaching_reports = assets = coaching_assets(partitions_for(settings))
    assert {k.path[-1] for a in assets for k in a.keys} == {"call_metrics", "rep_skill_scores", "coaching_reports"}
    # the calls source's raw asset is built from the registry with the others
    raw_calls = next(a for a in raw_assets(partitions_for(settings).daily)
                     if {k.path[-1] for k in a.keys} == {"raw_calls", "raw_call_utterances"})

    for day in ("2026-10-06", "2026-10-08"):  # the two call days of the week
        assert materialize([raw_calls], partition_key=day, resources=resources).success
    result = materialize([call_metrics, rep_skill_scores, coaching_reports], partition_key=str(WEEK), resources=resources)
    assert result.success

    with duckdb.connect(database, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM call_metrics WHERE week_start = ?", [WEEK]).fetchone()[0] == 4
        reports = con.execute("SELECT se_id, path FROM coaching_reports ORDER BY se_id").fetchall()
    assert [r[0] for r in reports] == ["alice", "bob"]
    assert (tmp_path / "home" / "reports" / "coaching" / str(WEEK) / "alice.md").read_text().startswith("## 📈 Sales Coaching Report")
