"""Settings as a run uses them: the file's, completed by the demo workspace's facts where sources are demo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from se_pipeline.config import Settings, load_settings


def load_runtime_settings(path: str | Path | None = None) -> Settings:
    """load_settings(), then, if any source is the demo, generate the demo workspace (once) and take
    its sales engineers, company domains and customer aliases where the file gives none."""
    settings = load_settings(path)
    if not settings.uses_demo:
        return settings
    from se_pipeline.demo import ensure_demo_workspace

    demo = ensure_demo_workspace(settings.home)
    if not settings.sales_engineers:
        settings.sales_engineers = list(demo.sales_engineers)
    if "company_domains" not in settings.model_fields_set:
        settings.company_domains = list(demo.company_domains)
    known = {c.name for c in settings.customers}
    settings.customers = settings.customers + [c for c in demo.customers if c.name not in known]
    return settings


def default_day(settings: Settings) -> dt.date:
    """The day a command means without --date: the demo's last day on demo data, else yesterday."""
    if settings.all_demo:
        from se_pipeline.demo import ensure_demo_workspace

        return ensure_demo_workspace(settings.home).period_end
    return dt.datetime.now(settings.tz).date() - dt.timedelta(days=1)


COLD_START_DAYS = 14  # open items older than this are not worth a cold start's API calls


def cold_start_first_day(settings: Settings, day: dt.date) -> dt.date:
    """The first day a run for `day` must load so that older open items are known.

    With history already in the warehouse, just `day`. On an empty warehouse, the days before it too:
    the demo's whole period, or COLD_START_DAYS (never before start_date).
    """
    if _has_history_before(settings, day):
        return day
    if settings.all_demo:
        from se_pipeline.demo import ensure_demo_workspace

        return min(day, ensure_demo_workspace(settings.home).period_start)
    return min(day, max(settings.start_date, day - dt.timedelta(days=COLD_START_DAYS)))


def _has_history_before(settings: Settings, day: dt.date) -> bool:
    import duckdb

    from se_pipeline.warehouse import read_only_connection

    database = settings.database_path
    if not database.startswith("md:") and not Path(database).exists():
        return False
    with read_only_connection(database) as con:
        try:
            return con.execute("SELECT count(*) FROM activity WHERE activity_date < ?", [day]).fetchall()[0][0] > 0
        except duckdb.CatalogException:
            return False
