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
