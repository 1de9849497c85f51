"""Enablement inputs from files: rep feedback, win/loss notes, content inventory, onboarding metrics.

Every file is read whole on each run (the raw tables are upserted by key and stamped with
`extracted_at`; readers use the latest read's rows). A row that cannot be parsed becomes a
`Quarantined` keyed `<file>:<line>`; a missing file or a missing required column is a SourceError.
Headers are case-insensitive; dates are ISO (2026-10-03) or US (10/03/2026); list cells are
separated by semicolons. Files are UTF-8 (a BOM, as Excel writes, is fine).

Feedback CSV (`feedback`; required columns: date, text)
    feedback_id, date, rep, region, segment, customer, opportunity, channel, competitor, text
    `opportunity` is a Notion page id or an opportunity name; `channel` says where the feedback came
    from (call, ride-along, enablement session, slack). Without feedback_id, the id is a hash of
    file name, date, rep and text.

Feedback from a Notion database (`notion_database`): one item per page, its properties read into
    the CSV's columns (se_pipeline.sources.notion.feedback); feedback_id is the page id,
    source_file `notion:<database id>`, and a page without the text property is quarantined.

Feedback Markdown (`feedback`, *.md): one item per bullet.
    rep: alice                 <- `key: value` lines set rep, region, segment, customer,
    region: EMEA                  opportunity, channel, competitor or date for the bullets below
    ## 2026-10-03              <- a heading that is a date sets the date
    - [2026-10-04] (Acme Corp) Buyers ask whether we ingest OpenTelemetry traces natively.
      an indented line continues the bullet above
    A bullet's own [date] and (customer) win over the defaults; a bullet with no date is quarantined.

Win/loss CSV (`win_loss`; required: date, customer, outcome)
    note_id, date, customer, opportunity, outcome (won | lost | no decision), region, segment,
    competitors, objections, proof_points, summary

Content inventory CSV (`content_inventory`; required: asset, last_updated)
    asset_id, asset, type (battlecard, deck, one-pager, snippet, …), owner, last_updated, url, tags

Onboarding metrics CSV (`onboarding_metrics`; required: rep_id, metric, period, value)
    rep_id, rep_name, region, segment, period (2026-Q3), metric, value
    metrics: ramp_days, call_quality (0-100), certification:<module> (pass rate 0-1 or 85%)
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from se_pipeline.sources.notion import NotionFeedback
from se_pipeline.sources.feedback.settings import FeedbackSettings, feedback_settings
from se_pipeline.errors import SourceError
from se_pipeline.pages import Quarantined, Rows, paged
from se_pipeline.window import Window

SOURCE = "feedback"
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d %b %Y", "%b %d, %Y")
_OUTCOMES = {
    "won": "won", "win": "won", "closed won": "won",
    "lost": "lost", "loss": "lost", "closed lost": "lost",
    "no decision": "no_decision", "no_decision": "no_decision", "no-decision": "no_decision",
}
_FEEDBACK_KEYS = ("rep", "region", "segment", "customer", "opportunity", "channel", "competitor", "date")
_MD_KEY = re.compile(r"^\s*({})\s*:\s*(.*?)\s*$".format("|".join(_FEEDBACK_KEYS)), re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*$")
_MD_BULLET = re.compile(r"^[-*+]\s+(?:\[([^\]]+)\]\s*)?(?:\(([^)]+)\)\s*)?(.*)$")


class BadRecord(ValueError):
    """A row that cannot be loaded; the message starts with the reason's class (`bad_date: …`)."""


