"""Opportunity values as proposals compare and write them.

A proposal records a property's value when it was made, and `apply` compares that with what Notion
holds just before writing: both go through `normalised`, so "November 20, 2026" (an export),
{"start": "2026-11-20"} (the API) and "2026-11-20" are the same date, and 96000.0 and "€96,000.00"
the same amount. `property_value` is the body Notion takes for a property of a given type.
"""

from __future__ import annotations

from typing import Any

from se_pipeline.sources.notion import FieldError, field_text, parse_date, parse_number

DATE_FIELDS = frozenset({"close_date", "poc_end"})
NUMBER_FIELDS = frozenset({"amount", "probability"})
NOTION_TEXT_LIMIT = 2000  # characters per rich-text item


class Unwritable(ValueError):
    """A property Notion computes or that cannot take the value (a formula, a rollup, a person we cannot name)."""


def normalised(field: str, value: Any) -> str | None:
    """A flattened property value as one comparable text: ISO dates, plain numbers, a list's items joined."""
    if value is None or value == [] or value == "":
        return None
    if field in DATE_FIELDS:
        text = field_text(value)
        if not text:
            return None
        try:
            return parse_date(text).isoformat()
        except FieldError:
            return text
    if field in NUMBER_FIELDS:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return plain_number(float(value))
        text = field_text(value)
        try:
            return plain_number(parse_number(text or ""))
        except FieldError:
            return text
    if isinstance(value, list):
        texts = [field_text(item) for item in value]
        return "; ".join(t for t in texts if t) or None
    return field_text(value)


def plain_number(number: float) -> str:
    """96000.0 -> '96000', 0.6 -> '0.6'."""
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def rich_text(text: str, link: str | None = None) -> list[dict[str, Any]]:
    """Notion rich text for `text`, in items of at most 2,000 characters (Notion's limit per item)."""
    chunks = [text[i : i + NOTION_TEXT_LIMIT] for i in range(0, len(text), NOTION_TEXT_LIMIT)] or [""]
    return [{"type": "text", "text": {"content": chunk, "link": {"url": link} if link else None}} for chunk in chunks]


def property_value(kind: str, value: str, *, user_id: str | None = None) -> dict[str, Any]:
    """The body of one property of Notion type `kind` set to `value` (as `normalised` writes it)."""
    if kind in ("status", "select"):
        return {kind: {"name": value}}
    if kind == "multi_select":
        return {kind: [{"name": part.strip()} for part in value.split(";") if part.strip()]}
    if kind == "date":
        return {kind: {"start": value}}
    if kind == "number":
        number = float(value)
        return {kind: int(number) if number.is_integer() else number}
    if kind in ("rich_text", "title"):
        return {kind: rich_text(value)}
    if kind in ("url", "email", "phone_number"):
        return {kind: value}
    if kind == "people":
        if not user_id:
            raise Unwritable("a person property needs the Notion user, and no page of the database names this one")
        return {kind: [{"id": user_id}]}
    raise Unwritable(f"a {kind} property cannot be written (Notion computes it, or it holds other pages)")
