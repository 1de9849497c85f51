"""Doctor's check of sources.zoom: one page of the first SE's meetings for the day."""

from __future__ import annotations

from se_pipeline.config import Settings
from se_pipeline.errors import SourceError
from se_pipeline.sources.probing import Finding, env, fail, missing_env, ok
from se_pipeline.sources.zoom.connector import from_settings
from se_pipeline.sources.zoom.settings import ZoomApi
from se_pipeline.window import Window


def probe(settings: Settings, config: ZoomApi, window: Window) -> list[Finding]:
    if env(config.token_env) is None:
        return [missing_env("zoom", [config.token_env], "a Zoom access token", "sources.zoom.token_env")]
    if not settings.sales_engineers:
        return [fail("zoom", "no sales engineers to read meetings for", "list them under sales_engineers:")]
    connector = from_settings(settings)
    email = settings.sales_engineers[0].email
    try:
        found = sum(1 for _ in connector.meetings(email, window.first_day, window.last_day))
    except SourceError as exc:  # the connector's own words say what to fix
        return [fail("zoom", str(exc), f"check sources.zoom.base_url ({config.base_url}) and the token")]
    return [ok("zoom", f"Zoom at {config.base_url} accepted the token in {config.token_env}: {found} meetings of {email} on {window}")]
