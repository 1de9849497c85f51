"""The settings of sources.usage: usage files, or a Hex project that writes them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from se_pipeline.sources.base import Strict


class UsageFiles(Strict):
    path: str  # a file, a glob, or anything DuckDB's read_* functions accept
    columns: dict[str, str] = {}  # our column -> theirs (customer, date, metric, value)


class UsageFile(UsageFiles):
    mode: Literal["file", "export"]


class UsageHex(UsageFiles):
    """Run a published Hex project, then read the export it writes to `path` as file mode does."""

    mode: Literal["api"]
    base_url: str = "https://app.hex.tech/api/v1"  # single-tenant and EU workspaces have their own host
    project_id: str
    token_env: str = "HEX_API_TOKEN"
    input_params: dict[str, Any] = {}  # the published app's inputs, by name ({first_day}/{last_day}: the load's days)
    poll_seconds: float = Field(default=5.0, gt=0)  # the first wait between status checks; it grows to a minute
    timeout_seconds: float = Field(default=1800.0, gt=0)  # the run is left running after this, and the load fails
    max_retries: int = Field(default=5, ge=0)
