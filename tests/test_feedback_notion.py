"""Rep feedback from a Notion database: real notion_client against the fake Notion API, into
raw_feedback beside the CSV feedback, and on to feedback_themes."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest
import yaml
from dagster import materialize
from fakes.notion_server import (
    TOKEN,
    FakeNotion,
    date_property,
    people_property,
    relation_property,
    rich_text_property,
    select_property,
    title_property,
)

from se_pipeline_assets.enablement import enablement_board, raw_feedback_files
from se_pipeline_assets.resources import WarehouseResource
from se_pipeline.config import NotionApi, OffSource, Settings, Sources, load_settings
from se_pipeline.sources.feedback import FeedbackConnector, FeedbackNotion, FeedbackSettings
from se_pipeline.sources.notion import NotionFeedback
from se_pipeline.doctor import run_doctor
from se_pipeline.enablement import load_feedback
from se_pipeline.errors import ConfigError, SourceError, WriteRefusedError
from se_pipeline.warehouse import ensure_tables

TOKEN_ENV = "FEEDBACK_NOTION_TEST_TOKEN"
LABELLED = Path(__file__).parent / "data" / "feedback" / "labelled_feedback.csv"
QUERY = r"/v1/data_sources/[^/]+/query"
DAY = dt.date(2026, 10, 6)


@pytest.fixture
def fake():
    with FakeNotion() as server:
        yield server


@pytest.fixture
def token(monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)


@pytest.fixture
def con():
    connection = duckdb.connect()
    ensure_tables(connection)
    yield connection
    connection.close()


def feedback_page(fake: FakeNotion, db: str, text: str | None, *, date: str | None = DAY.isoformat(),
                  rep: dict | None = None, opportunity: str | None = None, **kwargs) -> str:
    """A feedback page with the default property names; text=None leaves the Text property out."""
    properties = {
        "Name": title_property((text or "untitled")[:30]),
        "Date": date_property(date),
        "Rep": people_property([rep] if rep else []),
        "Customer": select_property("Acme Corp", "cst1"),
        "Segment": select_property("Enterprise", "seg1"),
        "Opportunity": relation_property([opportunity] if opportunity else []),
    }
    if text is not None:
        properties["Text"] = rich_text_property(text, "txt1")
    return fake.add_page(db, properties, **kwargs)


def settings_for(fake: FakeNotion, db: str, tmp_path: Path, **notion: object) -> FeedbackSettings:
    win_loss = tmp_path / "win_loss.csv"
    win_loss.write_text("date,customer,outcome\n", encoding="utf-8")
    block = FeedbackNotion(database_id=db, token_env=TOKEN_ENV, base_url=fake.base_url, **notion)
    return FeedbackSettings(notion_database=block, win_loss=win_loss)


def notion_rows(con: duckdb.DuckDBPyConnection, db: str) -> list[tuple]:
    return con.execute(
        "SELECT feedback_id, submitted_on, rep, customer, segment, opportunity, text, line FROM raw_feedback "
        "WHERE source_file = ? ORDER BY text", [f"notion:{db}"]
    ).fetchall()


def test_notion_feedback_reaches_feedback_themes_beside_csv_feedback(tmp_path, fake, token):
    labelled = list(csv.DictReader(LABELLED.open(encoding="utf-8")))
    # Feedback dated in this quarter as the asset sees it (yesterday is its as-of day).
    day = dt.date.today() - dt.timedelta(days=3)
    with (tmp_path / "feedback.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["feedback_id", "date", "rep", "customer", "text"])
        writer.writerows([f"F{i}", day.isoformat(), "bob", "Globex", row["text"]] for i, row in enumerate(labelled[::2]))
    (tmp_path / "win_loss.csv").write_text("date,customer,outcome\n", encoding="utf-8")
    db = fake.add_database("Field feedback")
    alice = fake.add_user("Alice Chen", "alice@example.com")
    deal = "1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b"
    pages = [
        feedback_page(fake, db, row["text"], date=day.isoformat(), rep=alice, opportunity=deal if i == 0 else None)
        for i, row in enumerate(labelled[1::2])
    ]
    config = tmp_path / "se.yaml"
    config.write_text(yaml.safe_dump({"home": str(tmp_path / "home"), "sources": {"feedback": {
        "mode": "export", "feedback": ["feedback.csv"], "win_loss": "win_loss.csv",
        "notion_database": {"database_id": db, "token_env": TOKEN_ENV, "base_url": fake.base_url},
    }}}))
    database = str(tmp_path / "warehouse.duckdb")
    with duckdb.connect(database) as con:
        con.execute("CREATE TABLE opportunities AS SELECT ? AS page_id, 'Acme Corp - Platform' AS name, "
                    "'Acme Corp' AS customer, 90000.0 AS amount, TRUE AS is_active", [deal])
    resources = {"settings": load_settings(config), "warehouse": WarehouseResource(database=database)}

    assert materialize([raw_feedback_files, enablement_board], resources=resources).success

    with duckdb.connect(database, read_only=True) as con:
        rows = notion_rows(con, db)
        assert sorted(r[0] for r in rows) == sorted(pages)
        assert {r[1:6] for r in rows} == {(day, "Alice Chen", "Acme Corp", "Enterprise", None), (day, "Alice Chen", "Acme Corp", "Enterprise", deal)}
        assert {r[7] for r in rows} == {None}
        themed = {i for (i,) in con.execute("SELECT DISTINCT unnest(item_ids) FROM feedback_themes").fetchall()}
        linked = con.execute("SELECT list_contains(item_ids, ?) FROM feedback_themes WHERE list_contains(opportunity_ids, ?)",
                             [f"feedback:{pages[0]}", deal]).fetchall()
    assert themed == {f"feedback:{p}" for p in pages} | {f"feedback:F{i}" for i in range(len(labelled[::2]))}
    assert (True,) in linked  # the page's Opportunity relation links its theme to the deal
    # Only the database and its data source query were asked for.
    assert {(r.method, r.path.split("/")[2]) for r in fake.requests} == {("GET", "databases"), ("POST", "data_sources")}


def test_every_query_page_is_read_and_a_rerun_replaces_the_rows(tmp_path, fake, token, con):
    db = fake.add_database("Field feedback")
    pages = [feedback_page(fake, db, f"Buyers asked about SSO item {i}") for i in range(130)]
    config = settings_for(fake, db, tmp_path)
    load_feedback(con, FeedbackConnector(config))
    queries = fake.logged("POST", QUERY)
    assert len(queries) == 2 and "start_cursor" not in queries[0].body and queries[1].body["start_cursor"] == "100"
    assert sorted(r[0] for r in notion_rows(con, db)) == sorted(pages)

    fake.pages.pop(pages[0])  # deleted in Notion
    load_feedback(con, FeedbackConnector(config))
    latest = con.execute("SELECT feedback_id FROM raw_feedback WHERE extracted_at = (SELECT max(extracted_at) FROM raw_feedback)").fetchall()
    assert sorted(i for (i,) in latest) == sorted(pages[1:])
    assert con.execute("SELECT count(*), count(DISTINCT feedback_id) FROM raw_feedback").fetchone() == (130, 130)


def test_429_waits_for_retry_after(tmp_path, fake):
    db = fake.add_database("Field feedback")
    pages = [feedback_page(fake, db, f"note {i}") for i in range(5)]
    fake.fail("POST", QUERY, 429, "rate_limited", headers={"Retry-After": "2"}, only_with_cursor=True)
    sleeps: list[float] = []
    notion = NotionFeedback(settings_for(fake, db, tmp_path).notion_database, TOKEN, page_size=2,
                            requests_per_second=None, sleep=sleeps.append)
    assert sorted(page_id for page_id, _ in notion.rows()) == sorted(pages)
    assert sleeps == [2.0]
    assert notion.calls == len(fake.requests) == 5  # database, query x3, one retry


def test_pages_without_text_or_with_a_bad_date_are_quarantined_and_the_rest_loads(tmp_path, fake, token, con):
    db = fake.add_database("Field feedback")
    good = feedback_page(fake, db, "They need EU data residency")
    undated = feedback_page(fake, db, "No date, so its created time", date=None, created_time="2026-09-14T23:30:00.000Z")
    textless = feedback_page(fake, db, None)
    empty = feedback_page(fake, db, "")
    bad_date = feedback_page(fake, db, "Typed a date by hand")
    fake.pages[bad_date]["properties"]["Date"] = rich_text_property("next sprint", "d%3Cte")

    report = load_feedback(con, FeedbackConnector(settings_for(fake, db, tmp_path)))

    assert report.rows["raw_feedback"] == 2
    assert [(r[0], r[1]) for r in notion_rows(con, db)] == [(undated, dt.date(2026, 9, 14)), (good, DAY)]
    quarantined = dict(con.execute("SELECT record_key, reason FROM quarantine WHERE source = 'feedback'").fetchall())
    assert quarantined == {
        f"notion:{db}:{textless}": "no_text: the page has no 'Text' property",
        f"notion:{db}:{empty}": "no_text: the feedback text is empty",
        f"notion:{db}:{bad_date}": "bad_date: 'next sprint' is not a date (use YYYY-MM-DD)",
    }


def test_the_property_mapping_names_other_properties(tmp_path, fake, token, con):
    db = fake.add_database("Field feedback")
    page = fake.add_page(db, {
        "Summary": title_property("Agent install on Windows fails"),
        "Heard on": date_property("2026-10-01T09:00:00.000-04:00"),
        "Account": select_property("Initech"),
    })
    properties = {"text": "summary", "date": "Heard on", "customer": "ACCOUNT"}
    load_feedback(con, FeedbackConnector(settings_for(fake, db, tmp_path, properties=properties)))
    assert notion_rows(con, db) == [(page, dt.date(2026, 10, 1), None, "Initech", None, None, "Agent install on Windows fails", None)]


def test_writes_and_reads_it_does_not_need_are_refused_before_they_reach_notion(tmp_path, fake):
    db = fake.add_database("Field feedback")
    page = feedback_page(fake, db, "note")
    client = NotionFeedback(settings_for(fake, db, tmp_path).notion_database, TOKEN).database.client
    with pytest.raises(WriteRefusedError, match="PATCH /pages/"):
        client.pages.update(page, properties={"Text": {"rich_text": [{"text": {"content": "edited"}}]}})
    with pytest.raises(WriteRefusedError, match="POST /pages"):
        client.pages.create(parent={"database_id": db}, properties={})
    # Reads the opportunity connector may make, but feedback has no use for.
    with pytest.raises(WriteRefusedError, match="GET /blocks/"):
        client.blocks.children.list(page)
    with pytest.raises(WriteRefusedError, match="GET /comments"):
        client.comments.list(block_id=page)
    assert fake.requests == []


def test_the_token_variable_must_be_set_and_is_never_echoed(tmp_path, fake, monkeypatch):
    db = fake.add_database("Field feedback")
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    config = settings_for(fake, db, tmp_path)
    with pytest.raises(ConfigError, match=rf"sources\.feedback\.notion_database\.token_env: the environment variable {TOKEN_ENV} is not set"):
        FeedbackConnector(config)
    pasted = config.model_copy(update={"notion_database": config.notion_database.model_copy(update={"token_env": "secret_AbC123-pasted"})})
    with pytest.raises(ConfigError) as error:
        FeedbackConnector(pasted)
    assert "sources.feedback.notion_database.token_env" in str(error.value) and "secret_AbC123" not in str(error.value)
    assert fake.requests == []


def test_a_refused_token_names_the_variable_not_the_token(tmp_path, fake, monkeypatch, con):
    db = fake.add_database("Field feedback")
    monkeypatch.setenv(TOKEN_ENV, "secret_wrong")
    with pytest.raises(SourceError) as error:
        load_feedback(con, FeedbackConnector(settings_for(fake, db, tmp_path)))
    assert str(error.value).startswith(f"feedback: the token in ${TOKEN_ENV} was refused") and "secret_wrong" not in str(error.value)


def test_files_or_a_notion_database_are_required(tmp_path):
    config = tmp_path / "se.yaml"
    config.write_text(yaml.safe_dump({"sources": {"feedback": {"mode": "export", "win_loss": "wl.csv"}}}))
    with pytest.raises(ConfigError, match=r"sources\.feedback: needs feedback \(.*\), notion_database \(.*\), or both"):
        load_settings(config)
    config.write_text(yaml.safe_dump({"sources": {"feedback": {
        "mode": "export", "win_loss": "wl.csv", "notion_database": {"database_id": "0" * 32, "propertys": {}}}}}))
    with pytest.raises(ConfigError, match=r"sources\.feedback\.notion_database\.propertys: unknown key"):
        load_settings(config)
    config.write_text(yaml.safe_dump({"sources": {"feedback": {
        "mode": "export", "win_loss": "wl.csv", "notion_database": {"database_id": "0" * 32}}}}))
    notion = load_settings(config).sources.feedback.notion_database
    assert notion.token_env == NotionApi.model_fields["token_env"].default  # one integration reads both databases
    assert notion.properties.text == "Text"


def test_doctor_reads_the_feedback_database_and_never_shows_the_token(tmp_path, fake, monkeypatch):
    db = fake.add_database("Field feedback")
    feedback_page(fake, db, "They need EU data residency")
    off = {name: OffSource() for name in Sources.model_fields}
    settings = Settings(home=tmp_path / "home", sources=Sources(**{**off, "feedback": settings_for(fake, db, tmp_path)}))
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    (finding,) = [f for f in run_doctor(settings) if f.source == "feedback"]
    assert finding.status == "ok" and "1 raw_feedback" in finding.what
    monkeypatch.setenv(TOKEN_ENV, "secret_wrong_token")
    (finding,) = [f for f in run_doctor(settings) if f.source == "feedback"]
    assert finding.status == "fail" and f"${TOKEN_ENV} was refused" in finding.what
    assert "secret_wrong_token" not in finding.model_dump_json()
