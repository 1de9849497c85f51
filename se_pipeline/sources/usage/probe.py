"""Doctor's check of sources.usage: the files read as a run reads them, or Hex's answer to the token (no run started) and the export it writes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, cast

from se_pipeline.config import Settings
from se_pipeline.connectors import json_object
from se_pipeline.errors import SourceError
from se_pipeline.sources import build_connector
from se_pipeline.sources.probing import (
    Finding,
    dry_run,
    env,
    fail,
    missing_env,
    ok,
    warn,
)
from se_pipeline.sources.usage.settings import UsageFile, UsageHex
from se_pipeline.window import Window

if TYPE_CHECKING:
    from se_pipeline.sources.usage.hex import HexRunConnector


def probe(settings: Settings, config: UsageFile | UsageHex, window: Window) -> list[Finding]:
    if isinstance(config, UsageHex):
        return _hex_api(settings, config, window)
    return [dry_run(settings, "usage", window)]


def _hex_api(settings: Settings, config: UsageHex, window: Window) -> list[Finding]:
    if env(config.token_env) is None:
        return [missing_env("usage", [config.token_env], "a Hex API token that may run projects", "sources.usage.token_env")]
    connector = cast("HexRunConnector", build_connector(settings, "usage"))
    # A run takes a kernel and minutes, so doctor starts none. The status of a run that does not exist
    # is a read the guard allows: Hex answers it 401 for a bad token, and for a valid one its 404
    # error payload (with a traceId; a wrong base_url's 404 page has none).
    try:
        response = connector.http.send("GET", f"/projects/{config.project_id}/runs/{uuid.UUID(int=0)}")
    except SourceError as exc:
        return [fail("usage", str(exc), f"check sources.usage.base_url ({config.base_url}) and the network (proxy, firewall)")]
    status = response.status_code
    if status != 404 or "traceId" not in json_object(response):
        return [fail(
            "usage",
            f"Hex at {config.base_url} answered HTTP {status} with the token in {config.token_env}",
            f"put a Hex API token that may run projects (Hex: Settings → API keys) in {config.token_env}, and check "
            "that sources.usage.base_url is your workspace's API address",
        )]
    token = ok("usage", f"Hex at {config.base_url} accepted the token in {config.token_env} (doctor starts no run)")
    export = dry_run(settings, "usage", window, connector.export)
    if export.status == "fail":
        export = warn(
            "usage",
            export.what,
            "if the project has not run yet, its first run writes the export; otherwise point sources.usage.path "
            "where the Hex project writes it",
        )
    return [token, export]
