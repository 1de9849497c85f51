"""`se-pipeline query` on a small warehouse of invented rows: it reads, it cannot touch files, and it
prints dates as dates."""

import csv
import io
import json

import pytest

from se_pipeline.cli import main as cli
from se_pipeline.config import CONFIG_ENV
from se_pipeline.warehouse import connect


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv(CONFIG_ENV, "")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("SE_PIPELINE_HOME", raising=False)
    home = tmp_path / "home"
    with connect(str(home / "warehouse.duckdb")) as con:
        con.execute(
            "CREATE TABLE signals AS SELECT * FROM (VALUES "
            "('s1', DATE '2026-03-02', TIMESTAMPTZ '2026-03-02 09:30:00+00', 'https://chat.example/archives/C1/p1', 2), "
            "('s2', DATE '2026-03-03', NULL, NULL, NULL)"
            ") AS t(signal_id, raised_on, raised_at, link, age)"
        )
    path = tmp_path / "cfg.yaml"
    path.write_text(f"home: {home}\ntimezone: UTC\n")
    return path


def query(config, capsys, *args) -> tuple[int, str, str]:
    code = cli(["--config", str(config), "query", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_dates_print_as_dates_and_links_unescaped_in_json(config, capsys):
    code, out, _ = query(config, capsys, "SELECT signal_id, raised_on, link FROM signals ORDER BY 1", "--format", "json")
    assert code == 0
    assert '"raised_on": "2026-03-02"' in out and "\\/" not in out
    assert json.loads(out)[0] == {"signal_id": "s1", "raised_on": "2026-03-02", "link": "https://chat.example/archives/C1/p1"}


def test_the_table_shows_dates_and_null(config, capsys):
    code, out, _ = query(config, capsys, "SELECT signal_id, raised_on, age FROM signals ORDER BY 1")
    assert code == 0
    assert "| s1          | 2026-03-02  |" in out and "00:00:00" not in out
    assert "| s2          | 2026-03-03  |  NULL |" in out
    assert "|     2 |" in out  # numbers align right


def test_csv_keeps_dates_and_empty_null(config, capsys):
    code, out, _ = query(config, capsys, "SELECT signal_id, raised_on, age FROM signals ORDER BY 1", "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [["signal_id", "raised_on", "age"], ["s1", "2026-03-02", "2"], ["s2", "2026-03-03", ""]]


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT * FROM signals) TO '{out}'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "ATTACH '{out}.duckdb' AS other",
        "SET enable_external_access = true",
    ],
)
def test_query_reads_no_file_and_writes_none(config, capsys, tmp_path, sql):
    out = tmp_path / "out.csv"
    code, stdout, err = query(config, capsys, sql.format(out=out))
    assert code == 2 and "Traceback" not in err
    assert not out.exists() and not (tmp_path / "out.csv.duckdb").exists()
    assert "root:" not in stdout


def test_several_statements_show_each_result(config, capsys):
    code, out, _ = query(config, capsys, "SELECT count(*) AS n FROM signals; SELECT max(raised_on) AS last FROM signals;")
    assert code == 0
    assert "-- SELECT count(*) AS n FROM signals\n" in out and "-- SELECT max(raised_on) AS last FROM signals\n" in out
    assert "|   2 |" in out and "| 2026-03-03 |" in out


def test_several_statements_cannot_share_one_csv(config, capsys):
    code, _, err = query(config, capsys, "SELECT 1; SELECT 2", "--format", "csv")
    assert code == 2 and "--format csv prints one result" in err


def test_a_write_is_refused_as_read_only(config, capsys):
    code, _, err = query(config, capsys, "DELETE FROM signals")
    assert code == 2 and "read-only" in err
