"""Out-of-office and other auto-replies: one fact with the person, the day they are back when the reply
says it, and who stands in ("Olivia Grant is out of office until Mon 6 Apr; contact Raj Kowalski").
Never a question, an ask or a tone signal, and never its greeting ("Hi,") as the fact."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass

from dateutil import parser as dateparser

from se_pipeline.analysis import summaries
from se_pipeline.analysis.context import Maker, RuleContext
from se_pipeline.analysis.signal import Signal
from se_pipeline.analysis.tools.fields import day_and_time
from se_pipeline.analysis.tools.message import ToolMessage

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zäéû]*\.?"
_DAY_PHRASE = (
    rf"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:the\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_MONTH}(?:\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"
    rf"\d{{1,2}}[./]\d{{1,2}}(?:[./]\d{{2,4}})?\.?|\d{{4}}-\d{{2}}-\d{{2}})"
)
_BACK = re.compile(
    rf"\b(?:until|till|til|through|thru|back(?: in the office)? on|returning(?: on)?|return(?: to the office)? on|"
    rf"bis(?: zum| einschließlich| einschliesslich)?|jusqu'au|hasta el|fino al)\s+(?P<day>{_DAY_PHRASE})",
    re.I,
)
_STAND_IN = re.compile(
    r"\b(?:contact|reach out to|get in touch with|write to|e-?mail|please ask|speak (?:to|with)|"
    r"wenden sie sich (?:bitte )?an|kontaktieren sie)\s+(?:my colleague\s+|meine[nm]? kolleg(?:in|en)\s+)?"
    r"(?P<name>[A-ZÀ-Ý][\w'’.-]+(?:\s+(?:[A-ZÀ-Ý][\w'’.-]+|van|von|de|da|del|der)){0,3})"
    r"(?:\s*[(<\[](?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)[)>\]])?"
)
_AWAY = re.compile(r"\b(on leave|on vacation|on holiday|out of (the )?office|away|travell?ing|parental leave|"
                   r"sick leave|urlaub|abwesend|nicht im büro)\b", re.I)


@dataclass(frozen=True)
class AutoReply:
    person: str
    back_on: dt.date | None
    stand_in: str | None
    away: bool  # the reply says they are away (not just "we received your message")


def parse(message: ToolMessage, author: str | None) -> AutoReply | None:
    """The auto-reply `message` is, or None for other mail."""
    if message.mail is None or not message.mail.is_auto_reply:
        return None
    body = " ".join(message.lines)
    back = _BACK.search(body)
    stand_in = _STAND_IN.search(body)
    who = None
    if stand_in:
        who = stand_in["name"] + (f" ({stand_in['email']})" if stand_in["email"] else "")
    return AutoReply(person=author or "Someone", back_on=_day(back["day"], message.activity_date) if back else None,
                     stand_in=who, away=bool(back or _AWAY.search(body)))


def signals(reply: AutoReply, make: Maker, ctx: RuleContext) -> list[Signal]:
    state = "is out of office" if reply.away else "sent an auto-reply"
    until = f" until {day_and_time(reply.back_on)}" if reply.back_on else ""
    contact = f"; contact {reply.stand_in}" if reply.stand_in else ""
    summary = f"{reply.person} {state}{until}{contact} (auto-reply)"
    tldr = summaries.clip(f"{reply.person} away{until}" if reply.away else summary, summaries.TLDR_WORDS)
    return [make.signal("scheduling", tldr, summary, summary, "rule:auto_reply")]


def _day(phrase: str, sent: dt.date) -> dt.date | None:
    """The day a phrase names ("Monday 6 April", "6.4."), in the year that puts it after `sent`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            moment = dateparser.parse(phrase.rstrip("."), fuzzy=True, dayfirst=True,
                                      default=dt.datetime(sent.year, sent.month, sent.day))
    except (ValueError, OverflowError):
        return None
    day = moment.date()
    if day < sent:
        try:
            day = day.replace(year=day.year + 1)
        except ValueError:  # 29 Feb
            return None
    return day
