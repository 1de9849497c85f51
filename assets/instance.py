"""The Dagster instance a run started by `se-pipeline` writes to.

Dagster's default SQLite storage creates an engine, opens the database and closes it again for every
event and every run update. Closing the last connection of a WAL database checkpoints it, so each of
a daily run's ~270 events cost ~35 ms of disk waits (against ~7 ms on a connection kept open).
These subclasses write the same files and tables as the default storage (the UI and the daemon read
them as usual) and keep one engine per database for the life of the instance. They are used only
for the CLI's own runs, one instance per run: the UI would keep a database open per run it shows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine

# Keys of dagster.yaml that choose a storage: an instance configured with any of them is used as configured.
_STORAGE_KEYS = ("storage", "run_storage", "event_log_storage", "schedule_storage")


def _engine(conn_string: str) -> Engine:
    # SQLAlchemy's default pool for a file: connections are kept, and may be used from the run's thread.
    return create_engine(conn_string, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})


class KeptOpenEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage (one database per run, and an index) with each database opened once."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: dict[str, Engine] = {}
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value: Any) -> KeptOpenEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = self._engines[shard] = _engine(self.conn_string_for_shard(shard))
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        super().dispose()
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()


class KeptOpenRunStorage(SqliteRunStorage):
    """SqliteRunStorage with its database opened once."""

    def __init__(self, conn_string: str, inst_data: ConfigurableClassData | None = None):
        self._engine = _engine(conn_string)
        super().__init__(conn_string, inst_data)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value: Any) -> KeptOpenRunStorage:
        return cls.from_local(inst_data=inst_data, **config_value)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        super().dispose()
        self._engine.dispose()


def open_instance() -> DagsterInstance:
    """The instance of $DAGSTER_HOME; when its dagster.yaml leaves storage to the default (SQLite in that
    folder, as the shipped one does), the same storage with its databases kept open."""
    home = Path(os.environ["DAGSTER_HOME"])
    try:
        config = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        config = {}
    if not isinstance(config, dict) or any(key in config for key in _STORAGE_KEYS):
        return DagsterInstance.get()
    # The default layout (dagster._core.storage.sqlite_storage): runs in history/, events in history/runs/.
    overrides: Any = {
        "run_storage": {"module": __name__, "class": KeptOpenRunStorage.__name__,
                        "config": {"base_dir": str(home / "history")}},
        "event_log_storage": {"module": __name__, "class": KeptOpenEventLogStorage.__name__,
                              "config": {"base_dir": str(home / "history" / "runs")}},
    }
    return DagsterInstance.from_ref(InstanceRef.from_dir(str(home), overrides=overrides))
