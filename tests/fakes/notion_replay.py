"""A fake Notion that replays a folder of recorded API answers, laid out like an evaluation
scenario's `notion/api/`:

    data_source_query_page_<N>.json   POST /v1/data_sources/{id}/query: page N of the cursor chain
    comments_<page id>.json           GET /v1/comments?block_id=<page id>
    blocks_<block id>.json            GET /v1/blocks/{id}/children

The data source (and its database) is the recorded pages' parent. A query without start_cursor is
answered with page 1; with one, by the page whose predecessor's next_cursor it is; any other cursor
is refused as Notion refuses a stale one (400 validation_error). A recorded page or block without a
file has no comments or children; an id the recording does not know is 404 object_not_found.
GET /v1/users/{id} answers the user objects the recorded people properties carry. Everything
else (the bearer token check, faults, the request log, pages and their properties) is FakeNotion's.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from tests.fakes.notion_server import TOKEN, FakeNotion, Request, _error, _not_found

QUERY_PAGE = re.compile(r"data_source_query_page_(\d+)\.json")


class RecordedNotion(FakeNotion):
    """Serves the recorded answers in `folder` on 127.0.0.1 (start() or `with`)."""

    def __init__(self, folder: Path, *, token: str = TOKEN):
        super().__init__(token=token)
        folder = Path(folder)
        self.query_answers = _query_answers(folder)
        # The cursor a page's predecessor gave is what a client sends to get that page.
        self._after_cursor = {
            before["next_cursor"]: answer for before, answer in zip(self.query_answers, self.query_answers[1:])
        }
        pages = [page for answer in self.query_answers for page in answer.get("results") or []]
        parents = {(page["parent"].get("data_source_id"), page["parent"].get("database_id")) for page in pages}
        if len(parents) != 1 or None in next(iter(parents)):
            raise ValueError(f"{folder}: the recorded pages should share one parent data source and database, not {parents}")
        ((self.data_source_id, database_id),) = parents
        self.databases[database_id] = {"data_source_id": self.data_source_id, "title": ""}
        for page in pages:
            self.pages[page["id"]] = page
            self.page_source[page["id"]] = self.data_source_id
            for prop in page.get("properties", {}).values():
                if prop.get("type") == "people":
                    self.users.update((user["id"], user) for user in prop["people"])
        self.recorded_comments = _by_id(folder, "comments_")
        self.recorded_children = _by_id(folder, "blocks_")
        for parent_id, answer in self.recorded_children.items():
            self.children[parent_id] = answer.get("results") or []  # so their ids are known

    def _query(self, r: Request, source_id: str, legacy: bool = False):
        cursor = r.body.get("start_cursor")
        answer = self.query_answers[0] if not cursor else self._after_cursor.get(cursor)
        if answer is None:
            return _error("validation_error", message=f"The start_cursor provided is invalid: {cursor}")
        return 200, copy.deepcopy(answer), {}

    def _children(self, r: Request, block_id: str):
        if block_id in self.recorded_children:
            return 200, self.recorded_children[block_id], {}
        return super()._children(r, block_id)

    def _comments(self, r: Request):
        block_id = r.query.get("block_id", "")
        if block_id in self.recorded_comments:
            return 200, self.recorded_comments[block_id], {}
        if not self._known(block_id):
            return _not_found(block_id)
        return super()._comments(r)

    def _known(self, block_id: str) -> bool:
        return block_id in self.pages or any(b["id"] == block_id for bs in self.children.values() for b in bs)


def _query_answers(folder: Path) -> list[dict[str, Any]]:
    numbered = sorted(
        (int(m.group(1)), path) for path in folder.glob("data_source_query_page_*.json") if (m := QUERY_PAGE.fullmatch(path.name))
    )
    if not numbered:
        raise ValueError(f"{folder}: no data_source_query_page_<N>.json to replay")
    return [json.loads(path.read_text(encoding="utf-8")) for _, path in numbered]


def _by_id(folder: Path, prefix: str) -> dict[str, Any]:
    """{id: recorded answer} of the `<prefix><id>.json` files."""
    return {
        path.stem[len(prefix):]: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob(f"{prefix}*.json"))
    }
