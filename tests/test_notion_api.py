"""The Notion api connector: real notion_client over HTTP against the fake Notion server."""

import datetime as dt
import json
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import httpx
import pytest
from fakes.notion_server import (
    TOKEN,
    FakeNotion,
    people_property,
    relation_property,
    status_property,
    title_property,
)

from se_pipeline.config import NotionApi, Settings, Sources
from se_pipeline.sources.notion import NOTION_READS, NotionApiConnector, from_settings
from se_pipeline.sources.notion.http import GuardedTransport
from se_pipeline.errors import ConfigError, SourceError, WriteRefusedError
from se_pipeline.readonly import ReadOnlyGuard
from se_pipeline.warehouse import Quarantined, Rows, load_records
from se_pipeline.window import Window

TZ = ZoneInfo("America/New_York")
WINDOW = Window.for_day(dt.date(2026, 10, 5), TZ)
TERMINAL = Settings().terminal_stages
ALL_PROPERTIES = json.loads((Path(__file__).parent / "data" / "notion" / "api" / "all_properties.json").read_text())
QUERY = r"/v1/data_sources/[^/]+/query"


@pytest.fixture
def fake():
    with FakeNotion() as server:
        yield server


def connector(fake: FakeNotion, database_id: str, sleeps: list | None = None, **kwargs) -> NotionApiConnector:
    options = dict(requests_per_second=None, sleep=(sleeps.append if sleeps is not None else _no_sleep))
    options.update(kwargs)
    return NotionApiConnector(token=TOKEN, database_id=database_id, terminal_stages=TERMINAL, base_url=fake.base_url, **options)


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"unexpected sleep of {seconds}s")


def collect(conn: NotionApiConnector, window: Window = WINDOW) -> tuple[dict[str, list[dict]], list[Quarantined]]:
    rows: dict[str, list[dict]] = {}
    bad = []
    for item in conn.extract(window):
        if isinstance(item, Rows):
            rows.setdefault(item.table, []).extend(item.rows)
        else:
            bad.append(item)
    return rows, bad


def add_deals(fake: FakeNotion, database_id: str, n: int, stage: str = "Discovery", **kwargs) -> list[str]:
    return [
        fake.add_page(database_id, {"Name": title_property(f"Deal {i}"), "Stage": status_property(stage)}, **kwargs)
        for i in range(n)
    ]


def test_every_page_of_a_large_database_is_read_across_query_pages(fake):
    db = fake.add_database()
    ids = add_deals(fake, db, 130, stage="Won")
    conn = connector(fake, db)
    rows, _ = collect(conn)
    assert sorted(r["page_id"] for r in rows["raw_notion_opportunities"]) == sorted(ids)
    queries = fake.logged("POST", QUERY)
    assert len(queries) == 2 and "start_cursor" not in queries[0].body and queries[1].body["start_cursor"]
    assert not fake.logged("POST", r"/v1/search")
    assert conn.calls == len(fake.requests)


def test_a_page_with_every_property_type_is_flattened_into_the_row(fake):
    db = fake.add_database()
    page_id = fake.add_page(db, ALL_PROPERTIES)
    rows, _ = collect(connector(fake, db))
    (row,) = rows["raw_notion_opportunities"]
    assert (row["name"], row["customer"], row["stage"], row["se_name"], row["se_email"], row["amount"], row["close_date"]) == (
        "Acme Corp - Platform expansion", "Acme Corp", "Technical Validation", "Alice Chen", "alice@example.com",
        125000.5, dt.date(2026, 10, 31),
    )
    assert set(row["properties"]) == set(ALL_PROPERTIES)
    assert row["properties"]["ID"] == "OPP-42" and row["properties"]["POC window"]["end"].startswith("2026-10-15")
    assert row["page_id"] == page_id and row["url"].endswith(page_id.replace("-", ""))
    assert row["created_time"] == dt.datetime(2026, 9, 1, 12, 1, tzinfo=dt.timezone.utc)


def test_more_than_25_relations_and_people_come_from_the_property_endpoint(fake):
    db = fake.add_database()
    related = [f"00000000-0000-4000-8000-{i:012d}" for i in range(60)]
    team = [fake.add_user(f"Person {i}", f"p{i}@example.com") for i in range(30)]
    fake.add_page(db, {"Name": title_property("Big deal"), "Related": relation_property(related),
                       "SE": people_property(team)})
    rows, _ = collect(connector(fake, db, page_size=20))
    props = rows["raw_notion_opportunities"][0]["properties"]
    assert props["Related"] == related
    assert [p["email"] for p in props["SE"]] == [u["person"]["email"] for u in team]
    # 60 relations at 20 a page, 30 people at 20 a page.
    assert len(fake.logged("GET", r"/v1/pages/[^/]+/properties/r%3Bel")) == 3
    assert len(fake.logged("GET", r"/v1/pages/[^/]+/properties/pp%7Cl")) == 2


