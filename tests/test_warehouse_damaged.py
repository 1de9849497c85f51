"""A warehouse file cut short (a full disk, a copy stopped half way) is named in one line with how to
get it back, by every command that opens it, never a DuckDB traceback."""

from __future__ import annotations

import os

import duckdb
import pytest

from se_pipeline.cli import main as cli
from se_pipeline.errors import SePipelineError
from se_pipeline.warehouse import connect, read_only_connection


def cut_short(path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) // 3)


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "home" / "warehouse.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE activity AS SELECT range AS n, repeat('x', 40) AS text FROM range(50000)")
    cut_short(path)
    return path


@pytest.mark.parametrize("opening", [connect, read_only_connection])
def test_opening_a_warehouse_cut_short_says_which_file_and_how_to_recover(warehouse, opening):
    with pytest.raises(SePipelineError) as error:
        with opening(str(warehouse)):
            pass
    message = str(error.value)
    assert "\n" not in message and str(warehouse) in message and "damaged" in message
    assert "restore it from a backup" in message and "se-pipeline backfill" in message


def test_the_snapshot_is_offered_when_there_is_one(warehouse):
    (warehouse.parent / "read").mkdir()
    (warehouse.parent / "read" / "warehouse.duckdb").write_bytes(b"")
    with pytest.raises(SePipelineError, match=r"or from the snapshot .*read/warehouse\.duckdb"):
        with connect(str(warehouse)):
            pass


def test_query_on_a_warehouse_cut_short_is_one_line_and_status_2(warehouse, tmp_path, capsys, monkeypatch):
    for name in ("SE_PIPELINE_CONFIG", "SE_PIPELINE_HOME", "DAGSTER_HOME"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "se-pipeline.yaml"
    config.write_text(f"home: {warehouse.parent}\n")
    assert cli(["--config", str(config), "query", "SELECT count(*) FROM activity"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("se-pipeline: the warehouse ") and "\n" not in err and "Traceback" not in err
