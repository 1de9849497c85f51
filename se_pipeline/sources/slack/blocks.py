"""What apps post, as lines a person reads: legacy attachments and Block Kit blocks.

Integrations (Salesforce, Zendesk, Gong, Jira, …) often leave a message's `text` empty or a one-line
fallback and carry their content in `attachments` (pretext, title, text, fields) or in `blocks`
(header, section text and fields, context). Every field becomes a "Title: value" line, so a reader,
customer resolution and the tool parsers (se_pipeline.analysis.tools) see each value with its name.
A user's `rich_text` blocks repeat the message's `text` and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Render = Callable[[str | None], str]  # Slack markup -> text (mentions, links, entities)

# "*When*\nTue, Oct 27 …": a bold first line names what follows.
_TITLED = re.compile(r"^\*([^*\n:]{1,60}):?\*:?[ \t]*\n(.+)$", re.S)
# "*Type:* Bug   *Priority:* Major": inline labelled values.
_INLINE_LABEL = re.compile(r"\*([^*\n:]{1,40}):\*[ \t]*")


def attachment_lines(attachment: dict[str, Any], render: Render) -> list[str]:
    """pretext, title, text, then each field as "Title: value"; the fallback only when nothing else is there."""
    lines = [render(_string(attachment.get(key))) for key in ("pretext", "title")]
    lines.extend(_mrkdwn_lines(render(_string(attachment.get("text")))))
    for field in _dicts(attachment.get("fields")):
        lines.append(_field_line(render(_string(field.get("title"))), render(_string(field.get("value")))))
    lines = [line for line in lines if line]
    if not lines and _string(attachment.get("fallback")):
        lines.append(render(attachment["fallback"]))
    return lines


def block_lines(block: dict[str, Any], render: Render) -> list[str]:
    """The readable lines of one Block Kit block (header, section, context); others say nothing to read."""
    kind = block.get("type")
    if kind == "header":
        return [line for line in [render(_text_of(block.get("text")))] if line]
    if kind == "section":
        lines = _mrkdwn_lines(render(_text_of(block.get("text"))))
        for field in _dicts(block.get("fields")):
            lines.extend(_mrkdwn_lines(render(_text_of(field))))
        return lines
    if kind == "context":
        parts = [render(_text_of(element)) for element in _dicts(block.get("elements"))]
        joined = " · ".join(p for p in parts if p)
        return [joined] if joined else []
    return []  # rich_text repeats `text`; actions, dividers and images carry nothing to read


def _mrkdwn_lines(text: str) -> list[str]:
    """A section's mrkdwn as lines: a bold first line titles the rest, inline "*Label:* value" pairs split."""
    if not text:
        return []
    titled = _TITLED.match(text.strip())
    if titled:
        title, rest = titled.group(1).strip(), titled.group(2).strip()
        if "\n" not in rest:
            return [_field_line(title, rest)]
        return [f"{title}:", *_split_labels(rest)]
    return _split_labels(text.strip())


def _split_labels(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        labels = list(_INLINE_LABEL.finditer(line))
        if not labels:
            lines.append(line)
            continue
        if labels[0].start() > 0:
            lines.append(line[: labels[0].start()].rstrip())
        for at, label in enumerate(labels):
            end = labels[at + 1].start() if at + 1 < len(labels) else len(line)
            lines.append(_field_line(label.group(1).strip(), line[label.end():end].strip()))
    return [line for line in lines if line.strip()]


def _field_line(title: str, value: str) -> str:
    if title and value:
        return f"{title.rstrip(':')}: {value}"
    return title or value


def _text_of(obj: Any) -> str:
    """A Block Kit text object ({"type": "mrkdwn", "text": …}) or a bare string."""
    if isinstance(obj, dict):
        return _string(obj.get("text"))
    return _string(obj)


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