def test_a_query_cut_at_the_result_cap_continues_by_created_time(fake):
    fake.result_cap = 50
    db = fake.add_database()
    ids = add_deals(fake, db, 120, stage="Won")
    # The connector keeps its 10,000 default: only Notion's request_status flag tells it the query was cut.
    rows, _ = collect(connector(fake, db, page_size=20))
    read = [r["page_id"] for r in rows["raw_notion_opportunities"]]
    assert sorted(read) == sorted(ids) and len(read) == len(set(read))
    filters = [q.body.get("filter") for q in fake.logged("POST", QUERY) if "start_cursor" not in q.body]
    assert filters[0] is None and all(f["timestamp"] == "created_time" for f in filters[1:]) and len(filters) >= 3


def test_more_rows_than_the_cap_in_one_created_time_fails_loudly(fake):
    fake.result_cap = 10
    db = fake.add_database()
    add_deals(fake, db, 15, created_time="2026-09-01T12:00:00.000Z")
    with pytest.raises(SourceError, match="share the created_time"):
        collect(connector(fake, db, result_cap=10))


def test_an_invalidated_cursor_restarts_the_query_without_duplicates(fake, caplog):
    db = fake.add_database()
    ids = add_deals(fake, db, 250, stage="Won")
    fake.fail("POST", QUERY, 400, "validation_error", only_with_cursor=True,
              message="The start_cursor provided is invalid: 200")
    with caplog.at_level(logging.WARNING):
        rows, _ = collect(connector(fake, db))
    read = [r["page_id"] for r in rows["raw_notion_opportunities"]]
    assert len(read) == len(set(read)) == 250 and set(read) == set(ids)
    assert len([q for q in fake.logged("POST", QUERY) if "start_cursor" not in q.body]) == 2
    assert "cursor became invalid" in caplog.text


def test_429_waits_for_retry_after_and_5xx_backs_off(fake):
    db = fake.add_database()
    (page,) = add_deals(fake, db, 1)
    fake.add_block(page, "Scope")
    fake.fail("POST", QUERY, 429, "rate_limited", headers={"Retry-After": "2"})
    fake.fail("GET", r"/v1/blocks/[^/]+/children", 500, "internal_server_error", times=2)
    sleeps: list[float] = []
    conn = connector(fake, db, sleeps)
    rows, _ = collect(conn)
    assert [b["text"] for b in rows["raw_notion_blocks"]] == ["Scope"]
    assert sleeps == [2.0, 0.5, 1.0]
    assert conn.calls == len(fake.requests) == 7  # database, query x2, blocks x3, comments


def test_requests_are_spaced_to_three_a_second(fake):
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(round(seconds, 3))
        now[0] += seconds

    transport = GuardedTransport(ReadOnlyGuard("notion", NOTION_READS), "/v1", sleep=sleep, clock=lambda: now[0])
    with httpx.Client(transport=transport, base_url=fake.base_url) as client:
        for _ in range(4):
            client.get("/v1/comments", params={"block_id": "x"}, headers={"authorization": f"Bearer {TOKEN}"})
    assert sleeps == [0.333, 0.333, 0.333] and transport.calls == 4


def test_an_enumeration_that_breaks_off_fails_instead_of_loading_part(fake):
    db = fake.add_database()
    add_deals(fake, db, 150)
    fake.fail("POST", QUERY, 500, "internal_server_error", times=99, only_with_cursor=True)
    with pytest.raises(SourceError, match=r"after 100 pages of database .*nothing partial is loaded"):
        collect(connector(fake, db, sleeps=[], max_retries=2))


def test_has_more_without_a_cursor_fails_instead_of_stopping_quietly(fake):
    db = fake.add_database()
    add_deals(fake, db, 150)
    fake.drop_next_cursor_after = 100
    with pytest.raises(SourceError, match="has_more but gave no next_cursor"):
        collect(connector(fake, db))


def test_writes_are_refused_before_they_reach_notion(fake):
    db = fake.add_database()
    (page,) = add_deals(fake, db, 1)
    client = connector(fake, db).client
    with pytest.raises(WriteRefusedError, match="PATCH /pages/"):
        client.pages.update(page, properties={"Stage": {"status": {"name": "Won"}}})
    with pytest.raises(WriteRefusedError, match="POST /comments"):
        client.comments.create(parent={"page_id": page}, rich_text=[{"text": {"content": "hi"}}])
    with pytest.raises(WriteRefusedError, match="POST /pages"):
        client.pages.create(parent={"database_id": db}, properties={})
    with pytest.raises(WriteRefusedError, match="POST /search"):
        client.search(query="Acme")
    assert fake.requests == []


