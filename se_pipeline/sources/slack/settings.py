"""The settings of sources.slack: a workspace export, or the Web API."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from se_pipeline.sources.base import Strict


class SlackExport(Strict):
    mode: Literal["export"]
    path: Path  # folder or .zip of a Slack workspace export
    workspace: str = "example"  # <workspace>.slack.com, for permalinks


class SlackApi(Strict):
    mode: Literal["api"]
    token_env: str = "SLACK_BOT_TOKEN"
    base_url: str | None = None  # None: slack_sdk's default
    workspace: str = "example"
    channel_types: list[str] = ["public_channel", "private_channel", "im", "mpim"]
    thread_lookback_days: int = 14  # top-level messages re-scanned for new replies (a first reply included)
    # a thread with stored replies is watched for more until it has been quiet this long (None: for ever)
    thread_watch_days: int | None = Field(default=90, ge=1)
    max_retries: int = 5
