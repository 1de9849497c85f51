"""The replaying fake Notion: real notion_client and the api connector read a recorded folder
(invented recordings, written here) as they would read Notion."""

import datetime as dt
import json
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from notion_client import APIResponseError, Client

from se_pipeline.sources.notion import NotionApiConnector
from se_pipeline.warehouse import Rows
from se_pipeline.window import Window
from tests.fakes.notion_replay import RecordedNotion
from tests.fakes.notion_server import TOKEN, people_property, rich_text, status_property, title_property

SOURCE, DATABASE = str(uuid.uuid4()), str(uuid.uuid4())
WINDOW = Window.for_day(dt.date(2026, 3, 10), ZoneInfo("Europe/Lisbon"))
SE = {"object": "user", "id": str(uuid.uuid4()), "name": "Marta Silva", "avatar_url": None, "type": "person",
      "person": {"email": "marta@example.com"}}


def page(title: str, stage: str) -> dict:
    page_id = str(uuid.uuid4())
    return {
        "object": "page", "id": page_id, "created_time": "2026-02-01T09:00:00.000Z",
        "last_edited_time": "2026-03-10T09:00:00.000Z", "archived": False, "in_trash": False,
        "parent": {"type": "data_source_id", "data_source_id": SOURCE, "database_id": DATABASE},
        "url": f"https://www.notion.so/{page_id.replace('-', '')}",
        "properties": {"Deal": title_property(title), "Phase": status_property(stage), "SE": people_property([SE])},
    }


def listing(results: list, kind: str, next_cursor: str | None = None) -> dict:
    return {"object": "list", "results": results, "next_cursor": next_cursor, "has_more": next_cursor is not None,
            "type": kind, kind: {}, "request_id": str(uuid.uuid4())}


@pytest.fixture
def recording(tmp_path: Path) -> dict:
    """Three query pages (2 + 2 + 1 deals), comments on the first deal, content of the second."""
    deals = [page(f"Deal {i}", "Discovery") for i in range(5)]
    chunks = [deals[0:2], deals[2:4], deals[4:5]]
    for n, chunk in enumerate(chunks, start=1):
        cursor = chunks[n][0]["id"] if n < len(chunks) else None  # Notion's cursor: the next page's first id
        (tmp_path / f"data_source_query_page_{n}.json").write_text(json.dumps(listing(chunk, "page_or_data_source", cursor)))
    first, second = deals[0]["id"], deals[1]["id"]
    comment = {"object": "comment", "id": str(uuid.uuid4()), "parent": {"type": "page_id", "page_id": first},
               "discussion_id": str(uuid.uuid4()), "created_time": "2026-03-10T11:00:00.000Z",
               "last_edited_time": "2026-03-10T11:00:00.000Z", "created_by": {"object": "user", "id": SE["id"]},
               "rich_text": rich_text("Could you share the sizing sheet?")}
    (tmp_path / f"comments_{first}.json").write_text(json.dumps(listing([comment], "comment")))
    block = {"object": "block", "id": str(uuid.uuid4()), "parent": {"type": "page_id", "page_id": second},
             "created_time": "2026-02-01T09:00:00.000Z", "last_edited_time": "2026-02-01T09:00:00.000Z",
             "has_children": False, "in_trash": False, "type": "paragraph",
             "paragraph": {"rich_text": rich_text("Budget approved in Q2"), "color": "default"}}
    (tmp_path / f"blocks_{second}.json").write_text(json.dumps(listing([block], "block")))
    return {"folder": tmp_path, "deals": deals, "cursors": [chunks[1][0]["id"], chunks[2][0]["id"]]}


def read(fake: RecordedNotion, **ids: str) -> dict[str, list[dict]]:
    conn = NotionApiConnector(token=TOKEN, terminal_stages=["Won"], base_url=fake.base_url, requests_per_second=None, **ids)
    rows: dict[str, list[dict]] = {}
    for item in conn.extract(WINDOW):
        assert isinstance(item, Rows), item
        rows.setdefault(item.table, []).extend(item.rows)
    return rows


def test_the_connector_reads_the_recorded_cursor_chain_comments_and_content(recording):
    with RecordedNotion(recording["folder"]) as fake:
        assert fake.data_source_id == SOURCE
        rows = read(fake, data_source_id=fake.data_source_id)
        queries = fake.logged("POST", rf"/v1/data_sources/{SOURCE}/query")
    assert [r["name"] for r in rows["raw_notion_opportunities"]] == [f"Deal {i}" for i in range(5)]
    assert [q.body.get("start_cursor") for q in queries] == [None, *recording["cursors"]]
    assert [(c["text"], c["author_name"], c["author_email"]) for c in rows["raw_notion_comments"]] == [
        ("Could you share the sizing sheet?", "Marta Silva", "marta@example.com")]
    assert [(b["page_id"], b["text"]) for b in rows["raw_notion_blocks"]] == [(recording["deals"][1]["id"], "Budget approved in Q2")]


def test_the_database_of_the_recorded_pages_leads_to_the_same_data_source(recording):
    with RecordedNotion(recording["folder"]) as fake:
        rows = read(fake, database_id=DATABASE)
    assert len(rows["raw_notion_opportunities"]) == 5 and len(rows["raw_notion_comments"]) == 1


def test_unknown_ids_cursors_and_tokens_get_notions_errors(recording):
    known = recording["deals"][3]["id"]  # recorded, but no comments or content were recorded for it
    with RecordedNotion(recording["folder"]) as fake:
        client = Client(auth=TOKEN, base_url=fake.base_url, retry=False)
        assert client.comments.list(block_id=known)["results"] == []
        assert client.blocks.children.list(block_id=known)["results"] == []
        unknown = str(uuid.uuid4())
        for call in (lambda: client.comments.list(block_id=unknown), lambda: client.blocks.children.list(block_id=unknown),
                     lambda: client.data_sources.query(unknown), lambda: client.users.retrieve(unknown)):
            with pytest.raises(APIResponseError) as error:
                call()
            assert (error.value.status, error.value.code) == (404, "object_not_found")
        with pytest.raises(APIResponseError) as error:
            client.data_sources.query(SOURCE, start_cursor=str(uuid.uuid4()))
        assert error.value.code == "validation_error"
        with pytest.raises(APIResponseError) as error:
            Client(auth="secret_wrong", base_url=fake.base_url, retry=False).data_sources.query(SOURCE)
        assert error.value.code == "unauthorized"
