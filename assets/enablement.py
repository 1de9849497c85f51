"""Enablement and SE-artefact assets: feedback files (and a Notion feedback database) → raw tables →
feedback_themes + content_refresh (and the board); activity/opportunities/Notion blocks → product_gaps,
competitor_mentions, win_criteria (and their per-customer reports). Unpartitioned: each run reads the
inputs whole, as of the run's `se_pipeline/as_of` tag (`reports --week` sets it), else the default day.

Thin: every asset calls one se_pipeline function. Those that cluster text (scikit-learn, scipy) are
imported when their asset runs, so that loading the code location for the daily job does not import them.
"""


import datetime as dt
from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)

from se_pipeline_assets.lineage import reads
from se_pipeline_assets.metadata import table_metadata
from se_pipeline_assets.partitions import WAREHOUSE_POOL
from se_pipeline_assets.resources import SettingsParam, WarehouseResource
from se_pipeline.competitors import configured_aliases, configured_competitors
from se_pipeline.artifacts import write_reports
from se_pipeline.sources.feedback import FeedbackConnector, feedback_settings
from se_pipeline.config import Settings
from se_pipeline.models import contract_reads
from se_pipeline.runtime import default_day
from se_pipeline.warehouse import table_doc

FEEDBACK_TABLES = FeedbackConnector.tables
AS_OF_TAG = "se_pipeline/as_of"
_ACTIVITY_INPUTS = ("activity", "opportunities")
_CALLS = tuple(sorted(contract_reads("stg_calls") | contract_reads("stg_call_utterances")))


