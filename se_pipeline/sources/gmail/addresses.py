"""Address headers (From, To, Cc) as (display name, address) pairs, for every form real mail uses.

RFC 5322 §3.4 lets an address list hold groups, `Team: a@x.com, b@x.com;`, including empty ones
that sendmail writes, `unlisted-recipients:; (no To-header on input)`. The standard library's
structured parser raises on some of these (AttributeError: 'Group' object has no attribute
'local_part'), so headers are parsed tolerantly: a header the structured parser cannot read is
kept as plain text, and its addresses are read with `email.utils.getaddresses`.
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.headerregistry import (
    ContentDispositionHeader,
    ContentTypeHeader,
    DateHeader,
    HeaderRegistry,
    MessageIDHeader,
    ParameterizedMIMEHeader,
    UnstructuredHeader,
)
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parsedate_to_datetime
from functools import lru_cache
from typing import Any

Mailbox = tuple[str | None, str | None]  # (display name, lower-cased addr-spec)


class TolerantHeaders(HeaderRegistry):
    """policy.default's header registry, except that a header its parser breaks on stays plain text.

    Parsed headers are immutable and the message API re-parses a header on every read (a part's
    Content-Type about twenty times per message), so each (name, value) is parsed once and reused.
    Most headers are read only as text, and most values already are the text their parse gives back
    (`_VERBATIM`), or a date: those are parsed only when another attribute is read (`LazyHeader`).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._classes: dict[str, type] = {}
        self._cached = lru_cache(maxsize=8192)(self._parse)
        self._header = lru_cache(maxsize=8192)(self._lazy)

    def __getitem__(self, name: str) -> type:
        # The stdlib builds a new class on every call; one per header name is the same class.
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]

    def __call__(self, name: str, value: str):
        return self._header(name, value)

    def _lazy(self, name: str, value: str):
        quick = quick_header(self[name], value)
        if quick is None:
            return self._cached(name, value)
        text, known = quick
        return LazyHeader(text, known, name, value, self)

    def parsed(self, name: str, value: str):
        """The header object of policy.default (kept as plain text when its parser breaks on it)."""
        return self._cached(name, value)

    def _parse(self, name: str, value: str):
        value = _repair_8bit(value)
        try:
            return super().__call__(name, value)
        except Exception:  # the stdlib's parser fails in several ways on headers mail really has
            plain = type("_PlainHeader", (self.default_class, self.base_class), {})
            return plain(name, value)


class LazyHeader(str):
    """A header's text (the same as its parse's), with the attributes already `known` (a date's
    datetime); any other attribute (params, defects, fold…) is read from the header parsed on first use."""

    __slots__ = ("_known", "_name", "_value", "_registry")
    _known: dict[str, Any]
    _name: str
    _value: str
    _registry: TolerantHeaders

    def __new__(cls, text: str, known: dict[str, Any], name: str, value: str, registry: TolerantHeaders) -> LazyHeader:
        self = super().__new__(cls, text)
        self._known, self._name, self._value, self._registry = known, name, value, registry
        return self

    def __getattr__(self, attribute: str) -> Any:
        if attribute in self._known:
            return self._known[attribute]
        return getattr(self._registry.parsed(self._name, self._value), attribute)


# Values whose parse gives back the same text (str(header) == value), by header class; any other value
# is parsed when read. tests/test_mail_headers.py checks each pattern against the stdlib's parse.
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
# Parameters as the parse writes them back: "; name=" and the value quoted, not empty; no RFC 2231
# "name*" (the parse decodes those), and each name once (checked in is_verbatim).
_PARAMS = r'(?:; [0-9a-z_.-]+="[ !#-\[\]-~]+")*'
_PARAM_NAME = re.compile(r'; ([0-9a-z_.-]+)="')
_ATOMS = r"[!#$%&'*+/=?^_`{|}~0-9A-Za-z-]+(?:\.[!#$%&'*+/=?^_`{|}~0-9A-Za-z-]+)*"
_VERBATIM = {
    UnstructuredHeader: re.compile(r"[\t -~]*"),
    ContentTypeHeader: re.compile(rf"{_TOKEN}/{_TOKEN}{_PARAMS}"),
    ContentDispositionHeader: re.compile(rf"{_TOKEN}{_PARAMS}"),
    MessageIDHeader: re.compile(rf"<{_ATOMS}@{_ATOMS}>"),
}


def quick_header(header_class: type, value: str) -> tuple[str, dict[str, Any]] | None:
    """The text a `header_class` header of `value` has, and its attributes known without parsing it;
    None when only the parse can tell."""
    if not value.isascii() or "=?" in value:  # 8-bit bytes are repaired, encoded words decoded
        return None
    if issubclass(header_class, DateHeader):
        # What DateHeader.parse does for a date it can read.
        try:
            moment = parsedate_to_datetime(value)
            return format_datetime(moment), {"datetime": moment}
        except Exception:  # the parse's own handling (a defect, or plain text) decides
            return None
    return (value, {}) if is_verbatim(header_class, value) else None


def is_verbatim(header_class: type, value: str) -> bool:
    """True when `value` is known to be the text of its own parse as a `header_class` header."""
    if "=?" in value:  # an encoded word: the parse decodes it
        return False
    for kind, pattern in _VERBATIM.items():
        if issubclass(header_class, kind):
            if pattern.fullmatch(value) is None:
                return False
            names = _PARAM_NAME.findall(value) if issubclass(header_class, ParameterizedMIMEHeader) else []
            return len(names) == len(set(names))
    return False


def _repair_8bit(value: str) -> str:
    """A header written with raw 8-bit bytes (`From: J\\xfcrgen <…>`, not RFC 2047) reaches us with each
    such byte as a lone surrogate, which no UTF-8 text can hold: read those bytes as UTF-8 (RFC 6532
    mail), else as windows-1252, as mail clients do."""
    if value.isascii() or not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _decoded(text: str) -> str:
    """RFC 2047 encoded words (=?utf-8?b?…?=) in a display name, as text."""
    try:
        return str(make_header(decode_header(text)))
    except (ValueError, LookupError, UnicodeError):
        return text


def _from_text(value: str) -> list[Mailbox]:
    found: list[Mailbox] = []
    for name, addr in getaddresses([value]):
        if "@" not in addr:  # an empty group, or a fragment that is not an address
            continue
        found.append((_decoded(name).strip() or None, addr.lower()))
    return found


def mailboxes(msg: EmailMessage, name: str) -> list[Mailbox]:
    """Every mailbox in every `name` header of `msg`, group members included; an empty group adds none."""
    found: list[Mailbox] = []
    for key, raw in msg.raw_items():
        if key.lower() != name.lower():
            continue
        header = msg.policy.header_fetch_parse(key, raw)
        parsed = getattr(header, "addresses", None)
        if parsed is None:  # kept as plain text by TolerantHeaders: read the raw, still-encoded value
            found.extend(_from_text(" ".join(str(raw).split())))
            continue
        for address in parsed:
            # A local part alone ("root", or a stray word the parser took for one) is no address to match on.
            email = address.addr_spec.lower() if address.username and address.domain else None
            found.append((address.display_name or None, email))
    return found