def test_page_content_is_read_across_pages_in_document_order(fake):
    db = fake.add_database()
    (page,) = add_deals(fake, db, 1)
    for i in range(5):
        parent = fake.add_block(page, f"item {i}", "bulleted_list_item")
    fake.add_block(parent, "nested under item 4", "paragraph")
    rows, _ = collect(connector(fake, db, page_size=2))
    assert [(b["text"], b["position"], b["depth"]) for b in rows["raw_notion_blocks"]] == [
        ("item 0", 0, 0), ("item 1", 1, 0), ("item 2", 2, 0), ("item 3", 3, 0), ("item 4", 4, 0),
        ("nested under item 4", 5, 1),
    ]
    assert len(fake.logged("GET", rf"/v1/blocks/{page}/children")) == 3


def test_page_content_stops_at_the_depth_cap_and_says_so(fake, caplog):
    db = fake.add_database()
    (page,) = add_deals(fake, db, 1)
    parent = page
    for level in range(4):
        parent = fake.add_block(parent, f"level {level}", "bulleted_list_item")
    with caplog.at_level(logging.WARNING, logger="se_pipeline.sources.notion.api"):
        rows, _ = collect(connector(fake, db, block_depth=2))
    assert [(b["text"], b["depth"]) for b in rows["raw_notion_blocks"]] == [("level 0", 0), ("level 1", 1)]
    assert rows["raw_notion_blocks"][1]["parent_id"] == rows["raw_notion_blocks"][0]["block_id"]
    assert "deeper than block_depth=2" in caplog.text and page in caplog.text


def test_terminal_stages_get_no_content_or_comment_calls(fake):
    db = fake.add_database()
    (won,) = add_deals(fake, db, 1, stage="Closed Won")
    (open_,) = add_deals(fake, db, 1, stage="Discovery")
    user = fake.add_user("Alice Chen", "alice@example.com")
    for page in (won, open_):
        fake.add_block(page, "notes")
        fake.add_comment(page, "hello", "2026-10-05T14:00:00.000Z", user["id"])
    rows, _ = collect(connector(fake, db))
    assert {b["page_id"] for b in rows["raw_notion_blocks"]} == {open_}
    assert {c["page_id"] for c in rows["raw_notion_comments"]} == {open_}
    touched = {r.path for r in fake.requests} | {r.query.get("block_id") for r in fake.requests}
    assert not any(won in (t or "") for t in touched)


def test_comments_in_the_window_with_authors_resolved_once(fake):
    db = fake.add_database()
    (page,) = add_deals(fake, db, 1)
    alice = fake.add_user("Alice Chen", "alice@example.com")
    first = fake.add_comment(page, "Can we get the SOC 2 report?", "2026-10-05T14:05:00.000Z", alice["id"])
    fake.add_comment(page, "Sent.", "2026-10-06T02:30:00.000Z", alice["id"], discussion_id=first["discussion_id"])
    fake.add_comment(page, "Old.", "2026-10-04T12:00:00.000Z", alice["id"])
    rows, _ = collect(connector(fake, db, page_size=2))
    comments = rows["raw_notion_comments"]
    assert [(c["text"], c["partition_date"]) for c in comments] == [
        ("Can we get the SOC 2 report?", dt.date(2026, 10, 5)), ("Sent.", dt.date(2026, 10, 5)),
    ]
    assert {(c["author_name"], c["author_email"]) for c in comments} == {("Alice Chen", "alice@example.com")}
    assert comments[0]["url"].endswith(f"?d={first['discussion_id'].replace('-', '')}#{first['id'].replace('-', '')}")
    assert len(fake.logged("GET", r"/v1/users/[^/]+")) == 1


def test_without_user_capability_authors_keep_their_ids(fake):
    db = fake.add_database()
    (page,) = add_deals(fake, db, 1)
    fake.users_restricted = True
    fake.add_comment(page, "a", "2026-10-05T14:05:00.000Z", "7775f3a3-893f-43fa-b625-460c61094c78")
    fake.add_comment(page, "b", "2026-10-05T14:06:00.000Z", "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b")
    rows, _ = collect(connector(fake, db))
    assert [c["author_name"] for c in rows["raw_notion_comments"]] == [
        "7775f3a3-893f-43fa-b625-460c61094c78", "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
    ]
    assert len(fake.logged("GET", r"/v1/users/[^/]+")) == 1  # asked once, then not again


