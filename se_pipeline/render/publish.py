"""Writing a window's digests: the digest_items and digests tables, a Markdown file and an HTML page
per SE per day, and each day's index.html listing the day's pages."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from se_pipeline.config import Settings
from se_pipeline.names import name_key
from se_pipeline.render.html import IndexEntry, render_html, render_index
from se_pipeline.render.items import DigestItem, build_digest_items, day_inputs
from se_pipeline.render.markdown import render_markdown
from se_pipeline.warehouse import ensure_tables, replace_slice, transaction
from se_pipeline.window import Window, so_far


@dataclass(frozen=True)
class PublishedDigest:
    se_id: str
    day: str
    path: Path
    todo: int
    know: int


def digest_path(settings: Settings, day: str, se_id: str) -> Path:
    return settings.home / "digests" / day / f"{se_id}.md"


def _item_frame(items: list[DigestItem]) -> pd.DataFrame:
    columns = list(DigestItem.model_fields)
    return pd.DataFrame([i.model_dump() for i in items], columns=columns)


def publish_digests(
    con: duckdb.DuckDBPyConnection, window: Window, settings: Settings, read_at: dt.datetime | None = None,
    days: Iterable[dt.date] | None = None,
) -> list[PublishedDigest]:
    """Replace the window's digests (tables and files) for every configured SE. `read_at`: when the data
    was read; a day not over by then is digested "as of" that time. `days`: only these days of the
    window (a long backfill digests the days something happened, not every day of the calendar)."""
    ensure_tables(con)
    published: list[PublishedDigest] = []
    chosen = list(window.days) if days is None else sorted(d for d in set(days) if window.first_day <= d <= window.last_day)
    with transaction(con):
        for day in chosen:
            as_of = so_far(day, read_at, settings.tz) if read_at else None
            inputs = day_inputs(con, day, settings, [se.id for se in settings.sales_engineers])
            day_items: list[DigestItem] = []
            day_digests: list[dict[str, object]] = []
            index: list[IndexEntry] = []
            for se in settings.sales_engineers:
                items = build_digest_items(con, se.id, day, settings, inputs)
                day_items.extend(items)
                markdown = render_markdown(items, se.name, se.id, day, as_of)
                path = digest_path(settings, day.isoformat(), se.id)
                count = {s: sum(1 for i in items if i.section == s) for s in ("todo", "know", "not_included")}
                day_digests.append({
                    "se_id": se.id, "digest_date": day, "markdown": markdown, "path": str(path),
                    "customers": len({i.customer for i in items if i.customer}), "todo_items": count["todo"],
                    "know_items": count["know"], "not_included": count["not_included"], "as_of": as_of,
                })
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(markdown, encoding="utf-8")
                path.with_suffix(".html").write_text(render_html(items, se.name, day, as_of), encoding="utf-8")
                index.append(IndexEntry(se.id, se.name, urllib.parse.quote(f"{se.id}.html"), count["todo"], count["know"],
                                        len({i.customer for i in items if i.customer})))
                published.append(PublishedDigest(se.id, day.isoformat(), path, count["todo"], count["know"]))
            if index:
                (digest_path(settings, day.isoformat(), "index").with_suffix(".html")).write_text(
                    render_index(day, index), encoding="utf-8")
            replace_slice(con, "digests", day_digests, {"digest_date": day})
            replace_slice(con, "digest_items", _item_frame(day_items), {"digest_date": day})
    return published


def load_items(con: duckdb.DuckDBPyConnection, se_id: str, day: str, customers: list[str] | None = None) -> list[DigestItem]:
    """A stored digest's items, optionally only those of some customers."""
    rows = con.execute(
        "SELECT * FROM digest_items WHERE se_id = ? AND digest_date = ? ORDER BY customer_rank NULLS LAST, section, position",
        [se_id, day],
    )
    columns = [c[0] for c in con.description]
    items = [DigestItem(**dict(zip(columns, row, strict=True))) for row in rows.fetchall()]
    if customers:
        # 'acme' finds 'Acme Corp': compare letters and digits only, as the customers model does.
        wanted = [name_key(c) for c in customers]
        items = [i for i in items if i.customer and any(name_key(i.customer).startswith(w) for w in wanted)]
    return items


