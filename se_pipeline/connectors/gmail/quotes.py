"""Separating an email's new text from its quoted history and its signature.

Plain-text heuristics (HTML bodies are converted first, with <blockquote> as "> " lines):

* quoted history starts at the first *splitter*: an attribution line ("On … wrote:", "<date>,
  <name> <email>:" before "> " lines), an "-----Original Message-----" / forwarded-message line,
  or an Outlook-style header block ("From: … / Sent: … / To: …"); "> " lines are quoted anywhere.
  After an attribution followed by "> " lines, unquoted text is an inline/bottom-posted reply.
* the signature is taken from the end of the new text: a "-- " delimiter, a "Sent from my …"
  line, a sign-off ("Thanks,", "Best regards") followed by a short block, or a trailing block
  of short lines opened by the sender's name (or first name) or by a rule line ("-----").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTE = re.compile(r"^\s*>")
_SEPARATOR = re.compile(r"^\s*[-_=*]{3,}\s*$")
_ORIGINAL = re.compile(
    r"^\s*[-_=*]*\s*(original message|forwarded message|begin forwarded message|ursprüngliche nachricht"
    r"|weitergeleitete nachricht|message d'origine|message transféré|mensaje original|messaggio originale"
    r"|исходное сообщение|пересылаемое сообщение)\s*:?\s*[-_=*]*\s*$",
    re.IGNORECASE,
)
_WROTE = re.compile(
    r"(wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef|skrev|napisał|написал[а]?|пишет)\s*:\s*$",
    re.IGNORECASE,
)
_DATE_OR_TIME = re.compile(
    r"\d{1,2}:\d{2}|\b\d{4}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b"
    r"|\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_ATTRIBUTION_START = re.compile(r"^[\s>-]*(on|am|le|el|il|op|den|в)\b", re.IGNORECASE)
_HEADER_FIELD = re.compile(
    r"^\s*\*?(from|sent|date|to|subject|cc|von|gesendet|an|betreff|datum|de|envoyé|à|objet|para|asunto"
    r"|enviado|da|inviato|oggetto|от|отправлено|кому|тема|дата|копия)\s*\*?\s*:",
    re.IGNORECASE,
)
_HEADER_LEAD = {"from", "date", "sent", "von", "de", "da", "от", "datum", "дата"}
_MOBILE = re.compile(
    r"^\s*(sent from my |sent from mail for |sent from outlook|get outlook for |sent via |sent with |"
    r"sent from yahoo mail|sent from samsung|отправлено с )",
    re.IGNORECASE,
)
_SIGNOFF = re.compile(
    r"^\s*(?i:thanks( again| so much| a lot)?|thank you( so much| again)?|many thanks|thx|ty|best|best regards|"
    r"best wishes|kind regards|warm regards|warmest regards|regards|cheers|sincerely|yours truly|"
    r"all the best|talk soon|br|rgds|with thanks|with appreciation|respectfully|"
    r"mit freundlichen grüßen|viele grüße|beste grüße|cordialement|saludos|с уважением|спасибо)"
    # optionally the name on the same line: "Thanks, Noam", "Cheers -Bob"
    r"[,.!]*(\s*[-–—~]?\s*[A-ZА-Я][\w.'’-]*(\s+[A-ZА-Я][\w.'’-]*){0,2})?\s*[,.!]*\s*$"
)

_MAX_SIGNATURE_LINES = 12
_SHORT_LINE = 60


@dataclass(frozen=True)
class EmailText:
    body: str  # the new text
    quoted: str  # quoted history (earlier messages)
    signature: str


def split_email_text(text: str, sender_name: str | None = None, sender_email: str | None = None) -> EmailText:
    """Split a plain-text body into new text, quoted history and signature."""
    new_text, quoted = split_quoted(text)
    body, signature = split_signature(new_text, _sender_names(sender_name, sender_email))
    return EmailText(body=body, quoted=quoted, signature=signature)


# ---- quoted history -------------------------------------------------------------------------


def split_quoted(text: str) -> tuple[str, str]:
    """(new text, quoted history) of a plain-text body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body, quoted = _split_lines(lines)
    while body and (_SEPARATOR.match(body[-1]) or not body[-1].strip()):
        body.pop()  # the rule line Outlook puts above a quoted header block
    return _join(body), _join(quoted)


def _split_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    found = _first_splitter(lines)
    if found is None:
        return [line for line in lines if not _QUOTE.match(line)], [line for line in lines if _QUOTE.match(line)]
    start, end, is_attribution = found
    body = [line for line in lines[:start] if not _QUOTE.match(line)]
    quoted = [line for line in lines[:start] if _QUOTE.match(line)]
    rest = lines[end:]
    next_text = next((line for line in rest if line.strip()), "")
    if not (is_attribution and _QUOTE.match(next_text)):
        return body, quoted + lines[start:]
    # An attribution over "> " lines: unquoted text after them is the reply (bottom/inline posting).
    i = 0
    while i < len(rest) and (not rest[i].strip() or _QUOTE.match(rest[i])):
        i += 1
    more_body, more_quoted = _split_lines(rest[i:])
    return body + more_body, quoted + lines[start:end] + rest[:i] + more_quoted


