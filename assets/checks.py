"""Asset checks: keys are unique in raw and core tables; every digest bullet cites a source that exists;
and the data's health, which no key enforces: quarantine share, each source's freshness, external
activity without a customer (se_pipeline.warehouse.health)."""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import duckdb
from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, multi_asset_check

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


@dataclass(frozen=True)
class DataCheck:
    """One check of the data: `measure(con, (first, last) day of the run)` says whether it passes."""

    spec: AssetCheckSpec
    measure: Callable[[duckdb.DuckDBPyConnection, tuple[dt.date | None, dt.date | None]], AssetCheckResult]
    source: str | None = None  # skipped while this source is off


def unique_key(table: str, key: str) -> DataCheck:
    def measure(con: duckdb.DuckDBPyConnection, days: tuple) -> AssetCheckResult:
        if not table_exists(con, table):  # its source is off and has never loaded: nothing can repeat
            return AssetCheckResult(passed=True, metadata={"skipped": f"{table} does not exist yet"})
        duplicates = con.execute(
            f"SELECT {key}, count(*) AS n FROM {table} GROUP BY ALL HAVING count(*) > 1 LIMIT 5"
        ).fetchall()
        return AssetCheckResult(passed=not duplicates, metadata={"duplicate_examples": str(duplicates)})

    return DataCheck(AssetCheckSpec(f"{table}_key_is_unique", asset=table, description=f"No two rows of {table} share ({key})."),
                     measure)


def uncited_digest_items(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Up to ten Todo / Things-to-know bullets whose link is not one of their sources' (se, day, customer, text)."""
    return con.execute(
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


digest_items_cite_existing_sources = DataCheck(
    AssetCheckSpec("digest_items_cite_existing_sources", asset="digest_items",
                   description="Every Todo and Things-to-know bullet links to the activity (or opportunity page, or usage "
                               "data) it came from, and that row exists."),
    lambda con, days: AssetCheckResult(
        passed=not (uncited := uncited_digest_items(con)), severity=AssetCheckSeverity.ERROR,
        metadata={"uncited_examples": str(uncited)}),
)


def run_days(context: AssetCheckExecutionContext) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day the run loaded: a range's tags, or its one partition; None when unpartitioned."""
    tags = context.run.tags
    first, last = tags.get(RANGE_TAGS[0]), tags.get(RANGE_TAGS[1])
    if not (first and last):
        first = last = tags.get("dagster/partition")
    if not (first and last):
        return None, None
    try:
        return dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except ValueError:
        return None, None


def _result(found: health.Health) -> AssetCheckResult:
    return AssetCheckResult(passed=found.passed, severity=AssetCheckSeverity.WARN, metadata=found.metadata)


def source_checks(source: str, table: str) -> list[DataCheck]:
    return [
        DataCheck(
            AssetCheckSpec(f"{source}_quarantine_share", asset=table, description=(
                f"At most {health.QUARANTINE_SHARE:.0%} of the {source} records of the run's last day go to quarantine; "
                "more usually means the source's format changed.")),
            lambda con, days: _result(health.quarantine_share(con, source, days[1])),
            source,
        ),
        DataCheck(
            AssetCheckSpec(f"{source}_is_fresh", asset=table, description=(
                f"The newest {source} data is at most {health.FRESH_DAYS} days older than the last day the run loaded "
                "(an export that stopped, a token that lost access).")),
            lambda con, days: _result(health.freshness(con, source, days[1])),
            source,
        ),
    ]


external_activity_has_customers = DataCheck(
    AssetCheckSpec("activity_external_rows_have_a_customer", asset="activity", description=(
        f"At most {health.UNRESOLVED_SHARE:.0%} of what people outside the company wrote in the run's days has no "
        "customer (a missing alias, domain or channel name: add it under customers in the settings).")),
    lambda con, days: _result(health.unresolved_external_activity(con, *days)),
)

DATA_CHECKS = {
    check.spec.key: check
    for check in (
        *(unique_key(t, k) for t, k in UNIQUE_KEYS.items()),
        digest_items_cite_existing_sources,
        *(check for source, table in health.SOURCE_TABLES.items() for check in source_checks(source, table)),
        external_activity_has_customers,
    )
}


# One step for every check the run selects, on one connection: a step each cost more than the checks.
@multi_asset_check(name="data_checks", specs=[c.spec for c in DATA_CHECKS.values()], can_subset=True, pool=WAREHOUSE_POOL)
def data_checks(context: AssetCheckExecutionContext, settings: SettingsResource,
                warehouse: WarehouseResource) -> Iterator[AssetCheckResult]:
    days = run_days(context)
    enabled = settings.load().enabled_sources()
    with warehouse.connect() as con:
        for key in sorted(context.selected_asset_check_keys, key=lambda k: (k.asset_key.to_string(), k.name)):
            check = DATA_CHECKS[key]
            if check.source is not None and check.source not in enabled:
                result = AssetCheckResult(passed=True, metadata={"skipped": f"the {check.source} source is off in the settings"})
            else:
                result = check.measure(con, days)
            yield result._replace(asset_key=key.asset_key, check_name=key.name)


asset_checks = [data_checks]
