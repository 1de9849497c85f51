"""What a Python step reads, declared once beside the step: its Dagster deps are built from the declaration.

SQL models need none: their deps come from the tables their SQL names (core.py). A test
(tests/test_asset_graph.py) runs each step and checks the tables it queried against its upstream assets.
"""

from __future__ import annotations

from dagster import AssetKey


def reads(*tables: str) -> list[AssetKey]:
    """The deps of a step that queries `tables` (each a table, or an asset another step makes)."""
    return [AssetKey(table) for table in sorted(set(tables))]
