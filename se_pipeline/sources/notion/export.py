"""The opportunity database from Notion's "Markdown & CSV" export (a folder, a .zip, or the CSV).

Layout (docs/architecture.md): `<Name> <32hex>.csv` (UTF-8 with BOM; newer exports add
`<Name> <32hex>_all.csv`, preferred when present), `<Name> <32hex>/<Title> <page id>.md` per page,
and our optional `comments.json` (a JSON list of Notion API comment objects).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from se_pipeline.connectors import parse_json
from se_pipeline.sources.notion.markdown import parse_markdown
from se_pipeline.sources.notion.properties import (
    FieldError,
    extract_fields,
    is_active,
    parse_datetime,
)
from se_pipeline.sources.notion.rows import (
    BLOCKS,
    COMMENTS,
    OPPORTUNITIES,
    SOURCE,
    TABLES,
    block_row,
    comment_records,
    dashed_id,
    opportunity_row,
    page_url,
    snapshot_on_each_day,
)
from se_pipeline.sources.notion.schema import TEXT, PropertyMapping, map_properties
from se_pipeline.errors import SourceError
from se_pipeline.pages import Quarantined, Rows, paged
from se_pipeline.window import Window

_PAGE_ID = re.compile(r"\s([0-9a-f]{32})(?:_all)?$")
# A Notion text property can hold far more than the csv module's default cell limit (128 KiB). The
# whole CSV is in memory already, so a larger cell costs nothing more; one beyond even this limit
# quarantines its row (below), never the file.
_CELL_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), _CELL_LIMIT))
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, decoded with surrogateescape


class _ExportFiles:
    """Read-only view of an export's files by relative POSIX name, from a folder or a zip."""

    def __init__(self, path: Path):
        self.path = path
        if not path.exists():
            raise SourceError(f"notion: export not found at {path} (set sources.notion.path to the CSV, folder or zip)")
        self._zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.root = path
            self.names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
        elif path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            self._zip = _open_zip(path)
            self.root = path
            self.names = sorted(n for n in self._zip.namelist() if not n.endswith("/"))
        elif path.suffix.lower() != ".csv":
            raise SourceError(
                f"notion: {path} is neither the database's CSV, the export folder nor its zip "
                "(set sources.notion.path to one of those)"
            )
        else:
            self.root = path.parent
            self.names = sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())

    def read_text(self, name: str, errors: str = "strict") -> str:
        """The file as text; UnicodeDecodeError when it is not UTF-8 (Notion always writes UTF-8), unless
        `errors` is "surrogateescape": then each byte that is not UTF-8 is a lone surrogate in the text."""
        data = self._zip.read(name) if self._zip else (self.root / name).read_bytes()
        return data.decode("utf-8-sig", errors=errors)

    def display(self, name: str) -> str:
        return f"{self.path}/{name}" if self._zip else str(self.root / name)


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise SourceError(f"notion: {path} is not a readable zip file") from None
    names = archive.namelist()
    inner = [n for n in names if n.lower().endswith(".zip")]
    if not any(n.lower().endswith(".csv") for n in names) and inner:
        # Large Notion exports wrap the content in "…-Part-1.zip" inside the download.
        return zipfile.ZipFile(io.BytesIO(archive.read(inner[0])))
    return archive


def _find_csv(files: _ExportFiles) -> str:
    if files.path.suffix.lower() == ".csv":
        return files.path.name
    csvs = [n for n in files.names if n.lower().endswith(".csv")]
    if not csvs:
        raise SourceError(f"notion: no CSV in the export at {files.path} (export the database as Markdown & CSV)")
    shallowest = min(len(PurePosixPath(n).parts) for n in csvs)
    csvs = [n for n in csvs if len(PurePosixPath(n).parts) == shallowest]
    databases: dict[str, list[str]] = defaultdict(list)
    for name in csvs:
        databases[re.sub(r"_all\.csv$", ".csv", name, flags=re.IGNORECASE)].append(name)
    if len(databases) > 1:
        raise SourceError(
            f"notion: the export at {files.path} holds several databases ({', '.join(sorted(databases))}); "
            "set sources.notion.path to the opportunity database's CSV"
        )
    # The _all file lists every row; the plain one only the rows of the exported view.
    return max(next(iter(databases.values())), key=lambda n: n.lower().endswith("_all.csv"))


