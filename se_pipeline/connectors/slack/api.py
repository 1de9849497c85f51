"""Slack Web API -> raw Slack tables, making only the calls the window's data needs.

Per run: conversations.list (paginated); users.list only when the user cache (raw_slack_users, read
back by `recall`) is missing or a week old; then per readable conversation one conversations.history
scan from `thread_lookback_days` before the window (or from the oldest thread still watched there,
if older) to the window's end, and conversations.replies only for threads whose latest reply is at
or after the window start, asking a thread the warehouse already holds only for replies from the
window start on. That one scan yields the window's top-level messages and shows which parents have
new replies, so a reply today to last month's question arrives while the old parent stays in its own
day. A thread stays watched until `thread_watch_days` pass without a reply (None: for ever); a first
reply to a message older than the lookback is not searched for.
Authors and mentioned people the cache and users.list lack (Slack Connect members of the customer's
org, people who joined since the listing) are looked up once each with users.info.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.error import URLError

import duckdb
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from se_pipeline.connectors.slack.api_memory import USERS_FRESH_FOR, Memory, Thread, read_memory
from se_pipeline.connectors.slack.client import BROKEN_ANSWERS, ReadOnlyWebClient
from se_pipeline.connectors.slack.records import (
    CHANNELS,
    MESSAGES,
    TABLES,
    USERS,
    BadMessage,
    Conversation,
    Directory,
    channel_row,
    conversation,
    conversation_problem,
    home_team,
    is_thread_parent,
    message_row,
    parse_ts,
    ts_of,
    ts_value,
    user_problem,
    user_row,
)
from se_pipeline.errors import SourceError
from se_pipeline.pages import Quarantined, Rows, paged
from se_pipeline.window import Window

# Slack's recommended page size; non-Marketplace apps get at most 15 per call whatever is asked.
PAGE_LIMIT = 200
# conversations.history's largest page: a scan reaching back for watched threads costs one call, not several.
HISTORY_LIMIT = 999
_AUTH_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "no_permission"}
)
# A conversation the token cannot read is reported and skipped; the rest of the workspace loads.
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)[|>]")
_CHANNEL_ERRORS = frozenset({"not_in_channel", "channel_not_found", "access_denied", "is_archived"})


class _Unavailable(Exception):
    """A channel the token cannot read, or a user Slack does not know: skipped, not fatal."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


def token_from_env(token_env: str) -> str:
    token = os.environ.get(token_env, "").strip()
    if not token:
        raise SourceError(
            f"no Slack token: set the environment variable {token_env} to the app's bot token "
            "(or change sources.slack.token_env)"
        )
    return token


