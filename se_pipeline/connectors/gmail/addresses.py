"""Address headers (From, To, Cc) as (display name, address) pairs, for every form real mail uses.

RFC 5322 §3.4 lets an address list hold groups, `Team: a@x.com, b@x.com;`, including empty ones
that sendmail writes, `unlisted-recipients:; (no To-header on input)`. The standard library's
structured parser raises on some of these (AttributeError: 'Group' object has no attribute
'local_part'), so headers are parsed tolerantly: a header the structured parser cannot read is
kept as plain text, and its addresses are read with `email.utils.getaddresses`.
"""

from __future__ import annotations

from email.header import decode_header, make_header
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import getaddresses
from functools import lru_cache

Mailbox = tuple[str | None, str | None]  # (display name, lower-cased addr-spec)


class TolerantHeaders(HeaderRegistry):
    """policy.default's header registry, except that a header its parser breaks on stays plain text.

    Parsed headers are immutable and the message API re-parses a header on every read (a part's
    Content-Type about twenty times per message), so each (name, value) is parsed once and reused.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._classes: dict[str, type] = {}
        self._cached = lru_cache(maxsize=8192)(self._parse)

    def __getitem__(self, name: str) -> type:
        # The stdlib builds a new class on every call; one per header name is the same class.
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]

    def __call__(self, name: str, value: str):
        return self._cached(name, value)

    def _parse(self, name: str, value: str):
        value = _repair_8bit(value)
        try:
            return super().__call__(name, value)
        except Exception:  # the stdlib's parser fails in several ways on headers mail really has
            plain = type("_PlainHeader", (self.default_class, self.base_class), {})
            return plain(name, value)


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
