"""A fake Notion API (v1) on 127.0.0.1 for tests: real notion_client talks HTTP to it.

Responses are built from recorded exchanges (tests/data/notion/api, trimmed from the
notion-sdk-py cassettes and jomei/notionapi test data; see that folder's README). It answers the
read endpoints the connectors use (the opportunity database and, as a second database, rep
feedback: add_database() once for each), with Notion's pagination (page_size, start_cursor,
next_cursor, has_more), its 25-reference cut of relation/people values in page objects, the
per-query result cap with `request_status: incomplete`, and errors on demand: 429 with
Retry-After, 5xx, a cursor that goes stale, has_more without a cursor. Every request is logged.

It also takes the three writes a confirmed proposal may make (PATCH /v1/pages/{id}, POST /v1/pages,
POST /v1/comments) and applies them to its workspace as Notion does; `writes()` lists every write
request that arrived, so a test can show that exactly one did, or none.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fakes.broken import send_broken

DATA = Path(__file__).resolve().parent.parent / "data" / "notion" / "api"
TOKEN = "secret_fake_notion_token"
REFERENCE_LIMIT = 25
DATA_SOURCES_VERSION = "2025-09-03"


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


ERRORS = _load("errors.json")


def rich_text(text: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "text",
            "text": {"content": text, "link": None},
            "annotations": {"bold": False, "italic": False, "strikethrough": False, "underline": False,
                            "code": False, "color": "default"},
            "plain_text": text,
            "href": None,
        }
    ]


def title_property(text: str) -> dict[str, Any]:
    return {"id": "title", "type": "title", "title": rich_text(text)}


def status_property(name: str) -> dict[str, Any]:
    return {"id": "st%3Ag", "type": "status", "status": {"id": str(uuid.uuid4()), "name": name, "color": "blue"}}


def rich_text_property(text: str, property_id: str = "rt%3Ax") -> dict[str, Any]:
    # Notion gives an empty property an empty array, not an empty text item.
    return {"id": property_id, "type": "rich_text", "rich_text": rich_text(text) if text else []}


def select_property(name: str | None, property_id: str = "s%3Bel") -> dict[str, Any]:
    option = {"id": str(uuid.uuid5(uuid.NAMESPACE_OID, name)), "name": name, "color": "green"} if name else None
    return {"id": property_id, "type": "select", "select": option}


def date_property(start: str | None, end: str | None = None, property_id: str = "d%3Cte") -> dict[str, Any]:
    return {"id": property_id, "type": "date", "date": {"start": start, "end": end, "time_zone": None} if start else None}


def relation_property(page_ids: list[str]) -> dict[str, Any]:
    return {"id": "r%3Bel", "type": "relation", "relation": [{"id": p} for p in page_ids], "has_more": False}


def people_property(users: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "pp%7Cl", "type": "people", "people": users}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    notion_version: str | None
    authorization: str | None


@dataclass
class Fault:
    """Answer the next `times` requests matching method + path regex with an error."""

    method: str
    path: str
    status: int
    code: str
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    only_with_cursor: bool = False
    message: str | None = None


class FakeNotion:
    """State of a fake Notion workspace plus the HTTP server answering for it."""

    def __init__(self, *, result_cap: int = 10_000, token: str = TOKEN):
        self.result_cap = result_cap
        self.token = token
        self.databases: dict[str, dict[str, Any]] = {}  # database id -> {"data_source_id", "title"}
        self.pages: dict[str, dict[str, Any]] = {}  # page id -> page object with complete references
        self.page_source: dict[str, str] = {}  # page id -> data source id
        self.children: dict[str, list[dict[str, Any]]] = defaultdict(list)  # block/page id -> blocks
        self.comments: dict[str, list[dict[str, Any]]] = defaultdict(list)  # page id -> comments
        self.users: dict[str, dict[str, Any]] = {}
        self.users_restricted = False
        self.drop_next_cursor_after: int | None = None  # answer has_more with no cursor after N rows
        self.faults: list[Fault] = []
        self.broken: list[tuple[str, str, str]] = []  # (method, path regex, kind): answers to break
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._clock = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.timezone.utc)
        self._server: ThreadingHTTPServer | None = None

    # ---- workspace -----------------------------------------------------------------------

    def add_database(self, title: str = "Opportunities", properties: dict[str, str] | None = None) -> str:
        """A database; `properties` (name -> Notion type) is its schema, else the sample's."""
        database_id, source_id = str(uuid.uuid4()), str(uuid.uuid4())
        self.databases[database_id] = {"data_source_id": source_id, "title": title, "properties": properties}
        return database_id

    def _schema(self, database_id: str, sample: dict[str, Any]) -> dict[str, Any]:
        types = self.databases[database_id]["properties"]
        if types is None:
            return sample["properties"]
        return {name: {"id": f"p{i}", "name": name, "type": kind, kind: {}} for i, (name, kind) in enumerate(types.items())}

    def data_source_of(self, database_id: str) -> str:
        return self.databases[database_id]["data_source_id"]

    def add_user(self, name: str, email: str | None = None) -> dict[str, Any]:
        user = {"object": "user", "id": str(uuid.uuid4()), "name": name, "avatar_url": None, "type": "person",
                "person": {"email": email} if email else {}}
        self.users[user["id"]] = user
        return user

    def add_page(
        self,
        database_id: str,
        properties: dict[str, dict[str, Any]],
        *,
        created_time: str | None = None,
    ) -> str:
        """A page of the database; created one minute after the previous unless given."""
        page = _load("page.json")
        page_id = str(uuid.uuid4())
        if created_time is None:
            self._clock += dt.timedelta(minutes=1)
            created_time = self._clock.strftime("%Y-%m-%dT%H:%M:00.000Z")
        title = next((p["title"][0]["plain_text"] for p in properties.values() if p.get("type") == "title" and p["title"]), "")
        source_id = self.data_source_of(database_id)
        page.update(
            id=page_id,
            created_time=created_time,
            last_edited_time=created_time,
            parent={"type": "data_source_id", "data_source_id": source_id, "database_id": database_id},
            properties=copy.deepcopy(properties),
            url=f"https://www.notion.so/{re.sub(r'[^A-Za-z0-9]+', '-', title).strip('-')}-{page_id.replace('-', '')}",
        )
        self.pages[page_id] = page
        self.page_source[page_id] = source_id
        return page_id

    def edit_page(self, page_id: str, properties: dict[str, dict[str, Any]] | None = None, at: str | None = None) -> None:
        """Someone edits a page: its properties change and last_edited_time moves to `at` (default: now, to
        the minute, as Notion keeps it)."""
        page = self.pages[page_id]
        page["properties"].update(copy.deepcopy(properties or {}))
        page["last_edited_time"] = at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:00.000Z")

    def add_block(self, parent_id: str, text: str, block_type: str = "paragraph") -> str:
        block_id = str(uuid.uuid4())
        self.children[parent_id].append(
            {
                "object": "block",
                "id": block_id,
                "parent": {"type": "page_id", "page_id": parent_id} if parent_id in self.pages
                else {"type": "block_id", "block_id": parent_id},
                "created_time": "2026-09-01T12:00:00.000Z",
                "last_edited_time": "2026-09-01T12:00:00.000Z",
                "has_children": False,
                "in_trash": False,
                "type": block_type,
                block_type: {"rich_text": rich_text(text), "color": "default"},
            }
        )
        return block_id

    def add_comment(self, page_id: str, text: str, created_time: str, user_id: str,
                    discussion_id: str | None = None) -> dict[str, Any]:
        comment = _load("comment.json")
        comment.update(
            id=str(uuid.uuid4()),
            parent={"type": "page_id", "page_id": page_id},
            discussion_id=discussion_id or str(uuid.uuid4()),
            created_time=created_time,
            last_edited_time=created_time,
            created_by={"object": "user", "id": user_id},
            rich_text=rich_text(text),
        )
        comment.pop("display_name", None)
        self.comments[page_id].append(comment)
        return comment

    def fail(self, method: str, path: str, status: int, code: str, **kwargs: Any) -> None:
        self.faults.append(Fault(method, path, status, code, **kwargs))

    def break_next(self, method: str, path: str, kind: str, times: int = 1) -> None:
        """The next `times` answers to method + path regex are broken as `kind` says (tests/fakes/broken.py)."""
        self.broken.extend([(method, path, kind)] * times)

    def _broken_for(self, r: Request) -> str | None:
        for index, (method, path, kind) in enumerate(self.broken):
            if method == r.method and re.fullmatch(path, r.path):
                del self.broken[index]
                return kind
        return None

    # ---- server --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeNotion":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "FakeNotion":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def logged(self, method: str, path_pattern: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and re.fullmatch(path_pattern, r.path)]

    def writes(self) -> list[Request]:
        """Every request that would change the workspace (queries are POST but read)."""
        return [r for r in self.requests if r.method in ("PATCH", "PUT", "DELETE")
                or (r.method == "POST" and not r.path.endswith("/query"))]

    def edit(self, page_id: str, name: str, prop: dict[str, Any]) -> None:
        """Someone edits a page in Notion: `name` becomes `prop`."""
        self.pages[page_id]["properties"][name] = copy.deepcopy(prop)
        self.pages[page_id]["last_edited_time"] = "2026-12-01T09:00:00.000Z"

    # ---- dispatch ------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else {}
        request = Request(
            method=handler.command,
            path=url.path,
            query={k: v[0] for k, v in parse_qs(url.query).items()},
            body=body,
            notion_version=handler.headers.get("notion-version"),
            authorization=handler.headers.get("authorization"),
        )
        with self._lock:
            self.requests.append(request)
            broken = self._broken_for(request)
            status, payload, headers = self._answer(request)
        data = json.dumps(payload).encode()
        if broken:
            send_broken(handler, broken, data)
            return
        handler.send_response(status)
        handler.send_header("content-type", "application/json; charset=utf-8")
        handler.send_header("content-length", str(len(data)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, r: Request) -> tuple[int, Any, dict[str, str]]:
        if r.authorization != f"Bearer {self.token}":
            return _error("unauthorized")
        if fault := self._fault_for(r):
            return _error(fault.code, fault.status, fault.headers, fault.message)
        routes = [
            ("GET", r"/v1/databases/([^/]+)", self._database),
            ("GET", r"/v1/data_sources/([^/]+)", self._data_source),
            ("POST", r"/v1/data_sources/([^/]+)/query", self._query_source),
            ("POST", r"/v1/databases/([^/]+)/query", self._query_database),
            ("GET", r"/v1/pages/([^/]+)", self._page),
            ("GET", r"/v1/pages/([^/]+)/properties/([^/]+)", self._property),
            ("GET", r"/v1/blocks/([^/]+)/children", self._children),
            ("GET", r"/v1/comments", self._comments),
            ("GET", r"/v1/users/([^/]+)", self._user),
            ("PATCH", r"/v1/pages/([^/]+)", self._update_page),
            ("POST", r"/v1/pages", self._create_page),
            ("POST", r"/v1/comments", self._create_comment),
        ]
        for method, pattern, answer in routes:
            match = re.fullmatch(pattern, r.path)
            if method == r.method and match:
                return answer(r, *match.groups())
        return _error("invalid_request_url")

    def _fault_for(self, r: Request) -> Fault | None:
        for fault in self.faults:
            if fault.times <= 0 or fault.method != r.method or not re.fullmatch(fault.path, r.path):
                continue
            if fault.only_with_cursor and not (r.body.get("start_cursor") or r.query.get("start_cursor")):
                continue
            fault.times -= 1
            return fault
        return None

    # ---- endpoints -----------------------------------------------------------------------

    def _database(self, r: Request, database_id: str):
        if database_id not in self.databases:
            return _not_found(database_id)
        if (r.notion_version or "") < DATA_SOURCES_VERSION:
            database = _load("database_2022-06-28.json")
            database["properties"] = self._schema(database_id, database)
        else:
            database = _load("database.json")
            database["data_sources"] = [{"id": self.data_source_of(database_id), "name": self.databases[database_id]["title"]}]
        database.update(id=database_id, title=rich_text(self.databases[database_id]["title"]))
        return 200, database, {}

    def _data_source(self, r: Request, source_id: str):
        database_id = next((d for d, v in self.databases.items() if v["data_source_id"] == source_id), None)
        if database_id is None:
            return _not_found(source_id)
        source = _load("data_source.json")
        source.update(id=source_id, parent={"type": "database_id", "database_id": database_id},
                      properties=self._schema(database_id, source),
                      title=rich_text(self.databases[database_id]["title"]))
        return 200, source, {}

    def _query_source(self, r: Request, source_id: str):
        if source_id not in {v["data_source_id"] for v in self.databases.values()}:
            return _not_found(source_id)
        return self._query(r, source_id)

    def _query_database(self, r: Request, database_id: str):
        if database_id not in self.databases:
            return _not_found(database_id)
        return self._query(r, self.data_source_of(database_id), legacy=True)

    def _query(self, r: Request, source_id: str, legacy: bool = False):
        pages = [p for pid, p in self.pages.items() if self.page_source[pid] == source_id]
        condition = r.body.get("filter") or {}
        stamp = condition.get("timestamp")  # created_time or last_edited_time
        since = (condition.get(stamp) or {}).get("on_or_after") if stamp else None
        title = ((r.body.get("filter") or {}).get("title") or {}).get("contains")
        if title:
            pages = [p for p in pages if title.lower() in _title(p).lower()]
        if since:
            pages = [p for p in pages if _ts(p[stamp]) >= _ts(since)]
        if r.body.get("sorts"):
            order = r.body["sorts"][0].get("timestamp", "created_time")
            pages.sort(key=lambda p: (p[order], p["id"]))
        capped = len(pages) > self.result_cap
        pages = pages[: self.result_cap]
        window = _window(pages, r.body.get("start_cursor"), r.body.get("page_size"))
        if window is None:
            return _error("validation_error", message=f"The start_cursor provided is invalid: {r.body.get('start_cursor')}")
        items, next_cursor = window
        answer = _load("list.json")
        if legacy:
            answer.update(type="page_or_database", page_or_database={})
            answer.pop("page_or_data_source", None)
        answer.update(results=[_as_listed(p) for p in items], next_cursor=next_cursor, has_more=next_cursor is not None)
        if capped and next_cursor is None:
            # Notion's documented signal: has_more is false, yet the result set was cut.
            answer["request_status"] = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
        start = int(r.body.get("start_cursor") or 0)
        if self.drop_next_cursor_after is not None and next_cursor and start + len(items) >= self.drop_next_cursor_after:
            answer["next_cursor"] = None
        return 200, answer, {}

    def _page(self, r: Request, page_id: str):
        if page_id not in self.pages:
            return _not_found(page_id)
        return 200, _as_listed(self.pages[page_id]), {}

    def _property(self, r: Request, page_id: str, property_id: str):
        page = self.pages.get(page_id)
        if page is None:
            return _not_found(page_id)
        prop = next((p for p in page["properties"].values() if unquote(p["id"]) == unquote(property_id)), None)
        if prop is None:
            return _not_found(property_id)
        kind = prop["type"]
        if kind not in ("relation", "people", "title", "rich_text"):
            return 200, {"object": "property_item", "id": prop["id"], "type": kind, kind: prop[kind]}, {}
        items = [{"object": "property_item", "type": kind, "id": prop["id"], kind: v} for v in prop[kind]]
        window = _window(items, r.query.get("start_cursor"), r.query.get("page_size"))
        if window is None:
            return _error("validation_error", message="The start_cursor provided is invalid.")
        items, next_cursor = window
        answer = _load("property_item_list.json")
        answer.update(results=items, next_cursor=next_cursor, has_more=next_cursor is not None)
        answer["property_item"] = {"id": prop["id"], "next_url": None, "type": kind, kind: {}}
        return 200, answer, {}

    def _children(self, r: Request, block_id: str):
        if block_id not in self.pages and not any(b["id"] == block_id for bs in self.children.values() for b in bs):
            return _not_found(block_id)
        blocks = [dict(b, has_children=bool(self.children.get(b["id"]))) for b in self.children.get(block_id, [])]
        return self._listing(r, blocks, "block")

    def _comments(self, r: Request):
        block_id = r.query.get("block_id", "")
        return self._listing(r, self.comments.get(block_id, []), "comment")

    def _listing(self, r: Request, items: list[dict[str, Any]], kind: str):
        window = _window(items, r.query.get("start_cursor"), r.query.get("page_size"))
        if window is None:
            return _error("validation_error", message="The start_cursor provided is invalid.")
        items, next_cursor = window
        answer = _load("list.json")
        answer.pop("page_or_data_source", None)
        answer.update(results=items, next_cursor=next_cursor, has_more=next_cursor is not None, type=kind)
        answer[kind] = {}
        return 200, answer, {}

    def _update_page(self, r: Request, page_id: str):
        page = self.pages.get(page_id)
        if page is None:
            return _not_found(page_id)
        for name, value in (r.body.get("properties") or {}).items():
            if name not in page["properties"]:
                return _error("validation_error", message=f"{name} is not a property that exists.")
            page["properties"][name] = _set_value(page["properties"][name], value)
        page["last_edited_time"] = "2026-12-01T10:00:00.000Z"
        return 200, _as_listed(page), {}

    def _create_page(self, r: Request):
        parent = r.body.get("parent") or {}
        source_id = parent.get("data_source_id") or (self.databases.get(parent.get("database_id") or "") or {}).get("data_source_id")
        database_id = next((d for d, v in self.databases.items() if v["data_source_id"] == source_id), None)
        if database_id is None:
            return _not_found(parent.get("data_source_id") or parent.get("database_id") or "")
        schema = self._schema(database_id, _load("data_source.json"))
        properties = {}
        for name, value in (r.body.get("properties") or {}).items():
            if name not in schema:
                return _error("validation_error", message=f"{name} is not a property that exists.")
            properties[name] = _set_value({"id": schema[name]["id"], "type": schema[name]["type"]}, value)
        page_id = self.add_page(database_id, properties)
        for block in r.body.get("children") or []:
            kind = block["type"]
            self.add_block(page_id, "".join(t["text"]["content"] for t in block[kind]["rich_text"]), kind)
        return 200, _as_listed(self.pages[page_id]), {}

    def _create_comment(self, r: Request):
        page_id = (r.body.get("parent") or {}).get("page_id")
        if page_id not in self.pages:
            return _not_found(str(page_id))
        comment = self.add_comment(page_id, "".join(t["text"]["content"] for t in r.body.get("rich_text") or []),
                                   "2026-12-01T10:00:00.000Z", "bot-user")
        comment["rich_text"] = [_full_text(t) for t in r.body.get("rich_text") or []]
        return 200, comment, {}

    def _user(self, r: Request, user_id: str):
        if self.users_restricted:
            return _error("restricted_resource")
        if user_id not in self.users:
            return _not_found(user_id)
        return 200, self.users[user_id], {}


# ---- helpers -----------------------------------------------------------------------------


def _title(page: dict[str, Any]) -> str:
    return next(("".join(t["plain_text"] for t in p["title"]) for p in page["properties"].values() if p.get("type") == "title"), "")


def _full_text(item: dict[str, Any]) -> dict[str, Any]:
    """A rich-text item as Notion stores it (plain_text, annotations) from what a request sent."""
    content = item["text"]["content"]
    link = (item["text"].get("link") or {}).get("url")
    full = rich_text(content)[0]
    full["text"]["link"] = {"url": link} if link else None
    full["href"] = link
    return full


def _set_value(prop: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    """A property after a write of `value` (a property value body), in the shape pages are read in."""
    kind = prop["type"]
    given = value.get(kind)
    if kind in ("status", "select"):
        given = {"id": str(uuid.uuid5(uuid.NAMESPACE_OID, given["name"])), "name": given["name"], "color": "default"}
    elif kind in ("title", "rich_text"):
        given = [_full_text(t) for t in given]
    elif kind == "date":
        given = {"start": given["start"], "end": given.get("end"), "time_zone": None}
    elif kind == "people":
        given = [{"object": "user", "id": u["id"]} for u in given]
    return {"id": prop["id"], "type": kind, kind: given}


def _ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _window(items: list[Any], cursor: str | None, page_size: Any) -> tuple[list[Any], str | None] | None:
    """A page of `items` from the opaque cursor (an offset here); None when the cursor is invalid."""
    size = min(int(page_size or 100), 100)
    try:
        start = int(cursor) if cursor else 0
    except ValueError:
        return None
    if start < 0 or start > len(items):
        return None
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


def _as_listed(page: dict[str, Any]) -> dict[str, Any]:
    """A page as the API lists it: relation and people values cut at 25 references."""
    listed = copy.deepcopy(page)
    for prop in listed["properties"].values():
        kind = prop.get("type")
        if kind in ("relation", "people") and len(prop[kind]) > REFERENCE_LIMIT:
            prop[kind] = prop[kind][:REFERENCE_LIMIT]
            if kind == "relation":
                prop["has_more"] = True
    return listed


def _error(code: str, status: int | None = None, headers: dict[str, str] | None = None,
           message: str | None = None) -> tuple[int, Any, dict[str, str]]:
    body = dict(ERRORS[code])
    if message:
        body["message"] = message
    body["request_id"] = str(uuid.uuid4())
    return status or body["status"], body, headers or {}


def _not_found(object_id: str) -> tuple[int, Any, dict[str, str]]:
    return _error("object_not_found", message=ERRORS["object_not_found"]["message"].format(id=object_id))
