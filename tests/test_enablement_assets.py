"""The enablement and SE-artefact Dagster assets materialize against a real warehouse file (demo inputs)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from zoneinfo import ZoneInfo

import duckdb
import yaml
from dagster import materialize

from se_pipeline_assets.enablement import AS_OF_TAG, enablement_assets
from se_pipeline_assets.resources import WarehouseResource
from se_pipeline.config import load_settings
from se_pipeline.demo import ensure_demo_workspace
from se_pipeline.models import discover_models, run_model
from se_pipeline.sources.feedback import FeedbackSettings
from se_pipeline.warehouse import ensure_tables
from se_pipeline.window import Window


def test_enablement_assets_materialize_on_the_demo_workspace(tmp_path):
    home = tmp_path / "home"
    config = tmp_path / "se.yaml"
    feedback = FeedbackSettings.in_folder(ensure_demo_workspace(home).feedback_dir).model_dump(mode="json", exclude_none=True)
    config.write_text(yaml.safe_dump({"home": str(home), "company_domains": ["example.com"], "sources": {"feedback": feedback}}))
    database = str(tmp_path / "warehouse.duckdb")
    # What the core models would have made from the other sources: one POC and one customer question.
    with duckdb.connect(database) as con:
        con.execute(
            "CREATE TABLE opportunities AS SELECT 'p1' AS page_id, 'Acme Corp - Platform' AS name, 'Acme Corp' AS customer, "
            "'POC' AS stage, TRUE AS is_active, 'alice' AS se_id, 80000.0 AS amount, NULL::DATE AS close_date, "
            "'https://www.notion.so/p1' AS url, ?::JSON AS properties",
            [json.dumps({"POC end": "2026-10-15", "Competitors": ["Datadog"]})],
        )
        con.execute(
            "CREATE TABLE activity AS SELECT * FROM (VALUES "
            "('a1', DATE '2026-10-07', TIMESTAMPTZ '2026-10-07 10:00:00+00', 'slack', 'Acme Corp', 'alice', 'ext-acme', 'ext', TRUE, 'T1', FALSE, 'Dee', NULL, TRUE, FALSE, FALSE, NULL, NULL, 'Do you support OTLP over gRPC?', 'https://acme.slack.com/archives/C1/p1'),"
            "('a2', DATE '2026-10-07', TIMESTAMPTZ '2026-10-07 10:05:00+00', 'slack', 'Acme Corp', 'alice', 'ext-acme', 'ext', TRUE, 'T1', TRUE, 'Alice', NULL, FALSE, TRUE, FALSE, NULL, NULL, 'Not yet, it is on the roadmap.', 'https://acme.slack.com/archives/C1/p2')"
            ") AS t(activity_id, activity_date, sent_at, source, customer, se_id, channel, channel_kind, is_external_channel, "
            "thread_key, is_reply, author_name, author_email, author_is_external, author_is_se, is_bot, bot_name, subject, text, link)"
        )
        ensure_tables(con)
        for mart in ("opportunity_content_latest", "customer_stakeholders", "thread_replies"):  # the marts the artefacts read
            run_model(con, discover_models()[mart], Window.for_day(dt.date(2026, 10, 25), ZoneInfo("UTC")))
    resources = {"settings": load_settings(config), "warehouse": WarehouseResource(database=database)}
    keys = {k.path[-1] for a in enablement_assets for k in a.keys}
    assert keys == {"raw_feedback", "raw_win_loss", "raw_content_inventory", "raw_onboarding_metrics", "feedback_themes",
                    "content_refresh", "product_gaps", "competitor_mentions", "win_criteria", "win_plans",
                    "technical_qualification"}

    # `reports --week` tags the run with the week's last day: the board and the artefacts are as of that day.
    assert materialize(enablement_assets, resources=resources, tags={AS_OF_TAG: "2026-10-25"}).success

    sales = home / "specs" / "projects" / "field-enablement" / "sales"
    board = (sales / "enablement_feedback.md").read_text(encoding="utf-8")
    assert "## Prioritized themes" in board and "## Ramp risks" in board
    assert board.splitlines()[2].startswith("As of 2026-10-25 ")
    with (sales / "content_refresh.csv").open(encoding="utf-8") as handle:
        plan = list(csv.DictReader(handle))
    assert plan and len({(r["theme"], r["asset"]) for r in plan}) == len(plan)
    with duckdb.connect(database, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM feedback_themes").fetchone()[0] >= 3
        assert con.execute("SELECT capability, customer, revenue_at_stake FROM product_gaps").fetchall() == [("OTLP over gRPC", "Acme Corp", 80000.0)]
        assert con.execute("SELECT flags FROM win_criteria").fetchone()[0] == ["no exit criteria", "past end date"]
        assert con.execute("SELECT competitor, battlecard, battlecard_freshness FROM competitor_mentions").fetchall() == [
            ("Datadog", "Datadog battlecard", "stale")]
    assert (home / "reports" / "se" / "product_gaps" / "acme-corp.md").is_file()
    assert (home / "reports" / "se" / "win_criteria" / "acme-corp.md").is_file()
    plan = (home / "reports" / "se" / "win_plans" / "acme-corp.md").read_text(encoding="utf-8")
    assert "The POC ended on 2026-10-15 (10 days ago)" in plan and "Product gap (challenge): OTLP over gRPC" in plan
