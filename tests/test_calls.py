"""Calls: the export folder and the Gong API (against a fake Gong), into raw_calls / raw_call_utterances."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from fakes.gong_server import FakeGong

from se_pipeline.config import Settings
from se_pipeline.sources.calls import GongApiConnector, from_settings
from se_pipeline.sources.calls.api import date_ranges
from se_pipeline.sources.calls.gong import Team
from se_pipeline.errors import SourceError, WriteRefusedError
from se_pipeline.warehouse import Quarantined, load_records
from se_pipeline.window import Window

TZ = ZoneInfo("America/New_York")
DATA = Path(__file__).parent / "data" / "calls"
CALL_FILE = DATA / "2026-10-01-7782342274025937895.json"
OCT_1 = Window.for_day(dt.date(2026, 10, 1), TZ)
TEAM = Team(("example.com",), (("alice", "alice@example.com", None),))


def _settings(**calls) -> Settings:
    return Settings.model_validate(
        {
            "company_domains": ["example.com"],
            "sales_engineers": [{"id": "alice", "name": "Alice Chen", "email": "alice@example.com"}],
            "sources": {"calls": calls},
        }
    )


def _split(records):
    rows: dict[str, list] = {}
    bad = []
    for rec in records:
        if isinstance(rec, Quarantined):
            bad.append(rec)
        else:
            rows.setdefault(rec.table, []).extend(rec.rows)
    return rows, bad


def _shifted(body: dict, call_id: str, started: str) -> dict:
    copy = json.loads(json.dumps(body))
    copy["call"]["metaData"].update(id=call_id, started=started)
    return copy


def test_export_folder_loads_calls_parties_and_sentences(tmp_path):
    shutil.copy(CALL_FILE, tmp_path)
    (tmp_path / "broken.json").write_text("{not json")
    connector = from_settings(_settings(mode="export", path=str(tmp_path)))
    con = duckdb.connect()
    load_records(con, "calls", connector.tables, OCT_1, connector.extract(OCT_1))

    call = con.execute(
        "SELECT call_id, partition_date, se_id, rep_speaker_id, internal_emails, external_emails, customer_domains, "
        "customer_name_hint, has_transcript FROM raw_calls"
    ).fetchall()
    assert call == [
        ("7782342274025937895", dt.date(2026, 10, 1), "alice", "S1", ["alice@example.com", "dave@example.com"],
         ["cfo@acme.com", "priya@acme.com"], ["acme.com"], "Acme Corp", True)
    ]
    utts = con.execute("SELECT position, turn, speaker_name, is_internal, start_ms, text FROM raw_call_utterances ORDER BY position").fetchall()
    assert len(utts) == 10
    # Alice's two monologues (a topic change) are one turn; Dave is ours by his domain.
    assert [u[1] for u in utts] == [0, 0, 1, 1, 2, 2, 3, 4, 5, 5]
    assert utts[6][2:4] == ("Dave Kim", True)
    assert con.execute("SELECT record_key, reason FROM quarantine").fetchall()[0][1].startswith("bad_json")


def test_export_reads_gong_response_bodies_and_marks_missing_transcripts(tmp_path):
    body = json.loads(CALL_FILE.read_text())
    other = _shifted(body, "2", "2026-10-01T15:00:00-04:00")["call"]
    (tmp_path / "extensive.json").write_text(json.dumps({"requestId": "r", "calls": [body["call"], other, {"metaData": {}}]}))
    (tmp_path / "transcripts.json").write_text(
        json.dumps({"callTranscripts": [{"callId": body["call"]["metaData"]["id"], "transcript": body["transcript"]}]})
    )
    rows, bad = _split(from_settings(_settings(mode="export", path=str(tmp_path))).extract(OCT_1))
    assert sorted((r["call_id"], r["has_transcript"]) for r in rows["raw_calls"]) == [("2", False), ("7782342274025937895", True)]
    assert len(rows["raw_call_utterances"]) == 10
    assert [(q.key, q.reason.split(":")[0]) for q in bad] == [(f"{tmp_path / 'extensive.json'}:calls[2]", "bad_call")]


def test_export_keeps_to_the_window_by_local_day(tmp_path):
    body = json.loads(CALL_FILE.read_text())
    # 23:30 New York on Oct 1 is Oct 2 in UTC: still Oct 1's call.
    (tmp_path / "late.json").write_text(json.dumps(_shifted(body, "late", "2026-10-02T03:30:00Z")))
    (tmp_path / "next.json").write_text(json.dumps(_shifted(body, "next", "2026-10-02T09:00:00-04:00")))
    rows, _ = _split(from_settings(_settings(mode="export", path=str(tmp_path))).extract(OCT_1))
    assert [r["call_id"] for r in rows["raw_calls"]] == ["late"]


def _fake_data(n: int) -> tuple[list[dict], dict[str, list]]:
    body = json.loads(CALL_FILE.read_text())
    calls, transcripts = [], {}
    for i in range(n):
        c = _shifted(body, f"{1000 + i}", f"2026-10-01T{9 + i % 8:02d}:{i % 60:02d}:00-04:00")
        calls.append(c["call"])
        if i % 3:  # every third call is not transcribed yet
            transcripts[c["call"]["metaData"]["id"]] = c["transcript"]
    return calls, transcripts


def _api(fake: FakeGong, **kw) -> GongApiConnector:
    return GongApiConnector(fake.url, "key", "secret", TEAM, min_interval_s=0, backoff_s=0, lookback_days=0, **kw)


def test_api_pages_through_calls_and_batches_transcripts():
    calls, transcripts = _fake_data(5)
    with FakeGong(calls, transcripts, page_size=2) as fake:
        connector = _api(fake)
        rows, bad = _split(connector.extract(OCT_1))
    assert bad == []
    assert sorted(r["call_id"] for r in rows["raw_calls"]) == [str(1000 + i) for i in range(5)]
    assert {r["call_id"]: r["has_transcript"] for r in rows["raw_calls"]} == {str(1000 + i): bool(i % 3) for i in range(5)}
    assert len(rows["raw_call_utterances"]) == 10 * 3
    paths = [p for _, p, _ in fake.log]
    assert paths.count("/v2/calls/extensive") == 3  # pages of 2, 2, 1 via records.cursor
    assert connector.calls == len(fake.log)
    first = fake.log[0][2]["filter"]
    assert (first["fromDateTime"], first["toDateTime"]) == ("2026-10-01T00:00:00-04:00", "2026-10-02T00:00:00-04:00")
    assert all(len(b["filter"]["callIds"]) <= 100 for _, p, b in fake.log if p == "/v2/calls/transcript")


def test_api_waits_out_429_and_retries_500():
    calls, transcripts = _fake_data(1)
    with FakeGong(calls, transcripts) as fake:
        fake.fail_next = [(429, "0"), (500, None)]
        rows, _ = _split(_api(fake).extract(OCT_1))
    assert len(rows["raw_calls"]) == 1
    assert len(fake.log) == 4  # 429, 500, then the extensive page and the transcripts


def test_api_gives_up_with_a_clear_error_when_rate_limited_for_hours():
    with FakeGong(*_fake_data(1)) as fake:
        fake.fail_next = [(429, "7200")]
        with pytest.raises(SourceError, match="daily limit"):
            list(_api(fake).extract(OCT_1))


def test_api_bad_credentials_name_the_settings_not_the_secret():
    with FakeGong(*_fake_data(1)) as fake:
        connector = GongApiConnector(fake.url, "key", "wrong-secret", TEAM, min_interval_s=0, lookback_days=0)
        with pytest.raises(SourceError, match="refused the credentials") as err:
            list(connector.extract(OCT_1))
    assert "wrong-secret" not in str(err.value)


def test_api_refuses_writes_before_they_reach_gong():
    with FakeGong(*_fake_data(1)) as fake:
        connector = _api(fake)
        for method, path in [("POST", "/v2/calls"), ("PUT", "/v2/meetings"), ("DELETE", "/v2/calls/1000"), ("POST", "/v2/crm/entities")]:
            with pytest.raises(WriteRefusedError):
                connector.request(method, path, {})
        assert fake.log == []


def test_api_lookback_rereads_recent_days_for_late_transcripts():
    calls, transcripts = _fake_data(1)
    calls[0]["metaData"]["started"] = "2026-09-28T10:00:00-04:00"
    with FakeGong(calls, transcripts | {"1000": json.loads(CALL_FILE.read_text())["transcript"]}) as fake:
        connector = GongApiConnector(fake.url, "key", "secret", TEAM, min_interval_s=0, lookback_days=7)
        rows, _ = _split(connector.extract(OCT_1))
    assert rows["raw_calls"][0]["partition_date"] == dt.date(2026, 9, 28)
    assert len(rows["raw_call_utterances"]) == 10
    assert fake.log[0][2]["filter"]["fromDateTime"] == "2026-09-24T00:00:00-04:00"


def test_api_missing_env_vars_are_named(monkeypatch):
    monkeypatch.delenv("GONG_ACCESS_KEY", raising=False)
    monkeypatch.delenv("GONG_ACCESS_KEY_SECRET", raising=False)
    with pytest.raises(SourceError, match="GONG_ACCESS_KEY, GONG_ACCESS_KEY_SECRET"):
        from_settings(_settings(mode="api"))


def test_date_ranges_are_at_most_90_days():
    ranges = date_ranges(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert ranges[0] == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert all((b - a).days < 90 for a, b in ranges)
    assert ranges[-1][1] == dt.date(2026, 12, 31) and len(ranges) == 5
