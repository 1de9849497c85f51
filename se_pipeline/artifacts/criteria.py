"""win_criteria: technical-win and POC criteria per active opportunity.

From Notion properties (names matched case-insensitively) and page content (a heading, or a line
ending in ':', names a section; the blocks under it are its items):
    success criteria   Success / Exit / POC / Evaluation / (Technical) win criteria
    decision framework Decision framework / criteria / process / makers
    timeline           Timeline, POC timeline, POC dates (also gives POC start and end)
POC start and end come from properties named POC/Trial/Pilot/Evaluation start|end (or a POC
dates range), else from timeline lines ("Start: 2026-10-01", "2026-10-01 to 2026-10-31"); dates
are ISO or as Notion exports them ("November 20, 2026"). A Success Criteria cell of numbered lines
("1) … 2) …") gives one criterion a line. An opportunity is a POC when its stage or a tag
(Tags / Labels / Type property) says POC/POV/trial/pilot/evaluation, or it has POC dates.
Flags (POCs only): no exit criteria documented; past its end date (as of the run day); scope grew
(more criteria now than in the first page snapshot on or after the POC start).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import duckdb

from se_pipeline.artifacts.warehouse import Opportunity, opportunities
from se_pipeline.sources.notion import FieldError, parse_date
from se_pipeline.competitors import split_names
from se_pipeline.trials import trial_in_name
from se_pipeline.warehouse import WHOLE_TABLE, ensure_tables, records, replace_slice, table_exists

SECTIONS = {
    "success_criteria": re.compile(r"(?i)^(?:success|exit|poc|pov|evaluation|(?:technical )?win|acceptance)\s+criteria\b"),
    "decision_framework": re.compile(r"(?i)^decision\s+(?:framework|criteria|process|makers?)\b"),
    "timeline": re.compile(r"(?i)^(?:poc |pov |trial |pilot )?(?:timeline|dates|schedule)\b"),
}
_START_PROPERTY = re.compile(r"(?i)^(?:poc|pov|trial|pilot|evaluation)\s*(?:start|kick-?off)(?:\s+date)?$")
_END_PROPERTY = re.compile(r"(?i)^(?:poc|pov|trial|pilot|evaluation)\s*(?:end|due|deadline)(?:\s+date)?$")
_RANGE_PROPERTY = re.compile(r"(?i)^(?:poc|pov|trial|pilot|evaluation)(?:\s+(?:dates|period|window))?$")
_TAG_PROPERTY = re.compile(r"(?i)^(?:tags?|labels?|type|deal type|motion)$")
# ISO, or as Notion exports it ("November 20, 2026", "Nov 20, 2026").
_DATE = r"(\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})"
_START_TEXT = re.compile(r"(?i)\b(?:start|starts|kick-?off|begin|begins)\b\D{0,20}" + _DATE)
_END_TEXT = re.compile(r"(?i)\b(?:end|ends|finish|close|due|deadline|decision)\b\D{0,20}" + _DATE)
_RANGE_TEXT = re.compile(_DATE + r"\s*(?:to|until|through|-|–|→)\s*" + _DATE)
_HEADING = re.compile(r"^heading")


@dataclass
class Criteria:
    success_criteria: list[str] = field(default_factory=list)
    decision_framework: list[str] = field(default_factory=list)
    timeline: list[str] = field(default_factory=list)
    poc_start: dt.date | None = None
    poc_end: dt.date | None = None


_NUMBERED = re.compile(r"(?:^|\s)(?:\d{1,2}[).]|[a-z][)])\s+")


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dict):  # a Notion date {start, end}
        value = value.get("start")
    if not value:
        return None
    try:
        return parse_date(str(value))
    except FieldError:
        return None


def _values(value: object) -> list[str]:
    """A criteria property as items: a list's items, else lines (or ';' parts), and numbered
    items ("1) … 2) …") apart even when they share a line."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    parts = [p for line in re.split(r"[\n;]", str(value)) for p in _NUMBERED.split(line)]
    return [p.strip(" -•*\t") for p in parts if p.strip(" -•*\t")]


def is_poc(opp: Opportunity, criteria: Criteria) -> bool:
    """The stage or a tag says POC (or trial, pilot, evaluation), or POC dates are set."""
    tags = [t for key, value in opp.properties.items() if _TAG_PROPERTY.match(key.strip()) for t in split_names(value)]
    return bool(
        trial_in_name(opp.stage) or any(trial_in_name(t) for t in tags) or criteria.poc_start or criteria.poc_end
    )


def _section_of(text: str) -> str | None:
    for name, pattern in SECTIONS.items():
        if pattern.match(text.strip().rstrip(":")):
            return name
    return None