def _first_splitter(lines: list[str]) -> tuple[int, int, bool] | None:
    """(first line, line after it, is an attribution) of the earliest splitter, if any."""
    for i, line in enumerate(lines):
        if _QUOTE.match(line) or not line.strip():
            continue
        if _ORIGINAL.match(line):
            return i, i + 1, False
        if _is_header_block(lines, i):
            return i, i + 1, False
        start = _attribution_start(lines, i)
        if start is not None:
            return start, i + 1, True
    return None


def _is_header_block(lines: list[str], i: int) -> bool:
    first = _HEADER_FIELD.match(lines[i])
    if not first or first.group(1).lower() not in _HEADER_LEAD:
        return False
    fields = {first.group(1).lower()}
    for line in lines[i + 1 : i + 6]:
        match = _HEADER_FIELD.match(line)
        if not match:
            break
        fields.add(match.group(1).lower())
    return len(fields) >= 2


def _attribution_start(lines: list[str], i: int) -> int | None:
    """If line i ends an attribution ("On … wrote:"), the line it starts on."""
    line = lines[i].rstrip()
    if not line.endswith(":") or len(line) > 300:
        return None
    next_text = next((line for line in lines[i + 1 : i + 3] if line.strip()), "")
    start = i
    # Mail clients wrap long attributions: pull in up to two preceding lines that belong to it.
    while start > 0 and i - start < 2 and lines[start - 1].strip() and not _QUOTE.match(lines[start - 1]):
        previous = lines[start - 1]
        if not (
            _ATTRIBUTION_START.match(previous)
            or _DATE_OR_TIME.search(previous)
            or previous.rstrip().endswith(("<", ","))
        ):
            break
        start -= 1
    joined = " ".join(line.strip() for line in lines[start : i + 1])
    has_context = bool(_EMAIL.search(joined) or _DATE_OR_TIME.search(joined) or _ATTRIBUTION_START.match(joined))
    if _WROTE.search(line) and has_context:
        return start
    if _QUOTE.match(next_text) and (_EMAIL.search(joined) or _DATE_OR_TIME.search(joined)):
        return start
    return None


# ---- signature ------------------------------------------------------------------------------


def split_signature(text: str, sender_names: tuple[str, ...] = ()) -> tuple[str, str]:
    """(text without signature, signature) of an email's new text."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    start = _signature_start(lines, sender_names)
    if start is None:
        return _join(lines), ""
    return _join(lines[:start]), _join(lines[start:])


def _signature_start(lines: list[str], sender_names: tuple[str, ...]) -> int | None:
    n = len(lines)
    tail_from = max(0, n - _MAX_SIGNATURE_LINES - 1)
    candidates: list[int] = []
    for i in range(tail_from, n):
        line = lines[i]
        if (
            line.rstrip() in ("--", "-- ", "—")
            or _MOBILE.match(line)
            and n - i <= 3
            or _SIGNOFF.match(line)
            and _is_name_block(lines[i + 1 :])
        ):
            candidates.append(i)
    block = _trailing_block_start(lines, sender_names)
    if block is not None:
        candidates.append(block)
    # The signature must leave some new text in front of it.
    valid = [c for c in candidates if any(line.strip() for line in lines[:c])]
    return min(valid) if valid else None


def _trailing_block_start(lines: list[str], sender_names: tuple[str, ...]) -> int | None:
    """Start of a trailing block of short lines opened by the sender's name or a rule line."""
    run_start = len(lines)
    non_empty = 0
    while run_start > 0 and non_empty < _MAX_SIGNATURE_LINES:
        line = lines[run_start - 1].strip()
        if len(line) > _SHORT_LINE:
            break
        non_empty += bool(line)
        run_start -= 1
    for i in range(run_start, len(lines)):
        line = lines[i].strip()
        rest = lines[i:]
        if _SEPARATOR.match(line) and len(rest) > 1:
            return i
        if _starts_with_name(line, sender_names) and (len(line.split()) <= 5):
            return i
    return None


def _starts_with_name(line: str, sender_names: tuple[str, ...]) -> bool:
    stripped = line.lstrip("-–—~ ").lower()
    return any(
        stripped.startswith(name) and (len(stripped) == len(name) or not stripped[len(name)].isalpha())
        for name in sender_names
    )


def _sender_names(name: str | None, email: str | None) -> tuple[str, ...]:
    """Lower-case forms of the sender's name a signature may start with (full, then first name)."""
    names: list[str] = []
    if name:
        name = name.strip().strip("\"'").lower()
        if "," in name:  # "Doe, John"
            last, _, first = name.partition(",")
            name = f"{first.strip()} {last.strip()}"
        names.append(name)
        first_name = name.split()[0] if name.split() else ""
        if len(first_name) > 1:
            names.append(first_name)
    if email:
        local = re.split(r"[._+-]", email.split("@")[0].lower())[0]
        if len(local) > 2 and local.isalpha():
            names.append(local)
    return tuple(dict.fromkeys(n for n in names if n))


def _is_name_block(lines: list[str]) -> bool:
    """A short block under a sign-off: a name line first, then a few short lines (title, phone…)."""
    filled = [line.strip() for line in lines if line.strip()]
    if not 1 <= len(filled) <= 8 or any(len(line) > _SHORT_LINE for line in filled):
        return False
    return len(filled[0].split()) <= 4 and not filled[0].endswith("?")


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()
