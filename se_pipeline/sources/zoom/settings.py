"""The settings of sources.zoom: Zoom's API with an access token (a Server-to-Server OAuth app's)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from se_pipeline.sources.base import Strict


class ZoomApi(Strict):
    mode: Literal["api"]
    token_env: str = "ZOOM_TOKEN"  # the variable holding the access token (scope report:read:admin)
    base_url: str = "https://api.zoom.us/v2"
    page_size: int = Field(default=300, ge=1, le=300)  # Zoom's maximum
    max_retries: int = Field(default=5, ge=0)
