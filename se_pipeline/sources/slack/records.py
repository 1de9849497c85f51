"""Slack objects (as the Web API and workspace exports give them) turned into raw table rows.

Both connectors use these, so a message reads the same whichever way it arrived.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from se_pipeline.sources.slack.blocks import attachment_lines, block_lines
from se_pipeline.sources.slack.text import normalize_text
from se_pipeline.window import Window

MESSAGES = "raw_slack_messages"
USERS = "raw_slack_users"
CHANNELS = "raw_slack_channels"
TABLES = (MESSAGES, USERS, CHANNELS)

# Membership, settings and pin notices say nothing a digest needs.
SKIPPED_SUBTYPES = frozenset(
    {
        "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
        "channel_archive", "channel_unarchive", "channel_posting_permissions", "channel_convert_to_private",
        "group_join", "group_leave", "group_topic", "group_purpose", "group_name", "group_archive",
        "group_unarchive", "pinned_item", "unpinned_item", "bot_add", "bot_remove", "ekm_access_denied",
        "reminder_add", "message_deleted",  # an event about another message, which is gone
    }
)
# A deleted parent that still has replies: kept, with no text, so its thread stays whole.
DELETED_SUBTYPES = frozenset({"tombstone"})

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_INT32 = 2**31 - 1  # raw_slack_messages.reply_count is an INTEGER
_TS = re.compile(r"\d{1,12}(\.\d{1,6})?")


class BadMessage(ValueError):
    """A message that cannot be stored; the text is the quarantine reason."""


class _Attachment(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    pretext: str | None = None
    title: str | None = None
    text: str | None = None
    fallback: str | None = None


class _MessageShape(BaseModel):
    """The types of the fields message_row reads: a hand-edited or damaged export may hold anything."""

    model_config = ConfigDict(extra="allow", strict=True)
    ts: str | None = None
    thread_ts: str | None = None
    user: str | None = None
    text: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    username: str | None = None
    reply_count: int | None = Field(default=None, ge=0, le=_INT32)
    latest_reply: str | None = None
    attachments: list[_Attachment] | None = None
    files: list[Any] | None = None
    edited: dict[str, Any] | None = None
    user_profile: dict[str, Any] | None = None
    bot_profile: dict[str, Any] | None = None


class _ProfileShape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    real_name: str | None = None
    display_name: str | None = None
    email: str | None = None


class _UserShape(BaseModel):
    """The fields user_row and Directory read from a user."""

    model_config = ConfigDict(extra="allow", strict=True)
    id: str
    team_id: str | None = None
    name: str | None = None
    real_name: str | None = None
    profile: _ProfileShape | None = None


class _ConversationShape(BaseModel):
    """The fields Conversation and channel_row read from a conversation."""

    model_config = ConfigDict(extra="allow", strict=True)
    id: str
    name: str | None = None
    user: str | None = None
    members: list[str] | None = None
    topic: dict[str, Any] | str | None = None
    purpose: dict[str, Any] | str | None = None


def _shape_error(shape: type[BaseModel], item: dict[str, Any]) -> str | None:
    """The quarantine reason when `item` does not have the types `shape` reads, else None."""
    try:
        shape.model_validate(item)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        return f"bad_field: {field}: {error['msg']} (got {type(error['input']).__name__})"
    return None


def _check_shape(message: dict[str, Any]) -> None:
    reason = _shape_error(_MessageShape, message)
    if reason:
        raise BadMessage(reason)


def user_problem(user: Any) -> str | None:
    """Why a users.json / users.list entry cannot be stored, or None."""
    return "bad_user: not a JSON object" if not isinstance(user, dict) else _shape_error(_UserShape, user)


def conversation_problem(payload: Any) -> str | None:
    """Why a channels.json (…) / conversations.list entry cannot be stored, or None."""
    return "bad_conversation: not a JSON object" if not isinstance(payload, dict) else _shape_error(_ConversationShape, payload)


def parse_ts(ts: Any) -> dt.datetime:
    """Slack's '1696161600.000100' as an aware UTC datetime (exact to the microsecond)."""
    if not isinstance(ts, str) or not _TS.fullmatch(ts):
        raise BadMessage(f"bad_ts: {ts!r} is not a Slack timestamp")
    seconds, _, fraction = ts.partition(".")
    micros = int((fraction + "000000")[:6])
    return dt.datetime.fromtimestamp(int(seconds), dt.timezone.utc) + dt.timedelta(microseconds=micros)


