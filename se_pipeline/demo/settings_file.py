"""The demo workspace's settings file: an ordinary export-mode configuration of its folders.

`se-pipeline run` with no --config reads it like any other settings file; nothing else in the
product knows the demo exists.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from se_pipeline.demo.model import TZ
from se_pipeline.sources.feedback import DEMO_FILES

FILE_NAME = "demo.yaml"  # in the home, beside the demo/ folder


def settings_document(workspace, home: Path) -> dict:
    """The settings that read `workspace` (a DemoWorkspace under `home`) with the export connectors; paths are
    relative to the file's folder, the home."""
    folder = Path(workspace.root).relative_to(home)

    def at(path: Path) -> str:
        return (folder / Path(path).relative_to(workspace.root)).as_posix()

    feedback = {key: at(workspace.feedback_dir / name) for key, name in DEMO_FILES.items()}
    return {
        "home": ".",
        "timezone": TZ.key,
        "start_date": workspace.period_start.isoformat(),
        # An export taken once: commands mean its last day, and a first run loads the whole period.
        "data_until": workspace.period_end.isoformat(),
        "company_domains": list(workspace.company_domains),
        "sales_engineers": [se.model_dump(exclude_none=True) for se in workspace.sales_engineers],
        "customers": [c.model_dump() for c in workspace.customers],
        "sources": {
            "slack": {"mode": "export", "path": at(workspace.slack_dir), "workspace": workspace.slack_workspace},
            "gmail": {"mode": "export", "paths": {se.id: at(workspace.gmail_dir / f"{se.id}.mbox") for se in workspace.sales_engineers}},
            "notion": {"mode": "export", "path": at(workspace.notion_dir)},
            "usage": {"mode": "export", "path": at(workspace.usage_path)},
            "calls": {"mode": "export", "path": at(workspace.calls_dir)},
            "feedback": {"mode": "export", **feedback, "feedback": [feedback["feedback"]]},
        },
    }


def write_settings(workspace, home: Path) -> Path:
    """<home>/demo.yaml for `workspace` (rewritten only when it would change)."""
    path = Path(home) / FILE_NAME
    text = ("# The demo workspace's settings, written by se_pipeline.demo: copy it to start your own.\n"
            + yaml.safe_dump(settings_document(workspace, Path(home)), sort_keys=False, allow_unicode=True))
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
