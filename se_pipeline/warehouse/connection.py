"""Opening the warehouse so that readers never break a run.

DuckDB lets one process write a file, and a process holding it open (even read-only) keeps
writers out. So:

* a writer (`connect`) retries the lock for up to `WRITER_WAIT_SECONDS`, logging which process
  holds it, and then fails with one line naming that process;
* when a run's writing ends, `publish_snapshot` copies the checkpointed file to
  `<folder>/read/<name>` and renames it into place: a reader that opened the previous snapshot keeps
  reading it whole, and long readers (notebooks, the duckdb CLI) open the snapshot, never the file
  the 06:00 run writes;
* `read_only_connection` (`se-pipeline query`, `digest`) opens the live file while no one writes
  it, and the snapshot while a run does (it waits only when there is no snapshot yet).

Files are written in a storage version the `duckdb` CLI 1.5 reads (`pip install duckdb-cli`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from se_pipeline.errors import SePipelineError
from se_pipeline.processes import owned_name, remove_orphans

log = logging.getLogger(__name__)

_LOCK_HINTS = ("Could not set lock", "Conflicting lock", "lock on file")
_HOLDER = re.compile(r"Conflicting lock is held in (?P<exe>.+?) \(PID (?P<pid>\d+)\)")
# The oldest format that has what the warehouse uses; newer DuckDB reads it, and so does the duckdb CLI 1.5.
STORAGE_VERSION = "v1.5.0"
# Every connection a process makes to one file must use the same settings (DuckDB refuses otherwise).
_CONFIG: dict[str, str | bool | int | float | list[str]] = {"storage_compatibility_version": STORAGE_VERSION}
WRITER_WAIT_SECONDS = 600.0
READER_WAIT_SECONDS = 120.0
SNAPSHOT_FOLDER = "read"


def _is_local(database: str) -> bool:
    return database != ":memory:" and not database.startswith("md:")


def snapshot_path(database: str) -> Path:
    """Where readers find the copy published at the end of the last run's writing."""
    path = Path(database)
    return path.parent / SNAPSHOT_FOLDER / path.name


def _is_lock_error(exc: duckdb.Error) -> bool:
    return isinstance(exc, duckdb.IOException) and any(h in str(exc) for h in _LOCK_HINTS)


def lock_holder(exc: duckdb.Error) -> str:
    """The process named in DuckDB's lock error, with its command line when the system shows it."""
    found = _HOLDER.search(str(exc))
    if not found:
        return "another process"
    pid = found["pid"]
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:  # not Linux, or the process just ended
        command = found["exe"]
    command = " ".join(command.split())  # one line, whatever `python -c` held
    if len(command) > 120:
        command = command[:117] + "…"
    return f"PID {pid} ({command})"


def damaged(database: str, exc: duckdb.Error) -> SePipelineError:
    """One line for a warehouse file DuckDB cannot open (cut short by a full disk or a copy, overwritten):
    which file, what DuckDB said, and how to get it back."""
    said = " ".join(str(exc).split())[:200]
    snapshot = snapshot_path(database)
    restore = f"restore it from a backup or from the snapshot {snapshot}" if snapshot.exists() else "restore it from a backup"
    return SePipelineError(
        f"the warehouse {database} is damaged and cannot be opened ({said}): {restore}, or move it aside and "
        "rebuild it with `se-pipeline backfill --start <start_date> --end <last day>`"
    )


