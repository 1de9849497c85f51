"""The demo story as data: people, conversations, emails, opportunities and the ground truth they imply.

The story modules (story.py, filler.py) only build these records; the writer modules render them
into the export formats. Every identifier is derived from a label and the seed, so the same story
always yields the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

TZ = ZoneInfo("America/New_York")
OUR_ORG = "example"  # Person.org of Example Co's own people
TERMINAL_STAGES = frozenset({"WIN", "Lost", "Transferred"})  # the stages the demo uses that end a deal


def digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()


def hex_id(*parts: object, length: int = 32) -> str:
    return digest(*parts).hex()[:length]


def upper_id(prefix: str, *parts: object, length: int = 10) -> str:
    """A Slack-style id: a prefix letter and upper-case base32 characters."""
    return prefix + base64.b32encode(digest(*parts)).decode()[:length]


def dashed_uuid(hex32: str) -> str:
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


@dataclass(frozen=True)
class Person:
    key: str  # 'alice', 'acme.priya'
    name: str
    email: str
    title: str
    org: str  # OUR_ORG or a customer key
    slack_id: str | None = None  # None: not on Slack

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    @property
    def handle(self) -> str:
        return self.email.split("@")[0]

    @property
    def is_internal(self) -> bool:
        return self.org == OUR_ORG


@dataclass(frozen=True)
class Bot:
    key: str  # 'gong'
    name: str  # 'Gong'
    bot_id: str  # 'B01GONG'
    email: str  # the address its notification emails come from


@dataclass(frozen=True)
class Customer:
    key: str  # slug used in channel names: 'acme'
    name: str  # 'Acme Corp'
    domain: str
    se: str  # SE id
    ae: str  # person key of the account executive
    team_id: str  # their Slack team (Slack Connect)


@dataclass(frozen=True)
class Channel:
    name: str  # 'ext-acme-poc'; for DMs a readable key such as 'dm-alice-dave'
    kind: str  # public | private | im | mpim
    members: tuple[str, ...]  # person keys
    created: dt.datetime
    creator: str
    customer: str | None = None
    ext_shared: bool = False
    topic: str = ""
    purpose: str = ""

    @property
    def id(self) -> str:
        prefix = {"im": "D", "mpim": "G"}.get(self.kind, "C")
        return upper_id(prefix, "channel", self.name)


@dataclass(frozen=True)
class Post:
    """One Slack message; `parent` is the label of its thread's parent."""

    serial: int
    channel: str
    at: dt.datetime
    author: str  # person key or bot key
    text: str  # may hold {@person}, {#channel}, {link:url|label} placeholders
    label: str | None = None
    parent: str | None = None
    subtype: str | None = None  # bot_message, channel_join
    files: tuple[str, ...] = ()
    edited_after: dt.timedelta | None = None

    @property
    def ts(self) -> str:
        return f"{int(self.at.timestamp())}.{self.serial % 1_000_000:06d}"


@dataclass(frozen=True)
class Mail:
    """One email, written into the mbox of every SE in `mailboxes`."""

    label: str
    mailboxes: tuple[str, ...]  # SE ids
    at: dt.datetime
    sender: str  # person key, bot key or an outside address key (see Story.outsiders)
    to: tuple[str, ...]
    subject: str
    body: str  # plain text, the new part only
    cc: tuple[str, ...] = ()
    reply_to: str | None = None  # label of the mail this answers (quoted below the body)
    html: str | None = None  # an HTML alternative
    html_only: bool = False
    charset: str = "utf-8"
    category: str | None = None  # Gmail category: Personal, Updates, Promotions, Forums
    attachments: tuple[str, ...] = ()
    signature: bool = True
    automated: bool = False
    calendar: tuple[dt.datetime, int, str] | None = None  # an invite: (start, minutes, title)


@dataclass(frozen=True)
class Opportunity:
    key: str
    title: str
    customer: str  # customer key
    stage: str
    se: str
    amount: int
    close_date: dt.date
    created: dt.datetime
    last_edited: dt.datetime
    tags: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()
    poc_end: dt.date | None = None
    success_criteria: str = ""
    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (heading, bullets)

    @property
    def page_hex(self) -> str:
        return hex_id("notion-page", self.key)


@dataclass(frozen=True)
class Comment:
    label: str
    opportunity: str  # opportunity key
    at: dt.datetime
    author: str  # person key
    text: str
    discussion: str | None = None  # label of the first comment of the discussion it continues


@dataclass(frozen=True)
class UsageRow:
    customer: str  # customer name, as the usage export spells it
    day: dt.date
    metric: str
    value: int


@dataclass(frozen=True)
class Expectation:
    """Ground truth: what the story implies for one SE and customer on the last day."""

    id: str
    se: str
    customer: str | None  # customer key; None for personal items
    kind: str  # signal kinds from docs/architecture.md, or 'personal'
    description: str
    ref: str  # label of the source message / email / comment
    status: str  # open | answered | done | terminal | personal | info
    resolved_by: str | None = None  # label
    related: tuple[str, ...] = ()  # other labels of the same item

    @property
    def owed(self) -> bool:
        return self.status == "open"


@dataclass
class Story:
    period_start: dt.date
    period_end: dt.date
    people: dict[str, Person] = field(default_factory=dict)
    bots: dict[str, Bot] = field(default_factory=dict)
    outsiders: dict[str, Person] = field(default_factory=dict)  # personal-mail senders, not on Slack
    customers: dict[str, Customer] = field(default_factory=dict)
    ses: list[str] = field(default_factory=list)  # SE person keys (= SE ids)
    channels: dict[str, Channel] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    mails: list[Mail] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    usage: list[UsageRow] = field(default_factory=list)
    expectations: list[Expectation] = field(default_factory=list)
    signals: list[dict] = field(default_factory=list)  # info signals: usage_drop, new_customer, …

    def sender(self, key: str) -> Person | Bot:
        return self.people.get(key) or self.bots.get(key) or self.outsiders[key]
