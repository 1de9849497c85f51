"""Doctor's check of sources.feedback: its files and Notion database read as the enablement job reads them."""

from __future__ import annotations

from se_pipeline.config import Settings
from se_pipeline.sources.probing import Finding, dry_run
from se_pipeline.window import Window


def probe(settings: Settings, config: object, window: Window) -> list[Finding]:
    return [dry_run(settings, "feedback", window)]
