"""A page of Notion's Markdown export -> blocks (one per paragraph, heading, list item, quote, code).

Notion writes each page as `# <Title>`, then one `<Property>: <value>` line per property, then the
page content. The title and property lines are not content and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_TODO = re.compile(r"^[-*+]\s+\[([ xX])\]\s+(.*)$")
_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\d+[.)]\s+(.*)$")
_QUOTE = re.compile(r"^>\s?(.*)$")
_DIVIDER = re.compile(r"^(-{3,}|\*{3,}|_{3,})$")
_INDENT = 4  # Notion nests list items by four spaces


@dataclass
class MarkdownBlock:
    block_type: str
    text: str
    depth: int
    parent: int | None  # index of the parent block in the page's list, if nested


def _skip_header(lines: list[str], property_names: Iterable[str]) -> list[str]:
    """Drop the leading `# Title` and the property lines that follow it."""
    names = {name.strip().lower() for name in property_names}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].startswith("# "):
        i += 1
    while i < len(lines):
        line = lines[i].strip()
        if line and not (":" in line and line.split(":", 1)[0].strip().lower() in names):
            break
        i += 1
    return lines[i:]


def _classify(line: str) -> tuple[str, str]:
    if match := _HEADING.match(line):
        return f"heading_{len(match.group(1))}", match.group(2)
    if match := _TODO.match(line):
        return "to_do", match.group(2)
    if match := _BULLET.match(line):
        return "bulleted_list_item", match.group(1)
    if match := _NUMBERED.match(line):
        return "numbered_list_item", match.group(1)
    if match := _QUOTE.match(line):
        return "quote", match.group(1)
    return "paragraph", line


def _depth(line: str) -> int:
    expanded = line.expandtabs(_INDENT)
    return (len(expanded) - len(expanded.lstrip(" "))) // _INDENT


def parse_markdown(text: str, property_names: Iterable[str] = ()) -> list[MarkdownBlock]:
    """The content blocks of an exported page, in order; consecutive paragraph lines join into one."""
    blocks: list[MarkdownBlock] = []
    open_at_depth: dict[int, int] = {}  # depth -> index of the latest block at that depth
    in_code: list[str] | None = None
    paragraph_open = False
    for line in _skip_header(text.splitlines(), property_names):
        stripped = line.strip()
        if in_code is not None:
            if stripped.startswith("```"):
                blocks.append(MarkdownBlock("code", "\n".join(in_code), 0, None))
                in_code, paragraph_open = None, False
            else:
                in_code.append(line)
            continue
        if stripped.startswith("```"):
            in_code = []
            continue
        if not stripped:
            paragraph_open = False
            continue
        if _DIVIDER.match(stripped):
            blocks.append(MarkdownBlock("divider", "", 0, None))
            paragraph_open = False
            continue
        block_type, content = _classify(stripped)
        if block_type == "paragraph" and paragraph_open and _depth(line) == 0:
            blocks[-1].text += "\n" + content
            continue
        depth = min(_depth(line), max(open_at_depth, default=-1) + 1)  # no skipped levels
        parent = open_at_depth.get(depth - 1) if depth else None
        blocks.append(MarkdownBlock(block_type, content.strip(), depth, parent))
        open_at_depth = {d: i for d, i in open_at_depth.items() if d < depth}
        open_at_depth[depth] = len(blocks) - 1
        paragraph_open = block_type == "paragraph"
    if in_code is not None:  # an unclosed fence still holds content
        blocks.append(MarkdownBlock("code", "\n".join(in_code), 0, None))
    return blocks
