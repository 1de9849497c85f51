"""Call recaps (Gong, Chorus, …; a Slack post or a mail): title, when, attendees, topics, next steps.

A next step assigned to a configured SE is an owed `action_item` for that SE, due on the day the
step names ("by Wednesday", counted from the call's day), settled when our side later delivers it to
that customer. Everyone else's steps are context: one `automated` fact sums the call up.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections import Counter
from dataclasses import dataclass

from dateutil import parser as dateparser

from se_pipeline.analysis import summaries, text
from se_pipeline.analysis.context import Maker, RuleContext
from se_pipeline.analysis.signal import DELIVER, FOLLOW_UP, Signal
from se_pipeline.analysis.tools.fields import BULLET, field, meaningful
from se_pipeline.analysis.tools.message import RECAP_TOOLS, ToolMessage
from se_pipeline.analysis.tools.people import fold, se_named

_RECAP_WORDS = re.compile(
    r"\b(call|meeting|session|conversation) (recap|summary|notes|highlights|recorded|recording)\b|\brecap\b", re.I
)
_TITLE_LEAD = re.compile(
    r"^(?:(?:your )?(?:call|meeting|session|conversation) (?:recap|summary|notes|highlights|recorded|recording)|recap)"
    r"\s*(?:of|for)?\s*[:\-–—]?\s*",
    re.I,
)
_TITLE_END = re.compile(r"\s+\(|(?<=[.!?])\s")  # "Acme sync (45 min) with Ann. Topics: …" -> "Acme sync"
_NEXT_STEPS = re.compile(r"^(next steps|action items|follow[- ]?ups?|to-?dos?|tasks)\s*(:\s*(?P<inline>.*)|$)", re.I)
_WHEN = re.compile(r"^(when|date|time|scheduled)$")
_ATTENDEES = re.compile(r"^(attendees|participants|with)$")
_TOPICS = re.compile(r"^(key topics|topics|topics discussed|agenda|discussed|highlights)$")
_DATE_LINE = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b.*\b\d{1,2}[:.]\d{2}\b|\b\d{4}-\d{2}-\d{2}\b", re.I)
_STEP = re.compile(r"^(?P<owner>[^\W\d_][\w.'’ -]{0,50}?)\s*(?:—|–|:| - | to | will )\s*(?P<step>\S.*)$")
_ORG = re.compile(r"\s*\([^)]*\)")
_LEADING_VERB = re.compile(
    r"^(send|share|provide|prepare|confirm|review|schedule|set up|follow up on|check|draft|deliver|get|open)\s+"
    r"(the |a |an |their |our )?",
    re.I,
)
_OWNER_WORDS = 4
_NAME_PARTICLES = frozenset({"de", "van", "von", "der", "den", "da", "del", "della", "di", "du", "la", "le", "dos", "das",
                             "y", "bin", "al", "ten", "ter"})
_FACT_WORDS = 30
_TOPICS_SHOWN = 2
_GIST_WORDS = 3


@dataclass(frozen=True)
class NextStep:
    owner: str | None
    step: str


@dataclass(frozen=True)
class CallRecap:
    tool: str
    title: str
    call_day: dt.date
    attendees: list[str]
    topics: list[str]
    next_steps: list[NextStep]


def parse(message: ToolMessage) -> CallRecap | None:
    """The recap `message` is, or None when it is not one."""
    lead = message.subject or (message.lines[0] if message.lines else "")
    said_recap = bool(_RECAP_WORDS.search(lead))
    if message.tool not in RECAP_TOOLS and not said_recap:
        return None
    attendees = _names(field(message.fields, _ATTENDEES))
    topics = _items(field(message.fields, _TOPICS))
    steps = _next_steps(message.lines)
    if not (attendees or topics or steps):
        return None
    title = _TITLE_END.split(_TITLE_LEAD.sub("", lead).strip(), maxsplit=1)[0].strip() or lead
    return CallRecap(tool=message.tool, title=title,
                     call_day=_call_day(message), attendees=attendees, topics=topics, next_steps=steps)


def signals(recap: CallRecap, make: Maker, ctx: RuleContext) -> list[Signal]:
    out, theirs = [], []
    ours: Counter[str] = Counter()
    for step in recap.next_steps:
        se = se_named(step.owner, ctx.sales_engineers, recap.attendees)
        if se is None:
            theirs.append(f"{summaries.first_name(step.owner)} — {_gist(step.step)}" if step.owner else _gist(step.step))
        else:
            out.append(_owed_step(recap, step, se.id, make))
            ours[summaries.first_name(se.name)] += 1
    steps = "; ".join(theirs + [f"{name}'s {n} in Todo" for name, n in ours.items()])
    topics = ", ".join(recap.topics[:_TOPICS_SHOWN])
    # Others' steps say what this message alone tells; the topics come last, where a clip costs least.
    about = "; ".join(part for part in (f"next steps: {steps}" if steps else "", f"topics {topics}" if topics else "") if part)
    summary = summaries.clip(f"{recap.tool} recap of “{recap.title}”" + (f": {about}" if about else ""), _FACT_WORDS)
    tldr = summaries.clip(f"{recap.tool} recap: {recap.title}", summaries.TLDR_WORDS)
    fact = make.signal("automated", tldr, summary, recap.title, f"rule:call_recap:{recap.tool.lower()}")
    fact.key = f"tool:recap:{fold(recap.title)}:{recap.call_day}"  # the same call posted and mailed
    return out + [fact]


def _owed_step(recap: CallRecap, step: NextStep, se_id: str, make: Maker) -> Signal:
    suffix = f"({summaries.short_customer(make.row.customer)})" if make.row.customer else ""
    ask = step.step[:1].upper() + step.step[1:]
    tldr = f"{summaries.clip(ask, summaries.TLDR_WORDS - len(suffix.split()))} {suffix}".strip()
    summary = f"Next step from the {recap.tool} call “{recap.title}”: {step.step}"
    verb = step.step.split()
    answers = any(text.is_answer_commitment(" ".join(verb[:n]).lower()) for n in (1, 2))
    signal = make.signal("action_item", tldr, summary, step.step, f"rule:call_recap_step:{recap.tool.lower()}",
                         owed=True, se_id=se_id, resolve_rule=FOLLOW_UP if answers else DELIVER)
    signal.asker_id = signal.asker_name = None  # the call assigned it; anyone on our side may deliver it
    signal.due_date = text.due_date(step.step, recap.call_day)
    signal.key = f"tool:step:{fold(recap.title)}:{fold(step.step)}"  # the same step in the Slack post and the mail
    return signal


def _next_steps(lines: list[str]) -> list[NextStep]:
    steps: list[NextStep] = []
    inside = False
    for line in lines:
        heading = _NEXT_STEPS.match(line)
        if heading and not inside:
            inside = True
            inline = (heading["inline"] or "").strip()
            steps.extend(_step(part) for part in inline.split(";") if part.strip())
            continue
        if inside:
            if not BULLET.match(line):
                if steps:
                    break
                continue
            steps.append(_step(BULLET.sub("", line)))
    return steps


def _step(line: str) -> NextStep:
    match = _STEP.match(line.strip())
    if match and _is_name(match["owner"]):
        return NextStep(match["owner"].strip(), match["step"].strip())
    return NextStep(None, line.strip())


def _is_name(words: str) -> bool:
    """'José María Ibáñez', 'Jan van der Berg', 'Alice': capitalised words (name particles aside)."""
    parts = words.split()
    return 0 < len(parts) <= _OWNER_WORDS and parts[0][:1].isupper() and all(
        p[:1].isupper() or p.lower() in _NAME_PARTICLES for p in parts
    )


def _call_day(message: ToolMessage) -> dt.date:
    """The call's day from its "When" (or a date line near the top); else the day the recap came."""
    when = field(message.fields, _WHEN)
    candidates = [when.value] if when else [line for line in meaningful(message.lines)[:3] if _DATE_LINE.search(line)]
    sent = message.activity_date
    for candidate in candidates:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # time zone abbreviations ("CET") dateutil does not know
                moment = dateparser.parse(candidate.split("·")[0], fuzzy=True, ignoretz=True,
                                          default=dt.datetime(sent.year, sent.month, sent.day))
        except (ValueError, OverflowError):
            continue
        if sent - dt.timedelta(days=31) <= moment.date() <= sent:
            return moment.date()
    return sent


def _names(found) -> list[str]:
    if found is None:
        return []
    return [name.strip() for name in re.split(r"[;,]", _ORG.sub("", found.value)) if name.strip()]


def _items(found) -> list[str]:
    if found is None:
        return []
    first_sentence = re.split(r"(?<=[.!?])\s", found.value, maxsplit=1)[0]
    return [part.strip(" .") for part in re.split(r"[;,]", first_sentence) if part.strip(" .")]


def _gist(step: str) -> str:
    return summaries.clip(_LEADING_VERB.sub("", step.strip()), _GIST_WORDS)
