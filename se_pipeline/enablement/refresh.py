"""content_refresh: one task per (theme, asset), the plan's dedupe key.

Each theme is matched to up to two inventory assets: a battlecard naming a competitor the theme
is about (named by 30% of its members: one passing mention does not make a Kubernetes theme a
battlecard's), or another asset by TF-IDF similarity of its name, type and tags to the theme's
terms and examples. A stale asset (older than `stale_after_days`) is to *refresh*, a fresh one to *review*
against the theme; a theme with no asset gets a *create* task for its suggested format. Due dates
follow rank (top 3: one week, next 3: two weeks, the rest: four). Status is `open`, or whatever a
person has since written in the CSV for the same theme and asset (it survives re-runs).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from se_pipeline.enablement.themes import Theme
from se_pipeline.warehouse import replace_slice, table_exists

CSV_COLUMNS = ("theme", "asset", "owner", "freshness", "last_updated", "action", "due_date", "status")
MIN_SIMILARITY = 0.12
DEFAULT_OWNER = {"battlecard": "Product Marketing"}
ENABLEMENT_OWNER = "Sales Enablement"


@dataclass(frozen=True)
class Asset:
    asset_id: str
    asset: str
    asset_type: str | None
    owner: str | None
    last_updated: dt.date | None
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join([self.asset, self.asset_type or "", *self.tags])


@dataclass
class Task:
    theme: str
    asset: str
    asset_id: str | None
    owner: str
    freshness: str  # fresh | stale | missing
    last_updated: dt.date | None
    age_days: int | None
    action: str  # refresh | review | create
    due_date: dt.date
    status: str = "open"


def read_inventory(con: duckdb.DuckDBPyConnection) -> list[Asset]:
    if not table_exists(con, "stg_content_inventory"):
        return []
    rows = con.execute(
        "SELECT asset_id, asset, asset_type, owner, last_updated, tags FROM stg_content_inventory ORDER BY asset_id"
    ).fetchall()
    return [Asset(r[0], r[1], r[2], r[3], r[4], tuple(r[5] or ())) for r in rows]


def match_assets(theme: Theme, inventory: list[Asset], limit: int = 2) -> list[Asset]:
    """The inventory assets that cover `theme`, best first."""
    if not inventory:
        return []
    competitors = {c.lower() for c in theme.main_competitors}
    battlecards = [
        a for a in inventory
        if (a.asset_type or "") == "battlecard" and any(c in a.text.lower() for c in competitors)
    ]
    theme_text = " ".join(theme.top_terms + theme.examples(10))
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    matrix = vectorizer.fit_transform([theme_text] + [a.text for a in inventory])
    scores = cosine_similarity(matrix[0], matrix[1:]).ravel()
    similar = [
        inventory[i] for i in scores.argsort()[::-1]
        if scores[i] >= MIN_SIMILARITY and (inventory[i].asset_type or "") != "battlecard"
    ]
    return list(dict.fromkeys(battlecards + similar))[:limit]


def _due(as_of: dt.date, rank: int) -> dt.date:
    return as_of + dt.timedelta(days=7 if rank <= 3 else 14 if rank <= 6 else 28)


def plan_tasks(themes: list[Theme], inventory: list[Asset], as_of: dt.date, stale_after_days: int) -> list[Task]:
    """Tasks for themes heard this quarter, keyed (theme, asset), in rank order."""
    tasks: dict[tuple[str, str], Task] = {}
    for theme in themes:
        if not theme.current:
            continue
        due = _due(as_of, theme.rank)
        assets = match_assets(theme, inventory)
        for asset in assets:
            age = (as_of - asset.last_updated).days if asset.last_updated else None
            stale = age is None or age > stale_after_days
            tasks.setdefault((theme.theme, asset.asset), Task(
                theme=theme.theme, asset=asset.asset, asset_id=asset.asset_id,
                owner=asset.owner or DEFAULT_OWNER.get(asset.asset_type or "", ENABLEMENT_OWNER),
                freshness="stale" if stale else "fresh", last_updated=asset.last_updated, age_days=age,
                action="refresh" if stale else "review", due_date=due,
            ))
        if not assets:
            name = f"New {theme.suggested_format}: {theme.theme}"
            tasks.setdefault((theme.theme, name), Task(
                theme=theme.theme, asset=name, asset_id=None,
                owner=DEFAULT_OWNER.get(theme.suggested_format, ENABLEMENT_OWNER),
                freshness="missing", last_updated=None, age_days=None, action="create", due_date=due,
            ))
    return list(tasks.values())


def keep_statuses(tasks: list[Task], csv_path: Path) -> None:
    """Carry over the status people wrote in the previous CSV for the same (theme, asset)."""
    if not csv_path.is_file():
        return
    with csv_path.open(encoding="utf-8", newline="") as handle:
        previous = {
            (row.get("theme"), row.get("asset")): (row.get("status") or "").strip()
            for row in csv.DictReader(handle)
        }
    for task in tasks:
        status = previous.get((task.theme, task.asset))
        if status:
            task.status = status


def write_csv(tasks: list[Task], csv_path: Path) -> None:
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = csv_path.with_suffix(".csv.tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for t in tasks:
            writer.writerow([
                t.theme, t.asset, t.owner, t.freshness, t.last_updated.isoformat() if t.last_updated else "",
                t.action, t.due_date.isoformat(), t.status,
            ])
    temporary.replace(csv_path)  # readers never see half a plan


def write_table(con: duckdb.DuckDBPyConnection, initiative: str, tasks: list[Task]) -> None:
    """Replace the initiative's content_refresh rows (one transaction)."""
    rows = [
        {"initiative": initiative, "theme": t.theme, "asset": t.asset, "asset_id": t.asset_id, "owner": t.owner,
         "freshness": t.freshness, "last_updated": t.last_updated, "age_days": t.age_days, "action": t.action,
         "due_date": t.due_date, "status": t.status}
        for t in tasks
    ]
    replace_slice(con, "content_refresh", rows, {"initiative": initiative})
