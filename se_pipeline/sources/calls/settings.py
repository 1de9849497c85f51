"""The settings of sources.calls: Gong call JSON files, or the Gong API."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from se_pipeline.sources.base import Strict


class CallsExport(Strict):
    mode: Literal["export"]
    path: Path


class CallsApi(Strict):
    mode: Literal["api"]
    base_url: str = "https://api.gong.io"
    access_key_env: str = "GONG_ACCESS_KEY"
    secret_env: str = "GONG_ACCESS_KEY_SECRET"
    max_retries: int = 5
    transcript_lookback_days: int = 7  # transcripts arrive late: re-read this many days before the window