def _page_files(files: _ExportFiles, csv_name: str) -> dict[str, list[tuple[str, str]]]:
    """Title -> [(page id, md name)] for the page Markdown beside the CSV (titles may repeat)."""
    folder = PurePosixPath(re.sub(r"(_all)?\.csv$", "", csv_name, flags=re.IGNORECASE))
    pages: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in files.names:
        path = PurePosixPath(name)
        if path.parent != folder or path.suffix.lower() != ".md":
            continue
        match = _PAGE_ID.search(path.stem)
        if not match:
            continue
        try:
            first = files.read_text(name).lstrip().split("\n", 1)[0]
        except UnicodeDecodeError:
            first = ""  # its content is quarantined when read; the file name still gives the title
        title = first[2:].strip() if first.startswith("# ") else path.stem[: match.start()]
        pages[title].append((dashed_id(match.group(1)), name))
    return pages


def _check_delimiter(where: str, columns: Sequence[str]) -> None:
    """Notion writes commas; a CSV re-saved by a spreadsheet may use semicolons or tabs."""
    if len(columns) == 1:
        found = next((name for mark, name in ((";", "semicolons"), ("\t", "tabs")) if mark in columns[0]), None)
        if found:
            raise SourceError(
                f"notion: {where} separates its columns with {found}, not commas; export the database from "
                "Notion again (Markdown & CSV), or save the CSV with commas"
            )


def _moment(flat: dict[str, Any], column: str, window: Window) -> dt.datetime | None:
    """A "Created time"-style column; Notion writes it in the exporter's zone, taken as the configured one."""
    value = next((v for k, v in flat.items() if k.strip().lower() == column), None)
    return parse_datetime(value, window.tz) if value else None


