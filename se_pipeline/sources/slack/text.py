"""Slack's message markup turned into text a person reads.

Slack escapes only `&`, `<` and `>` in message text; anything inside `<…>` is a control sequence
(a mention, a channel, a link, a special mention or a date). See Slack's "Formatting text for app
surfaces" reference. One function serves both the export and the api connector.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_CONTROL = re.compile(r"<([^<>]*)>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}

NameLookup = Callable[[str], str | None]


def _label_and_target(body: str) -> tuple[str, str | None]:
    target, _, label = body.partition("|")
    return target, (label or None)


def _mention(target: str, label: str | None, user_name: NameLookup) -> str:
    return "@" + (user_name(target) or label or target)


def _channel(target: str, label: str | None, channel_name: NameLookup) -> str:
    return "#" + (label or channel_name(target) or target)


def _special(target: str, label: str | None) -> str:
    if target in _SPECIAL:
        return _SPECIAL[target]
    if target.startswith("subteam^"):  # user group: <!subteam^S123|@sales>
        return label or "@" + target.removeprefix("subteam^")
    # <!date^1392734382^{date_short}|Feb 18, 2014> and anything newer: the fallback label is the reading
    return label or "@" + target


def _link(target: str, label: str | None) -> str:
    if target.startswith("mailto:"):
        address = target.removeprefix("mailto:")
        return address if label in (None, address) else f"{label} ({address})"
    if label is None or label == target:
        return target
    return f"{label} ({target})"


def normalize_text(text: str | None, user_name: NameLookup, channel_name: NameLookup) -> str:
    """`<@U1>` -> @Real Name, `<#C1|name>` -> #name, `<url|label>` -> label (url), `<!here>` -> @here,
    then the three HTML entities Slack escapes are decoded."""
    if not text:
        return ""

    def replace(match: re.Match[str]) -> str:
        target, label = _label_and_target(match.group(1))
        if target.startswith("@"):
            return _mention(target[1:], label, user_name)
        if target.startswith("#"):
            return _channel(target[1:], label, channel_name)
        if target.startswith("!"):
            return _special(target[1:], label)
        return _link(target, label)

    # Entities are decoded last: an escaped "&lt;" is literal text, never a control sequence.
    converted = _CONTROL.sub(replace, text)
    return converted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