def test_the_legacy_notion_version_queries_the_database(fake):
    db = fake.add_database()
    ids = add_deals(fake, db, 120, stage="Won")
    rows, _ = collect(connector(fake, db, notion_version="2022-06-28"))
    assert sorted(r["page_id"] for r in rows["raw_notion_opportunities"]) == sorted(ids)
    assert len(fake.logged("POST", rf"/v1/databases/{db}/query")) == 2 and not fake.logged("POST", QUERY)


def test_a_data_source_id_reads_that_data_source_alone_with_content_and_comments(fake):
    db, other = fake.add_database(), fake.add_database("Renewals")
    ids = add_deals(fake, db, 130)
    add_deals(fake, other, 3)
    alice = fake.add_user("Alice Chen", "alice@example.com")
    fake.add_block(ids[0], "Decision process: security review first")
    fake.add_comment(ids[0], "Can you send the architecture diagram?", "2026-10-05T14:05:00.000Z", alice["id"])
    source = fake.data_source_of(db)
    conn = NotionApiConnector(token=TOKEN, data_source_id=source, terminal_stages=TERMINAL, base_url=fake.base_url,
                              requests_per_second=None)
    rows, _ = collect(conn)
    assert sorted(r["page_id"] for r in rows["raw_notion_opportunities"]) == sorted(ids)
    assert [b["text"] for b in rows["raw_notion_blocks"]] == ["Decision process: security review first"]
    assert [(c["text"], c["author_name"]) for c in rows["raw_notion_comments"]] == [
        ("Can you send the architecture diagram?", "Alice Chen")]
    queries = fake.logged("POST", QUERY)
    assert {q.path for q in queries} == {f"/v1/data_sources/{source}/query"} and len(queries) == 2
    assert queries[1].body["start_cursor"]
    assert not fake.logged("GET", r"/v1/databases/.*")


def test_a_data_source_the_integration_cannot_see_says_so(fake):
    missing = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"
    conn = NotionApiConnector(token=TOKEN, data_source_id=missing, terminal_stages=TERMINAL, base_url=fake.base_url,
                              requests_per_second=None, max_retries=0)
    with pytest.raises(SourceError, match=f"data source {missing} is not visible to the integration: share its database"):
        collect(conn)


def test_a_data_source_id_that_is_no_id_is_a_config_mistake_before_any_request(fake):
    with pytest.raises(ConfigError, match=r"sources\.notion\.data_source_id 'Opportunities' is not a Notion data source id"):
        NotionApiConnector(token=TOKEN, data_source_id="Opportunities", terminal_stages=TERMINAL, base_url=fake.base_url)
    assert fake.requests == []


def test_a_refused_token_names_the_variable_and_not_the_token(fake):
    db = fake.add_database()
    conn = NotionApiConnector(token="secret_wrong", database_id=db, terminal_stages=TERMINAL, base_url=fake.base_url,
                              token_env="MY_NOTION_TOKEN", requests_per_second=None)
    with pytest.raises(SourceError) as error:
        collect(conn)
    assert "$MY_NOTION_TOKEN" in str(error.value) and "secret_wrong" not in str(error.value)


def test_from_settings_needs_the_token_variable(fake, monkeypatch):
    settings = Settings(sources=Sources(notion=NotionApi(mode="api", database_id="0" * 32, token_env="NOTION_TEST_TOKEN",
                                                         base_url=fake.base_url)))
    monkeypatch.delenv("NOTION_TEST_TOKEN", raising=False)
    with pytest.raises(SourceError, match="NOTION_TEST_TOKEN is not set"):
        from_settings(settings)
    monkeypatch.setenv("NOTION_TEST_TOKEN", TOKEN)
    assert isinstance(from_settings(settings), NotionApiConnector)


def test_loading_the_api_twice_leaves_identical_counts(fake):
    db = fake.add_database()
    pages = add_deals(fake, db, 30)
    alice = fake.add_user("Alice Chen", "alice@example.com")
    for page in pages[:5]:
        fake.add_block(page, "content")
        fake.add_comment(page, "question?", "2026-10-05T14:05:00.000Z", alice["id"])
    con = duckdb.connect()
    counts = []
    for _ in range(2):
        conn = connector(fake, db)
        load_records(con, "notion", conn.tables, WINDOW, conn.extract(WINDOW))
        counts.append(con.execute(
            "SELECT (SELECT count(*) FROM raw_notion_opportunities), (SELECT count(*) FROM raw_notion_blocks),"
            " (SELECT count(*) FROM raw_notion_comments)"
        ).fetchone())
    assert counts[0] == counts[1] == (30, 5, 5)