def ts_of(moment: dt.datetime) -> str:
    """A datetime as a Slack timestamp string (for `oldest` / `latest`)."""
    delta = moment - _EPOCH
    return f"{delta // dt.timedelta(seconds=1)}.{delta.microseconds:06d}"


def ts_value(ts: str | None) -> Decimal:
    """A comparable value for a Slack timestamp (string order breaks when the digit counts differ)."""
    try:
        return Decimal(ts) if ts else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _epoch(value: Any) -> dt.datetime | None:
    if isinstance(value, (int, float)) and value > 0:
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    return None


def _text_field(value: Any) -> str | None:
    # API and exports give {"value": …}; some payloads give the bare string.
    if isinstance(value, dict):
        value = value.get("value")
    return value or None


# ---- users ------------------------------------------------------------------------------------


def user_real_name(user: dict[str, Any]) -> str | None:
    profile = user.get("profile") or {}
    return (
        profile.get("real_name")
        or user.get("real_name")
        or profile.get("display_name")
        or user.get("name")
        or None
    )


def home_team(users: Iterable[dict[str, Any]]) -> str | None:
    """The workspace's own team: the team most of its members belong to (no API call needed)."""
    counts = Counter(u.get("team_id") for u in users if u.get("team_id") and not u.get("is_bot"))
    return counts.most_common(1)[0][0] if counts else None


def user_row(user: dict[str, Any], team: str | None) -> dict[str, Any]:
    profile = user.get("profile") or {}
    is_guest = bool(user.get("is_restricted") or user.get("is_ultra_restricted"))
    foreign = bool(team and user.get("team_id") and user["team_id"] != team)
    return {
        "user_id": user["id"],
        "team_id": user.get("team_id"),
        "name": user.get("name"),
        "real_name": profile.get("real_name") or user.get("real_name"),
        "display_name": profile.get("display_name") or None,
        "email": profile.get("email"),
        "is_bot": bool(user.get("is_bot") or user.get("is_app_user")),
        "is_external": is_guest or foreign or bool(user.get("is_stranger")),
        "payload": user,
    }


# ---- conversations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Conversation:
    id: str
    kind: str  # public | private | im | mpim
    payload: dict[str, Any]

    @property
    def name(self) -> str | None:
        return self.payload.get("name") or None

    @property
    def is_ext_shared(self) -> bool:
        return bool(self.payload.get("is_ext_shared"))

    @property
    def members(self) -> list[str] | None:
        if self.payload.get("members") is not None:
            return list(self.payload["members"])
        if self.payload.get("user"):  # an API im names only the other person
            return [self.payload["user"]]
        return None

    @property
    def created_at(self) -> dt.datetime | None:
        return _epoch(self.payload.get("created"))


def conversation(payload: dict[str, Any], kind: str | None = None) -> Conversation:
    """A conversation from conversations.list (kind read from its flags) or an export file (kind given)."""
    if kind is None:
        if payload.get("is_im"):
            kind = "im"
        elif payload.get("is_mpim"):
            kind = "mpim"
        elif payload.get("is_private") or payload.get("is_group"):
            kind = "private"
        else:
            kind = "public"
    return Conversation(payload["id"], kind, payload)


class Directory:
    """Names by id, for mentions, authors and DM titles.

    `own_user_ids` are the configured SEs' Slack ids: a DM is titled by the *other* person.
    """

    def __init__(self, users: Iterable[dict[str, Any]] = (), own_user_ids: Iterable[str] = ()):
        self.users: dict[str, dict[str, Any]] = {u["id"]: u for u in users if u.get("id")}
        self.conversations: dict[str, Conversation] = {}
        self.own_user_ids = frozenset(own_user_ids)

    def add_conversation(self, conv: Conversation) -> None:
        self.conversations[conv.id] = conv

    def user_name(self, user_id: str | None) -> str | None:
        user = self.users.get(user_id or "")
        return user_real_name(user) if user else None

    def user_email(self, user_id: str | None) -> str | None:
        user = self.users.get(user_id or "")
        return (user.get("profile") or {}).get("email") if user else None

    def channel_name(self, channel_id: str) -> str | None:
        conv = self.conversations.get(channel_id)
        return self.title(conv) if conv else None

    def title(self, conv: Conversation) -> str | None:
        if conv.kind in ("im", "mpim") and conv.members:
            others = [m for m in conv.members if m not in self.own_user_ids] or conv.members
            return ", ".join(self.user_name(m) or m for m in others)
        return conv.name

    def text(self, raw: str | None) -> str:
        return normalize_text(raw, self.user_name, self.channel_name)


