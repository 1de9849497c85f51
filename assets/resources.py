"""Resources: the settings file and the warehouse, as Dagster ConfigurableResources."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from dagster import ConfigurableResource, InitResourceContext
from pydantic import Field, PrivateAttr

from se_pipeline import interrupt, warehouse
from se_pipeline_assets.recovery import recover_dead_runs, tag_with_this_process
from se_pipeline.config import CONFIG_ENV, Settings
from se_pipeline.models import prepare
from se_pipeline.runtime import load_runtime_settings


class SettingsResource(ConfigurableResource):
    """The se-pipeline settings file; empty means $SE_PIPELINE_CONFIG, else the demo workspace."""

    config_path: str = Field(default_factory=lambda: os.environ.get(CONFIG_ENV, ""))
    _loaded: Settings | None = PrivateAttr(default=None)

    def load(self) -> Settings:
        # Read once per run (the in-process executor shares the resource between steps), not once per step.
        if self._loaded is None:
            self._loaded = load_runtime_settings(self.config_path or None)
        return self._loaded


class WarehouseResource(ConfigurableResource):
    """The DuckDB warehouse (a file path or an md: connection string). Writers hold it only while they write,
    and when a run's steps are done its state is published as the snapshot readers use."""

    database: str
    _opened: bool = PrivateAttr(default=False)

    _prepared: bool = PrivateAttr(default=False)

    @contextmanager
    def connect(self, prepared_for: Settings | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """The warehouse for writing; with `prepared_for`, its raw tables, settings tables and macros made
        (models.prepare) once per run, before the first step that needs them."""
        interrupt.check()  # Ctrl-C in `se-pipeline run`: no new step starts writing
        self._opened = True
        with warehouse.connect(self.database) as con:
            if prepared_for is not None and not self._prepared:
                prepare(con, prepared_for)
                self._prepared = True
            yield con

    def setup_for_execution(self, context: InitResourceContext) -> None:
        # Before any step of this run claims a slot of the warehouse pool: runs killed earlier give theirs back.
        if context.instance is None or context.run is None:
            return
        tag_with_this_process(context.instance, context.run.run_id)
        for line in recover_dead_runs(context.instance, context.run.run_id):
            if context.log is not None:
                context.log.warning(line)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        # Once per run with the in-process executor (per step with others): readers then see whole runs.
        if self._opened:
            published = warehouse.publish_snapshot(self.database)
            if published is not None and context.log is not None:
                context.log.info(f"published the warehouse for readers: {published}")
