"""Running the enablement loop: load the input files, theme the feedback, write the board and plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import duckdb

from se_pipeline.competitors import known_competitors
from se_pipeline.enablement import onboarding, refresh
from se_pipeline.enablement.board import render_board
from se_pipeline.enablement.items import collect_items
from se_pipeline.sources.feedback import FeedbackSettings, report_dir
from se_pipeline.enablement.themes import (
    Theme,
    build_themes,
    previous_quarter_start,
    write_themes,
)
from se_pipeline.warehouse import LoadReport, ensure_tables, load_records, table_exists
from se_pipeline.window import Window

if TYPE_CHECKING:
    from se_pipeline.connectors import Connector

BOARD_FILE = "enablement_feedback.md"
CSV_FILE = "content_refresh.csv"


@dataclass
class EnablementResult:
    board_path: Path
    csv_path: Path | None  # None when there was no feedback
    themes: list[Theme]
    tasks: list[refresh.Task]
    missing: list[str]


def load_feedback(con: duckdb.DuckDBPyConnection, connector: Connector) -> LoadReport:
    """Read every enablement input (the feedback source's `connector`) into its raw table (bad rows to
    quarantine). The caller builds the connector: enablement reads loaded rows and imports no connector."""
    today = Window.for_day(dt.date.today(), ZoneInfo("UTC"))
    return load_records(con, connector.source, connector.tables, today, connector.extract(today))


def _has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return table_exists(con, table) and con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] > 0


def run_enablement(
    con: duckdb.DuckDBPyConnection,
    config: FeedbackSettings,
    home: Path,
    as_of: dt.date,
    aliases: tuple[tuple[str, str], ...] = (),
) -> EnablementResult:
    """Theme the feedback of this and the previous quarter (up to `as_of`) from the warehouse;
    write feedback_themes, content_refresh and the two report files. Re-running overwrites them.
    `aliases`: (spelling, competitor's name) pairs; a mention by a spelling counts under the name."""
    ensure_tables(con)
    competitors = known_competitors(con, config.competitors, aliases)
    by_origin = collect_items(con, previous_quarter_start(as_of), as_of, competitors, aliases)
    items = [item for origin_items in by_origin.values() for item in origin_items]
    missing = [name for name, present in (
        ("feedback_stream", bool(items)),
        ("win_loss_notes", _has_rows(con, "stg_win_loss")),
        ("content_inventory", _has_rows(con, "stg_content_inventory")),
        ("onboarding_metrics", _has_rows(con, "stg_onboarding_metrics")),
    ) if not present]
    themes = build_themes(con, items, as_of, competitors, aliases)
    inventory = refresh.read_inventory(con)
    folder = report_dir(home, config)
    csv_path = folder / CSV_FILE
    tasks = refresh.plan_tasks(themes, inventory, as_of, config.stale_after_days) if items else []
    refresh.keep_statuses(tasks, csv_path)
    write_themes(con, config.initiative, themes, as_of)
    refresh.write_table(con, config.initiative, tasks)
    metrics = onboarding.assess(con)
    counts = {origin: len(values) for origin, values in by_origin.items()}
    board = render_board(config.initiative, as_of, themes, tasks, metrics, counts, missing)
    folder.mkdir(parents=True, exist_ok=True)
    board_path = folder / BOARD_FILE
    board_path.write_text(board, encoding="utf-8")
    if not items:
        return EnablementResult(board_path, None, themes, tasks, missing)
    refresh.write_csv(tasks, csv_path)
    return EnablementResult(board_path, csv_path, themes, tasks, missing)
