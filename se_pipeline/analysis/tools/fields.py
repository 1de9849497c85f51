"""A tool's message as labelled values: "Title: value" lines, "A → B" changes, and the lines to skip.

Tools write the same facts whichever way they reach us (a Slack attachment's fields, a Block Kit
section, a notification mail), so parsers read lines, not a payload shape:

    Stage: Technical Evaluation → Security Review      a change (before → after)
    Deal stage changed from Qualified to Proposal       a change, in words
    Opportunity X moved to Closed Won                   a change without its old value
    Priority: Urgent · Status: Pending engineering      two values on one line
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from se_pipeline.analysis import summaries, text

_ARROW = re.compile(r"\s*(?:→|->|=>|⇒|➔|➜|⟶)\s*")
_LABELLED = re.compile(r"^(?P<title>[^\W\d_][\w ./&()#'’+-]{0,40}?)\s*:\s+(?P<value>\S.*)$")
_IN_WORDS = re.compile(
    r"^(?P<title>[^\W\d_][\w ./&'’-]{0,40}?) (?:was |has been |is )?(?:changed|moved|updated|set) "
    r"from (?P<before>.+?) to (?P<after>.+?)\.?$",
    re.I,
)
_LABEL_AFTER_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_][\w ]{0,30}:\s)")
_MOVED_TO = re.compile(r"^(?P<what>.+?) (?:was |has been )?(?:moved|changed) to (?P<after>.+?)\.?$", re.I)
_LINK_TARGET = re.compile(r"\s*\((?:https?|mailto):[^)\s]*\)")  # "label (https://…)": the label is enough
BULLET = re.compile(r"^\s*(?:[-•*·▪◦‣–]|\d{1,2}[.)])\s+")
# Lines a tool writes around the content: reply markers, footers, notices, lone links.
_TEMPLATE = re.compile(
    r"^#+\s*-.*-\s*#+$|\breply above this line\b|\bthis (e-?mail|message) (is|was) (a service from|sent|generated)|"
    r"\byou are (a )?cc'?d?\b|\byou are (a )?cc on\b|\byou('re| are) receiving this\b|\bunsubscribe\b|"
    r"\b(manage|update) (your )?(notification|email|subscription)s? (settings|preferences)\b|"
    r"^view (this |the |it )?(ticket|issue|call|request|opportunity|record|deal|email|message|online|in)\b|"
    r"^(open|view) in (gong|salesforce|zendesk|jira|hubspot|browser)\b|\bdo not reply\b|\bdon'?t reply\b|"
    r"\binvitation from google calendar\b|\bpowered by\b|^sent from my\b|"
    r"^(join|click (here )?to join)\b.*\b(teams|zoom|meet|webex)\b|\b(teams|zoom|webex)[- ]?(besprechung|meeting)\s*:|"
    r"\bhas been (updated|solved|created|closed|resolved|reopened)\.?$|^\W*(https?://\S+|www\.\S+)\W*$",
    re.I,
)
# "Hi,", "Hallo Maria, hallo Paul,", "Thanks,": a short line that only opens or closes the message.
_SALUTATION = re.compile(r"^[^.!?]{0,60}[,:]\s*$")
_SALUTATION_WORDS = 6
_NUMERIC_DAY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")


@dataclass(frozen=True)
class Field:
    """One labelled value; `after` is set when the line reports a change (`before` may be unknown)."""

    title: str
    value: str
    before: str | None = None
    after: str | None = None

    @property
    def changed(self) -> bool:
        return self.after is not None

    @property
    def key(self) -> str:
        return self.title.strip().lower()

    def change_text(self) -> str:
        """'stage Technical Evaluation → Security Review' (or 'stage → Closed Won')."""
        before = f"{self.before} " if self.before else ""
        return f"{self.title.lower()} {before}→ {self.after}"


def plain(line: str) -> str:
    """Markup, emoji codes and link targets off; spaces collapsed."""
    return _LINK_TARGET.sub("", summaries.plain(line, with_emoji=False)).strip()


def lines_of(body: str | None) -> list[str]:
    """The readable, non-empty lines of a message."""
    return [line for line in (plain(raw) for raw in (body or "").splitlines()) if line]


def is_template(line: str) -> bool:
    """A tool's boilerplate (reply markers, footers, notices, a lone link), not content."""
    return bool(_TEMPLATE.search(line))


