"""A fake Slack Web API on 127.0.0.1 that answers like the real one, for slack_sdk's WebClient.

It serves POST (or GET) /api/<method> with a form or JSON body and a Bearer token, and answers
conversations.list / history / replies and users.list with cursor pagination, and users.info,
(`response_metadata.next_cursor`, `has_more`), in the envelope shapes of Slack's responses
(../shared/data/slack-api-java-sdk-schema-samples/api/*.json,
../shared/data/slack-api-python-slack-sdk-fixtures). Tests script failures: a 429 with
Retry-After, a 500, or an `ok: false` error (with `needed` for missing_scope). Every request is
recorded (method, params) so tests can count calls and prove that no write arrived.

    with FakeSlack() as slack:
        slack.add_channel("C1", "ext-acme-eval")
        slack.add_message("C1", slack_message("1790949900.000300", "U1", "hi"))
        client = WebClient(token=slack.token, base_url=slack.base_url)
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from tests.fakes.broken import is_broken, send_broken

DEFAULT_TOKEN = "xoxb-fake-test-token"
MAX_LIMIT = 1000  # Slack caps limit at 1000 for these methods


def slack_message(ts: str, user: str | None, text: str, **fields: Any) -> dict[str, Any]:
    """A message as conversations.history returns it (fields beyond these pass through)."""
    message: dict[str, Any] = {"type": "message", "text": text, "ts": ts}
    if user:
        message |= {"user": user, "team": "T01EXAMPLE", "client_msg_id": f"cm-{ts}"}
        message["blocks"] = [
            {"type": "rich_text", "block_id": "b", "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}]}
        ]
    message.update(fields)
    return message


def slack_user(user_id: str, name: str, real_name: str, email: str | None = None, **fields: Any) -> dict[str, Any]:
    """A member as users.list returns it."""
    profile = {"real_name": real_name, "display_name": name, "real_name_normalized": real_name,
               "display_name_normalized": name, "team": fields.get("team_id", "T01EXAMPLE")}
    if email:
        profile["email"] = email
    user = {"id": user_id, "team_id": "T01EXAMPLE", "name": name, "deleted": False, "real_name": real_name,
            "tz": "America/New_York", "is_admin": False, "is_owner": False, "is_bot": False, "is_app_user": False,
            "is_restricted": False, "is_ultra_restricted": False, "updated": 1788000000, "profile": profile}
    user.update(fields)
    return user


def _ts(value: str) -> Decimal:
    return Decimal(value)


def _cursor(offset: int) -> str:
    return base64.b64encode(f"next_offset:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    return int(base64.b64decode(cursor).decode().split(":", 1)[1])


@dataclass
class _Failure:
    status: int | str  # an HTTP status, or a kind of broken answer (tests/fakes/broken.py)
    retry_after: int | None = None


@dataclass
class FakeSlack:
    token: str = DEFAULT_TOKEN
    users: list[dict[str, Any]] = field(default_factory=list)
    unlisted_users: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    # channel id -> every message in it, parents and replies alike (as Slack stores them)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    max_limit: int = MAX_LIMIT
    # The fake's clock, a Slack ts: messages posted after it are not there yet (None: all are).
    now: str | None = None

    def __post_init__(self) -> None:
        self._failures: dict[str, list[_Failure]] = {}
        self._errors: dict[tuple[str, str | None], dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # ---- data ---------------------------------------------------------------------------

    def add_user(self, user: dict[str, Any], listed: bool = True) -> None:
        """listed=False: a Slack Connect member of another org, known to users.info but not users.list."""
        (self.users if listed else self.unlisted_users).append(user)

    def add_channel(self, channel_id: str, name: str | None = None, **fields: Any) -> dict[str, Any]:
        """A conversation as conversations.list returns it; flags say its type (is_private, is_im, …)."""
        channel = {"id": channel_id, "created": 1788000000, "is_archived": False, "is_im": False,
                   "is_mpim": False, "is_private": False, "is_channel": True, "is_group": False,
                   "is_general": False, "is_shared": False, "is_ext_shared": False, "is_org_shared": False,
                   "is_pending_ext_shared": False, "is_member": True, "num_members": 3,
                   "topic": {"value": "", "creator": "", "last_set": 0},
                   "purpose": {"value": "", "creator": "", "last_set": 0}, "previous_names": []}
        if name is not None:
            channel |= {"name": name, "name_normalized": name}
        if fields.get("is_im"):
            channel |= {"is_channel": False, "is_private": True}
        channel.update(fields)
        self.channels.append(channel)
        self.messages.setdefault(channel_id, [])
        return channel

    def add_message(self, channel_id: str, message: dict[str, Any]) -> None:
        self.messages.setdefault(channel_id, []).append(message)

    # ---- scripted failures --------------------------------------------------------------

    def fail_next(self, method: str, status: int | str, retry_after: int | None = None, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP `status` (429 with Retry-After, 500, …), or are
        broken the way a kind of tests/fakes/broken.py says."""
        self._failures.setdefault(method, []).extend(_Failure(status, retry_after) for _ in range(times))

    def set_error(self, method: str, error: str, channel: str | None = None, **fields: Any) -> None:
        """`method` (for `channel`, or for any channel) answers HTTP 200 {"ok": false, "error": error, **fields}."""
        self._errors[(method, channel)] = {"ok": False, "error": error, **fields}

    # ---- what arrived -------------------------------------------------------------------

    def calls(self, method: str | None = None) -> int:
        return sum(1 for m, _ in self.requests if method is None or m == method)

    def methods(self) -> list[str]:
        return [m for m, _ in self.requests]

    # ---- server -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the fake first (use it as a context manager)"
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def __enter__(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll interval so that shutdown (each test's teardown) takes milliseconds.
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    # ---- request handling ---------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        method = url.path.removeprefix("/api/")
        params: dict[str, Any] = dict(parse_qsl(url.query))
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length).decode("utf-8") if length else ""
        if body:
            if "json" in (request.headers.get("Content-Type") or ""):
                params.update(json.loads(body))
            else:
                params.update(parse_qsl(body))
        with self._lock:
            self.requests.append((method, params))
            failures = self._failures.get(method)
            failure = failures.pop(0) if failures else None
        if failure is not None:
            self._send_failure(request, failure)
            return
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ") or params.get("token")
        if token != self.token:
            answer = {"ok": False, "error": "invalid_auth"} if token else {"ok": False, "error": "not_authed"}
        else:
            error = self._errors.get((method, params.get("channel"))) or self._errors.get((method, None))
            answer = error or self._answer(method, params)
        self._send(request, 200, answer)

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler, status: int, answer: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(answer).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    def _send_failure(self, request: BaseHTTPRequestHandler, failure: _Failure) -> None:
        if is_broken(failure.status):
            send_broken(request, failure.status, json.dumps({"ok": True, "members": [], "channels": [], "messages": [],
                                                             "response_metadata": {"next_cursor": ""}}).encode())
            return
        if failure.status == 429:
            self._send(request, 429, {"ok": False, "error": "ratelimited"},
                       {"Retry-After": str(failure.retry_after if failure.retry_after is not None else 1)})
            return
        data = b"<html><body>Internal Server Error</body></html>"
        request.send_response(failure.status)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        handler = {
            "auth.test": self._auth_test,
            "users.list": self._users_list,
            "users.info": self._users_info,
            "conversations.list": self._conversations_list,
            "conversations.history": self._history,
            "conversations.replies": self._replies,
        }.get(method)
        if handler is None:
            if method.startswith(("chat.", "conversations.", "reactions.", "files.")):
                # A write that got this far would have happened on real Slack: answer as Slack does.
                return {"ok": True, "channel": params.get("channel"), "ts": f"1790999999.{len(self.requests):06d}"}
            return {"ok": False, "error": "unknown_method"}
        return handler(params)

    def _page(self, items: list[Any], params: dict[str, Any], default_limit: int = 100) -> tuple[list[Any], str]:
        limit = min(int(params.get("limit") or default_limit), self.max_limit)
        start = _offset(params.get("cursor"))
        end = start + limit
        return items[start:end], (_cursor(end) if end < len(items) else "")

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://example.slack.com/", "team": "Example", "user": "se-pipeline",
                "team_id": "T01EXAMPLE", "user_id": "U0BOT", "bot_id": "B0BOT", "is_enterprise_install": False}

    def _users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        page, cursor = self._page(self.users, params, default_limit=100)
        return {"ok": True, "members": page, "cache_ts": 1790999999, "response_metadata": {"next_cursor": cursor}}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = next((u for u in self.users + self.unlisted_users if u["id"] == params.get("user")), None)
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _conversations_list(self, params: dict[str, Any]) -> dict[str, Any]:
        types = set(str(params.get("types") or "public_channel").split(","))

        def kind(c: dict[str, Any]) -> str:
            if c.get("is_im"):
                return "im"
            if c.get("is_mpim"):
                return "mpim"
            return "private_channel" if c.get("is_private") else "public_channel"

        wanted = [c for c in self.channels if kind(c) in types]
        if str(params.get("exclude_archived")) in ("1", "true"):
            wanted = [c for c in wanted if not c.get("is_archived")]
        page, cursor = self._page(wanted, params)
        return {"ok": True, "channels": page, "response_metadata": {"next_cursor": cursor}}

    def _in_range(self, ts: str, params: dict[str, Any]) -> bool:
        inclusive = str(params.get("inclusive")) in ("1", "true")
        value = _ts(ts)
        if params.get("oldest"):
            oldest = _ts(params["oldest"])
            if value < oldest or (value == oldest and not inclusive):
                return False
        if params.get("latest"):
            latest = _ts(params["latest"])
            if value > latest or (value == latest and not inclusive):
                return False
        return True

    def _posted(self, channel: str) -> list[dict[str, Any]]:
        """The channel's messages posted by the fake's clock."""
        messages = self.messages.get(channel, [])
        return messages if self.now is None else [m for m in messages if _ts(m["ts"]) <= _ts(self.now)]

    def _threads(self, posted: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """Thread ts -> its replies among `posted`."""
        replies: dict[str, list[dict[str, Any]]] = {}
        for m in posted:
            if m.get("thread_ts") and m["thread_ts"] != m["ts"]:
                replies.setdefault(m["thread_ts"], []).append(m)
        return replies

    @staticmethod
    def _thread_fields(message: dict[str, Any], threads: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        """A parent carries its thread's summary, computed from the replies stored, as Slack does."""
        replies = threads.get(message["ts"])
        if not replies:
            return message
        latest = max(replies, key=lambda m: _ts(m["ts"]))
        users = list(dict.fromkeys(m.get("user") for m in replies if m.get("user")))
        return {**message, "thread_ts": message["ts"], "reply_count": len(replies), "reply_users_count": len(users),
                "latest_reply": latest["ts"], "reply_users": users, "is_locked": False, "subscribed": False}

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if channel not in self.messages:
            return {"ok": False, "error": "channel_not_found"}
        posted = self._posted(channel)
        threads = self._threads(posted)
        top_level = [
            m for m in posted
            if (not m.get("thread_ts") or m["thread_ts"] == m["ts"] or m.get("subtype") == "thread_broadcast")
            and self._in_range(m["ts"], params)
        ]
        selected = sorted((self._thread_fields(m, threads) for m in top_level),
                          key=lambda m: _ts(m["ts"]), reverse=True)  # newest first, as Slack answers
        page, cursor = self._page(selected, params)
        return {"ok": True, "messages": page, "has_more": bool(cursor), "pin_count": 0,
                "channel_actions_ts": None, "channel_actions_count": 0,
                "response_metadata": {"next_cursor": cursor}}

    def _replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = params.get("channel"), params.get("ts")
        if channel not in self.messages:
            return {"ok": False, "error": "channel_not_found"}
        posted = self._posted(channel)
        parent = next((m for m in posted if m["ts"] == ts), None)
        if parent is None:
            return {"ok": False, "error": "thread_not_found"}
        threads = self._threads(posted)
        replies = sorted((m for m in threads.get(ts, []) if self._in_range(m["ts"], params)),
                         key=lambda m: _ts(m["ts"]))
        page, cursor = self._page(replies, params, default_limit=1000)
        # Slack repeats the parent at the top of every page of a thread.
        return {"ok": True, "messages": [self._thread_fields(parent, threads), *page], "has_more": bool(cursor),
                "response_metadata": {"next_cursor": cursor}}