def parse_date(text: str) -> dt.date:
    value = (text or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise BadRecord(f"bad_date: {value!r} is not a date (use YYYY-MM-DD)" if value else "no_date: the date is empty")


def _split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def _blank_none(text: str | None) -> str | None:
    value = (text or "").strip()
    return value or None


def _number(text: str) -> float:
    value = (text or "").strip()
    try:
        return float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise BadRecord(f"bad_number: {value!r} is not a number") from None


def _hash_id(*parts: object) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def read_csv_rows(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line number, row with lower-case keys) for each data row; SourceError if unreadable."""
    if not path.is_file():
        raise SourceError(f"feedback: file not found: {path} (check sources.feedback in the configuration)")
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise SourceError(
                f"feedback: {path} lacks the column(s) {', '.join(missing)} (header has: {', '.join(header) or 'nothing'})"
            )
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            yield start, dict(zip(header, (c.strip() for c in cells), strict=False))


def _feedback_row(row: dict[str, str], name: str) -> dict[str, Any]:
    text = _blank_none(row.get("text"))
    if not text:
        raise BadRecord("no_text: the feedback text is empty")
    day = parse_date(row.get("date", ""))
    rep = _blank_none(row.get("rep"))
    return {
        "feedback_id": _blank_none(row.get("feedback_id")) or _hash_id(name, day, rep, text),
        "submitted_on": day,
        "rep": rep,
        "region": _blank_none(row.get("region")),
        "segment": _blank_none(row.get("segment")),
        "customer": _blank_none(row.get("customer")),
        "opportunity": _blank_none(row.get("opportunity")),
        "channel": _blank_none(row.get("channel")),
        "competitor": _blank_none(row.get("competitor")),
        "text": text,
    }


def _markdown_items(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, fields) per bullet of a Markdown feedback file, in the CSV's column names."""
    if not path.is_file():
        raise SourceError(f"feedback: file not found: {path} (check sources.feedback in the configuration)")
    context: dict[str, str] = {}
    current: tuple[int, dict[str, str]] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8-sig", errors="replace").splitlines(), start=1):
        bullet = _MD_BULLET.match(raw)
        if bullet:
            if current:
                yield current
            day, customer, text = bullet.groups()
            fields = dict(context)
            fields.update({"text": text.strip()})
            if day:
                fields["date"] = day.strip()
            if customer:
                fields["customer"] = customer.strip()
            current = (number, fields)
            continue
        if current and raw.startswith((" ", "\t")) and raw.strip():
            current[1]["text"] += " " + raw.strip()
            continue
        if current:
            yield current
            current = None
        heading, key = _MD_HEADING.match(raw), _MD_KEY.match(raw)
        if heading:
            try:
                context["date"] = parse_date(heading.group(1)).isoformat()
            except BadRecord:
                pass  # a heading that is not a date is only a title
        elif key:
            context[key.group(1).lower()] = key.group(2)
    if current:
        yield current


def _win_loss_row(row: dict[str, str], name: str) -> dict[str, Any]:
    customer = _blank_none(row.get("customer"))
    if not customer:
        raise BadRecord("no_customer: the customer is empty")
    outcome = _OUTCOMES.get((row.get("outcome") or "").strip().lower())
    if not outcome:
        raise BadRecord(f"bad_outcome: {row.get('outcome')!r} (use won, lost or no decision)")
    day = parse_date(row.get("date", ""))
    return {
        "note_id": _blank_none(row.get("note_id")) or _hash_id(name, day, customer, row.get("opportunity")),
        "decided_on": day,
        "customer": customer,
        "opportunity": _blank_none(row.get("opportunity")),
        "outcome": outcome,
        "region": _blank_none(row.get("region")),
        "segment": _blank_none(row.get("segment")),
        "competitors": _split_list(row.get("competitors")),
        "objections": _split_list(row.get("objections")),
        "proof_points": _split_list(row.get("proof_points")),
        "summary": _blank_none(row.get("summary")),
    }


def _inventory_row(row: dict[str, str], name: str) -> dict[str, Any]:
    asset = _blank_none(row.get("asset"))
    if not asset:
        raise BadRecord("no_asset: the asset name is empty")
    return {
        "asset_id": _blank_none(row.get("asset_id")) or _hash_id(asset),
        "asset": asset,
        "asset_type": (_blank_none(row.get("type")) or "").lower() or None,
        "owner": _blank_none(row.get("owner")),
        "last_updated": parse_date(row.get("last_updated", "")),
        "url": _blank_none(row.get("url")),
        "tags": _split_list(row.get("tags")),
    }


def _onboarding_row(row: dict[str, str], name: str) -> dict[str, Any]:
    missing = [c for c in ("rep_id", "metric", "period") if not _blank_none(row.get(c))]
    if missing:
        raise BadRecord(f"missing_field: {', '.join(missing)} empty")
    return {
        "rep_id": row["rep_id"],
        "metric": row["metric"].lower(),
        "period": row["period"],
        "value": _number(row.get("value", "")),
        "rep_name": _blank_none(row.get("rep_name")),
        "region": _blank_none(row.get("region")),
        "segment": _blank_none(row.get("segment")),
    }


# (row under the CSV's column names, name of its file for ids made by hashing) -> record
Parser = Callable[[dict[str, str], str], dict[str, Any]]


class _Input(NamedTuple):
    table: str
    source: str  # raw_*.source_file: a file's path, or notion:<database id>
    name: str
    rows: Iterator[tuple[int | str, dict[str, str]]]  # (line number or page id, row)
    parse: Parser


def feedback_files(paths: Iterable[Path]) -> list[Path]:
    """The configured feedback paths, folders expanded to their .csv and .md files (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".md")))
        else:
            files.append(path)
    return files


def _file(table: str, path: Path, rows: Iterator[tuple[int, dict[str, str]]], parse: Parser) -> _Input:
    return _Input(table, str(path), path.name, rows, parse)


class FeedbackConnector:
    """Reads the enablement input files and the feedback database; `extract` ignores the window
    (the inputs are read whole). Reading the Notion token from the environment happens here."""

    source = SOURCE
    tables = ("raw_feedback", "raw_win_loss", "raw_content_inventory", "raw_onboarding_metrics")

    def __init__(self, config: FeedbackSettings):
        self.config = config
        self.notion = NotionFeedback.from_env(config.notion_database) if config.notion_database else None

    @property
    def calls(self) -> int:
        return self.notion.calls if self.notion else 0

    def _notion_row(self, row: dict[str, str], name: str) -> dict[str, Any]:
        if "text" not in row:
            assert self.config.notion_database is not None  # rows come from it
            raise BadRecord(f"no_text: the page has no {self.config.notion_database.properties.text!r} property")
        return _feedback_row(row, name)

    def _inputs(self) -> Iterator[_Input]:
        for path in feedback_files(self.config.feedback):
            rows = _markdown_items(path) if path.suffix.lower() == ".md" else read_csv_rows(path, ("date", "text"))
            yield _file("raw_feedback", path, rows, _feedback_row)
        if self.notion:
            source = self.notion.source_file
            yield _Input("raw_feedback", source, source, self.notion.rows(), self._notion_row)
        yield _file(
            "raw_win_loss", self.config.win_loss, read_csv_rows(self.config.win_loss, ("date", "customer", "outcome")), _win_loss_row
        )
        if self.config.content_inventory:
            path = self.config.content_inventory
            yield _file("raw_content_inventory", path, read_csv_rows(path, ("asset", "last_updated")), _inventory_row)
        if self.config.onboarding_metrics:
            path = self.config.onboarding_metrics
            yield _file(
                "raw_onboarding_metrics", path, read_csv_rows(path, ("rep_id", "metric", "period", "value")), _onboarding_row
            )

    def extract(self, window: Window | None = None) -> Iterator[Rows | Quarantined]:
        # One stamp for the whole read: readers keep the rows of the latest read only.
        extracted_at = dt.datetime.now(dt.timezone.utc)
        for item in self._inputs():
            yield from paged(item.table, _records(item, extracted_at))


def _records(item: _Input, extracted_at: dt.datetime) -> Iterator[dict[str, Any] | Quarantined]:
    for where, row in item.rows:
        try:
            record = item.parse(row, item.name)
        except BadRecord as exc:
            yield Quarantined(SOURCE, f"{item.source}:{where}", str(exc), payload=row)
            continue
        line = where if isinstance(where, int) else None
        record.update(source_file=item.source, line=line, extracted_at=extracted_at, payload=row)
        yield record


def from_settings(settings: Any) -> FeedbackConnector:
    """The connector for `sources.feedback` (the demo workspace's feedback folder in demo mode)."""
    return FeedbackConnector(feedback_settings(settings))
