"""Usage in Hex API mode, with real httpx against a fake Hex: run the project, wait, read its export."""

from __future__ import annotations

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.cli import main as cli
from se_pipeline.config import CONFIG_ENV, Settings, load_settings
from se_pipeline.sources.usage import HexRunConnector, UsageFileConnector, from_settings
from se_pipeline.errors import ConfigError, SourceError, WriteRefusedError
from se_pipeline.warehouse import load_records
from se_pipeline.window import Window
from tests.fakes.hex_server import FakeHex

TZ = ZoneInfo("America/New_York")
OCT_1_2 = Window(dt.date(2026, 10, 1), dt.date(2026, 10, 2), TZ)
PROJECT = "5a8591dd-4039-49df-9202-96385ba3eff8"
TOKEN = "hxtw_" + "ab12" * 24

# The demo workspace's shape: customer,date,metric,value.
EXPORT = """customer,date,metric,value
Acme Corp,2026-09-30,events,90
Acme Corp,2026-10-01,events,120
Acme Corp,2026-10-02,active_users,7
Globex,2026-10-02,events,oops
"""


def _settings(fake: FakeHex, **usage) -> Settings:
    config = {"mode": "api", "base_url": fake.url, "project_id": PROJECT, "path": str(fake.export_path), "poll_seconds": 0.01}
    return Settings.model_validate({"sources": {"usage": config | usage}})


def _connector(fake: FakeHex, **kw) -> HexRunConnector:
    return HexRunConnector(
        fake.url, TOKEN, PROJECT, UsageFileConnector(str(fake.export_path)), token_env="HEX_API_TOKEN", poll_s=0.01, **kw
    )


def test_a_run_completes_and_its_export_lands_in_raw_usage(tmp_path, monkeypatch):
    monkeypatch.setenv("HEX_API_TOKEN", TOKEN)
    with FakeHex(PROJECT, tmp_path / "exports" / "usage.csv", EXPORT, token=TOKEN) as fake:
        (tmp_path / "exports").mkdir()
        config = tmp_path / "se.yaml"
        config.write_text(
            f"sources:\n  usage:\n    mode: api\n    base_url: {fake.url}\n    project_id: {PROJECT}\n"
            "    path: exports/usage.csv\n    poll_seconds: 0.01\n    input_params: {region: us, since: '{first_day}', until: '{last_day}'}\n"
        )
        connector = from_settings(load_settings(config))  # the export path is relative to the settings file
        con = duckdb.connect()
        report = load_records(con, "usage", connector.tables, OCT_1_2, connector.extract(OCT_1_2))

    assert report.rows["raw_usage"] == 2
    assert con.execute("SELECT customer, partition_date, metric, value FROM raw_usage ORDER BY metric").fetchall() == [
        ("Acme Corp", dt.date(2026, 10, 2), "active_users", 7.0),
        ("Acme Corp", dt.date(2026, 10, 1), "events", 120.0),
    ]
    assert con.execute("SELECT record_key FROM quarantine WHERE source = 'usage'").fetchall() == [(f"{fake.export_path}:5",)]
    # One run, polled until it completed; only then was the export there to read.
    (run_id,) = fake.polls
    assert [(m, p) for m, p, _ in fake.log] == [("POST", f"/api/v1/projects/{PROJECT}/runs")] + [
        ("GET", f"/api/v1/projects/{PROJECT}/runs/{run_id}")
    ] * 3
    # The load's days fill the placeholders, so the project can export just the window.
    assert fake.log[0][2] == {"inputParams": {"region": "us", "since": "2026-10-01", "until": "2026-10-02"}, "updatePublishedResults": False, "useCachedSqlResults": False}
    assert connector.calls == 4


def test_429_waits_for_retry_after_and_5xx_is_retried(tmp_path):
    with FakeHex(PROJECT, tmp_path / "usage.csv", EXPORT, token=TOKEN) as fake:
        fake.fail_next = [(429, "1"), (503, None)]
        started = time.monotonic()
        rows = list(_connector(fake, backoff_s=0).extract(OCT_1_2))
        waited = time.monotonic() - started
    assert rows and waited >= 1.0
    assert [m for m, _, _ in fake.log[:3]] == ["POST"] * 3
    assert len(fake.polls) == 1  # the refused requests started no run


def test_an_errored_run_names_the_project_its_url_and_status(tmp_path):
    with FakeHex(PROJECT, tmp_path / "usage.csv", EXPORT, token=TOKEN, end_status="ERRORED") as fake:
        with pytest.raises(SourceError) as err:
            list(_connector(fake).extract(OCT_1_2))
        (run_id,) = fake.polls
    message = str(err.value)
    assert PROJECT in message and fake.run_url(run_id) in message and "ended ERRORED" in message
    assert TOKEN not in message and "Traceback" not in message
    assert not fake.export_path.exists()


