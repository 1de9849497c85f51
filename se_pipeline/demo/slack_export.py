"""Render the story as a Slack workspace export (the "All channels and conversations" JSON export).

Layout: users.json, channels.json (public), groups.json (private), dms.json, mpims.json, and one
folder per conversation with a JSON list of messages per day. Folders are named as Slack names
them: channels, private channels and group DMs by name (group DMs: `mpdm-a--b--c-1`), DMs by id.
Day files are grouped by the UTC date of `ts`; readers must use each message's `ts`, not the file
name, to find its local day.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

from se_pipeline.demo.model import (
    Bot,
    Channel,
    Person,
    Post,
    Story,
    dashed_uuid,
    hex_id,
    upper_id,
)

_MENTION = re.compile(r"\{@([\w.]+)\}")
_CHANNEL = re.compile(r"\{#([\w-]+)\}")
_LINK = re.compile(r"\{link:([^|}]+)\|([^}]+)\}")

_MIMETYPES = {
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word Document"),
    "json": ("application/json", "JSON"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel Spreadsheet"),
}


def message_key(story: Story, post: Post) -> str:
    """'<channel_id>:<ts>', the key raw_slack_messages uses."""
    return f"{story.channels[post.channel].id}:{post.ts}"


def render_text(story: Story, text: str) -> str:
    """Slack's wire format: &, <, > escaped; mentions, channel links and URLs in angle brackets."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MENTION.sub(lambda m: f"<@{story.people[m.group(1)].slack_id}>", text)
    text = _CHANNEL.sub(lambda m: f"<#{story.channels[m.group(1)].id}|{m.group(1)}>", text)
    return _LINK.sub(lambda m: f"<{m.group(1)}|{m.group(2)}>", text)


