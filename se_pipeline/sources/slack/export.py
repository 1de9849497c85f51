"""Slack workspace export (a folder or the .zip Slack hands out) -> raw Slack tables.

Layout: users.json, channels.json (public), groups.json (private), dms.json, mpims.json, and one
folder per conversation (channels by name; DMs and group DMs by id, or by name where the export
names them) holding <YYYY-MM-DD>.json day files. Only the day files that can hold the window are
read: Slack dates them in UTC, so the window's days ± 1 cover every time zone.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from se_pipeline.connectors import UnreadableItem, parse_json_items
from se_pipeline.sources.slack.records import (
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
    in_window,
    message_row,
    user_problem,
    user_row,
)
from se_pipeline.errors import SourceError
from se_pipeline.pages import Quarantined, Rows, paged
from se_pipeline.window import Window

# file -> kind of the conversations it lists; only channels.json is in every export
_CONVERSATION_FILES = (
    ("channels.json", "public"),
    ("groups.json", "private"),
    ("dms.json", "im"),
    ("mpims.json", "mpim"),
)


class DamagedFile(ValueError):
    """A file in the export's zip that cannot be read back (bad CRC, cut short)."""


class _ExportFiles(Protocol):
    def inside(self, name: str) -> bool: ...  # the name stays inside the export (no '..', no link out)
    def exists(self, name: str) -> bool: ...
    def read(self, name: str) -> bytes: ...
    def names_in(self, folder: str) -> frozenset[str]: ...  # the files directly in a folder that is inside
    def where(self, name: str) -> str: ...  # how a person finds the file (quarantine keys, errors)


class _Folder:
    def __init__(self, root: Path):
        self.root = root
        self._resolved = root.resolve()

    def inside(self, name: str) -> bool:
        return (self.root / name).resolve().is_relative_to(self._resolved)

    def exists(self, name: str) -> bool:
        return self.inside(name) and (self.root / name).is_file()

    def read(self, name: str) -> bytes:
        return (self.root / name).read_bytes()

    def names_in(self, folder: str) -> frozenset[str]:
        try:
            with os.scandir(self.root / folder) as entries:
                # A file in a folder inside the export is inside too, unless it is a link out of it.
                return frozenset(e.name for e in entries
                                 if e.is_file() and (not e.is_symlink() or self.inside(f"{folder}/{e.name}")))
        except OSError:  # no such folder, or not one
            return frozenset()

    def where(self, name: str) -> str:
        return str(self.root / name)


class _Zip:
    def __init__(self, archive: zipfile.ZipFile, path: Path):
        self.archive = archive
        self.path = path
        names = [n for n in archive.namelist() if not n.endswith("/")]
        # Zipping a folder often puts everything under one top folder: find the export's root.
        anchors = [n for n in names if n.rsplit("/", 1)[-1] == "channels.json"]
        self.prefix = min(anchors, key=len)[: -len("channels.json")] if anchors else ""
        self.names = frozenset(names)
        self._folders: dict[str, set[str]] = {}
        for name in names:
            if name.startswith(self.prefix):
                folder, _, base = name[len(self.prefix):].rpartition("/")
                self._folders.setdefault(folder, set()).add(base)

    def inside(self, name: str) -> bool:
        return not name.startswith(("/", "\\")) and ".." not in name.replace("\\", "/").split("/")

    def exists(self, name: str) -> bool:
        return self.inside(name) and self.prefix + name in self.names

    def read(self, name: str) -> bytes:
        try:
            return self.archive.read(self.prefix + name)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise DamagedFile(f"damaged in the zip ({exc}); download the export again") from None

    def names_in(self, folder: str) -> frozenset[str]:
        return frozenset(self._folders.get(folder, ())) if self.inside(folder) else frozenset()

    def where(self, name: str) -> str:
        return f"{self.path}!/{self.prefix}{name}"


@contextmanager
def _open_export(path: Path) -> Iterator[_ExportFiles]:
    if path.is_dir():
        yield _Folder(path)
        return
    if not path.is_file():
        raise SourceError(f"Slack export not found: {path} (set sources.slack.path to the export folder or .zip)")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise SourceError(f"{path} is neither a folder nor a readable .zip of a Slack export") from None
    with archive:
        yield _Zip(archive, path)


def _read_list(files: _ExportFiles, name: str, required: bool) -> list[Any]:
    if not files.exists(name):
        if required:
            raise SourceError(f"{files.where(name)} is missing: this does not look like a Slack workspace export")
        return []
    try:
        return parse_json_items(files.read(name))
    except DamagedFile as exc:
        raise SourceError(f"{files.where(name)} is {exc}") from None
    except ValueError as exc:
        raise SourceError(f"{files.where(name)} should hold a JSON list, and does not ({exc}); re-export the workspace") from None


