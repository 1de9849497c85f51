"""Days people write in messages: "by Friday 10/30", "tomorrow noon", "by 2 Nov", "bis Montag".

`due_date(sentence, said_on)` is the day a promise or ask is due: the date written after a due word
("by", "before", "until", "due", "no later than", "bis", "antes del", "entro") or a relative day
("today", "tomorrow", "EOD", "this week"), resolved against the day it was said. Slashed dates are
read month/day unless that is impossible or a weekday written beside them says otherwise; dotted
dates ("30.10.") are day.month, as in the countries that write them.
"""

from __future__ import annotations

import datetime as dt
import re

_WEEKDAY_NAMES = {
    0: "monday|mon|montag|mo|lunes|lunedì|lunedi|lundi|segunda",
    1: "tuesday|tue|tues|dienstag|di|martes|martedì|martedi|mardi|terça",
    2: "wednesday|wed|mittwoch|mi|miércoles|miercoles|mercoledì|mercoledi|mercredi|quarta",
    3: "thursday|thu|thur|thurs|donnerstag|do|jueves|giovedì|giovedi|jeudi|quinta",
    4: "friday|fri|freitag|fr|viernes|venerdì|venerdi|vendredi|sexta",
    5: "saturday|sat|samstag|sa|sábado|sabado|sabato|samedi",
    6: "sunday|sun|sonntag|so|domingo|domenica|dimanche",
}
_MONTH_NAMES = {
    1: "january|jan|januar|jänner|enero|ene|gennaio|gen|janvier|janv|janeiro",
    2: "february|feb|februar|febrero|febbraio|février|fevrier|fév|fevereiro",
    3: "march|mar|märz|maerz|marzo|mars|março",
    4: "april|apr|abril|aprile|avril|abr",
    5: "may|mai|mayo|maggio|mag|maio",
    6: "june|jun|juni|junio|giugno|giu|juin|junho",
    7: "july|jul|juli|julio|luglio|lug|juillet|julho",
    8: "august|aug|agosto|ago|août|aout",
    9: "september|sep|sept|septiembre|settembre|set|septembre|setembro",
    10: "october|oct|oktober|okt|octubre|ottobre|ott|octobre|outubro|out",
    11: "november|nov|noviembre|novembre|novembro",
    12: "december|dec|dezember|dez|diciembre|dic|dicembre|décembre|dezembro",
}
_WEEKDAY = {name: day for day, names in _WEEKDAY_NAMES.items() for name in names.split("|")}
_MONTH = {name: month for month, names in _MONTH_NAMES.items() for name in names.split("|")}
# Two-letter German weekday abbreviations ("Mo", "Di", "Do") are only read next to a date.
_SHORT_ONLY = {"mo", "di", "mi", "do", "fr", "sa", "so"}

_WEEKDAY_RE = "|".join(sorted(_WEEKDAY, key=len, reverse=True))
_MONTH_RE = "|".join(sorted(_MONTH, key=len, reverse=True))
_DUE_WORD = (
    r"by|before|until|till|due|no later than|latest|deadline|bis(?: zum| spätestens)?|spätestens|"
    r"antes del?|para el|entro (?:il|el)?|avant le"
)
_WEAK_DUE_WORD = r"for|on|ready for|am|el|il|le"
_RELATIVE = {
    "today": 0, "tonight": 0, "eod": 0, "end of day": 0, "end of today": 0, "heute": 0, "hoy": 0, "oggi": 0,
    "tomorrow": 1, "morgen": 1, "mañana": 1, "domani": 1, "demain": 1, "amanhã": 1,
    "day after tomorrow": 2, "übermorgen": 2,
}
_RELATIVE_RE = "|".join(sorted((re.escape(k) for k in _RELATIVE), key=len, reverse=True))
_WEEK = r"(?P<week>this week|end of (?:the )?week|eow|diese woche|esta semana|questa settimana|next week|nächste woche|la semana que viene|la próxima semana)"

_SLASHED = r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{2,4}))?"
_DOTTED = r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y2>\d{2,4})?"
_ISO = r"(?P<iy>20\d\d)-(?P<im>\d\d)-(?P<id>\d\d)"
_DAY_MONTH = rf"(?P<dn>\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?P<mn>{_MONTH_RE})\.?(?:\s+(?P<y3>20\d\d))?"
_MONTH_DAY = rf"(?P<mn2>{_MONTH_RE})\.?\s+(?P<dn2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y4>20\d\d))?"
_DATE = rf"(?:{_ISO}|{_DOTTED}|{_SLASHED}|{_DAY_MONTH}|{_MONTH_DAY})"
_WEEKDAY_DATE = rf"(?:(?P<wd>{_WEEKDAY_RE})\.?,?\s+(?:the\s+)?)?(?P<date>{_DATE})|(?P<wd_only>{_WEEKDAY_RE})\b"
_TARGET = rf"(?:(?:the\s+)?(?:end of\s+)?(?:next\s+)?)?(?:{_WEEKDAY_DATE}|(?P<rel>{_RELATIVE_RE})\b|{_WEEK})"
# Tried in this order: a strong due word ("by Friday"), a bare relative day ("tomorrow"), a weak
# one ("for Tuesday"): "for the 3 Nov deadline by tomorrow" is due tomorrow.
_DUE_PATTERNS = (
    re.compile(rf"(?i)\b(?:{_DUE_WORD})\s+{_TARGET}"),
    re.compile(rf"(?i)\b(?:(?P<rel>{_RELATIVE_RE})|{_WEEK})\b"),
    re.compile(rf"(?i)\b(?:{_WEAK_DUE_WORD})\s+{_TARGET}"),
)
_ANY_DATE = re.compile(rf"(?i)(?<![\w/.-]){_DATE}(?![\w/-])")


