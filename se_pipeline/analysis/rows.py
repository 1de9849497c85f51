"""An activity row as the signal rules read it: the `activity` model's columns (sql/activity.sql), typed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """One message, mail, comment or call; None where the column is NULL (a flag then reads as false)."""

    activity_id: str
    activity_date: dt.date
    sent_at: dt.datetime
    source: str | None = None
    customer: str | None = None
    se_id: str | None = None
    channel: str | None = None
    channel_kind: str | None = None  # channel, ext, dm, email, …
    is_external_channel: bool | None = None
    thread_key: str | None = None
    is_reply: bool | None = None
    author_id: str | None = None
    author_name: str | None = None
    author_email: str | None = None
    author_is_external: bool | None = None
    author_is_se: bool | None = None
    is_bot: bool | None = None
    bot_name: str | None = None
    subject: str | None = None
    text: str | None = None
    link: str | None = None

    @classmethod
    def of(cls, columns: Sequence[str], values: Sequence[object]) -> ActivityRow:
        """A row from a query's `columns` and `values`; columns the rules do not read are left out."""
        return cls(**{c: v for c, v in zip(columns, values, strict=True) if c in _FIELDS})  # type: ignore[arg-type]


_FIELDS = frozenset(f.name for f in dataclasses.fields(ActivityRow))
