"""New or changed export files, for the files sensor: a Slack export, Takeout mboxes, the Notion export,
usage files and the calls folder, each file known by its size and modification time.

No file is opened. A Slack export's day file (`<channel>/<YYYY-MM-DD>.json`) names its day. Any
other file does not say which days it changed, so a change counts for the PERIOD before it was made,
the seed's default 24 hours: its day and the day before (a Takeout written at 2am holds yesterday's
mail). A file that disappears counts the same way, from now. Only sources read from files are watched; a usage export that Hex writes on each run (usage
mode api) is the run's own output, not news. Demo sources never change.
"""

from __future__ import annotations

import datetime as dt
import glob
import re
from pathlib import Path

from se_pipeline.changes import Changes, days_spanned
from se_pipeline.config import CallsExport, GmailMbox, NotionExport, Settings, SlackExport, UsageFile

PERIOD = dt.timedelta(hours=24)
_SLACK_DAY_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})\.json")


def _under(path: Path) -> list[Path]:
    """A file, or every file in a folder (none when it does not exist yet)."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    return []


def watched_files(settings: Settings) -> dict[str, list[Path]]:
    """Source -> the files it is read from, as the settings name them now."""
    sources = settings.sources
    files: dict[str, list[Path]] = {}
    if isinstance(sources.slack, SlackExport):
        files["slack"] = _under(sources.slack.path)
    if isinstance(sources.gmail, GmailMbox):
        files["gmail"] = [p for path in sources.gmail.paths.values() for p in _under(path)]
    if isinstance(sources.notion, NotionExport):
        files["notion"] = _under(sources.notion.path)
    if isinstance(sources.usage, UsageFile) and "://" not in sources.usage.path:
        files["usage"] = [Path(p) for p in sorted(glob.glob(sources.usage.path, recursive=True)) if Path(p).is_file()]
    if isinstance(sources.calls, CallsExport):
        files["calls"] = _under(sources.calls.path)
    return files


def _days(source: str, path: Path, changed_at: dt.datetime, settings: Settings) -> list[dt.date]:
    if source == "slack" and (named := _SLACK_DAY_FILE.fullmatch(path.name)):
        try:
            return [dt.date.fromisoformat(named.group(1))]
        except ValueError:
            pass  # not a day after all: dated like any other file
    return days_spanned(changed_at - PERIOD, changed_at, settings.tz)


def file_changes(settings: Settings, cursor: dict | None, now: dt.datetime) -> Changes:
    """The files added, changed or gone since the cursor, by source and day."""
    current: dict[str, dict[str, str]] = {}
    for source, paths in watched_files(settings).items():
        current[source] = {}
        for path in paths:
            stat = path.stat()
            current[source][str(path)] = f"{stat.st_size}:{stat.st_mtime_ns}"
    found = Changes(cursor={"files": current})
    if cursor is None:
        count = sum(len(files) for files in current.values())
        found.notes.append(f"files: first look: watching {count} files of {', '.join(sorted(current)) or 'no source'}")
        return found
    before: dict[str, dict[str, str]] = cursor.get("files") or {}
    for source, files in current.items():
        known = before.get(source, {})
        for name, signature in files.items():
            if known.get(name) != signature:
                changed_at = dt.datetime.fromtimestamp(int(signature.split(":")[1]) / 1e9, dt.timezone.utc)
                found.add(source, _days(source, Path(name), changed_at, settings), f"{name}:{signature}")
        for name in known.keys() - files.keys():
            found.add(source, days_spanned(now - PERIOD, now, settings.tz), f"{name}:gone")
    return found
