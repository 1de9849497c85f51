"""Asset checks: keys are unique in raw and core tables; every digest bullet cites a source that exists."""

from __future__ import annotations

from dagster import AssetCheckResult, AssetCheckSeverity, asset_check

from assets.partitions import WAREHOUSE_POOL
from assets.resources import WarehouseResource

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
            duplicates = con.execute(
                f"SELECT {key}, count(*) AS n FROM {table} GROUP BY ALL HAVING count(*) > 1 LIMIT 5"
            ).fetchall()
        return AssetCheckResult(passed=not duplicates, metadata={"duplicate_examples": str(duplicates)})

    return _check


@asset_check(asset="digest_items", pool=WAREHOUSE_POOL, description="Every Todo and Things-to-know bullet links to the activity (or opportunity page) it came from, and that row exists.")
def digest_items_cite_existing_sources(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect() as con:
        uncited = con.execute(
            """
            SELECT se_id, digest_date::VARCHAR, customer, text
            FROM digest_items d
            WHERE section IN ('todo', 'know')
              AND (
                  link IS NULL
                  -- every cited activity exists …
                  OR EXISTS (SELECT 1 FROM unnest(d.activity_ids) AS u(id)
                             WHERE u.id NOT IN (SELECT activity_id FROM activity))
                  -- … and the link is one of theirs, or the opportunity page (for usage and stage facts)
                  OR (link NOT IN (SELECT a.link FROM activity a WHERE list_contains(d.activity_ids, a.activity_id))
                      AND link NOT IN (SELECT url FROM opportunities WHERE url IS NOT NULL))
              )
            LIMIT 10
            """
        ).fetchall()
    return AssetCheckResult(
        passed=not uncited,
        severity=AssetCheckSeverity.ERROR,
        metadata={"uncited_examples": str(uncited)},
    )


asset_checks = [unique_key_check(t, k) for t, k in UNIQUE_KEYS.items()] + [digest_items_cite_existing_sources]
