"""Batching call and utterance rows into pages for the loader."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from se_pipeline.connectors.calls.gong import (
    CallData,
    Monologue,
    Team,
    call_row,
    utterance_rows,
)
from se_pipeline.pages import Rows

CALLS_TABLE = "raw_calls"
UTTERANCES_TABLE = "raw_call_utterances"
TABLES = (CALLS_TABLE, UTTERANCES_TABLE)
PAGE = 1000


class PageBuffer:
    """Collects rows per table and hands out full pages (≤ PAGE rows), then the rest."""

    def __init__(self, team: Team, tz: ZoneInfo):
        self.team, self.tz = team, tz
        self._rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}

    def add(self, call: CallData, transcript: list[Monologue] | None) -> Iterator[Rows]:
        self._rows[CALLS_TABLE].append(call_row(call, self.team, self.tz, has_transcript=transcript is not None))
        self._rows[UTTERANCES_TABLE].extend(utterance_rows(call, transcript or [], self.team, self.tz))
        for table, rows in self._rows.items():
            if len(rows) >= PAGE:
                yield Rows(table, rows)
                self._rows[table] = []

    def flush(self) -> Iterator[Rows]:
        for table, rows in self._rows.items():
            if rows:
                yield Rows(table, rows)
            self._rows[table] = []
