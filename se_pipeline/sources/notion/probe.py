"""Doctor's check of sources.notion: the export read as a run reads it, or the database retrieved with the integration's token; and which property each opportunity field comes from."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import httpx
from notion_client.constants import DEFAULT_BASE_URL
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from se_pipeline.config import Settings
from se_pipeline.errors import ConfigError
from se_pipeline.sources import build_connector
from se_pipeline.sources.notion.schema import PropertyMapping
from se_pipeline.sources.notion.settings import NotionApi, NotionExport
from se_pipeline.sources.probing import (
    Finding,
    dry_run,
    env,
    fail,
    missing_env,
    ok,
    unreachable,
    warn,
)
from se_pipeline.window import Window

if TYPE_CHECKING:  # build_connector returns the Connector protocol; the probe reaches into each mode's own
    from se_pipeline.sources.notion.api import NotionApiConnector
    from se_pipeline.sources.notion.export import NotionExportConnector


def probe(settings: Settings, config: NotionApi | NotionExport, window: Window) -> list[Finding]:
    if isinstance(config, NotionApi):
        return [_notion_api(settings, config)]
    findings = [dry_run(settings, "notion", window)]
    if findings[0].status != "fail":
        findings.append(notion_properties(cast("NotionExportConnector", build_connector(settings, "notion")).property_mapping()))
    return findings


def _notion_api(settings: Settings, config: NotionApi) -> Finding:
    if env(config.token_env) is None:
        return missing_env("notion", [config.token_env], "the Notion integration's secret", "sources.notion.token_env")
    try:
        connector = cast("NotionApiConnector", build_connector(settings, "notion"))
        database = connector.database
    except ConfigError as exc:  # an id that is no Notion id: the message says where to copy one
        return fail("notion", str(exc), None)
    try:
        found = database.retrieve()
    except HTTPResponseError as exc:
        return _notion_error(config, database.what, exc)
    except (RequestTimeoutError, httpx.TransportError) as exc:
        return unreachable("notion", "Notion", config.base_url or DEFAULT_BASE_URL, exc)
    title = "".join(part.get("plain_text", "") for part in found.get("title") or []) or database.id
    try:
        mapping = connector.property_mapping(found)
    except HTTPResponseError as exc:
        return _notion_error(config, database.what, exc)
    return notion_properties(mapping, f"the integration (token in {config.token_env}) can read the {database.kind} {title!r}; ")


def notion_properties(mapping: PropertyMapping, about: str = "") -> Finding:
    """Which property a run reads each opportunity field from, and what it leaves unused."""
    what = f"{about}opportunity properties: {mapping.describe()}"
    missing = [name for name in ("customer", "se", "stage") if mapping[name] is None]
    if missing:
        return warn(
            "notion", what,
            f"no property was recognised for {', '.join(missing)}: name it in sources.notion.properties, "
            f"e.g. {{{missing[0]}: <your property>}}",
        )
    return ok("notion", what)


def _notion_error(config: NotionApi, what: str, exc: HTTPResponseError) -> Finding:
    code = getattr(exc, "code", None)  # APIResponseError only: an HTML error page has none
    code = str(getattr(code, "value", code) or "")
    if exc.status == 401 or code == "unauthorized":
        return fail(
            "notion",
            f"Notion refused the token in {config.token_env} (HTTP 401)",
            f"put the integration's secret (Settings → Connections → Develop or manage integrations) in {config.token_env}",
        )
    if exc.status == 404 or code in ("object_not_found", "restricted_resource"):
        return fail(
            "notion",
            f"the {what} is not visible to the integration (HTTP {exc.status} {code})",
            "share the database with the integration: open it in Notion, ⋯ → Connections → add the integration "
            f"(and check sources.notion.{_notion_key(config)})",
        )
    if exc.status == 429 or exc.status >= 500:
        return warn("notion", f"Notion answered HTTP {exc.status} {code}", "try again in a minute")
    return fail("notion", f"Notion answered HTTP {exc.status} {code}: {exc}", f"check sources.notion ({_notion_key(config)}, base_url)")


def _notion_key(config: NotionApi) -> str:
    return "data_source_id" if config.data_source_id is not None else "database_id"
