"""Doctor's check of sources.calls: the export folder read as a run reads it, or one page of Gong's calls for the day."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from se_pipeline.config import Settings
from se_pipeline.errors import SourceError
from se_pipeline.sources import build_connector
from se_pipeline.sources.calls.settings import CallsApi, CallsExport
from se_pipeline.sources.probing import (
    Finding,
    dry_run,
    env,
    fail,
    missing_env,
    ok,
    warn,
)
from se_pipeline.window import Window

if TYPE_CHECKING:
    from se_pipeline.sources.calls.api import GongApiConnector


def probe(settings: Settings, config: CallsApi | CallsExport, window: Window) -> list[Finding]:
    if isinstance(config, CallsApi):
        return [_gong_api(settings, config, window)]
    findings = [dry_run(settings, "calls", window)]
    if findings[0].status != "fail" and not any(Path(config.path).rglob("*.json")):
        findings.append(
            warn("calls", f"{config.path} holds no .json files", "put the Gong call JSON files (one per call, or saved API responses) in that folder")
        )
    return findings


def _gong_api(settings: Settings, config: CallsApi, window: Window) -> Finding:
    from se_pipeline.sources.calls.api import EXTENSIVE

    missing = [name for name in (config.access_key_env, config.secret_env) if env(name) is None]
    if missing:
        return missing_env(
            "calls", missing, "the Gong API access key and its secret", "sources.calls.access_key_env / secret_env"
        )
    connector = cast("GongApiConnector", build_connector(settings, "calls"))
    body = {"filter": {"fromDateTime": window.start.isoformat(), "toDateTime": window.end.isoformat()}}
    try:
        page = connector.request("POST", EXTENSIVE, body)
    except SourceError as exc:
        return fail(
            "calls",
            str(exc),
            f"check that {config.access_key_env} and {config.secret_env} hold a valid Gong access key and secret "
            f"(Gong: Company settings → Ecosystem → API) and that sources.calls.base_url ({config.base_url}) is "
            "the API address Gong shows beside them",
        )
    found = len((page or {}).get("calls") or [])
    more = "+" if ((page or {}).get("records") or {}).get("cursor") else ""
    return ok("calls", f"Gong at {config.base_url} accepted the key in {config.access_key_env}: {found}{more} calls on {window}")
