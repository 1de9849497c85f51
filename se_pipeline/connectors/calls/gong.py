"""Gong's call and transcript shapes (API v2), and the raw rows made from them.

Models follow Gong's published OpenAPI spec: CallData (POST /v2/calls/extensive: metaData,
parties, context) and CallTranscript (POST /v2/calls/transcript: monologues of sentences with
start/end in ms from the call's start). Unknown fields are kept in the payload, never rejected.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict


class _Gong(BaseModel):
    model_config = ConfigDict(extra="allow")


class Party(_Gong):
    id: str | None = None
    emailAddress: str | None = None
    name: str | None = None
    title: str | None = None
    userId: str | None = None
    speakerId: str | None = None
    affiliation: str | None = None  # Internal | External | Unknown


class ContextField(_Gong):
    name: str | None = None
    value: Any = None


class ContextObject(_Gong):
    objectType: str | None = None
    fields: list[ContextField] = []


class CallContext(_Gong):
    system: str | None = None
    objects: list[ContextObject] = []


class CallMetaData(_Gong):
    id: str
    url: str | None = None
    title: str | None = None
    scheduled: dt.datetime | None = None
    started: dt.datetime
    duration: int | None = None  # seconds
    primaryUserId: str | None = None
    direction: str | None = None
    scope: str | None = None
    system: str | None = None
    language: str | None = None
    purpose: str | None = None


class CallData(_Gong):
    metaData: CallMetaData
    parties: list[Party] = []
    context: list[CallContext] = []


class Sentence(_Gong):
    start: int
    end: int
    text: str = ""


class Monologue(_Gong):
    speakerId: str | None = None
    topic: str | None = None
    sentences: list[Sentence] = []


class CallTranscript(_Gong):
    callId: str
    transcript: list[Monologue] = []


@dataclass(frozen=True)
class Team:
    """Who is ours: the company's email domains and the configured SEs (id, email, Gong user id)."""

    company_domains: tuple[str, ...]
    sales_engineers: tuple[tuple[str, str, str | None], ...]  # (se id, email, gong user id)

    @classmethod
    def from_settings(cls, settings: Any) -> Team:
        return cls(
            tuple(d.lower() for d in settings.company_domains),
            tuple((se.id, se.email.lower(), se.gong_user_id) for se in settings.sales_engineers),
        )

    def is_internal(self, party: Party) -> bool:
        """Affiliation Internal, or an address at one of our domains."""
        if (party.affiliation or "").lower() == "internal":
            return True
        return _domain(party.emailAddress) in self.company_domains

    def se_of(self, party: Party) -> str | None:
        email = (party.emailAddress or "").lower()
        for se_id, se_email, gong_id in self.sales_engineers:
            if (gong_id and party.userId == gong_id) or (email and email == se_email):
                return se_id
        return None


def _domain(email: str | None) -> str | None:
    return email.rsplit("@", 1)[1].lower() if email and "@" in email else None


def _account_name(call: CallData) -> str | None:
    """The CRM account's name, when Gong links the call to one."""
    for ctx in call.context:
        for obj in ctx.objects:
            if obj.objectType == "Account":
                for f in obj.fields:
                    if f.name == "Name" and f.value:
                        return str(f.value)
    return None


def local_day(call: CallData, tz: ZoneInfo) -> dt.date:
    return call.metaData.started.astimezone(tz).date()


def call_row(call: CallData, team: Team, tz: ZoneInfo, has_transcript: bool) -> dict[str, Any]:
    """The raw_calls row. The rep is the primary user when they are a configured SE, else the
    first configured SE among the parties."""
    meta = call.metaData
    internal = [p for p in call.parties if team.is_internal(p)]
    external = [p for p in call.parties if not team.is_internal(p)]
    ses = [(p, team.se_of(p)) for p in internal]
    ses = [(p, se) for p, se in ses if se]
    ses.sort(key=lambda ps: ps[0].userId != meta.primaryUserId)  # the host first
    rep, se_id = ses[0] if ses else (None, None)
    return {
        "call_id": meta.id,
        "partition_date": local_day(call, tz),
        "title": meta.title,
        "started": meta.started,
        "duration_s": meta.duration,
        "url": meta.url,
        "direction": meta.direction,
        "scope": meta.scope,
        "system": meta.system,
        "language": meta.language,
        "primary_user_id": meta.primaryUserId,
        "se_id": se_id,
        "rep_user_id": rep.userId if rep else None,
        "rep_email": rep.emailAddress if rep else None,
        "rep_speaker_id": rep.speakerId if rep else None,
        "internal_emails": sorted({p.emailAddress.lower() for p in internal if p.emailAddress}),
        "external_emails": sorted({p.emailAddress.lower() for p in external if p.emailAddress}),
        "customer_domains": sorted({d for p in external if (d := _domain(p.emailAddress))}),
        "customer_name_hint": _account_name(call),
        "parties": json.dumps([p.model_dump(mode="json", exclude_none=True) for p in call.parties]),
        "has_transcript": has_transcript,
        "payload": call.model_dump(mode="json", exclude_none=True),
    }


def utterance_rows(call: CallData, monologues: Iterable[Monologue], team: Team, tz: ZoneInfo) -> list[dict[str, Any]]:
    """raw_call_utterances rows: one per transcript sentence (Gong's unit), in order.

    `turn` numbers speaker turns: it advances when the speaker changes (Gong may split one
    speaker's talk into several monologues by topic; they stay one turn).
    """
    by_speaker = {p.speakerId: p for p in call.parties if p.speakerId}
    day = local_day(call, tz)
    rows: list[dict[str, Any]] = []
    turn, previous = -1, object()
    for mono in monologues:
        party = by_speaker.get(mono.speakerId or "")
        if mono.speakerId != previous:
            turn, previous = turn + 1, mono.speakerId
        for sentence in mono.sentences:
            rows.append(
                {
                    "call_id": call.metaData.id,
                    "position": len(rows),
                    "partition_date": day,
                    "turn": turn,
                    "speaker_id": mono.speakerId,
                    "speaker_name": party.name if party else None,
                    "speaker_email": party.emailAddress if party else None,
                    "speaker_user_id": party.userId if party else None,
                    # Unknown speakers (not among the parties) are taken as not ours.
                    "is_internal": team.is_internal(party) if party else False,
                    "topic": mono.topic,
                    "start_ms": sentence.start,
                    "end_ms": sentence.end,
                    "text": sentence.text,
                }
            )
    return rows
