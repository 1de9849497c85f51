"""The sample source (se_pipeline/sources/zoom): a package and one line in the registry make its meetings
reach the activity table, through the real httpx client against a fake Zoom, read-only and paged."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import yaml

from se_pipeline.config import load_settings
from se_pipeline.doctor import run_doctor
from se_pipeline.errors import WriteRefusedError
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.sources import build_connector
from se_pipeline.warehouse import load_records
from se_pipeline.window import Window
from tests.fakes.zoom_server import FakeZoom

DAY = dt.date(2026, 3, 10)
TOKEN = "zoom-test-token-0123456789"


def meeting(n: int, topic: str, start: str | None = "2026-03-10T15:00:00Z") -> dict:
    return {"uuid": f"uuid-{n}==", "id": 8000 + n, "topic": topic, "start_time": start, "duration": 30,
            "participants_count": 4, "user_email": "dana@ourco.io"}


@pytest.fixture
def zoom():
    meetings = {"dana@ourco.io": [
        meeting(1, "Bluefin Logistics architecture review"),
        meeting(2, "Team standup"),
        meeting(3, "Bluefin Logistics pricing call"),
        meeting(4, "Interview loop"),
        meeting(5, "No start time", start=None),
        meeting(6, "Another week", start="2026-03-20T15:00:00Z"),
    ]}
    with FakeZoom(meetings, token=TOKEN) as fake:
        yield fake


@pytest.fixture
def settings(tmp_path, zoom, monkeypatch):
    monkeypatch.setenv("ZOOM_TOKEN", TOKEN)
    path = tmp_path / "se.yaml"
    path.write_text(yaml.safe_dump({
        "home": str(tmp_path / "home"),
        "timezone": "America/New_York",
        "company_domains": ["ourco.io"],
        "sales_engineers": [{"id": "dana", "name": "Dana Reyes", "email": "dana@ourco.io"}],
        "customers": [{"name": "Bluefin Logistics", "domains": ["bluefin.example"]}],
        "sources": {"zoom": {"mode": "api", "base_url": zoom.url, "page_size": 2}},
    }))
    return load_settings(path)


def load(con: duckdb.DuckDBPyConnection, settings) -> Window:
    window = Window.for_day(DAY, settings.tz)
    connector = build_connector(settings, "zoom")
    load_records(con, "zoom", connector.tables, window, connector.extract(window))
    return window


def test_zoom_meetings_reach_activity_with_their_se_and_customer(settings, zoom):
    with duckdb.connect() as con:
        window = load(con, settings)
        prepare(con, settings)
        for model in discover_models().values():
            run_model(con, model, window)
        rows = con.execute(
            "SELECT activity_id, se_id, customer, text FROM activity WHERE source = 'zoom' ORDER BY activity_id").fetchall()
    assert rows == [
        ("zoom:uuid-1==", "dana", "Bluefin Logistics", "Meeting: Bluefin Logistics architecture review (30 min, 4 joined)"),
        ("zoom:uuid-2==", "dana", None, "Meeting: Team standup (30 min, 4 joined)"),
        ("zoom:uuid-3==", "dana", "Bluefin Logistics", "Meeting: Bluefin Logistics pricing call (30 min, 4 joined)"),
        ("zoom:uuid-4==", "dana", None, "Meeting: Interview loop (30 min, 4 joined)"),
    ]


def test_pages_are_followed_a_bad_meeting_is_quarantined_and_a_rerun_replaces(settings, zoom):
    with duckdb.connect() as con:
        load(con, settings)
        load(con, settings)
        loaded = con.execute("SELECT count(*) FROM raw_zoom_meetings").fetchone()[0]
        quarantined = con.execute("SELECT record_key, reason FROM quarantine WHERE source = 'zoom'").fetchall()
    assert loaded == 4  # the day's meetings, once each
    assert quarantined == [("zoom:dana@ourco.io:8005", "bad_meeting: no uuid or start_time")]
    reads = [path for method, path, _ in zoom.log]
    assert len(reads) == 2 * 3  # 5 meetings in the days asked for, 2 a page, per load
    assert "next_page_token=2" in reads[1] and "next_page_token=4" in reads[2]


def test_the_connector_sends_nothing_but_the_report_read(settings, zoom):
    connector = build_connector(settings, "zoom")
    with pytest.raises(WriteRefusedError):
        connector.http.send("DELETE", "/meetings/8001")
    assert zoom.log == []


def test_doctor_reads_a_page_with_the_token_and_names_a_refused_one(settings, zoom, monkeypatch):
    found = [f for f in run_doctor(settings) if f.source == "zoom"]
    assert [f.status for f in found] == ["ok"]
    monkeypatch.setenv("ZOOM_TOKEN", "not-the-token-at-all")
    found = [f for f in run_doctor(settings) if f.source == "zoom"]
    assert [f.status for f in found] == ["fail"] and "refused the token" in found[0].what
    assert "not-the-token-at-all" not in found[0].what + (found[0].fix or "")
