"""Asset checks: keys are unique in raw and core tables; every digest bullet cites a source that exists."""

from __future__ import annotations

from dagster import AssetCheckResult, AssetCheckSeverity, asset_check

from se_pipeline_assets.partitions import WAREHOUSE_POOL
from se_pipeline_assets.resources import WarehouseResource
from se_pipeline.warehouse import table_exists

UNIQUE_KEYS = {
    "raw_slack_messages": "message_key",
    "raw_slack_users": "user_id",
    "raw_slack_channels": "channel_id",
    "raw_gmail_messages": "message_key",
    "raw_notion_opportunities": "page_id, partition_date",
    "raw_notion_comments": "comment_id",
    "raw_usage": "customer, partition_date, metric",
    "activity": "activity_id",
    "customers": "customer",
    "opportunities": "page_id",
    "usage": "customer, usage_date, metric",
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


@asset_check(asset="digest_items", pool=WAREHOUSE_POOL, description="Every Todo and Things-to-know bullet links to the activity (or opportunity page) it came from, and that row exists.")
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
            -- usage and stage facts cite the opportunity page
            LEFT JOIN (SELECT DISTINCT url FROM opportunities WHERE url IS NOT NULL) o ON o.url = d.link
            WHERE d.section IN ('todo', 'know')
              AND (d.link IS NULL
                   OR coalesce(c.any_missing, FALSE)
                   OR (NOT coalesce(c.link_is_cited, FALSE) AND o.url IS NULL))
            LIMIT 10
            """
        ).fetchall()
    return AssetCheckResult(
        passed=not uncited,
        severity=AssetCheckSeverity.ERROR,
        metadata={"uncited_examples": str(uncited)},
    )


asset_checks = [unique_key_check(t, k) for t, k in UNIQUE_KEYS.items()] + [digest_items_cite_existing_sources]