def _checked(
    files: _ExportFiles, name: str, items: list[Any], problem, day: dt.date
) -> Iterator[dict[str, Any] | Quarantined]:
    """Each entry of a list file, or a Quarantined saying what is wrong with it (a wrong type, no id)."""
    for index, item in enumerate(items):
        reason = f"bad_json: {item}" if isinstance(item, UnreadableItem) else problem(item)
        if reason:
            yield Quarantined("slack", f"{files.where(name)}:[{index}]", reason, item, day)
        else:
            yield item


class SlackExportConnector:
    """Reads a Slack workspace export (folder or .zip)."""

    source = "slack"
    tables = TABLES

    def __init__(self, path: Path, workspace: str, own_user_ids: Iterable[str] = ()):
        self.path = Path(path)
        self.workspace = workspace
        self.own_user_ids = tuple(own_user_ids)
        self.calls = 0  # files cost no API calls
        self.day_files_read = 0

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        with _open_export(self.path) as files:
            users = []
            for item in _checked(files, "users.json", _read_list(files, "users.json", True), user_problem, window.last_day):
                if isinstance(item, Quarantined):
                    yield item
                else:
                    users.append(item)
            team = home_team(users)
            yield from paged(USERS, (user_row(u, team) for u in users))
            directory = Directory(users, self.own_user_ids)
            conversations = []
            for name, kind in _CONVERSATION_FILES:
                listed = _read_list(files, name, required=name == "channels.json")
                for item in _checked(files, name, listed, conversation_problem, window.last_day):
                    if isinstance(item, Quarantined):
                        yield item
                    else:
                        conversations.append(conversation(item, kind))
            for conv in conversations:
                directory.add_conversation(conv)
            yield from paged(CHANNELS, (channel_row(c, directory) for c in conversations))
            yield from paged(MESSAGES, self._messages(files, conversations, directory, window))

    def _messages(
        self, files: _ExportFiles, conversations: list[Conversation], directory: Directory, window: Window
    ) -> Iterator[dict[str, Any] | Quarantined]:
        days = [window.first_day - dt.timedelta(days=1), *window.days, window.last_day + dt.timedelta(days=1)]
        wanted = {f"{day.isoformat()}.json": day for day in days}
        for conv in conversations:
            folders = [f for f in dict.fromkeys((conv.name, conv.id)) if f]
            outside = [f for f in folders if not files.inside(f"{f}/")]
            if outside:
                # A name such as "../elsewhere" would read files outside the export.
                yield Quarantined("slack", f"channel:{conv.id}", f"bad_path: the folder {outside[0]!r} is outside the export",
                                  conv.payload, window.last_day)
                folders = [f for f in folders if f not in outside]
            # One listing per folder, not one look per day of the window: the cost follows the files.
            chosen: dict[dt.date, str] = {}
            for folder in reversed(folders):  # the channel's name folder wins over its id folder
                for name in files.names_in(folder):
                    if name in wanted:
                        chosen[wanted[name]] = f"{folder}/{name}"
            for day in sorted(chosen):
                yield from self._day_file(files, chosen[day], day, conv, directory, window)

    def _day_file(
        self,
        files: _ExportFiles,
        name: str,
        day: dt.date,
        conv: Conversation,
        directory: Directory,
        window: Window,
    ) -> Iterator[dict[str, Any] | Quarantined]:
        self.day_files_read += 1
        where = files.where(name)
        # A neighbour day's file is read only for messages that spill into the window; its own
        # problems are reported by the run for its own day, so they are not reported twice.
        report = window.first_day <= day <= window.last_day
        try:
            messages = parse_json_items(files.read(name))
        except DamagedFile as exc:
            if report:
                yield Quarantined("slack", where, f"damaged: {exc}", None, day)
            return
        except ValueError as exc:
            if report:
                yield Quarantined("slack", where, f"bad_json: {exc}", None, day)
            return
        for index, message in enumerate(messages):
            try:
                if isinstance(message, UnreadableItem):
                    raise BadMessage(f"bad_json: {message}")
                if not isinstance(message, dict):
                    raise BadMessage("bad_message: not a JSON object")
                row = message_row(message, conv, directory, self.workspace, window)
            except BadMessage as exc:
                if report:
                    yield Quarantined("slack", f"{where}:message[{index}]", str(exc), message, day)
                continue
            if row is not None and in_window(row, window):
                yield row
