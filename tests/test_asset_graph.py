"""Every table a step reads comes from an asset upstream of it in the loaded graph: no missing edge.

SQL models are checked against the tables their SQL names. Every step (Python or SQL) is also run on
the demo with DuckDB's own query log on, and the tables its queries name are checked against its
upstream assets, so a Python step whose declared reads fall behind its code fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from dagster import AssetKey, AssetSelection, DagsterEventType, DagsterInstance, materialize

from se_pipeline.config import load_settings
from se_pipeline.demo import ensure_demo_settings
from se_pipeline.models import contract_reads, discover_models
from se_pipeline.sources import CONTRACTS
from se_pipeline_assets.definitions import build_definitions
from se_pipeline_assets.resources import WarehouseResource
from se_pipeline_assets.schedules import DAILY_GROUPS

DAY, WEEK = "2026-10-31", "2026-10-26"  # the demo's last day, and its week (Monday)
_NAMED = re.compile(r"\b(?:FROM|JOIN)\s+\"?([A-Za-z_]\w*)", re.IGNORECASE)
# A macro's or a contract view's body is read where it is called or queried (a view: its sources' tables).
_MACRO = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:MACRO|VIEW)\b", re.IGNORECASE)


class QueryLoggingWarehouse(WarehouseResource):
    """The warehouse with DuckDB's QueryLog on: each connect() block's queries, and when it began."""

    sessions: list = []  # class-level: the resource is copied per run; [(opened at, [query, …])]

    @contextmanager
    def connect(self, keep: bool = True) -> Iterator:
        import time

        with super().connect(keep) as con:
            opened = time.time()
            # The run's steps share a connection: each block's log starts empty.
            con.execute("CALL enable_logging('QueryLog')")
            con.execute("CALL truncate_duckdb_logs()")
            try:
                yield con
            finally:
                queries = [r[0] for r in con.execute("SELECT message FROM duckdb_logs WHERE type = 'QueryLog'").fetchall()]
                QueryLoggingWarehouse.sessions.append((opened, queries))


def _parents(graph, keys) -> set[str]:
    return {parent.to_user_string() for key in keys for parent in graph.get(key).parent_keys} - {k.to_user_string() for k in keys}


def test_each_sql_model_depends_on_every_asset_its_sql_reads(demo_settings):
    defs = build_definitions(demo_settings)
    graph = defs.resolve_asset_graph()
    assets = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for model in discover_models().values():
        missing = (model.reads & assets) - _parents(graph, [AssetKey(model.name)])
        assert not missing, f"{model.name} reads {sorted(missing)} but does not depend on them"


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory):
    return load_settings(ensure_demo_settings(tmp_path_factory.mktemp("home")))


def _queries_by_step(defs, instance: DagsterInstance, selection: AssetSelection,
                     partition_key: str | None) -> dict[str, tuple[set[AssetKey], list[str]]]:
    """Run `selection` on one connection log; each step's assets (those it materialized) and the queries of the
    connect() blocks it opened."""
    QueryLoggingWarehouse.sessions = []
    resources = {**defs.resources, "warehouse": QueryLoggingWarehouse(database=defs.resources["warehouse"].database)}
    result = materialize(list(defs.assets), selection=selection, partition_key=partition_key, resources=resources,
                         instance=instance)
    assert result.success
    logs = instance.all_logs(result.run_id)
    starts = sorted((entry.timestamp, entry.step_key) for entry in logs if entry.dagster_event_type == DagsterEventType.STEP_START)
    found: dict[str, tuple[set[AssetKey], list[str]]] = {step: (set(), []) for _, step in starts}
    for entry in logs:
        if entry.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION:
            found[entry.step_key][0].add(entry.dagster_event.asset_key)
    for opened, queries in QueryLoggingWarehouse.sessions:
        step = [step for started, step in starts if started <= opened][-1]  # steps run one at a time, in process
        found[step][1].extend(queries)
    return found


def test_each_step_depends_on_every_asset_its_queries_read(demo_settings):
    defs = build_definitions(demo_settings)
    graph = defs.resolve_asset_graph()
    assets = {key.to_user_string() for key in graph.get_all_asset_keys()}
    instance = DagsterInstance.ephemeral()
    queried: dict[str, tuple[set[AssetKey], list[str]]] = {}
    queried.update(_queries_by_step(defs, instance, AssetSelection.groups(*DAILY_GROUPS), DAY))
    queried.update(_queries_by_step(defs, instance, AssetSelection.groups("coaching") - AssetSelection.assets("raw_calls", "raw_call_utterances"), WEEK))
    queried.update(_queries_by_step(defs, instance, AssetSelection.groups("enablement", "se_artifacts"), None))
    # most steps query the warehouse: the log did see them
    assert sum(1 for _, queries in queried.values() if queries) > 15, sorted(queried)

    missing = {}
    for step, (step_assets, queries) in queried.items():
        named = {name.lower() for query in queries if not _MACRO.match(query) for name in _NAMED.findall(query)}
        read = (named | {t for view in named & set(CONTRACTS) for t in contract_reads(view)}) & assets
        absent = read - _parents(graph, step_assets) - {k.to_user_string() for k in step_assets}
        if absent:
            missing[step] = sorted(absent)
    assert not missing, f"steps read assets they do not depend on: {missing}"
