"""HTML email bodies to readable plain text (stdlib html.parser).

Block elements become line breaks, <blockquote> content becomes "> " lines (so the plain-text
quote splitter handles HTML replies too), scripts/styles/heads are dropped, entities decoded. A
two-cell table row whose first cell is a short label reads "Label: value", as notification mail
(tickets, CRM alerts) lays out its fields.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
}  # fmt: skip
_SKIP_TAGS = {"head", "script", "style", "title", "template", "noscript"}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "base", "col", "area", "wbr"}
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b\u200e\u200f]+")
_LABEL_WORDS = 4


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []  # (quote depth, text)
        self._current: list[str] = []
        self._current_depth = 0
        self._quote_depth = 0
        self._skip_depth = 0
        self._pre_depth = 0
        self._cells: list[int] = []  # where each cell of the open table row starts in _current
        self._row_lines = -1  # len(lines) when the row opened: a row that broke lines is no field

    def _break(self) -> None:
        text = "".join(self._current).strip()
        if text or not self.lines or self.lines[-1][1]:
            # Keep at most one empty line in a row; remember each line's quote depth.
            self.lines.append((self._current_depth, text))
        self._current = []
        self._current_depth = self._quote_depth

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag == "br":
            self._break()
        elif tag in _BLOCK_TAGS:
            if self._current and "".join(self._current).strip():
                self._break()
            if tag == "tr":
                self._cells, self._row_lines = [], len(self.lines)
            if tag == "blockquote":
                self._quote_depth += 1
            if tag == "pre":
                self._pre_depth += 1
            if tag == "li":
                self._current.append("- ")
            self._current_depth = self._quote_depth
        elif tag in ("td", "th"):
            if self._current:
                self._current.append(" ")
            self._cells.append(len(self._current))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            if tag == "tr":
                self._label_row()
            if "".join(self._current).strip():
                self._break()
            if tag == "blockquote":
                self._quote_depth = max(0, self._quote_depth - 1)
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
            self._current_depth = self._quote_depth
            if tag in ("p", "blockquote", "table"):
                self._break()  # a paragraph ends with an empty line

    def _label_row(self) -> None:
        """"Status | Open" -> "Status: Open" when the row is two cells on one line and the first is a label."""
        if len(self._cells) != 2 or len(self.lines) != self._row_lines:
            return
        label = "".join(self._current[: self._cells[1]]).strip()
        value = "".join(self._current[self._cells[1]:]).strip()
        if label and value and not label.endswith(":") and len(label.split()) <= _LABEL_WORDS:
            self._current = [f"{label}: {value}"]

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._pre_depth:
            parts = data.split("\n")
            for i, part in enumerate(parts):
                if i:
                    self._break()
                self._current.append(part)
            return
        text = _SPACES.sub(" ", data)
        if not self._current or not "".join(self._current).strip():
            text = text.lstrip()
            self._current_depth = self._quote_depth
        self._current.append(text)

    def text(self) -> str:
        if self._current:
            self._break()
        out = [("> " * depth + line).rstrip() for depth, line in self.lines]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def html_to_text(html: str) -> str:
    """Readable text of an HTML document or fragment."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()
