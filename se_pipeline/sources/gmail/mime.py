"""MIME: raw RFC 822 bytes to headers, readable text, attachment names (stdlib email, policy.default).

Each text part is decoded with its declared charset. Labels that browsers treat as windows-1252
(iso-8859-1) are decoded as windows-1252, as the WHATWG encoding standard does, because
mail clients label cp1252 text that way. An unknown or wrong charset falls back explicitly
(utf-8, then windows-1252 with replacement characters) and the fallback is noted.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from typing import Any

from se_pipeline.sources.gmail.addresses import TolerantHeaders
from se_pipeline.sources.gmail.html_text import html_to_text

_MISSING = object()
_PARAMS: dict[str, tuple] = {}  # a header's text -> its parameters, as EmailMessage splits them
_PARAMS_KEPT = 4096


class ReadPart(EmailMessage):
    """EmailMessage whose headers' parameters are split once per distinct header text.

    Reading a message's body, parts and calendar asks each part for its Content-Type parameters
    (charset, filename, method) several times, and EmailMessage splits the header again each time
    (about a tenth of building a row). The split depends on the header's text alone.
    """

    def _get_params_preserve(self, failobj: Any, header: str) -> Any:
        value = self.get(header, _MISSING)
        if value is _MISSING:
            return failobj
        text = str(value)
        params = _PARAMS.get(text)
        if params is None:
            if len(_PARAMS) >= _PARAMS_KEPT:  # a multipart's boundary makes each of its headers new
                _PARAMS.clear()
            params = _PARAMS[text] = tuple(super()._get_params_preserve(failobj, header))  # type: ignore[misc]
        return list(params)  # callers may change the list; its (name, value) pairs are immutable


# policy.default, but a header its structured parser breaks on (address groups) is kept as text, and
# parameters are split once per header text.
_PARSER = BytesParser(policy=policy.default.clone(header_factory=TolerantHeaders(), message_factory=ReadPart))
_ASCII_LABELS = {"us-ascii", "ascii", "ansi_x3.4-1968"}
_CP1252_LABELS = {
    "iso-8859-1",
    "iso8859-1",
    "latin-1",
    "latin1",
    "l1",
    "cp819",
    "iso_8859-1",
}


class UnparseableMessage(Exception):
    """A message that cannot become a row; str() is the quarantine reason ('no_date: …')."""


@dataclass
class MessageText:
    text: str  # readable text of the body (quotes and signature still in)
    source: str  # "text/plain", "text/html" or "none"
    attachments: list[str] = field(default_factory=list)
    parts: list[dict[str, Any]] = field(default_factory=list)  # a summary of every leaf part
    charset_notes: list[str] = field(default_factory=list)


def parse_message(raw: bytes) -> EmailMessage:
    """The whole message. Malformed MIME is recorded as defects on the message; only a tree nested
    deeper than the parser can walk raises, as UnparseableMessage."""
    return _parse(raw, headersonly=False)


def parse_headers(raw: bytes) -> EmailMessage:
    """Headers only: cheap, for deciding whether a message is in the window before parsing it."""
    return _parse(raw, headersonly=True)


def _parse(raw: bytes, headersonly: bool) -> EmailMessage:
    try:
        return _PARSER.parsebytes(raw, headersonly=headersonly)
    except RecursionError:  # the stdlib parser recurses once per level of multipart nesting
        raise UnparseableMessage("mime: parts nested too deeply to read") from None



def message_text(msg: EmailMessage) -> MessageText:
    """The body as readable text (text/plain preferred, else HTML converted), and the attachments."""
    notes: list[str] = []
    body_part = _body_part(msg)
    text, source = "", "none"
    if body_part is not None:
        decoded = decode_text_part(body_part, notes)
        if body_part.get_content_subtype() == "html":
            text, source = html_to_text(decoded), "text/html"
        else:
            text, source = decoded, "text/plain"
    if not text.strip() and body_part is not None and body_part.get_content_subtype() == "plain":
        # An empty text/plain alternative beside a real HTML one: read the HTML.
        html = msg.get_body(preferencelist=("html",))
        if html is not None:
            text, source = html_to_text(decode_text_part(html, notes)), "text/html"
            body_part = html
    result = MessageText(text=text.replace("\r\n", "\n").strip(), source=source, charset_notes=notes)
    for index, part in enumerate(msg.walk()):
        if part.is_multipart():
            continue
        filename = part.get_filename()
        result.parts.append(
            {
                "index": index,
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "disposition": part.get_content_disposition(),
                "filename": filename,
            }
        )
        if part is body_part or part.get_content_maintype() == "multipart":
            continue
        is_alternative_body = (
            part.get_content_maintype() == "text" and not filename and part.get_content_disposition() != "attachment"
        )
        if not is_alternative_body:
            result.attachments.append(filename or f"(unnamed {part.get_content_type()})")
    return result


def _body_part(msg: EmailMessage) -> MIMEPart | None:
    try:
        return msg.get_body(preferencelist=("plain", "html"))
    except (
        KeyError,
        IndexError,
        AttributeError,
    ):  # a multipart without parts, a broken tree
        return None


def decode_text_part(part: MIMEPart, notes: list[str]) -> str:
    """Decode a text part's bytes with its declared charset (fallbacks are noted in `notes`)."""
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):  # None for a multipart
        data = b""
    declared = (part.get_content_charset() or "").strip().lower()
    return decode_bytes(data, declared, notes)


def decode_bytes(data: bytes, declared: str, notes: list[str]) -> str:
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            notes.append(f"unknown charset {declared!r}")
            return _fallback(data, notes)
        if declared in _ASCII_LABELS or codec == "ascii":
            try:
                return data.decode("ascii")
            except UnicodeDecodeError:
                notes.append(f"8-bit bytes in a part labelled {declared!r}")
                return _fallback(data, notes)
        if declared in _CP1252_LABELS or codec == "latin-1":
            codec = "cp1252"
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            if codec == "cp1252":  # 5 bytes are undefined in cp1252; iso-8859-1 maps every byte
                return data.decode("latin-1")
            notes.append(f"bytes not valid in declared charset {declared!r}")
            return _fallback(data, notes)
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        notes.append("8-bit text without a declared charset")
        return _fallback(data, notes)


def _fallback(data: bytes, notes: list[str]) -> str:
    try:
        text = data.decode("utf-8")
        notes.append("decoded as utf-8")
        return text
    except UnicodeDecodeError:
        notes.append("decoded as windows-1252 (undecodable bytes replaced)")
        return data.decode("cp1252", errors="replace")
