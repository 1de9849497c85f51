"""Ctrl-C during a run: the command asks the run to stop, and the run stops at its next step.

Dagster's in-process execution swallows SIGINT, so the CLI runs a job in a worker thread, keeps the
signal in the main thread, and sets `requested`; every step checks it when it opens the warehouse.
Steps already done stay committed and a step in progress finishes or rolls back, so the same command
resumes cleanly.
"""

from __future__ import annotations

import threading

from se_pipeline.errors import SePipelineError

requested = threading.Event()


class Interrupted(SePipelineError):
    """The user pressed Ctrl-C; the run stops before its next step."""


def check() -> None:
    """Raise Interrupted when the user asked the run to stop."""
    if requested.is_set():
        raise Interrupted("interrupted by the user before this step")
