"""JSON from files and response bodies that may be damaged or hostile.

json.loads raises RecursionError, not a ValueError, on input nested deeper than Python's stack
allows (a few thousand levels), and UnicodeDecodeError on bytes that are not UTF-8: every caller
would have to know both. `parse_json` raises ValueError for all of them, with a reason that says
which, so one bad file or answer is quarantined (or retried) like any other malformed JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any


def parse_json(data: bytes | str) -> Any:
    """The JSON value in `data` (UTF-8, a BOM allowed); ValueError for anything that is not JSON."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 ({exc})") from None
    except RecursionError:
        raise ValueError("nested too deeply to read") from None


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]', re.DOTALL)  # a string (skipped whole) or a bracket or comma


class UnreadableItem(ValueError):
    """Stands in a list for an item that could not be read; str() says why."""


def parse_json_items(data: bytes | str) -> list[Any]:
    """The items of a JSON list. An item nested too deeply to read is an UnreadableItem in its place,
    so one such item does not cost the list's others; ValueError when `data` is not a JSON list."""
    try:
        value = parse_json(data)
    except ValueError as exc:
        if "nested too deeply" not in str(exc):
            raise
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        return [_item(part) for part in _top_level_items(text)]
    if not isinstance(value, list):
        raise ValueError("expected a JSON list")
    return value


def _item(text: str) -> Any:
    try:
        return parse_json(text)
    except ValueError as exc:
        return UnreadableItem(str(exc))


def _top_level_items(text: str) -> list[str]:
    """The texts of a JSON list's items, found without building them (no recursion, whatever the depth)."""
    body = text.strip()
    if not body.startswith("["):
        raise ValueError("expected a JSON list")
    items, depth, start = [], 0, 1
    for token in _TOKEN.finditer(body):
        mark = token.group()
        if mark in "[{":
            depth += 1
        elif mark in "]}":
            depth -= 1
            if depth == 0:
                items.append(body[start : token.start()])
                break
        elif mark == "," and depth == 1:
            items.append(body[start : token.start()])
            start = token.end()
    if depth != 0:
        raise ValueError("the list is not closed")
    return [item for item in items if item.strip()]