def is_salutation(line: str) -> bool:
    """A greeting or sign-off line ("Hi,", "Hallo Maria, hallo Paul,", "Thanks,"), or a lone name."""
    if not text.sentences(line):
        return True
    return bool(_SALUTATION.match(line)) and len(line.split()) <= _SALUTATION_WORDS


def meaningful(lines: list[str]) -> list[str]:
    """Lines that say something: no template lines, greetings, sign-offs or bare headings."""
    return [line for line in lines if not is_template(line) and not is_salutation(line) and not line.endswith(":")]


def read_fields(lines: list[str]) -> list[Field]:
    """Every labelled value in `lines`, in order."""
    found: list[Field] = []
    for line in lines:
        for piece in pieces(BULLET.sub("", line)):
            field = _field(piece)
            if field is not None:
                found.append(field)
    return found


def pieces(line: str) -> list[str]:
    """'A: 1 · B: 2' and 'Call with Ann. Topics: x, y' -> one piece per labelled value; a ' · ' that starts
    no labelled value stays ('Tue 4 PM CET · 48 min')."""
    found: list[str] = []
    for part in (p for chunk in line.split(" · ") for p in _LABEL_AFTER_SENTENCE.split(chunk)):
        if found and not _LABELLED.match(part):
            found[-1] += " · " + part
        else:
            found.append(part)
    return found


def _field(piece: str) -> Field | None:
    words = _IN_WORDS.match(piece)
    if words:
        return Field(words["title"].strip(), words["after"].strip(), words["before"].strip(), words["after"].strip())
    labelled = _LABELLED.match(piece)
    if labelled:
        title, value = labelled["title"].strip(), labelled["value"].strip()
        parts = _ARROW.split(value, maxsplit=1)
        if len(parts) == 2 and parts[1]:
            return Field(title, parts[1], parts[0] or None, parts[1])
        return Field(title, value)
    return None


def moved_to(line: str) -> tuple[str, str] | None:
    """'Opportunity X moved to Closed Won' -> ('Opportunity X', 'Closed Won')."""
    match = _MOVED_TO.match(line)
    return (match["what"].strip(), match["after"].strip()) if match else None


def field(fields: list[Field], pattern: re.Pattern[str]) -> Field | None:
    """The first field whose title matches `pattern`, a changed one before an unchanged one."""
    matching = [f for f in fields if pattern.match(f.key)]
    return next((f for f in matching if f.changed), matching[0] if matching else None)


def readable_date(value: str, year: int) -> str:
    """A day ('2026-11-27', or '27/11/2026' when the order is unambiguous) as '27 Nov' (with the year
    when it is not `year`); other values as written."""
    day = _as_day(value.strip())
    if day is None:
        return value
    shown = f"{day.day} {day:%b}"
    return shown if day.year == year else f"{shown} {day.year}"


def _as_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    match = _NUMERIC_DAY.fullmatch(value)
    if not match:
        return None
    first, second, year = (int(g) for g in match.groups())
    if first > 12 >= second:
        day, month = first, second
    elif second > 12 >= first:
        day, month = second, first
    else:
        return None  # 05/11/2026: 5 Nov or 11 May
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def day_and_time(moment: dt.datetime | dt.date) -> str:
    """'Fri 30 Oct 09:00' (a date alone: 'Fri 30 Oct')."""
    if isinstance(moment, dt.datetime):
        return f"{moment:%a} {moment.day} {moment:%b %H:%M}"
    return f"{moment:%a} {moment.day} {moment:%b}"
