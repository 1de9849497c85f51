"""Calls from a folder of JSON files (export mode, and the demo workspace).

Two shapes are accepted, in any mix, and joined by call id across files:
  * one file per call: {"call": <CallData as POST /v2/calls/extensive returns it>,
                        "transcript": [<Monologue>, …]}  (the demo writes these);
  * Gong's own response bodies saved as they came: {"calls": [CallData, …]} from
    /v2/calls/extensive and/or {"callTranscripts": [{"callId", "transcript"}, …]} from
    /v2/calls/transcript.
A call with no transcript in any file is loaded with has_transcript = false.
Files named <YYYY-MM-DD>… are skipped when that day is more than a day outside the window (a
cheap way to keep daily runs from parsing a year of files).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from se_pipeline.connectors.calls.gong import (
    CallData,
    CallTranscript,
    Monologue,
    Team,
    local_day,
)
from se_pipeline.connectors.calls.pages import TABLES, PageBuffer
from se_pipeline.errors import SourceError
from se_pipeline.pages import Quarantined, Rows
from se_pipeline.window import Window

_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def _named_day(file: Path) -> dt.date | None:
    """The day a file's name starts with (<YYYY-MM-DD>…), if any."""
    match = _DATED.match(file.name)
    try:
        return dt.date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        return None


@dataclass
class CallsExportConnector:
    path: Path
    team: Team
    source: str = "calls"
    tables: tuple[str, ...] = TABLES
    calls: int = 0

    def _files(self, window: Window) -> list[Path]:
        if not self.path.is_dir():
            found = "is a file, not a folder" if self.path.exists() else "not found"
            raise SourceError(f"calls: export folder {found}: {self.path} (set sources.calls.path to a folder of call JSON files)")
        files = []
        slack = dt.timedelta(days=1)  # a UTC-named file may hold the previous/next local day
        for file in sorted(self.path.rglob("*.json")):
            day = _named_day(file)
            if day and not (window.first_day - slack <= day <= window.last_day + slack):
                continue
            files.append(file)
        return files

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        calls: dict[str, tuple[CallData, str]] = {}
        transcripts: dict[str, list[Monologue]] = {}
        for file in self._files(window):
            yield from self._read(file, calls, transcripts, window)
        buffer = PageBuffer(self.team, window.tz)
        for call_id in sorted(calls):
            call, _ = calls[call_id]
            if window.first_day <= local_day(call, window.tz) <= window.last_day:
                yield from buffer.add(call, transcripts.get(call_id))
        yield from buffer.flush()

    def _read(self, file: Path, calls: dict, transcripts: dict, window: Window) -> Iterator[Quarantined]:
        # A dated file's problems belong to its day, so re-running that day clears them once it is fixed.
        day = _named_day(file)
        try:
            body = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            yield Quarantined(self.source, str(file), f"bad_json: {exc}", None, day)
            return
        if not isinstance(body, dict) or not ({"call", "calls", "callTranscripts"} & body.keys()):
            yield Quarantined(self.source, str(file), "bad_shape: expected 'call' + 'transcript', 'calls' or 'callTranscripts'", body, day)
            return
        items: list[tuple[str, Any, Any]] = []  # (key, call object, transcript or None)
        if "call" in body:
            items.append((str(file), body["call"], body.get("transcript")))
        items += [(f"{file}:calls[{i}]", c, None) for i, c in enumerate(body.get("calls") or [])]
        for key, raw, transcript in items:
            try:
                call = CallData.model_validate(raw)
            except ValidationError as exc:
                yield Quarantined(self.source, key, f"bad_call: {_first_error(exc)}", raw, day)
                continue
            calls[call.metaData.id] = (call, key)
            if transcript is not None:
                try:
                    transcripts[call.metaData.id] = CallTranscript(callId=call.metaData.id, transcript=transcript).transcript
                except ValidationError as exc:
                    yield Quarantined(self.source, key, f"bad_transcript: {_first_error(exc)}", transcript, local_day(call, window.tz))
        for i, raw in enumerate(body.get("callTranscripts") or []):
            try:
                item = CallTranscript.model_validate(raw)
            except ValidationError as exc:
                yield Quarantined(self.source, f"{file}:callTranscripts[{i}]", f"bad_transcript: {_first_error(exc)}", raw, day)
                continue
            transcripts[item.callId] = item.transcript
