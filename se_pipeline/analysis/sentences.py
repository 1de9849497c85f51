"""A message cut into the units people ask in: list items and sentences.

Lines are cut first (a Slack or mail line is a unit of thought), then inline enumerations
("1) … 2) …", "(2) yes… (1) let me check…"), then sentences by pysbd's rule-based boundary
detection, which knows abbreviations ("e.g.", "vs.", "Dr.") that a regex would cut at.
Greetings and sign-offs are set apart rather than dropped: the names a greeting holds say whom the
message speaks to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

# "- item", "• item", "1. item", "1) item", "(1) item", "a) item" at the start of a line.
_LIST_MARKER = re.compile(r"^\s*(?:[-*•◦▪‣–]|\(?(?P<number>\d{1,2})[.)](?!\d)|\(?[a-h]\))\s+")
# An enumeration inside a line: " 2) …", " (2) …" after a sentence end or a colon.
_INLINE_ITEM = re.compile(r"(?<=[.?!:;])\s+(?=\(?\d{1,2}\)\s)")
# Only lines with a possible boundary inside go through the segmenter (most chat lines do not).
_INNER_BOUNDARY = re.compile(r"[.!?…]\s+\S")

_GREETING_WORDS = (
    r"hi|hey|hello|dear|morning|good (?:morning|afternoon|evening)|greetings|hallo|moin|servus|liebe[rs]?|"
    r"sehr geehrte[rs]?|guten (?:morgen|tag|abend)|hola|buenos d[ií]as|buenas(?: tardes)?|estimad[oa]s?|"
    r"ciao|salve|buongiorno|gentile|bonjour|salut|hej|hei|ol[aá]|bom dia|prezad[oa]"
)
_GREETING = re.compile(rf"^(?:(?:{_GREETING_WORDS})\b[^.?!]{{0,60}}|[@\w][\w .'’-]{{0,40}})[,!:]?\s*$", re.I)
_GREETING_START = re.compile(rf"^(?:{_GREETING_WORDS})\b", re.I)
_SIGN_OFF = re.compile(
    r"^(?:thanks|thank you|many thanks|thx|best|cheers|regards|best regards|kind regards|warm regards|"
    r"all the best|talk soon|love|vielen dank|danke|viele gr[üu](?:ß|ss)e|beste gr[üu](?:ß|ss)e|"
    r"mit freundlichen gr[üu](?:ß|ss)en|sch[öo]ne gr[üu](?:ß|ss)e|lg|gracias|un saludo|saludos|atentamente|"
    r"obrigad[oa]|abra[çc]os|grazie|cordiali saluti|saluti|baci|un abbraccio|merci|cordialement|bien à vous)"
    r"\b[^?]{0,50}$",
    re.I,
)
_SIGNATURE_NAME = re.compile(r"^(?:--\s*)?[A-Z][\w'’-]+(?: [A-Z][\w'’.-]+){0,2}[.,]?$")  # a lone "Lee" / "Jan Levinson"

# "Thanks, can you also…" opens with thanks but asks: never a sign-off.
_ASKS = re.compile(r"\?|\b(?:can|could|would|will you|please|pls|let me know)\b", re.I)
_GERMAN = re.compile(r"\b(?:und|der|die|das|nicht|wir|sie|ist|mit|auf|f[üu]r|bitte|werden|k[öo]nnen|k[öo]nnten|uns)\b", re.I)


@dataclass(frozen=True)
class Unit:
    """One sentence of a message, with where it sits."""

    text: str
    line: int  # index of the paragraph line it came from
    item: str | None  # the enumeration it belongs to ("1", "2", …), when the writer numbered it
    listed: bool  # part of a bulleted or numbered list
    greeting: bool = False  # "Hi Ana, hi Bo," / "Dear Ms. Ito,"
    sign_off: bool = False  # "Thanks, Bo" / "Kind regards"


def language(text: str) -> str:
    """'de' for text that reads as German, else 'en' (the segmenter's rules differ by language)."""
    words = len(text.split())
    return "de" if words >= 4 and len(_GERMAN.findall(text)) * 6 >= words else "en"


@lru_cache(maxsize=8)
def _segmenter(lang: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=lang, clean=False)


def _split_sentences(line: str, lang: str) -> list[str]:
    if not _INNER_BOUNDARY.search(line):
        return [line]
    return [s.strip() for s in _segmenter(lang).segment(line) if s.strip()]


def units(text: str | None) -> list[Unit]:
    """Every sentence of `text` in order, greetings and sign-offs marked."""
    out: list[Unit] = []
    lang = language(text or "")
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for number, line in enumerate(lines):
        marker = _LIST_MARKER.match(line)
        item = marker.group("number") if marker else None
        body = line[marker.end():] if marker else line
        for part in _INLINE_ITEM.split(body):
            inline = re.match(r"^\(?(\d{1,2})\)\s+", part)
            if inline:
                item, part = inline.group(1), part[inline.end():]
            for sentence in _split_sentences(part, lang):
                first_line = number == 0 or all(u.greeting for u in out)
                out.append(Unit(
                    text=sentence, line=number, item=item, listed=bool(marker or inline),
                    greeting=first_line and not marker and _is_greeting(sentence),
                    sign_off=not marker and _is_sign_off(sentence, number, len(lines)),
                ))
    return out


def _is_greeting(sentence: str) -> bool:
    return bool(_GREETING.match(sentence)) and (bool(_GREETING_START.match(sentence)) or sentence.rstrip().endswith(","))


def _is_sign_off(sentence: str, line: int, lines: int) -> bool:
    if _ASKS.search(sentence):
        return False
    if _SIGN_OFF.match(sentence) and len(sentence.split()) <= 8:
        return True
    return line == lines - 1 and lines > 1 and bool(_SIGNATURE_NAME.match(sentence))


def sentences(text: str | None) -> list[str]:
    """The message's sentences, without greetings, sign-offs and lone signature names."""
    return [u.text for u in units(text) if not (u.greeting or u.sign_off)]