def from_properties(properties: dict, criteria: Criteria) -> None:
    for key, value in properties.items():
        section = _section_of(key)
        if section:
            getattr(criteria, section).extend(_values(value))
        if isinstance(value, dict) and _RANGE_PROPERTY.match(key):  # a Notion date range {start, end}
            criteria.poc_start = criteria.poc_start or _date(value.get("start"))
            criteria.poc_end = criteria.poc_end or _date(value.get("end"))
        elif _START_PROPERTY.match(key):
            criteria.poc_start = criteria.poc_start or _date(value)
        elif _END_PROPERTY.match(key):
            criteria.poc_end = criteria.poc_end or _date(value)


def from_blocks(blocks: list[tuple[str | None, str | None]], criteria: Criteria) -> None:
    """`blocks` are (block_type, text) in page order."""
    section: str | None = None
    for block_type, text in blocks:
        text = (text or "").strip()
        if not text:
            continue
        named = _section_of(text) if (_HEADING.match(block_type or "") or text.endswith(":")) else None
        if named or _HEADING.match(block_type or ""):
            section = named  # a heading of another kind ends the section
            continue
        if section:
            getattr(criteria, section).append(text)


def _dates_from_timeline(criteria: Criteria) -> None:
    for line in criteria.timeline:
        span = _RANGE_TEXT.search(line)
        if span:
            criteria.poc_start = criteria.poc_start or _date(span.group(1))
            criteria.poc_end = criteria.poc_end or _date(span.group(2))
        start, end = _START_TEXT.search(line), _END_TEXT.search(line)
        if start:
            criteria.poc_start = criteria.poc_start or _date(start.group(1))
        if end:
            criteria.poc_end = criteria.poc_end or _date(end.group(1))


def _snapshots(con: duckdb.DuckDBPyConnection, page_id: str) -> dict[dt.date, list[tuple[str | None, str | None]]]:
    if not table_exists(con, "stg_opportunity_content"):
        return {}
    snapshots: dict[dt.date, list[tuple[str | None, str | None]]] = {}
    for r in records(
        con, "SELECT partition_date, block_type, text FROM stg_opportunity_content WHERE page_id = ? ORDER BY partition_date, position", [page_id]
    ):
        snapshots.setdefault(r["partition_date"], []).append((r["block_type"], r["text"]))
    return snapshots


def _property_snapshots(con: duckdb.DuckDBPyConnection, page_id: str) -> dict[dt.date, dict]:
    if not table_exists(con, "stg_opportunities"):
        return {}
    result = {}
    for r in records(con, "SELECT partition_date, properties FROM stg_opportunities WHERE page_id = ?", [page_id]):
        try:
            value = json.loads(r["properties"]) if isinstance(r["properties"], str) else r["properties"]
        except ValueError:
            value = None
        result[r["partition_date"]] = value if isinstance(value, dict) else {}
    return result


def criteria_for(con: duckdb.DuckDBPyConnection, opp: Opportunity) -> tuple[Criteria, int | None]:
    """The opportunity's criteria now, and the number of success criteria at the POC's start."""
    blocks = _snapshots(con, opp.page_id)
    now = Criteria()
    from_properties(opp.properties, now)
    if blocks:
        from_blocks(blocks[max(blocks)], now)
    _dates_from_timeline(now)
    at_start = None
    if now.poc_start:
        properties = _property_snapshots(con, opp.page_id)
        days = sorted(d for d in set(blocks) | set(properties) if d >= now.poc_start)
        if days:
            first = Criteria()
            from_properties(properties.get(days[0], {}), first)
            # The page as it was then: the latest block snapshot on or before that day.
            earlier = [d for d in blocks if d <= days[0]]
            if earlier:
                from_blocks(blocks[max(earlier)], first)
            at_start = len(first.success_criteria)
    return now, at_start


def build_win_criteria(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    """Rebuild win_criteria for the active opportunities; returns the rows written."""
    ensure_tables(con)
    now_ts = dt.datetime.now(dt.timezone.utc)
    rows = []
    for opp in opportunities(con):
        if not opp.is_active:
            continue
        criteria, at_start = criteria_for(con, opp)
        poc = is_poc(opp, criteria)
        no_exit = poc and not criteria.success_criteria
        past_end = poc and criteria.poc_end is not None and criteria.poc_end < as_of
        grew = poc and at_start is not None and len(criteria.success_criteria) > at_start
        flags = [name for name, on in (("no exit criteria", no_exit), ("past end date", past_end), ("scope grew", grew)) if on]
        rows.append({
            "page_id": opp.page_id, "customer": opp.customer, "opportunity": opp.name, "stage": opp.stage,
            "se_id": opp.se_id, "amount": opp.amount, "is_poc": poc, "success_criteria": criteria.success_criteria,
            "decision_framework": criteria.decision_framework, "timeline": criteria.timeline,
            "poc_start": criteria.poc_start, "poc_end": criteria.poc_end, "criteria_at_start": at_start,
            "criteria_now": len(criteria.success_criteria), "no_exit_criteria": no_exit, "past_end_date": past_end,
            "scope_grew": grew, "flags": flags, "url": opp.url, "computed_at": now_ts,
        })
    return replace_slice(con, "win_criteria", rows, WHOLE_TABLE)