@multi_asset(
    name="raw_feedback_files",
    specs=[AssetSpec(t, group_name="enablement", kinds={"duckdb"},
                     description=f"{table_doc(t).description or 'feedback'} (sql/raw/{t}.sql)")
           for t in FEEDBACK_TABLES],
    pool=WAREHOUSE_POOL,
)
def raw_feedback_files(settings: SettingsParam, warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
    if "feedback" not in settings.enabled_sources():
        for table in FEEDBACK_TABLES:
            yield MaterializeResult(asset_key=table, metadata={"skipped": "the feedback source is off in the settings"})
        return
    from se_pipeline.sources.feedback import FeedbackConnector
    from se_pipeline.enablement import load_feedback

    with warehouse.connect() as con:
        report = load_feedback(con, FeedbackConnector(feedback_settings(settings)))
        for table in FEEDBACK_TABLES:
            yield MaterializeResult(
                asset_key=table,
                metadata={"rows_loaded": MetadataValue.int(report.rows.get(table, 0)),
                          "rows_quarantined": MetadataValue.int(report.quarantined), **table_metadata(con, table)},
            )


def _as_of(context: AssetExecutionContext, config: Settings) -> dt.date:
    tag = context.run.tags.get(AS_OF_TAG)
    return dt.date.fromisoformat(tag) if tag else default_day(config)


@multi_asset(
    name="enablement_board",
    specs=[
        AssetSpec("feedback_themes", group_name="enablement", kinds={"duckdb"},
                  deps=reads(*FEEDBACK_TABLES, *_CALLS, *_ACTIVITY_INPUTS),
                  description="Feedback clustered into prioritized themes (this and last quarter)"),
        AssetSpec("content_refresh", group_name="enablement", kinds={"duckdb", "csv", "markdown"},
                  deps=reads("feedback_themes"),
                  description="Content refresh plan and action board: <home>/specs/projects/<initiative>/sales/"),
    ],
    pool=WAREHOUSE_POOL,
)
def enablement_board(context: AssetExecutionContext, settings: SettingsParam, warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
    from se_pipeline.enablement import run_enablement

    feedback = feedback_settings(settings)
    as_of = _as_of(context, settings)
    with warehouse.connect() as con:
        result = run_enablement(con, feedback, settings.home, as_of, configured_aliases(settings))
        if result.missing:
            context.log.warning(f"enablement inputs missing: {', '.join(result.missing)}")
        yield MaterializeResult(
            asset_key="feedback_themes",
            metadata={"as_of": str(as_of), "themes": MetadataValue.int(len(result.themes)),
                      **table_metadata(con, "feedback_themes", "WHERE initiative = ?", [feedback.initiative])},
        )
        yield MaterializeResult(
            asset_key="content_refresh",
            metadata={"tasks": MetadataValue.int(len(result.tasks)), "board": MetadataValue.path(str(result.board_path)),
                      "missing_inputs": ", ".join(result.missing) or "none",
                      **table_metadata(con, "content_refresh", "WHERE initiative = ?", [feedback.initiative])},
        )


def _artifact_asset(kind: str, tables_read: tuple[str, ...], description: str, build):
    @asset(name=kind, deps=reads(*tables_read), pool=WAREHOUSE_POOL, group_name="se_artifacts", kinds={"duckdb", "markdown"},
           description=description)
    def _artifact(context: AssetExecutionContext, settings: SettingsParam, warehouse: WarehouseResource) -> MaterializeResult:
        with warehouse.connect() as con:
            rows = build(con, settings, _as_of(context, settings))
            files = write_reports(con, settings.home, kind, settings.company_domains)
            return MaterializeResult(
                metadata={"rows_written": MetadataValue.int(rows), "reports": MetadataValue.int(len(files)),
                          "folder": MetadataValue.path(str(settings.home / "reports" / "se" / kind)), **table_metadata(con, kind)}
            )

    return _artifact


def _product_gaps(con, config: Settings, as_of: dt.date) -> int:
    from se_pipeline.artifacts import build_product_gaps

    return build_product_gaps(con)


def _competitor_mentions(con, config: Settings, as_of: dt.date) -> int:
    from se_pipeline.artifacts import build_competitor_mentions

    return build_competitor_mentions(
        con, as_of, configured_competitors(config), feedback_settings(config).stale_after_days, configured_aliases(config)
    )


def _win_criteria(con, config: Settings, as_of: dt.date) -> int:
    from se_pipeline.artifacts import build_win_criteria

    return build_win_criteria(con, as_of)


def _win_plans(con, config: Settings, as_of: dt.date) -> int:
    from se_pipeline.artifacts import build_win_plans

    return build_win_plans(con, as_of)


def _qualifications(con, config: Settings, as_of: dt.date) -> int:
    from se_pipeline.artifacts import build_qualifications

    return build_qualifications(con)


# The contract views are read through their sources' raw tables.
_OPPORTUNITIES = tuple(sorted(contract_reads("stg_opportunities")))
_OPPORTUNITY_CONTENT = tuple(sorted(contract_reads("stg_opportunity_content")))
_FIELD_NOTES = tuple(sorted(contract_reads("stg_content_inventory") | contract_reads("stg_win_loss") | contract_reads("stg_feedback")))

product_gaps = _artifact_asset(
    "product_gaps", (*_ACTIVITY_INPUTS, "opportunity_content_latest", "thread_replies"),
    "Capabilities customers asked for that the product lacks, per customer: type, revenue share, their words",
    _product_gaps,
)
competitor_mentions = _artifact_asset(
    "competitor_mentions", (*_ACTIVITY_INPUTS, "opportunity_content_latest", *_FIELD_NOTES),
    "Competitors per customer, opportunity and month, and battlecards from the field (quotes, deals, freshness)",
    _competitor_mentions,
)
win_criteria = _artifact_asset(
    "win_criteria", ("opportunities", *_OPPORTUNITY_CONTENT, *_OPPORTUNITIES),
    "Technical-win / POC criteria per active opportunity; flags POCs without exit criteria, overdue or grown",
    _win_criteria,
)
win_plans = _artifact_asset(
    "win_plans", ("win_criteria", "product_gaps", "competitor_mentions", "signals", "opportunities"),
    "Technical win plan per active opportunity: criteria and status, decision framework, timeline, top 3 risks, next steps",
    _win_plans,
)
technical_qualification = _artifact_asset(
    "technical_qualification", ("product_gaps", "customers", "customer_stakeholders", "thread_replies", "signals", *contract_reads("stg_mail"), *_ACTIVITY_INPUTS),
    "Per New customer: their asks mapped to what we support and to recorded gaps, open questions, stakeholders",
    _qualifications,
)

enablement_assets = [
    raw_feedback_files, enablement_board, product_gaps, competitor_mentions, win_criteria, win_plans, technical_qualification,
]
