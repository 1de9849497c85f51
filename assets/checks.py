"""Asset checks: keys are unique in raw and core tables; every digest bullet cites a source that exists;
and the data's health, which no key enforces: quarantine share, each source's freshness, external
activity without a customer (se_pipeline.warehouse.health)."""

import datetime as dt
from collections.abc import Callable

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, asset_check

from se_pipeline_assets.partitions import WAREHOUSE_POOL
from se_pipeline_assets.resources import SettingsResource, WarehouseResource
from se_pipeline.warehouse import health, table_exists

RANGE_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")

UNIQUE_KEYS = {
    "raw_slack_messages": "message_key",
    "raw_slack_users": "user_id",
    "raw_slack_channels": "channel_id",
    "raw_gmail_messages": "message_key",
    "raw_notion_opportunities": "page_id, partition_date",
    "raw_notion_comments": "comment_id",
    "raw_usage": "customer, partition_date, metric",
    "raw_usage_reads": "source_path, partition_date",
    "activity": "activity_id",
    "customers": "customer",
    "opportunities": "page_id",
    "usage": "source_customer, usage_date, metric",
    "signals": "signal_id",
    "digests": "se_id, digest_date",
}


def unique_key_check(table: str, key: str):
    @asset_check(
        asset=table, name=f"{table}_key_is_unique", description=f"No two rows of {table} share ({key}).", pool=WAREHOUSE_POOL
    )
    def _check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.connect() as con:
            if not table_exists(con, table):  # its source is off and has never loaded: nothing can repeat
                return AssetCheckResult(passed=True, metadata={"skipped": f"{table} does not exist yet"})
            duplicates = con.execute(
                f"SELECT {key}, count(*) AS n FROM {table} GROUP BY ALL HAVING count(*) > 1 LIMIT 5"
            ).fetchall()
        return AssetCheckResult(passed=not duplicates, metadata={"duplicate_examples": str(duplicates)})

    return _check


@asset_check(asset="digest_items", pool=WAREHOUSE_POOL, description="Every Todo and Things-to-know bullet links to the activity (or opportunity page, or usage data) it came from, and that row exists.")
def digest_items_cite_existing_sources(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect() as con:
        uncited = con.execute(
            # Hash joins over the exploded citations: correlated subqueries per bullet took seconds on a season of digests.
            """
            WITH cited AS (
                SELECT c.rid,
                       bool_or(a.activity_id IS NULL) AS any_missing,  -- every cited activity exists …
                       bool_or(a.link = c.link) AS link_is_cited       -- … and the link is one of theirs
                FROM (SELECT rowid AS rid, link, unnest(activity_ids) AS id
                      FROM digest_items WHERE section IN ('todo', 'know')) c
                LEFT JOIN activity a ON a.activity_id = c.id
                GROUP BY c.rid
            )
            SELECT d.se_id, d.digest_date::VARCHAR, d.customer, d.text
            FROM digest_items d
            LEFT JOIN cited c ON c.rid = d.rowid
            -- stage facts cite the opportunity page
            LEFT JOIN (SELECT DISTINCT url FROM opportunities WHERE url IS NOT NULL) o ON o.url = d.link
            WHERE d.section IN ('todo', 'know')
              AND (d.link IS NULL
                   OR coalesce(c.any_missing, FALSE)
                   OR (NOT coalesce(c.link_is_cited, FALSE) AND o.url IS NULL
                       -- usage facts cite the usage rows (sql/macros.sql usage_link_backed)
                       AND NOT (c.rid IS NULL AND usage_link_backed(d.link))))
            LIMIT 10
            """
        ).fetchall()
    return AssetCheckResult(
        passed=not uncited,
        severity=AssetCheckSeverity.ERROR,
        metadata={"uncited_examples": str(uncited)},
    )


def run_days(context: AssetCheckExecutionContext) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day the run loaded: a range's tags, or its one partition; None when unpartitioned."""
    tags = context.run.tags
    first, last = tags.get(RANGE_TAGS[0]), tags.get(RANGE_TAGS[1])
    if not (first and last):
        first = last = tags.get("dagster/partition")
    try:
        return dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except (TypeError, ValueError):
        return None, None


def _result(found: health.Health) -> AssetCheckResult:
    return AssetCheckResult(passed=found.passed, severity=AssetCheckSeverity.WARN, metadata=found.metadata)


def _health_check(table: str, name: str, description: str, measure: Callable, source: str | None = None) -> Callable:
    """An asset check of `table` that reports measure(con, first_day, last_day); skipped while `source` is off."""

    @asset_check(asset=table, name=name, description=description, pool=WAREHOUSE_POOL)
    def _check(context: AssetCheckExecutionContext, settings: SettingsResource, warehouse: WarehouseResource) -> AssetCheckResult:
        if source is not None and source not in settings.load().enabled_sources():
            return AssetCheckResult(passed=True, metadata={"skipped": f"the {source} source is off in the settings"})
        with warehouse.connect() as con:
            return _result(measure(con, *run_days(context)))

    return _check


def source_checks(source: str, table: str) -> list:
    return [
        _health_check(
            table, f"{source}_quarantine_share",
            f"At most {health.QUARANTINE_SHARE:.0%} of the {source} records of the run's last day go to quarantine; "
            "more usually means the source's format changed.",
            lambda con, first, last: health.quarantine_share(con, source, last),
            source,
        ),
        _health_check(
            table, f"{source}_is_fresh",
            f"The newest {source} data is at most {health.FRESH_DAYS} days older than the last day the run loaded "
            "(an export that stopped, a token that lost access).",
            lambda con, first, last: health.freshness(con, source, last),
            source,
        ),
    ]


external_activity_has_customers = _health_check(
    "activity", "activity_external_rows_have_a_customer",
    f"At most {health.UNRESOLVED_SHARE:.0%} of what people outside the company wrote in the run's days has no customer "
    "(a missing alias, domain or channel name: add it under customers in the settings).",
    health.unresolved_external_activity,
)

asset_checks = [
    *(unique_key_check(t, k) for t, k in UNIQUE_KEYS.items()),
    digest_items_cite_existing_sources,
    *(check for source, table in health.SOURCE_TABLES.items() for check in source_checks(source, table)),
    external_activity_has_customers,
]