def _year_for(month: int, day: int, said_on: dt.date) -> dt.date | None:
    """The day/month nearest to `said_on` that is not long past (a deadline is rarely months ago)."""
    for year in (said_on.year, said_on.year + 1, said_on.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        if -60 <= (candidate - said_on).days <= 300:
            return candidate
    return None


def _explicit(match: re.Match[str], said_on: dt.date, weekday: int | None) -> dt.date | None:
    g = match.groupdict()
    if g.get("iy"):
        try:
            return dt.date(int(g["iy"]), int(g["im"]), int(g["id"]))
        except ValueError:
            return None
    if g.get("d"):
        return _dated(int(g["m"]), int(g["d"]), g.get("y2"), said_on)
    if g.get("a"):
        a, b = int(g["a"]), int(g["b"])
        readings = [r for r in (_dated(a, b, g.get("y"), said_on), _dated(b, a, g.get("y"), said_on)) if r]
        if weekday is not None:
            matching = [r for r in readings if r.weekday() == weekday]
            readings = matching or readings
        return readings[0] if readings else None
    day = g.get("dn") or g.get("dn2")
    month = g.get("mn") or g.get("mn2") or ""  # the pattern has a month and a day in one of its two orders
    year = g.get("y3") or g.get("y4")
    return _dated(_MONTH[month.lower().rstrip(".")], int(day or 0), year, said_on)


def _dated(month: int, day: int, year: str | None, said_on: dt.date) -> dt.date | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year:
        full = int(year) + (2000 if len(year) == 2 else 0)
        try:
            return dt.date(full, month, day)
        except ValueError:
            return None
    return _year_for(month, day, said_on)


def _next_weekday(weekday: int, said_on: dt.date, following: bool = False) -> dt.date:
    ahead = (weekday - said_on.weekday()) % 7 or 7
    return said_on + dt.timedelta(days=ahead + (7 if following else 0))


def _week_end(word: str, said_on: dt.date) -> dt.date:
    friday = said_on + dt.timedelta(days=(4 - said_on.weekday()) % 7)
    return friday + dt.timedelta(days=7) if re.search(r"next|nächste|próxima|que viene", word, re.I) else friday


def due_date(sentence: str, said_on: dt.date) -> dt.date | None:
    """The day `sentence` says something is due, relative to `said_on`; None when it names none."""
    plain = re.sub(r"[*_~`]", "", sentence or "")
    for pattern in _DUE_PATTERNS:
        for match in pattern.finditer(plain):
            found = _resolve(match, said_on)
            if found:
                return found
    return None


def _resolve(match: re.Match[str], said_on: dt.date) -> dt.date | None:
    g = match.groupdict()
    if g.get("rel"):
        return said_on + dt.timedelta(days=_RELATIVE[g["rel"].lower()])
    if g.get("week"):
        return _week_end(g["week"], said_on)
    wd_name = (g.get("wd") or g.get("wd_only") or "").lower().rstrip(".")
    weekday = _WEEKDAY.get(wd_name)
    if g.get("date"):
        return _explicit(match, said_on, weekday)
    if weekday is not None and wd_name not in _SHORT_ONLY:
        return _next_weekday(weekday, said_on, following="next " in match.group(0).lower())
    return None


def dates_in(sentence: str, said_on: dt.date) -> list[tuple[int, dt.date]]:
    """Every calendar date `sentence` names, with where it starts ("from 6 Nov to 3 Nov": both)."""
    found = []
    for match in _ANY_DATE.finditer(sentence or ""):
        day = _explicit(match, said_on, None)
        if day:
            found.append((match.start(), day))
    return found


def mentions_date(sentence: str) -> bool:
    """Whether `sentence` names a calendar date ("3 Nov", "11/4", "2026-11-03")."""
    return bool(_ANY_DATE.search(sentence or ""))


def describe_due(due: dt.date, today: dt.date) -> str:
    """'due today', 'due tomorrow', 'due Fri 30 Oct', 'overdue 1 day', 'overdue 3 days'."""
    days = (due - today).days
    if days < 0:
        return f"overdue {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "due today"
    if days == 1:
        return f"due tomorrow ({due:%a %-d %b})"
    return f"due {due:%a %-d %b}"
