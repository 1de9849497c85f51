"""The settings of sources.gmail: mbox files (Google Takeout), or the Gmail API."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from se_pipeline.sources.base import Strict


class GmailMbox(Strict):
    mode: Literal["mbox", "export"]
    paths: dict[str, Path]  # se id -> mbox file (Google Takeout)


class GmailApi(Strict):
    mode: Literal["api"]
    # se id -> OAuth authorized-user token file, or a service account with domain-wide delegation.
    token_files: dict[str, Path] = {}
    service_account_file_env: str | None = None
    root_url: str | None = None
    max_retries: int = 5