class SlackApiConnector:
    """Reads Slack through the Web API (slack_sdk WebClient, read-only).

    After extract(): `calls` (API calls made) and `calls_by_method`, `thread_parents` (threads whose
    replies were fetched), `replies_expected` (the replies their parents' reply_count promises from where
    the fetch began), `replies_fetched` (replies the API returned for them), `channels_read`,
    `channels_not_member` (listed, not joined: not read), `threads_watched` (threads older than the
    lookback still watched: reached back for, or asked alone) and `skipped_channels` (channel id -> Slack's
    error) for the run's metadata. Without `recall()` it remembers nothing: users are listed and
    every thread is read whole.
    """

    source = "slack"
    tables = TABLES

    def __init__(
        self,
        client: ReadOnlyWebClient,
        *,
        workspace: str,
        channel_types: Iterable[str] = ("public_channel", "private_channel", "im", "mpim"),
        thread_lookback_days: int = 14,
        thread_watch_days: int | None = 90,
        token_env: str = "SLACK_BOT_TOKEN",
        own_user_ids: Iterable[str] = (),
        page_limit: int = PAGE_LIMIT,
        history_limit: int = HISTORY_LIMIT,
    ):
        self.client = client
        self.workspace = workspace
        self.channel_types = list(channel_types)
        self.thread_lookback = dt.timedelta(days=thread_lookback_days)
        self.thread_watch = None if thread_watch_days is None else dt.timedelta(days=thread_watch_days)
        self.token_env = token_env
        self.own_user_ids = tuple(own_user_ids)
        self.page_limit = page_limit
        self.history_limit = history_limit
        self.thread_parents = 0
        self.replies_expected = 0
        self.replies_fetched = 0
        self.channels_read = 0
        self.channels_not_member = 0
        self.threads_watched = 0
        self.skipped_channels: dict[str, str] = {}
        self.only_channels: frozenset[str] | None = None  # narrow(): read these conversations' messages only
        self._looked_up: dict[str, dict[str, Any] | None] = {}  # users.info answers, by user id
        self.memory = Memory()

    @property
    def calls(self) -> int:
        return self.client.calls

    @property
    def calls_by_method(self) -> dict[str, int]:
        return dict(sorted(self.client.calls_by_method.items()))

    def recall(self, con: duckdb.DuckDBPyConnection, window: Window) -> None:
        """Read the user cache and the threads that may be watched in `window` from the warehouse behind `con`
        (before extract(window))."""
        reach = max(self.thread_watch, self.thread_lookback) if self.thread_watch else None
        self.memory = read_memory(con, window.start - reach if reach else None)

    def narrow(self, channels: Iterable[str]) -> None:
        """Read the messages of these conversations only (the ones a sensor saw news in); users and
        conversations are still listed whole."""
        self.only_channels = frozenset(channels)

    # ---- the run --------------------------------------------------------------------------

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        listed = self.memory.users_listed
        if listed is not None and window.end - listed < USERS_FRESH_FOR:
            users = list(self.memory.users)  # stored rows: no users.list, nothing to write again
            team = home_team(users)
        else:
            users = []
            for index, user in enumerate(self._paginate("users.list", self.client.users_list, "members")):
                problem = user_problem(user)
                if problem:
                    yield Quarantined("slack", f"users.list[{index}]", problem, user, window.last_day)
                else:
                    users.append(user)
            team = home_team(users)
            yield from paged(USERS, (user_row(u, team) | {"listed_at": window.end} for u in users))
        directory = Directory(users, self.own_user_ids)
        conversations = []
        pages = self._paginate("conversations.list", self.client.conversations_list, "channels", types=self.channel_types)
        for index, payload in enumerate(pages):
            problem = conversation_problem(payload)
            if problem:
                yield Quarantined("slack", f"conversations.list[{index}]", problem, payload, window.last_day)
            else:
                conversations.append(conversation(payload))
        for conv in conversations:
            directory.add_conversation(conv)
        yield from paged(CHANNELS, (channel_row(c, directory) for c in conversations))
        yield from paged(MESSAGES, self._messages(conversations, directory, window))
        yield from paged(USERS, (user_row(u, team) for u in self._looked_up.values() if u))

    def _messages(
        self, conversations: list[Conversation], directory: Directory, window: Window
    ) -> Iterator[dict[str, Any] | Quarantined]:
        for conv in conversations:
            if not self._worth_reading(conv, window):
                continue
            try:
                yield from self._conversation(conv, directory, window)
            except _Unavailable as exc:
                self.skipped_channels[conv.id] = exc.error
                yield Quarantined(
                    "slack",
                    f"channel:{conv.id}",
                    f"skipped_channel: {exc.error} ({directory.title(conv) or conv.id})",
                    conv.payload,
                    window.first_day,
                )

    def _worth_reading(self, conv: Conversation, window: Window) -> bool:
        if self.only_channels is not None and conv.id not in self.only_channels:
            return False
        if conv.payload.get("is_member") is False:
            # A bot reads only what it was added to (else not_in_channel): no call spent on it.
            self.channels_not_member += 1
            return False
        created = conv.created_at
        return created is None or created < window.end

    def _conversation(
        self, conv: Conversation, directory: Directory, window: Window
    ) -> Iterator[dict[str, Any] | Quarantined]:
        self.channels_read += 1
        window_start = ts_value(ts_of(window.start))
        scan_from, polled = self._plan(conv.id, window)
        threads: list[str] = []
        history = self._paginate(
            "conversations.history",
            self.client.conversations_history,
            "messages",
            limit=self.history_limit,
            channel=conv.id,
            oldest=scan_from,
            latest=ts_of(window.end - dt.timedelta(microseconds=1)),
            inclusive=True,
        )
        for message in history:
            if is_thread_parent(message) and message.get("reply_count") and (
                ts_value(message.get("latest_reply")) >= window_start
            ):
                threads.append(message["ts"])
            yield from self._row(message, conv, directory, window)
        for parent_ts in (*threads, *polled):
            yield from self._thread(parent_ts, conv, directory, window)

    def _plan(self, channel: str, window: Window) -> tuple[str, list[str]]:
        """Where the channel's history scan starts, and the watched threads asked one by one.

        The scan covers thread_lookback_days before the window. A thread the warehouse holds whose parent is
        older and that had a reply within thread_watch_days is watched: the scan reaches back to the oldest
        such parent (its answer shows which have new replies) when that costs fewer pages, as the stored
        top-level messages in between tell, than asking each of them for replies since the window start.
        """
        oldest = ts_of(window.start - self.thread_lookback)
        quiet_since = ts_value(ts_of(window.start - self.thread_watch)) if self.thread_watch else None
        watched = sorted(
            (thread.ts for thread in self.memory.threads.get(channel, {}).values()
             if ts_value(thread.ts) < ts_value(oldest)
            and (quiet_since is None or thread.last_activity >= quiet_since)),
            key=ts_value,
        )
        self.threads_watched += len(watched)
        if not watched:
            return oldest, []
        lookback = window.start - self.thread_lookback
        # What the lookback's scan returns anyway (the window's own messages are not stored yet).
        scanned = self.memory.top_level_between(channel, lookback, window.start, window.tz)
        between = self.memory.top_level_between(channel, parse_ts(watched[0]), lookback, window.tz)
        extra_pages = -(-(scanned + between) // self.history_limit) - -(-scanned // self.history_limit)
        return (watched[0], []) if extra_pages <= len(watched) else (oldest, watched)

    def _thread(
        self, parent_ts: str, conv: Conversation, directory: Directory, window: Window
    ) -> Iterator[dict[str, Any] | Quarantined]:
        # A thread the warehouse holds is asked only for replies from the window start (the earlier ones are
        # stored); another is read whole. Either way the replies are checked against the parent's reply_count
        # (Slack repeats the parent, with its count, at the top of each page).
        self.thread_parents += 1
        known: Thread | None = self.memory.threads.get(conv.id, {}).get(parent_ts)
        start = ts_of(window.start)
        oldest = start if known is not None and ts_value(parent_ts) < ts_value(start) else None
        before = known.replies_before(ts_value(start)) if known is not None and oldest else 0
        replies = self._paginate(
            "conversations.replies", self.client.conversations_replies, "messages",
            channel=conv.id, ts=parent_ts, oldest=oldest, inclusive=True if oldest else None,
        )
        counted = False
        try:
            for message in replies:
                if message.get("ts") == parent_ts:
                    if not counted:
                        self.replies_expected += max(int(message.get("reply_count") or 0) - before, 0)
                        counted = True
                    continue  # the parent came with history (or belongs to an older day)
                self.replies_fetched += 1
                if message.get("subtype") == "thread_broadcast":
                    continue  # also in the channel's history, which covers the window
                yield from self._row(message, conv, directory, window)
        except _Unavailable as exc:
            if exc.error != "thread_not_found":
                raise
            # A watched thread gone from Slack (its parent deleted with its replies): nothing more to read.

    def _row(
        self, message: dict[str, Any], conv: Conversation, directory: Directory, window: Window
    ) -> Iterator[dict[str, Any] | Quarantined]:
        try:
            # Lookback messages are only scanned for threads: skip them before any normalising.
            if message.get("ts") and not window.contains(parse_ts(message["ts"])):
                return
            for user_id in (message.get("user"), *_MENTION.findall(message.get("text") or "")):
                self._look_up_user(user_id, directory)
            row = message_row(message, conv, directory, self.workspace, window)
        except BadMessage as exc:
            key = f"{conv.id}:{message.get('ts') or message.get('client_msg_id') or '?'}"
            yield Quarantined("slack", key, str(exc), message, window.first_day)
            return
        if row is not None:
            yield row

    def _look_up_user(self, user_id: str | None, directory: Directory) -> None:
        if not user_id or user_id in directory.users or user_id in self._looked_up:
            return
        try:
            user = self._request("users.info", self.client.users_info, user=user_id).get("user")
        except _Unavailable:
            user = None  # e.g. user_not_found: the row keeps the id and no name
        self._looked_up[user_id] = user
        if isinstance(user, dict):
            directory.users[user_id] = user

    # ---- calls ----------------------------------------------------------------------------

    def _paginate(
        self, method: str, call: Callable[..., SlackResponse], key: str, limit: int | None = None, **params: Any
    ) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paginated method, page by page (`limit` a page, else page_limit), until
        next_cursor is empty."""
        cursor = None
        while True:
            page = self._request(method, call, limit=limit or self.page_limit, cursor=cursor, **params)
            yield from (item for item in page.get(key) or [] if isinstance(item, dict))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return

    def _request(self, method: str, call: Callable[..., SlackResponse], **params: Any) -> SlackResponse:
        try:
            return call(**{k: v for k, v in params.items() if v is not None})
        except SlackApiError as exc:
            raise self._error(method, exc) from None
        except (URLError, OSError) as exc:
            raise SourceError(f"cannot reach Slack at {self.client.base_url} for {method}: {exc}") from None
        except BROKEN_ANSWERS:
            raise SourceError(
                f"Slack {method} failed: its answers kept arriving cut short after the configured retries "
                "(max_retries); try again later"
            ) from None

    def _error(self, method: str, exc: SlackApiError) -> Exception:
        response = exc.response
        data = response.data if isinstance(response.data, dict) else {}
        error = str(data.get("error") or f"HTTP {response.status_code}")
        if error in _CHANNEL_ERRORS and method in ("conversations.history", "conversations.replies"):
            return _Unavailable(error)
        if error == "thread_not_found" and method == "conversations.replies":
            return _Unavailable(error)
        if error == "user_not_found" and method == "users.info":
            return _Unavailable(error)
        if error == "missing_scope":
            needed = data.get("needed") or "unknown"
            return SourceError(
                f"Slack refused {method}: the token in {self.token_env} lacks the scope {needed!r}; "
                "add it to the Slack app's scopes and reinstall the app"
            )
        if error in _AUTH_ERRORS:
            return SourceError(
                f"Slack refused the token in {self.token_env} ({error}); put a valid bot token in that variable"
            )
        if response.status_code == 429:
            return SourceError(f"Slack kept rate-limiting {method} after the configured retries (max_retries)")
        status = "" if response.status_code == 200 else f" (HTTP {response.status_code})"
        return SourceError(f"Slack {method} failed{status}: {error}")