@pytest.mark.parametrize("rewrites", [True, False], ids=["rewritten", "left-stale"])
def test_last_runs_export_is_read_only_if_this_run_rewrote_it(tmp_path, rewrites):
    with FakeHex(PROJECT, tmp_path / "usage.csv", EXPORT, token=TOKEN, writes_export=rewrites) as fake:
        fake.export_path.write_text("customer,date,metric,value\nAcme Corp,2026-10-01,events,1\n")
        yesterday = time.time() - 86400
        os.utime(fake.export_path, (yesterday, yesterday))
        if rewrites:
            records = list(_connector(fake).extract(OCT_1_2))
            usage = [row for r in records if getattr(r, "table", None) == "raw_usage" for row in r.rows]
            assert len(usage) == 2  # this run's export, not last run's
        else:
            with pytest.raises(SourceError, match=r"completed but did not rewrite .*usage\.csv \(last written "):
                list(_connector(fake).extract(OCT_1_2))


def test_se_pipeline_run_reports_an_errored_run_in_one_line_without_the_token(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(CONFIG_ENV, "")  # the CLI exports these: restore them afterwards
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("SE_PIPELINE_HOME", raising=False)
    monkeypatch.setenv("HEX_API_TOKEN", TOKEN)
    with FakeHex(PROJECT, tmp_path / "usage.csv", EXPORT, token=TOKEN, end_status="KILLED") as fake:
        config = tmp_path / "se.yaml"
        config.write_text(
            "home: home\nstart_date: '2026-10-01'\nsales_engineers:\n  - {id: alice, name: Alice, email: alice@example.com}\n"
            f"sources:\n  usage: {{mode: api, base_url: '{fake.url}', project_id: {PROJECT}, path: usage.csv, poll_seconds: 0.01}}\n"
        )
        assert cli(["--config", str(config), "run", "--date", "2026-10-02"]) == 2
        (run_id,) = fake.polls
    out, err = capsys.readouterr()
    assert f"raw_usage: usage: the Hex run of project {PROJECT} ended KILLED; see {fake.run_url(run_id)}" in err
    assert "Traceback" not in err and "Stack Trace" not in err
    stored = b"".join(p.read_bytes() for p in (tmp_path / "home").rglob("*") if p.is_file())
    assert TOKEN not in out + err and TOKEN.encode() not in stored  # Dagster's run logs included


def test_a_run_that_outlasts_the_timeout_is_reported_still_running(tmp_path):
    with FakeHex(PROJECT, tmp_path / "usage.csv", EXPORT, token=TOKEN, end_status="RUNNING") as fake:
        with pytest.raises(SourceError, match=rf"{PROJECT} is still RUNNING after 0.2s; see https://.*timeout_seconds"):
            list(_connector(fake, timeout_s=0.2).extract(OCT_1_2))
        assert 3 <= len(fake.log) < 10  # polled, with growing waits, until the deadline


def test_the_guard_refuses_anything_but_this_projects_run_and_status(tmp_path):
    with FakeHex(PROJECT, tmp_path / "usage.csv", EXPORT, token=TOKEN) as fake:
        connector = _connector(fake)
        run = f"/projects/{PROJECT}/runs/0b8a1c2e-1111-4222-8333-444455556666"
        for method, path in [("DELETE", run), ("POST", "/projects/00000000-0000-4000-8000-000000000000/runs"),
                             ("PATCH", f"/projects/{PROJECT}"), ("POST", "/groups"), ("GET", "/users")]:
            with pytest.raises(WriteRefusedError, match="read-only"):
                connector.request(method, path, {})
        assert fake.log == []


def test_a_refused_token_names_its_variable_not_its_value(tmp_path):
    with FakeHex(PROJECT, tmp_path / "usage.csv", EXPORT, token="another-token") as fake:
        with pytest.raises(SourceError, match="HTTP 401 .*Unauthorized; check the Hex API token in the environment variable HEX_API_TOKEN") as err:
            list(_connector(fake).extract(OCT_1_2))
    assert TOKEN not in str(err.value)


def test_a_missing_or_pasted_token_is_a_config_error(tmp_path, monkeypatch):
    monkeypatch.delenv("HEX_API_TOKEN", raising=False)
    with FakeHex(PROJECT, tmp_path / "usage.csv", EXPORT) as fake:
        with pytest.raises(ConfigError, match="sources.usage.token_env: set the environment variable HEX_API_TOKEN"):
            from_settings(_settings(fake))
        with pytest.raises(ConfigError, match="should name an environment variable") as err:
            from_settings(_settings(fake, token_env=TOKEN))
        assert TOKEN not in str(err.value)
        assert fake.log == []
