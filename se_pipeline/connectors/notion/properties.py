"""Notion page properties -> plain typed values, and the opportunity fields picked from them.

`flatten_property` turns one Notion property value (the shape in page objects and query results)
into JSON-friendly data: text for title/rich_text, a name for select/status, a list of names for
multi_select, {"start", "end"} for dates, person dicts for people, page ids for relations, and so on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from se_pipeline.connectors.notion.schema import TEXT, PropertyMapping, map_properties


def rich_text(items: list[dict[str, Any]] | None) -> str:
    """The plain text of a rich-text array (older payloads carry only `text.content`)."""
    parts = []
    for item in items or []:
        if item.get("plain_text") is not None:
            parts.append(item["plain_text"])
        elif item.get("type") == "text":
            parts.append((item.get("text") or {}).get("content", ""))
        elif item.get("type") == "equation":
            parts.append((item.get("equation") or {}).get("expression", ""))
    return "".join(parts)


def person(user: dict[str, Any] | None) -> dict[str, Any] | None:
    """A user object as {"id", "name", "email"} (name/email are absent without user capabilities)."""
    if not user:
        return None
    return {
        "id": user.get("id"),
        "name": user.get("name"),
        "email": (user.get("person") or {}).get("email"),
    }


def _date(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if not value:
        return None
    return {"start": value.get("start"), "end": value.get("end")}


def _formula(value: dict[str, Any]) -> Any:
    kind = value.get("type") or ""
    inner = value.get(kind)
    return _date(inner) if kind == "date" else inner


def _rollup(value: dict[str, Any]) -> Any:
    kind = value.get("type") or ""
    if kind == "array":
        # Array items are property values themselves (e.g. {"type": "number", "number": 4}).
        return [flatten_property(item) for item in value.get("array") or []]
    if kind == "date":
        return _date(value.get("date"))
    return value.get(kind)


def _unique_id(value: dict[str, Any] | None) -> Any:
    if not value:
        return None
    prefix, number = value.get("prefix"), value.get("number")
    return f"{prefix}-{number}" if prefix else number


def _file(item: dict[str, Any]) -> dict[str, Any]:
    kind = item.get("type") or ""
    return {"name": item.get("name"), "url": (item.get(kind) or {}).get("url")}


def flatten_property(prop: dict[str, Any]) -> Any:
    """The typed value of one property (unknown types keep their raw inner value)."""
    kind = prop.get("type") or ""
    value = prop.get(kind)
    if kind in ("title", "rich_text"):
        return rich_text(value)
    if kind in ("select", "status"):
        return value.get("name") if value else None
    if kind == "multi_select":
        return [option.get("name") for option in value or []]
    if kind == "people":
        return [person(user) for user in value or []]
    if kind in ("created_by", "last_edited_by"):
        return person(value)
    if kind == "date":
        return _date(value)
    if kind == "relation":
        return [ref.get("id") for ref in value or []]
    if kind == "formula":
        return _formula(value or {})
    if kind == "rollup":
        return _rollup(value or {})
    if kind == "files":
        return [_file(item) for item in value or []]
    if kind == "unique_id":
        return _unique_id(value)
    # number, url, email, phone_number, checkbox, created_time, last_edited_time: already plain.
    return value


def flatten_properties(properties: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """{property name: typed value} for every property of a page."""
    return {name: flatten_property(prop) for name, prop in properties.items()}


# ---- the opportunity fields --------------------------------------------------------------------


@dataclass
class OpportunityFields:
    customer: str | None = None
    stage: str | None = None
    se_name: str | None = None
    se_email: str | None = None
    amount: float | None = None
    close_date: dt.date | None = None
    domain: str | None = None  # bare host: example.com
    workspace_id: str | None = None  # the product workspace / account id that links usage
    poc_end: dt.date | None = None
    probability: float | None = None  # 0..1


class FieldError(ValueError):
    """A property value that cannot be read as the field it names (its message is the reason)."""


_MONTH_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%Y/%m/%d", "%Y-%m-%d", "%m/%d/%Y")
# Notion appends a time ("October 31, 2026 9:00 AM") and writes ranges as "start → end".
_TIME_SUFFIX = re.compile(r"\s+\d{1,2}:\d{2}(\s*[AP]M)?(\s*\(.*\))?$", re.IGNORECASE)


def parse_date(text: str) -> dt.date:
    """A date as Notion writes it in exports or the API ("October 31, 2026", "2026/10/31", ISO)."""
    value = text.split("→")[0].strip()
    value = _TIME_SUFFIX.sub("", value)
    if re.match(r"^\d{4}-\d{2}-\d{2}T", value):
        return dt.date.fromisoformat(value[:10])
    for fmt in _MONTH_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise FieldError(f"bad_date: {text!r} is not a date")


def parse_datetime(text: str, tz: tzinfo) -> dt.datetime:
    """A moment as Notion exports it ("October 5, 2026 9:30 AM", in the exporter's time zone `tz`)."""
    for fmt in ("%B %d, %Y %I:%M %p", "%b %d, %Y %I:%M %p", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(f"bad_date: {text!r} is not a date and time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def parse_number(text: str) -> float:
    """A number as Notion exports it: '$1,200.50', '1200', '€ 3 000'."""
    cleaned = re.sub(r"[\s,$€£¥]", "", text)
    try:
        return float(cleaned)
    except ValueError:
        raise FieldError(f"bad_number: {text!r} is not a number") from None


def pick(flat: dict[str, Any], names: tuple[str, ...]) -> tuple[str, Any] | None:
    """(property name, value) of the first of `names` the page has, matched case-insensitively."""
    lowered = {key.strip().lower(): key for key in flat}
    for name in names:
        key = lowered.get(name.lower())
        if key is not None:
            return key, flat[key]
    return None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else (None if isinstance(value, list) else value)


def _text(value: Any) -> str | None:
    value = _first(value)
    if value is None or isinstance(value, (dict, bool)):
        return None
    text = str(value).strip()
    return text or None


def field_text(value: Any) -> str | None:
    """A flattened value read as one line of text, whatever the property's type: a list's first
    item (a relation's page id, a multi-select's option), a person's name (else email), a date's start."""
    value = _first(value)
    if isinstance(value, dict):
        return value.get("name") or value.get("email") or value.get("start")
    return _text(value)


def extract_fields(flat: dict[str, Any], types: dict[str, str], mapping: PropertyMapping | None = None) -> OpportunityFields:
    """Read the opportunity fields out of flattened properties, from the properties `mapping` chose
    (detected from `flat` and `types` when not given). `types` maps name -> Notion type ("text" or
    absent for CSV columns); text values are parsed, and a value that will not parse raises FieldError."""
    mapping = mapping or map_properties({name: types.get(name) or TEXT for name in flat})

    def value(name: str) -> tuple[str, Any] | None:
        prop = mapping[name]
        return (prop, flat.get(prop)) if prop else None

    fields = OpportunityFields()
    if found := value("customer"):
        # A relation holds page ids, not names: leave customer to the model's name fallback.
        fields.customer = None if types.get(found[0]) == "relation" else _text(found[1])
    if found := value("stage"):
        fields.stage = _text(found[1])
    if found := value("se"):
        fields.se_name, fields.se_email = _person_fields(_first(found[1]))
    if found := value("amount"):
        fields.amount = _amount(found[1])
    if found := value("close_date"):
        fields.close_date = _date_field(found[1])
    # The linking fields below only add to an opportunity: a value they cannot read is left out
    # rather than costing the opportunity its row.
    if found := value("domain"):
        fields.domain = normalise_domain(_text(found[1]))
    if found := value("workspace_id"):
        fields.workspace_id = _identifier(found[1])
    if found := value("poc_end"):
        fields.poc_end = _lenient(_date_field, found[1])
    if found := value("probability"):
        fields.probability = _lenient(_probability, found[1])
    return fields


def _lenient(read: Callable[[Any], Any], value: Any) -> Any:
    try:
        return read(value)
    except FieldError:
        return None


def normalise_domain(text: str | None) -> str | None:
    """'https://www.Example.com/about' or 'example.com' -> 'example.com' (an email address gives its domain)."""
    if not text:
        return None
    host = text.strip().lower().split("@")[-1]
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host)
    host = re.split(r"[/?#:\s]", host, maxsplit=1)[0]
    host = host.removeprefix("www.").strip(".")
    return host if "." in host else None


def _identifier(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number property: 1042.0 is workspace 1042
    return _text(value)


def _probability(value: Any) -> float | None:
    """0.6, 60 or '60%' -> 0.6."""
    value = _first(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _text(value)
        if not text:
            return None
        number = parse_number(text.rstrip("%"))
        if text.endswith("%"):
            return number / 100
    return number / 100 if number > 1 else number


def _person_fields(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, dict):
        return value.get("name"), value.get("email")
    text = _text(value)
    if text and "," in text:  # CSV person columns list names comma-separated
        text = text.split(",")[0].strip()
    if text and "@" in text:
        return None, text
    return text, None


def _amount(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = _text(value)
    return parse_number(text) if text else None


def _date_field(value: Any) -> dt.date | None:
    if isinstance(value, dict):
        value = value.get("start")
    text = _text(value)
    return parse_date(text) if text else None


def is_active(stage: str | None, terminal_stages: list[str]) -> bool:
    """Active = not in a terminal stage (case-insensitive); no stage at all counts as active."""
    terminal = {s.strip().lower() for s in terminal_stages}
    return (stage or "").strip().lower() not in terminal
