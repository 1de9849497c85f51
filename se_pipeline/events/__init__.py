"""Slack's Events API: a receiver that verifies and lands events (receiver.py), and the landing store
a sensor reads them from (landing.py)."""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports

if TYPE_CHECKING:  # the receiver imports Starlette and uvicorn: on first use only
    from se_pipeline.events.changes import landed_changes
    from se_pipeline.events.landing import EventStore, landing_path
    from se_pipeline.events.receiver import PATH, create_app, serve

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {
        "changes": ("landed_changes",),
        "landing": ("EventStore", "landing_path"),
        "receiver": ("PATH", "create_app", "serve"),
    })

__all__ = ["PATH", "EventStore", "create_app", "landed_changes", "landing_path", "serve"]