def write_slack_export(story: Story, folder: Path, team_id: str, workspace: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _write_json(folder / "users.json", _users(story, team_id))
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for channel in story.channels.values():
        by_kind[channel.kind].append(_conversation(story, channel, team_id))
    for kind, file_name in (("public", "channels.json"), ("private", "groups.json"), ("im", "dms.json"),
                            ("mpim", "mpims.json")):
        _write_json(folder / file_name, sorted(by_kind[kind], key=lambda c: c["id"]))
    for (channel_name, day), messages in sorted(_messages_by_day(story, team_id, workspace).items()):
        channel = story.channels[channel_name]
        day_folder = folder / (channel.id if channel.kind == "im" else channel.name)
        day_folder.mkdir(exist_ok=True)
        _write_json(day_folder / f"{day.isoformat()}.json", sorted(messages, key=lambda m: m["ts"]))


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=4, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _team_of(story: Story, person: Person, team_id: str) -> str:
    return team_id if person.is_internal else story.customers[person.org].team_id


def _users(story: Story, team_id: str) -> list[dict]:
    users = [_user(story, p, team_id) for p in story.people.values() if p.slack_id]
    users += [_bot_user(bot, team_id) for bot in story.bots.values()]
    return sorted(users, key=lambda u: u["id"])


def _user(story: Story, person: Person, team_id: str) -> dict:
    first, _, last = person.name.partition(" ")
    return {
        "id": person.slack_id,
        "team_id": _team_of(story, person, team_id),
        "name": person.handle,
        "deleted": False,
        "color": hex_id("color", person.key, length=6),
        "real_name": person.name,
        "tz": "America/New_York",
        "tz_label": "Eastern Daylight Time",
        "tz_offset": -14400,
        "profile": {
            "title": person.title,
            "phone": "",
            "skype": "",
            "real_name": person.name,
            "real_name_normalized": person.name,
            "display_name": person.first_name if person.is_internal else person.name,
            "display_name_normalized": person.first_name if person.is_internal else person.name,
            "fields": {},
            "status_text": "",
            "status_emoji": "",
            "avatar_hash": hex_id("avatar", person.key, length=12),
            "email": person.email,
            "first_name": first,
            "last_name": last,
            "image_72": f"https://avatars.slack-edge.com/2026-01-01/{hex_id('img', person.key, length=12)}_72.png",
            "team": _team_of(story, person, team_id),
        },
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": False,
        "is_app_user": False,
        "updated": 1790000000,
        "is_email_confirmed": True,
    }


def _bot_user(bot: Bot, team_id: str) -> dict:
    return {
        "id": upper_id("U", "bot-user", bot.key, length=9),
        "team_id": team_id,
        "name": bot.key,
        "deleted": False,
        "real_name": bot.name,
        "profile": {
            "real_name": bot.name,
            "display_name": "",
            "bot_id": bot.bot_id,
            "api_app_id": upper_id("A", "app", bot.key, length=9),
            "always_active": True,
            "team": team_id,
        },
        "is_bot": True,
        "is_app_user": False,
        "updated": 1790000000,
    }


def _conversation(story: Story, channel: Channel, team_id: str) -> dict:
    members = sorted(story.people[m].slack_id or "" for m in channel.members)  # every member is on Slack
    creator = story.people[channel.creator].slack_id
    created = _epoch(channel.created)
    if channel.kind == "im":
        return {"id": channel.id, "created": created, "members": members}
    conversation = {
        "id": channel.id,
        "name": channel.name,
        "created": created,
        "creator": creator,
        "is_archived": False,
        "is_general": channel.name == "general",
        "members": members,
        "topic": {"value": channel.topic, "creator": creator if channel.topic else "", "last_set": created},
        "purpose": {"value": channel.purpose, "creator": creator if channel.purpose else "", "last_set": created},
    }
    if channel.kind in ("public", "private"):
        conversation["is_ext_shared"] = channel.ext_shared
        conversation["is_shared"] = channel.ext_shared
        if channel.ext_shared:
            assert channel.customer is not None  # a shared channel is shared with a customer
            conversation["shared_team_ids"] = [team_id, story.customers[channel.customer].team_id]
    return conversation


def _messages_by_day(story: Story, team_id: str, workspace: str) -> dict[tuple[str, dt.date], list[dict]]:
    by_label = {p.label: p for p in story.posts if p.label}
    replies: dict[str, list[Post]] = defaultdict(list)
    for post in story.posts:
        if post.parent:
            replies[post.parent].append(post)
    grouped: dict[tuple[str, dt.date], list[dict]] = defaultdict(list)
    for post in story.posts:
        parent = by_label[post.parent] if post.parent else None
        thread = sorted(replies.get(post.label, []), key=lambda p: p.ts) if post.label else []
        message = _message(story, post, parent, thread, team_id, workspace)
        utc_day = dt.datetime.fromtimestamp(int(post.at.timestamp()), dt.timezone.utc).date()
        grouped[(post.channel, utc_day)].append(message)
    return grouped


def _message(story: Story, post: Post, parent: Post | None, thread: list[Post], team_id: str,
             workspace: str) -> dict:
    author = story.sender(post.author)
    message: dict = {"type": "message", "text": render_text(story, post.text), "ts": post.ts}
    if isinstance(author, Bot):
        message.update(subtype="bot_message", bot_id=author.bot_id, username=author.name,
                       icons={"image_48": f"https://avatars.slack-edge.com/bots/{author.key}_48.png"})
    else:
        team = _team_of(story, author, team_id)
        message.update(user=author.slack_id, team=team, user_team=team, source_team=team)
        if post.subtype:
            message["subtype"] = post.subtype
        else:
            message["client_msg_id"] = dashed_uuid(hex_id("client-msg", post.serial))
            message["user_profile"] = _profile(author, team)
    if parent is not None:
        message["thread_ts"] = parent.ts
        message["parent_user_id"] = _user_id(story, parent.author)
    if thread:
        reply_users = list(dict.fromkeys(_user_id(story, r.author) for r in thread))
        message.update(thread_ts=post.ts, reply_count=len(thread), reply_users_count=len(reply_users),
                       latest_reply=thread[-1].ts, reply_users=reply_users, is_locked=False, subscribed=False,
                       replies=[{"user": _user_id(story, r.author), "ts": r.ts} for r in thread])
    if post.edited_after is not None:
        message["edited"] = {"user": _user_id(story, post.author), "ts": f"{int((post.at + post.edited_after).timestamp())}.000000"}
    if post.files:
        message["files"] = [_file(story, post, name, team_id, workspace) for name in post.files]
        message["upload"] = False
        message["display_as_bot"] = False
    return message


def _user_id(story: Story, key: str) -> str | None:
    sender = story.sender(key)
    return sender.bot_id if isinstance(sender, Bot) else sender.slack_id


def _profile(person: Person, team: str) -> dict:
    return {
        "avatar_hash": hex_id("avatar", person.key, length=12),
        "image_72": f"https://avatars.slack-edge.com/2026-01-01/{hex_id('img', person.key, length=12)}_72.png",
        "first_name": person.first_name,
        "real_name": person.name,
        "display_name": person.first_name if person.is_internal else person.name,
        "team": team,
        "name": person.handle,
        "is_restricted": False,
        "is_ultra_restricted": False,
    }


def _file(story: Story, post: Post, name: str, team_id: str, workspace: str) -> dict:
    author = story.people[post.author]
    file_id = upper_id("F", "file", post.serial, name, length=10)
    extension = name.rsplit(".", 1)[-1]
    mimetype, pretty = _MIMETYPES[extension]
    created = _epoch(post.at)
    return {
        "id": file_id,
        "created": created,
        "timestamp": created,
        "name": name,
        "title": name,
        "mimetype": mimetype,
        "filetype": extension,
        "pretty_type": pretty,
        "user": author.slack_id,
        "user_team": _team_of(story, author, team_id),
        "mode": "hosted",
        "editable": False,
        "is_external": False,
        "external_type": "",
        "is_public": story.channels[post.channel].kind == "public",
        "size": 20000 + int(hex_id("size", file_id, length=4), 16),
        "url_private": f"https://files.slack.com/files-pri/{team_id}-{file_id}/{name}",
        "url_private_download": f"https://files.slack.com/files-pri/{team_id}-{file_id}/download/{name}",
        "permalink": f"https://{workspace}.slack.com/files/{author.slack_id}/{file_id}/{name}",
    }
