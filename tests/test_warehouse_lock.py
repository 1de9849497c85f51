"""Reading the warehouse while another process writes: the reader waits, says so, then reads."""

import subprocess
import sys

import duckdb
import pytest

from se_pipeline.errors import SePipelineError
from se_pipeline.warehouse import read_only_connection

HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def hold_write_lock(path, seconds: float) -> subprocess.Popen:
    writer = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "locked"
    return writer


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE activity AS SELECT 1 AS n")
    return path


def test_a_reader_waits_for_a_writer_and_says_so(warehouse, capsys):
    writer = hold_write_lock(warehouse, 1.5)
    with read_only_connection(str(warehouse), wait_seconds=30) as con:
        assert con.execute("SELECT n FROM activity").fetchall() == [(1,)]
    writer.wait()
    assert "waiting: a run is writing" in capsys.readouterr().err


def test_a_reader_gives_up_with_a_message_not_a_traceback(warehouse):
    writer = hold_write_lock(warehouse, 5)
    try:
        with pytest.raises(SePipelineError, match="locked by a running job"):
            with read_only_connection(str(warehouse), wait_seconds=1):
                pass
    finally:
        writer.kill()
