"""Readers never break a run: a writer waits for a reader (and names it), readers of the published
snapshot never hold the file a run writes, and the duckdb CLI a user installs reads both files."""

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from se_pipeline.cli import main as cli
from se_pipeline.config import CONFIG_ENV
from se_pipeline.errors import SePipelineError
from se_pipeline.warehouse import connect, publish_snapshot, read_only_connection, snapshot_path

# A reader that counts, holds its connection for a while, counts again, and prints both.
READER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
first = con.execute(sys.argv[3]).fetchall()[0][0]
print("open", first, flush=True)
time.sleep(float(sys.argv[2]))
print("done", first, con.execute(sys.argv[3]).fetchall()[0][0], flush=True)
con.close()
"""


def hold_open(path, seconds: float, sql: str = "SELECT count(*) FROM activity") -> tuple[subprocess.Popen, int]:
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path), str(seconds), sql], stdout=subprocess.PIPE, text=True)
    word, count = reader.stdout.readline().split()
    assert word == "open"
    return reader, int(count)


def finished(reader: subprocess.Popen) -> tuple[int, int]:
    out, _ = reader.communicate(timeout=120)
    _, first, last = out.split()
    return int(first), int(last)


@pytest.fixture
def warehouse(tmp_path) -> str:
    path = str(tmp_path / "warehouse.duckdb")
    with connect(path) as con:
        con.execute("CREATE TABLE activity AS SELECT range AS n FROM range(3)")
    return path


def test_a_writer_waits_for_a_reader_and_names_it(warehouse, caplog):
    reader, _ = hold_open(warehouse, 1.5)
    with caplog.at_level(logging.WARNING), connect(warehouse, wait_seconds=30) as con:
        con.execute("INSERT INTO activity VALUES (3)")
    assert finished(reader) == (3, 3)
    assert f"PID {reader.pid}" in caplog.text and "-c" in caplog.text


def test_a_writer_gives_up_in_one_line_naming_the_holder(warehouse):
    reader, _ = hold_open(warehouse, 10)
    try:
        with pytest.raises(SePipelineError, match=rf"held by PID {reader.pid} .*waited 1s") as raised:
            with connect(warehouse, wait_seconds=1):
                pass
        assert "\n" not in str(raised.value) and str(snapshot_path(warehouse)) in str(raised.value)
    finally:
        reader.kill()


def test_while_a_run_writes_readers_get_the_snapshot_at_once(warehouse, capsys):
    publish_snapshot(warehouse)
    with connect(warehouse) as writer:
        writer.execute("INSERT INTO activity VALUES (3)")
        # Another process reading now: it must not wait for the writer.
        code = subprocess.run(
            [sys.executable, "-c", "import sys; from se_pipeline.warehouse import read_only_connection as r\n"
             "with r(sys.argv[1], wait_seconds=0) as c: print(c.execute('SELECT count(*) FROM activity').fetchall()[0][0])",
             warehouse], capture_output=True, text=True, timeout=60)
    assert code.returncode == 0 and code.stdout.strip() == "3"
    assert "reading the snapshot its last run published" in code.stderr
    with read_only_connection(warehouse) as con:  # the writer is gone: the live file, with the new row
        assert con.execute("SELECT count(*) FROM activity").fetchall() == [(4,)]


def test_a_snapshot_reader_keeps_its_copy_while_the_next_is_published(warehouse):
    publish_snapshot(warehouse)
    reader, before = hold_open(snapshot_path(warehouse), 1.5)
    with connect(warehouse) as con:
        con.execute("INSERT INTO activity VALUES (3), (4)")
    publish_snapshot(warehouse)
    assert finished(reader) == (before, before) == (3, 3)
    with duckdb.connect(str(snapshot_path(warehouse)), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM activity").fetchall() == [(5,)]


def test_the_duckdb_cli_reads_the_warehouse_and_its_snapshot(warehouse):
    shell = shutil.which("duckdb", path=str(Path(sys.executable).parent)) or shutil.which("duckdb")
    assert shell, "the duckdb CLI (pip install duckdb-cli) is part of the dev install"
    publish_snapshot(warehouse)
    for path in (warehouse, str(snapshot_path(warehouse))):
        shown = subprocess.run([shell, "-readonly", "-csv", path, "-c", "SELECT count(*) AS n FROM activity"],
                               capture_output=True, text=True, timeout=60)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.split() == ["n", "3"]


@pytest.fixture
def demo_home(tmp_path, monkeypatch):
    monkeypatch.setenv("SE_PIPELINE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv(CONFIG_ENV, "")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return tmp_path / "home"


def test_a_run_completes_while_a_reader_holds_the_warehouse_for_30_seconds(demo_home, capsys):
    """The README's `duckdb -readonly` on the live file, or a notebook: the run waits and completes, and
    the reader's answers stay those of the moment it opened; snapshot readers are not waited for at all."""
    assert cli(["run", "--date", "2026-10-05"]) == 0  # an early day: a short first run
    database = str(demo_home / "warehouse.duckdb")
    live_reader, before = hold_open(database, 30)
    snapshot_reader, _ = hold_open(snapshot_path(database), 35)
    assert cli(["run", "--date", "2026-10-06"]) == 0
    assert finished(live_reader) == (before, before)
    assert finished(snapshot_reader) == (before, before)
    capsys.readouterr()
    assert cli(["query", "SELECT count(*) AS n FROM activity", "--format", "csv"]) == 0
    after = int(capsys.readouterr().out.split()[-1])
    assert after > before
    assert os.path.getmtime(snapshot_path(database)) >= os.path.getmtime(database) - 1
