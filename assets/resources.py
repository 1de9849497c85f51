"""Resources: the run's settings (one object, given to build_definitions) and the warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import duckdb
from dagster import ConfigurableResource, InitResourceContext, ResourceParam
from pydantic import PrivateAttr

from se_pipeline import interrupt, warehouse
from se_pipeline_assets.recovery import recover_dead_runs, tag_with_this_process
from se_pipeline.config import Settings

# The `settings` resource: the Settings object build_definitions was given, read once where the
# Definitions are built (the CLI, or the code location's `defs`), never by a step.
SettingsParam = ResourceParam[Settings]


class WarehouseResource(ConfigurableResource):
    """The DuckDB warehouse (a file path or an md: connection string). A run's steps share one connection, kept
    open from step to step (opening and closing DuckDB cost more than most steps' work) and let go of while a
    source is extracted; when a run's steps are done its state is published as the snapshot readers use."""

    database: str
    _opened: bool = PrivateAttr(default=False)
    _held: ExitStack | None = PrivateAttr(default=None)
    _con: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    @contextmanager
    def connect(self, keep: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """The warehouse for writing; `keep=False`: let go of it after this block (an extraction follows)."""
        interrupt.check()  # Ctrl-C in `se-pipeline run`: no new step starts writing
        self._opened = True
        if self._con is None:
            self._held = ExitStack()
            self._con = self._held.enter_context(warehouse.connect(self.database))
        try:
            yield self._con
        except BaseException:
            self.release()  # a failed step's connection is not handed to the next
            raise
        if not keep:
            self.release()

    def release(self) -> None:
        """Close the connection, so that other processes may open the warehouse."""
        held, self._held, self._con = self._held, None, None
        if held is not None:
            held.close()

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
        self.release()
        if self._opened:
            published = warehouse.publish_snapshot(self.database)
            if published is not None and context.log is not None:
                context.log.info(f"published the warehouse for readers: {published}")