def channel_row(conv: Conversation, directory: Directory) -> dict[str, Any]:
    is_member = conv.payload.get("is_member")
    if is_member is None and conv.kind in ("im", "mpim"):
        is_member = True  # listed to us, so ours
    return {
        "channel_id": conv.id,
        "name": directory.title(conv),
        "channel_type": conv.kind,
        "is_ext_shared": conv.is_ext_shared,
        "is_member": is_member,
        "members": conv.members,
        "topic": _text_field(conv.payload.get("topic")),
        "purpose": _text_field(conv.payload.get("purpose")),
        "created_at": conv.created_at,
        "payload": conv.payload,
    }


# ---- messages ---------------------------------------------------------------------------------


def permalink(workspace: str, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
    link = f"https://{workspace}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def is_thread_parent(message: dict[str, Any]) -> bool:
    """A thread's parent is the message whose ts is the thread's ts (its position in a page means nothing)."""
    return bool(message.get("thread_ts")) and message.get("thread_ts") == message.get("ts")


def _bot_name(message: dict[str, Any]) -> str | None:
    if not (message.get("bot_id") or message.get("subtype") == "bot_message"):
        return None
    return message.get("username") or (message.get("bot_profile") or {}).get("name") or None


def _file_names(message: dict[str, Any]) -> list[str] | None:
    names = [f.get("name") or f.get("title") or f.get("id") for f in message.get("files") or [] if isinstance(f, dict)]
    return [n for n in names if n] or None


def _readable_text(message: dict[str, Any], directory: Directory) -> str | None:
    if message.get("subtype") in DELETED_SUBTYPES:
        return None
    lines = [directory.text(message.get("text"))]
    # Integrations (Salesforce, Zendesk, Gong, Jira…) often put their content in attachments or blocks.
    for attachment in message.get("attachments") or []:
        if isinstance(attachment, dict):
            lines.extend(attachment_lines(attachment, directory.text))
    for block in message.get("blocks") or []:
        if isinstance(block, dict):
            lines.extend(block_lines(block, directory.text))
    kept: list[str] = []
    for line in lines:
        if line and not any(line in seen for seen in kept):  # a header that repeats the fallback text
            kept.append(line)
    return "\n".join(kept) or None


def message_row(
    message: dict[str, Any],
    conv: Conversation,
    directory: Directory,
    workspace: str,
    window: Window,
) -> dict[str, Any] | None:
    """The raw_slack_messages row for `message`, or None for a notice that is not a message.

    Raises BadMessage (its text is the quarantine reason) when the message cannot be stored.
    """
    if message.get("subtype") == "message_changed" and isinstance(message.get("message"), dict):
        message = message["message"]  # an edit event: the nested message is the current version
    _check_shape(message)
    if message.get("subtype") in SKIPPED_SUBTYPES:
        return None
    ts = message.get("ts")
    if not ts:
        raise BadMessage("no_ts: message has no ts")
    sent_at = parse_ts(ts)
    edited = message.get("edited") or {}
    thread_ts = message.get("thread_ts") or None
    user_id = message.get("user") or None
    bot_name = _bot_name(message)
    user_name = (
        directory.user_name(user_id)
        or (message.get("user_profile") or {}).get("real_name")
        or bot_name
    )
    return {
        "message_key": f"{conv.id}:{ts}",
        "partition_date": window.local_date(sent_at),
        "channel_id": conv.id,
        "channel_name": directory.title(conv),
        "channel_type": conv.kind,
        "is_ext_shared": conv.is_ext_shared,
        "ts": ts,
        "thread_ts": thread_ts,
        "is_reply": bool(thread_ts and thread_ts != ts),
        "reply_count": message.get("reply_count"),
        "latest_reply": message.get("latest_reply"),
        "user_id": user_id,
        "user_name": user_name,
        "user_email": directory.user_email(user_id),
        "bot_id": message.get("bot_id"),
        "bot_name": bot_name,
        "subtype": message.get("subtype"),
        "sent_at": sent_at,
        "edited_at": parse_ts(edited["ts"]) if edited.get("ts") else None,
        "text": _readable_text(message, directory),
        "files": _file_names(message),
        "permalink": permalink(workspace, conv.id, ts, thread_ts),
        "payload": message,
    }


def in_window(row: dict[str, Any], window: Window) -> bool:
    return window.first_day <= row["partition_date"] <= window.last_day
