"""Making text safe for customer-facing reports: no credentials, tokens or internal URLs.

`redact(text, internal_domains)` replaces Slack tokens (xox*, xapp-), bearer tokens, common API
key shapes (AWS, GitHub, OpenAI-style sk-, Google AIza, Notion secret_/ntn_), `key=value` secrets,
connection strings with a password, and URLs or host names that are internal: private addresses,
localhost, *.internal/.corp/.lan/.local/.intranet/.svc hosts, subdomains of our own domains (the
bare domain and www. stay: they are the public site), and our internal tools' links (Slack,
Notion, Gmail, Gong, Google Docs/Drive), which customers cannot open anyway.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

TOKEN = "[redacted]"
LINK = "[internal link]"
HOST = "[internal host]"

_SECRETS = [
    re.compile(r"\bxox[abeoprs]-[A-Za-z0-9-]{6,}"),
    re.compile(r"\bxapp-\d-[A-Za-z0-9-]{6,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"),
    re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}"),
    re.compile(r"\bAIza[0-9A-Za-z_-]{30,}"),
    re.compile(r"\b(?:secret|ntn)_[A-Za-z0-9]{20,}"),
]
_BEARER = re.compile(r"(?i)\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{12,}")
_KEY_VALUE = re.compile(
    r"(?i)\b((?:api[_-]?key|apikey|access[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|secret|"
    r"password|passwd|pwd|token)\b[\"']?\s*[:=]\s*)[\"']?[^\s\"',;&]{4,}[\"']?"
)
_CONNECTION = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:[^\s/@]+@[^\s]+", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?|wss?|ftp)://[^\s<>()\[\]\"']+", re.IGNORECASE)
_INTERNAL_SUFFIXES = (".internal", ".corp", ".lan", ".local", ".intranet", ".svc", ".localdomain", ".home.arpa")
_BARE_HOST = re.compile(
    r"\b(?:[a-z0-9-]+\.)+(?:internal|corp|lan|local|intranet|svc|localdomain)\b(?::\d+)?", re.IGNORECASE
)
_TOOL_HOSTS = ("slack.com", "notion.so", "notion.site", "mail.google.com", "docs.google.com", "drive.google.com", "gong.io")


def _is_internal_host(host: str, internal_domains: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(_INTERNAL_SUFFIXES):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
        return address.is_private or address.is_loopback or address.is_link_local
    except ValueError:
        pass
    if any(host == d or host.endswith("." + d) for d in _TOOL_HOSTS):
        return True
    # Our own subdomains (grafana.example.com) are internal; the public site is not.
    return any(host.endswith("." + d) and host != "www." + d for d in internal_domains)


def _url(match: re.Match[str], internal_domains: tuple[str, ...]) -> str:
    url = match.group(0)
    trailing = ""
    while url and url[-1] in ".,;:!?":  # sentence punctuation after a link is not part of it
        trailing, url = url[-1] + trailing, url[:-1]
    host = urlsplit(url).hostname or ""
    return (LINK if _is_internal_host(host, internal_domains) else url) + trailing


def redact(text: str | None, internal_domains: Iterable[str] = ()) -> str:
    """`text` with secrets and internal links replaced; `internal_domains` are our company domains."""
    if not text:
        return ""
    domains = tuple(d.lower().lstrip(".") for d in internal_domains)
    out = _CONNECTION.sub(TOKEN, text)
    for pattern in _SECRETS:
        out = pattern.sub(TOKEN, out)
    out = _BEARER.sub(lambda m: f"{m.group(1)} {TOKEN}", out)
    out = _KEY_VALUE.sub(lambda m: f"{m.group(1)}{TOKEN}", out)
    out = _URL.sub(lambda m: _url(m, domains), out)
    return _BARE_HOST.sub(HOST, out)