def _open(database: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    """duckdb.connect; a file that is no readable DuckDB database is a SePipelineError (lock errors pass)."""
    try:
        return duckdb.connect(database, read_only=read_only, config=_CONFIG)
    except duckdb.Error as exc:
        if _is_lock_error(exc) or not isinstance(exc, (duckdb.IOException, duckdb.SerializationException,
                                                            duckdb.InternalException, duckdb.InvalidInputException)):
            raise
        raise damaged(database, exc) from None


def _connect_waiting(database: str, read_only: bool, wait_seconds: float, on_wait) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, retrying while another process holds the lock; on_wait(holder) is called once."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.1
    told = False
    while True:
        try:
            return _open(database, read_only)
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise
            holder = lock_holder(exc)
            if time.monotonic() >= deadline:
                raise SePipelineError(
                    f"the warehouse {database} is held by {holder}; waited {wait_seconds:.0f}s for it: "
                    f"close that session (long reads belong on {snapshot_path(database)}) and run again"
                ) from None
            if not told:
                on_wait(holder)
                told = True
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


@contextmanager
def connect(database: str, wait_seconds: float = WRITER_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, closed on exit. While another process holds the file, retry up to `wait_seconds`."""
    if _is_local(database):
        Path(database).parent.mkdir(parents=True, exist_ok=True)

    def told(holder: str) -> None:
        log.warning("waiting for %s to let go of the warehouse %s (up to %.0fs)", holder, database, wait_seconds)

    con = _connect_waiting(database, False, wait_seconds, told) if _is_local(database) else duckdb.connect(database)
    try:
        yield con
    finally:
        con.close()


# Connections inside a `transaction` block (by id: a connection is alive while its block is open).
# DuckDB has no nested transactions, and a BEGIN inside one aborts it, so an inner block must know.
_IN_TRANSACTION: set[int] = set()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All statements inside commit together, or none do (the error is re-raised). Inside another
    `transaction` on the same connection, the block is part of that one, which commits or rolls back."""
    if id(con) in _IN_TRANSACTION:
        yield
        return
    con.execute("BEGIN TRANSACTION")
    _IN_TRANSACTION.add(id(con))
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        _IN_TRANSACTION.discard(id(con))
    con.execute("COMMIT")


def publish_snapshot(database: str) -> Path | None:
    """Copy the warehouse, as its last commit left it, to snapshot_path() for readers.

    The copy is made while holding the write lock (so no writer changes the file meanwhile) and then
    renamed over the previous snapshot, which readers that still have it open keep reading.
    """
    if not _is_local(database) or not Path(database).exists():
        return None
    target = snapshot_path(database)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_orphans(target.parent)  # a copy a killed run left half written
    scratch = target.with_name(owned_name(f".{target.name}", "tmp"))
    with connect(database) as con:
        con.execute("CHECKPOINT")  # everything committed is in the main file, none in the WAL
        shutil.copyfile(database, scratch)
    os.replace(scratch, target)
    return target


def _try_live(database: str) -> duckdb.DuckDBPyConnection | None:
    try:
        return _open(database, read_only=True)
    except duckdb.Error as exc:
        if _is_lock_error(exc):
            return None
        raise


@contextmanager
def read_only_connection(database: str, wait_seconds: float = READER_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection: the live file while no run writes it, else the last published snapshot.

    With no snapshot yet, wait (telling stderr) up to `wait_seconds` for the writer.
    """
    con: duckdb.DuckDBPyConnection | None
    if not _is_local(database):
        con = duckdb.connect(database, read_only=True)
    else:
        if not Path(database).exists():
            raise SePipelineError(f"no warehouse at {database} yet: run `se-pipeline run` first")
        con = _try_live(database)
        snapshot = snapshot_path(database)
        if con is None and snapshot.exists():
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(snapshot.stat().st_mtime))
            print(f"a run is writing to {database}: reading the snapshot its last run published ({stamp})", file=sys.stderr)
            con = _open(str(snapshot), read_only=True)
        elif con is None:

            def told(holder: str) -> None:
                print(f"waiting: a run is writing to {database} ({holder})…", file=sys.stderr)

            try:
                con = _connect_waiting(database, True, wait_seconds, told)
            except SePipelineError:
                raise SePipelineError(
                    f"the warehouse {database} is locked by a running job; tried for {wait_seconds:.0f}s, try again later"
                ) from None
    try:
        yield con
    finally:
        con.close()