class NotionExportConnector:
    """Rows of the three raw Notion tables from an export; never touches the network."""

    source = SOURCE
    tables = TABLES

    def __init__(self, path: Path, terminal_stages: list[str], properties: Mapping[str, str | None] | None = None):
        """`properties`: field -> property name, from sources.notion.properties (the rest is detected)."""
        self.path = Path(path)
        self.terminal_stages = terminal_stages
        self.properties = dict(properties or {})
        self.calls = 0

    def property_mapping(self) -> PropertyMapping:
        """Which column holds each field (what a run reads; doctor shows it)."""
        files = _ExportFiles(self.path)
        csv_name = _find_csv(files)
        return self._mapping(files.display(csv_name), self._reader(files, csv_name).fieldnames or [])

    def _mapping(self, where: str, columns: Sequence[str]) -> PropertyMapping:
        if not columns:
            raise SourceError(f"notion: {where} is empty (expected a header row)")
        _check_delimiter(where, columns)
        # Notion writes the title property first.
        return map_properties({column: TEXT for column in columns}, self.properties, title=columns[0])

    @staticmethod
    def _reader(files: _ExportFiles, csv_name: str) -> csv.DictReader:
        # Bytes that are not UTF-8 stay in the text as lone surrogates: their rows are quarantined, the rest load.
        return csv.DictReader(io.StringIO(files.read_text(csv_name, errors="surrogateescape"), newline=""))

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        return snapshot_on_each_day(self._extract(window), window)

    def _extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        files = _ExportFiles(self.path)
        csv_name = _find_csv(files)
        pages = _page_files(files, csv_name)
        active: dict[str, str] = {}  # page id -> url, for comments
        page_content: list[tuple[str, str, list[str]]] = []  # (page id, md name, property names)

        def rows() -> Iterator[dict[str, Any] | Quarantined]:
            for item in self._opportunities(files, csv_name, pages, window):
                if isinstance(item, Quarantined):
                    yield item
                    continue
                row, md_name, columns = item
                if is_active(row["stage"], self.terminal_stages):
                    if row["url"]:
                        active[row["page_id"]] = row["url"]
                    if md_name:
                        page_content.append((row["page_id"], md_name, columns))
                yield row

        yield from paged(OPPORTUNITIES, rows())
        for page_id, md_name, columns in page_content:
            try:
                text = files.read_text(md_name)
            except UnicodeDecodeError as exc:
                yield Quarantined(SOURCE, files.display(md_name), f"not_utf8: {exc}", None, window.last_day)
                continue
            yield Rows(BLOCKS, self._blocks(text, page_id, columns, window))
        yield from self._comments(files, csv_name, active, window)

    def _opportunities(
        self, files: _ExportFiles, csv_name: str, pages: dict[str, list[tuple[str, str]]], window: Window
    ) -> Iterator[tuple[dict[str, Any], str | None, list[str]] | Quarantined]:
        where = files.display(csv_name)
        reader = self._reader(files, csv_name)
        columns = list(reader.fieldnames or [])
        mapping = self._mapping(where, columns)
        title_column = mapping["title"]
        next_line = reader.line_num + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # a cell beyond the limit, a NUL byte
                yield Quarantined(SOURCE, f"{where}:{next_line}", f"bad_csv: {exc}", None, window.last_day)
                next_line = reader.line_num + 1
                continue
            line, next_line = next_line, reader.line_num + 1  # a quoted value may span lines
            key = f"{where}:{line}"
            if None in record:  # csv.DictReader files cells beyond the header under None
                extra = len(record.pop(None))
                yield Quarantined(
                    SOURCE, key, f"extra_cells: the row has {len(columns) + extra} cells, the header {len(columns)}",
                    record, window.last_day,
                )
                continue
            if any(_NOT_UTF8.search(text) for text in (*record.keys(), *record.values()) if isinstance(text, str)):
                yield Quarantined(
                    SOURCE, key, "not_utf8: the row holds bytes that are not UTF-8; export it from Notion again, or "
                    "save the CSV as UTF-8", {c: v for c, v in record.items()}, window.last_day,
                )
                continue
            flat = {column: (value.strip() or None) if isinstance(value, str) else value for column, value in record.items()}
            title = flat.get(title_column)
            if not title:
                yield Quarantined(SOURCE, key, f"no_title: the row has no {title_column!r} value", record, window.last_day)
                continue
            try:
                fields = extract_fields(flat, {}, mapping)
                created, edited = (_moment(flat, column, window) for column in ("created time", "last edited time"))
            except FieldError as exc:
                yield Quarantined(SOURCE, key, str(exc), record, window.last_day)
                continue
            matches = pages.get(title)
            page_id, md_name = matches.pop(0) if matches else (f"csv-{hashlib.sha1(title.encode()).hexdigest()[:16]}", None)
            row = opportunity_row(
                page_id=page_id,
                day=window.last_day,
                name=title,
                fields=fields,
                url=page_url(page_id),
                properties=flat,
                payload={"csv": where, "line": line, "row": record},
                created_time=created,
                last_edited_time=edited,
            )
            yield row, md_name, columns

    @staticmethod
    def _blocks(text: str, page_id: str, columns: list[str], window: Window) -> list[dict[str, Any]]:
        blocks = parse_markdown(text, columns)
        ids = [f"{page_id}:{position}" for position in range(len(blocks))]
        return [
            block_row(
                block_id=ids[position],
                day=window.last_day,
                page_id=page_id,
                parent_id=ids[block.parent] if block.parent is not None else page_id,
                position=position,
                depth=block.depth,
                block_type=block.block_type,
                text=block.text,
                payload=None,
            )
            for position, block in enumerate(blocks)
        ]

    def _comments(
        self, files: _ExportFiles, csv_name: str, active: dict[str, str], window: Window
    ) -> Iterator[Rows | Quarantined]:
        beside = PurePosixPath(csv_name).parent / "comments.json"
        name = next((n for n in (beside.as_posix(), "comments.json") if n in files.names), None)
        if name is None:
            return
        where = files.display(name)
        try:
            comments = parse_json(files.read_text(name))
        except ValueError as exc:  # not JSON, not UTF-8, nested too deeply
            yield Quarantined(SOURCE, where, f"bad_json: {exc}", None, window.last_day)
            return
        if not isinstance(comments, list):
            yield Quarantined(SOURCE, where, "bad_json: expected a list of comment objects", None, window.last_day)
            return
        rows: list[dict[str, Any]] = []
        for item in comment_records(comments, page_urls=active, window=window, author=lambda _: (None, None), where=where):
            if isinstance(item, Quarantined):
                item.partition_date = window.last_day
                yield item
            else:
                rows.append(item)
        yield Rows(COMMENTS, rows)
