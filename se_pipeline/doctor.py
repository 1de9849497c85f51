"""`se-pipeline doctor`: check every configured source, the sales engineers and the warehouse, and
say what to fix.

Files are read the way a run reads them, for the day a run would load (through the connectors
themselves, so doctor and run never disagree about what is valid). APIs get one cheap read each,
through the connectors' read-only clients. A check that fails never raises: it becomes a Finding.
Findings never carry a secret: the values of the environment variables the settings name are
redacted before they are returned.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.error import URLError

import httplib2
import httpx
from google.auth.exceptions import GoogleAuthError
from googleapiclient.errors import HttpError
from notion_client.errors import HTTPResponseError, RequestTimeoutError
from pydantic import BaseModel
from slack_sdk.errors import SlackApiError

from se_pipeline.config import (
    CallsApi,
    DemoSource,
    GmailApi,
    GmailMbox,
    NotionApi,
    SalesEngineer,
    Settings,
    SlackApi,
    UsageHex,
)
from se_pipeline.connectors.base import Connector, is_env_name
from se_pipeline.connectors.http import json_object
from se_pipeline.connectors.notion import PropertyMapping
from se_pipeline.enablement.settings import FeedbackSettings
from se_pipeline.errors import ConfigError, SePipelineError, SourceError
from se_pipeline.sources import build_connector
from se_pipeline.pages import Quarantined, Rows
from se_pipeline.window import Window

if TYPE_CHECKING:  # build_connector returns the Connector protocol; doctor reaches into each mode's own
    from se_pipeline.connectors.calls.api import GongApiConnector
    from se_pipeline.connectors.hex import HexRunConnector
    from se_pipeline.connectors.notion.api import NotionApiConnector
    from se_pipeline.connectors.notion.export import NotionExportConnector

Status = Literal["ok", "warn", "fail"]
REDACTED = "[redacted]"
_MIN_SECRET_LENGTH = 8  # shorter values would redact ordinary words; real tokens are far longer
MOTHERDUCK_TOKEN_ENVS = ("motherduck_token", "MOTHERDUCK_TOKEN")  # the names DuckDB's MotherDuck extension reads
GMAIL_READONLY_SCOPE = "https://www.googleapis.com/auth/gmail.readonly"
# Slack errors that mean the token itself is wrong (Slack Web API error codes).
_SLACK_TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "not_allowed_token_type"}
)


class Finding(BaseModel):
    """One thing doctor checked: `what` it found and, unless ok, how to `fix` it."""

    source: str  # a source name, "sales_engineers", "warehouse" or "sources"
    status: Status
    what: str
    fix: str | None = None


def _ok(source: str, what: str) -> Finding:
    return Finding(source=source, status="ok", what=what)


def _warn(source: str, what: str, fix: str) -> Finding:
    return Finding(source=source, status="warn", what=what, fix=fix)


def _fail(source: str, what: str, fix: str | None) -> Finding:
    return Finding(source=source, status="fail", what=what, fix=fix)


# ---- the run ------------------------------------------------------------------------------------


PROBE_SECONDS = 6.0  # all checks run at once; one that has not answered by then is reported, not waited for


def run_doctor(
    settings: Settings, on_finding: Callable[[Finding], None] | None = None, deadline: float = PROBE_SECONDS
) -> list[Finding]:
    """Check each enabled source, the sales engineers and the warehouse (settings as
    se_pipeline.runtime.load_runtime_settings returns them), all at once.

    `on_finding` gets each finding as its check ends; a check still waiting on the network after
    `deadline` seconds is reported as unreachable and left behind (its thread dies with the process).
    The findings are returned in the checks' order.
    """
    window = Window.for_day(_probe_day(settings), settings.tz)
    checks: list[tuple[str, Callable[[], list[Finding]]]] = [
        (source, partial(_check_source, settings, source, window)) for source in settings.enabled_sources()
    ]
    checks += [
        ("sales_engineers", partial(check_sales_engineers, settings)),
        ("warehouse", partial(check_warehouse, settings)),
    ]
    secrets = _secret_values(settings)
    tell = on_finding or (lambda finding: None)
    found: dict[str, list[Finding]] = {}
    if not settings.enabled_sources():
        found["sources"] = [_warn("sources", "every source is off: runs will load nothing", "configure at least one source under sources:")]
        tell(found["sources"][0])
    answers: queue.Queue[tuple[str, list[Finding]]] = queue.Queue()
    for name, check in checks:
        # Daemon threads: a probe stuck on an unreachable host must not keep the command alive.
        threading.Thread(target=lambda n=name, c=check: answers.put((n, _safely(n, c))), name=f"doctor-{name}", daemon=True).start()
    end = time.monotonic() + deadline
    while len(found) < len(checks) + ("sources" in found):
        try:
            name, findings = answers.get(timeout=max(0.0, end - time.monotonic()))
        except queue.Empty:
            break
        found[name] = _redacted(findings, secrets)
        for finding in found[name]:
            tell(finding)
    for name, _ in checks:
        if name not in found:
            found[name] = [_fail(name, f"no answer within {deadline:.0f}s", f"check that the host in sources.{name} (base_url) is right and reachable from here (network, proxy, firewall)")]
            tell(found[name][0])
    return [f for name in ["sources", *(n for n, _ in checks)] for f in found.get(name, [])]


def source_width(settings: Settings) -> int:
    """The width of the source column, known before any check ends (so lines printed as they come align)."""
    return max(len(name) for name in [*settings.enabled_sources(), "sales_engineers", "warehouse", "sources"])


def format_finding(finding: Finding, width: int) -> str:
    """A finding's line (and a second, indented, for its fix)."""
    marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
    line = f"{marks[finding.status]}  {finding.source:<{width}}  {finding.what}"
    return line + (f"\n{'':<{width + 6}}  fix: {finding.fix}" if finding.fix else "")


def format_totals(findings: list[Finding]) -> str:
    counts = Counter(f.status for f in findings)
    warnings = f"{counts['warn']} warning" + ("" if counts["warn"] == 1 else "s")
    return f"{counts['fail']} failed, {warnings}, {counts['ok']} ok"


def format_findings(findings: list[Finding]) -> str:
    """One line per finding (a second, indented, for its fix), then the totals."""
    width = max((len(f.source) for f in findings), default=0)
    return "\n".join([*(format_finding(f, width) for f in findings), format_totals(findings)])


def _probe_day(settings: Settings) -> dt.date:
    """The day `se-pipeline run` loads without --date: the files are read for it."""
    from se_pipeline.runtime import default_day

    return default_day(settings)


def _safely(name: str, check: Callable[[], list[Finding]]) -> list[Finding]:
    try:
        return check()
    except SePipelineError as exc:  # the connectors' own messages already say what to fix
        return [_fail(name, str(exc), None)]
    except Exception as exc:  # noqa: BLE001 - a doctor that crashes tells the user nothing
        return [_fail(name, f"the check itself failed: {type(exc).__name__}: {exc}", "report this as a bug in se-pipeline")]


def _secret_values(settings: Settings) -> set[str]:
    src = settings.sources
    names = list(MOTHERDUCK_TOKEN_ENVS)
    if isinstance(src.slack, SlackApi):
        names.append(src.slack.token_env)
    if isinstance(src.notion, NotionApi):
        names.append(src.notion.token_env)
    if isinstance(src.calls, CallsApi):
        names += [src.calls.access_key_env, src.calls.secret_env]
    if isinstance(src.feedback, FeedbackSettings) and src.feedback.notion_database:
        names.append(src.feedback.notion_database.token_env)
    if isinstance(src.usage, UsageHex):
        names.append(src.usage.token_env)
    if settings.analysis.llm:
        names.append(settings.analysis.llm.api_key_env)
    values = {os.environ.get(name, "").strip() for name in names}
    return {v for v in values if len(v) >= _MIN_SECRET_LENGTH}


def _redacted(findings: list[Finding], secrets: set[str]) -> list[Finding]:
    def scrub(text: str | None) -> str | None:
        for secret in secrets:
            text = text.replace(secret, REDACTED) if text else text
        return text

    return [f.model_copy(update={"what": scrub(f.what), "fix": scrub(f.fix)}) for f in findings]


def _env(name: str) -> str | None:
    return os.environ.get(name, "").strip() or None


def _missing_env(source: str, names: list[str], holds: str, setting: str) -> Finding:
    if not all(is_env_name(name) for name in names):
        # Most likely the secret itself was pasted where its variable's name belongs: never echo it.
        return _fail(
            source,
            f"{setting} should name an environment variable, but holds something else (the secret itself?)",
            f"put the secret ({holds}) in an environment variable and write that variable's name in {setting}; "
            "if the secret was in the configuration file, revoke it and make a new one",
        )
    listed = " and ".join(names)
    return _fail(
        source,
        f"the environment variable{'s' if len(names) > 1 else ''} {listed} {'are' if len(names) > 1 else 'is'} not set",
        f"export {listed} ({holds}), or name another variable in {setting}",
    )


# ---- sources ------------------------------------------------------------------------------------


def _check_source(settings: Settings, source: str, window: Window) -> list[Finding]:
    config = getattr(settings.sources, source)
    if isinstance(config, DemoSource):
        return [_demo(settings, source)]
    if isinstance(config, SlackApi):
        return _slack_api(config)
    if isinstance(config, NotionApi):
        return [_notion_api(settings, config)]
    if isinstance(config, CallsApi):
        return [_gong_api(settings, config, window)]
    if isinstance(config, UsageHex):
        return _hex_api(settings, config, window)
    if isinstance(config, GmailApi):
        return _gmail_api(settings, config)
    if isinstance(config, GmailMbox):
        return _mboxes(settings, config, window)
    findings = [_dry_run(settings, source, window)]
    if source == "notion" and findings[0].status != "fail":
        findings.append(_notion_properties(cast("NotionExportConnector", build_connector(settings, "notion")).property_mapping()))
    if source == "calls" and findings[0].status != "fail" and not any(Path(config.path).rglob("*.json")):
        findings.append(
            _warn("calls", f"{config.path} holds no .json files", "put the Gong call JSON files (one per call, or saved API responses) in that folder")
        )
    return findings


_EXPORT_FIXES = {
    "slack": "point sources.slack.path at the Slack workspace export (the folder or .zip holding users.json and channels.json)",
    "notion": "point sources.notion.path at the opportunity database's Notion export (Markdown & CSV: the .zip, its folder or the .csv)",
    "usage": "point sources.usage.path at the usage file(s) (CSV, Parquet or JSON; a glob is fine) and map their columns in sources.usage.columns",
    "calls": "point sources.calls.path at the folder of Gong call JSON files",
    "feedback": "check the files and the notion_database listed under sources.feedback (paths are relative to the configuration file)",
}


def _demo(settings: Settings, source: str) -> Finding:
    from se_pipeline.demo import ensure_demo_workspace

    demo = ensure_demo_workspace(settings.home)
    path = {
        "slack": demo.slack_dir,
        "gmail": demo.gmail_dir,
        "notion": demo.notion_dir,
        "usage": demo.usage_path,
        "calls": demo.calls_dir,
        "feedback": demo.feedback_dir,
    }[source]
    if not Path(path).exists():
        return _fail(source, f"the demo workspace lacks {path}", f"delete {demo.root}; the next run generates it again")
    return _ok(source, f"demo data at {path} (configure sources.{source} to read your own)")


def _dry_run(settings: Settings, source: str, window: Window, connector: Connector | None = None) -> Finding:
    """Read the source's files as a run would for `window`, with `connector` if given (nothing is stored)."""
    config = getattr(settings.sources, source)
    where = getattr(config, "path", None) or f"the sources.{source} files"
    rows: Counter[str] = Counter()
    bad: list[Quarantined] = []
    try:
        for item in (connector or build_connector(settings, source)).extract(window):
            if isinstance(item, Rows):
                rows[item.table] += len(item.rows)
            elif isinstance(item, Quarantined):
                bad.append(item)
    except (ConfigError, SourceError) as exc:
        return _fail(source, str(exc), _EXPORT_FIXES[source])
    read = ", ".join(f"{n} {table}" for table, n in rows.items()) or "no rows"
    if bad:
        return _warn(
            source,
            f"{where}: read for {window}: {read}; {len(bad)} record(s) cannot be parsed, e.g. {bad[0].key}: {bad[0].reason}",
            "correct or re-export those records; until then they are quarantined and skipped",
        )
    return _ok(source, f"{where}: read for {window}: {read}")


# ---- Slack --------------------------------------------------------------------------------------


def _slack_api(config: SlackApi) -> list[Finding]:
    from se_pipeline.connectors.slack import ReadOnlyWebClient

    token = _env(config.token_env)
    if token is None:
        return [_missing_env("slack", [config.token_env], "the Slack app's bot token, xoxb-…", "sources.slack.token_env")]
    client = ReadOnlyWebClient(token, config.base_url, config.max_retries)
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("auth.test", client.auth_test),
        ("conversations.list", partial(client.conversations_list, limit=1, types=",".join(config.channel_types))),
    ]
    answers = {}
    for method, call in calls:
        try:
            answers[method] = call()
        except SlackApiError as exc:
            return [_slack_error(config, method, exc)]
        except (URLError, OSError) as exc:
            return [_fail("slack", f"cannot reach Slack at {client.base_url}: {exc}", "check sources.slack.base_url and the network (proxy, firewall)")]
    who = answers["auth.test"]
    return [
        _ok(
            "slack",
            f"the token in {config.token_env} works (workspace {who.get('team')!r}, bot user {who.get('user')!r}) "
            f"and can list conversations ({', '.join(config.channel_types)})",
        )
    ]


def _slack_error(config: SlackApi, method: str, exc: SlackApiError) -> Finding:
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    status = exc.response.status_code
    error = str(data.get("error") or f"HTTP {status}")
    if error == "missing_scope":
        needed = data.get("needed") or "(Slack did not say which)"
        return _fail(
            "slack",
            f"Slack refused {method}: the token in {config.token_env} lacks the scope {needed}",
            f"add the {needed} scope to the Slack app (OAuth & Permissions → Bot Token Scopes), reinstall the app "
            f"to the workspace, and put the new bot token in {config.token_env}",
        )
    if error in _SLACK_TOKEN_ERRORS:
        return _fail(
            "slack",
            f"Slack refused the token in {config.token_env} ({error})",
            f"put the Slack app's bot token (xoxb-…, from OAuth & Permissions) in {config.token_env}; "
            "if the app was uninstalled or the token revoked, reinstall the app and copy the new token",
        )
    if status == 429 or error == "ratelimited":
        return _warn("slack", f"Slack kept rate-limiting {method}", "try again in a minute")
    return _fail("slack", f"Slack {method} failed: {error} (HTTP {status})", "check sources.slack.base_url and the Slack app's installation")


# ---- Notion -------------------------------------------------------------------------------------


def _notion_api(settings: Settings, config: NotionApi) -> Finding:
    if _env(config.token_env) is None:
        return _missing_env("notion", [config.token_env], "the Notion integration's secret", "sources.notion.token_env")
    try:
        connector = cast("NotionApiConnector", build_connector(settings, "notion"))
        database = connector.database
    except ConfigError as exc:  # an id that is no Notion id: the message says where to copy one
        return _fail("notion", str(exc), None)
    try:
        found = database.retrieve()
    except HTTPResponseError as exc:
        return _notion_error(config, database.what, exc)
    except (RequestTimeoutError, httpx.TransportError) as exc:
        return _fail("notion", f"no answer from Notion ({exc})", "check sources.notion.base_url and the network (proxy, firewall)")
    title = "".join(part.get("plain_text", "") for part in found.get("title") or []) or database.id
    try:
        mapping = connector.property_mapping(found)
    except HTTPResponseError as exc:
        return _notion_error(config, database.what, exc)
    return _notion_properties(mapping, f"the integration (token in {config.token_env}) can read the {database.kind} {title!r}; ")


def _notion_properties(mapping: PropertyMapping, about: str = "") -> Finding:
    """Which property a run reads each opportunity field from, and what it leaves unused."""
    what = f"{about}opportunity properties: {mapping.describe()}"
    missing = [name for name in ("customer", "se", "stage") if mapping[name] is None]
    if missing:
        return _warn(
            "notion", what,
            f"no property was recognised for {', '.join(missing)}: name it in sources.notion.properties, "
            f"e.g. {{{missing[0]}: <your property>}}",
        )
    return _ok("notion", what)


def _notion_error(config: NotionApi, what: str, exc: HTTPResponseError) -> Finding:
    code = getattr(exc, "code", None)  # APIResponseError only: an HTML error page has none
    code = str(getattr(code, "value", code) or "")
    if exc.status == 401 or code == "unauthorized":
        return _fail(
            "notion",
            f"Notion refused the token in {config.token_env} (HTTP 401)",
            f"put the integration's secret (Settings → Connections → Develop or manage integrations) in {config.token_env}",
        )
    if exc.status == 404 or code in ("object_not_found", "restricted_resource"):
        return _fail(
            "notion",
            f"the {what} is not visible to the integration (HTTP {exc.status} {code})",
            "share the database with the integration: open it in Notion, ⋯ → Connections → add the integration "
            f"(and check sources.notion.{_notion_key(config)})",
        )
    if exc.status == 429 or exc.status >= 500:
        return _warn("notion", f"Notion answered HTTP {exc.status} {code}", "try again in a minute")
    return _fail("notion", f"Notion answered HTTP {exc.status} {code}: {exc}", f"check sources.notion ({_notion_key(config)}, base_url)")


def _notion_key(config: NotionApi) -> str:
    return "data_source_id" if config.data_source_id is not None else "database_id"


# ---- Gong ---------------------------------------------------------------------------------------


def _gong_api(settings: Settings, config: CallsApi, window: Window) -> Finding:
    from se_pipeline.connectors.calls.api import EXTENSIVE

    missing = [name for name in (config.access_key_env, config.secret_env) if _env(name) is None]
    if missing:
        return _missing_env(
            "calls", missing, "the Gong API access key and its secret", "sources.calls.access_key_env / secret_env"
        )
    connector = cast("GongApiConnector", build_connector(settings, "calls"))
    body = {"filter": {"fromDateTime": window.start.isoformat(), "toDateTime": window.end.isoformat()}}
    try:
        page = connector.request("POST", EXTENSIVE, body)
    except SourceError as exc:
        return _fail(
            "calls",
            str(exc),
            f"check that {config.access_key_env} and {config.secret_env} hold a valid Gong access key and secret "
            f"(Gong: Company settings → Ecosystem → API) and that sources.calls.base_url ({config.base_url}) is "
            "the API address Gong shows beside them",
        )
    found = len((page or {}).get("calls") or [])
    more = "+" if ((page or {}).get("records") or {}).get("cursor") else ""
    return _ok("calls", f"Gong at {config.base_url} accepted the key in {config.access_key_env}: {found}{more} calls on {window}")


# ---- Hex ----------------------------------------------------------------------------------------


def _hex_api(settings: Settings, config: UsageHex, window: Window) -> list[Finding]:
    if _env(config.token_env) is None:
        return [_missing_env("usage", [config.token_env], "a Hex API token that may run projects", "sources.usage.token_env")]
    connector = cast("HexRunConnector", build_connector(settings, "usage"))
    # A run takes a kernel and minutes, so doctor starts none. The status of a run that does not exist
    # is a read the guard allows: Hex answers it 401 for a bad token, and for a valid one its 404
    # error payload (with a traceId; a wrong base_url's 404 page has none).
    try:
        response = connector.http.send("GET", f"/projects/{config.project_id}/runs/{uuid.UUID(int=0)}")
    except SourceError as exc:
        return [_fail("usage", str(exc), f"check sources.usage.base_url ({config.base_url}) and the network (proxy, firewall)")]
    status = response.status_code
    if status != 404 or "traceId" not in json_object(response):
        return [_fail(
            "usage",
            f"Hex at {config.base_url} answered HTTP {status} with the token in {config.token_env}",
            f"put a Hex API token that may run projects (Hex: Settings → API keys) in {config.token_env}, and check "
            "that sources.usage.base_url is your workspace's API address",
        )]
    token = _ok("usage", f"Hex at {config.base_url} accepted the token in {config.token_env} (doctor starts no run)")
    export = _dry_run(settings, "usage", window, connector.export)
    if export.status == "fail":
        export = _warn(
            "usage",
            export.what,
            "if the project has not run yet, its first run writes the export; otherwise point sources.usage.path "
            "where the Hex project writes it",
        )
    return [token, export]


# ---- Gmail --------------------------------------------------------------------------------------


def _unknown_ses(settings: Settings, ids: list[str], setting: str) -> list[Finding]:
    known = {se.id for se in settings.sales_engineers}
    return [
        _fail("gmail", f"{setting}.{se_id}: {se_id!r} is not one of the sales_engineers", f"add {se_id} to sales_engineers or correct the id")
        for se_id in ids
        if se_id not in known
    ]


def _mboxes(settings: Settings, config: GmailMbox, window: Window) -> list[Finding]:
    findings = _unknown_ses(settings, list(config.paths), "sources.gmail.paths")
    for se in settings.sales_engineers:
        if se.id in config.paths:
            findings.append(_mbox(se.id, Path(config.paths[se.id]), window))
        else:
            findings.append(
                _warn("gmail", f"no mbox for {se.id}: their mail will not be read", f"set sources.gmail.paths.{se.id} to their Google Takeout .mbox file")
            )
    return findings


def _mbox(se_id: str, path: Path, window: Window) -> Finding:
    from se_pipeline.connectors.gmail.mbox import iter_mbox
    from se_pipeline.connectors.gmail.mime import parse_headers, parse_message
    from se_pipeline.connectors.gmail.rows import (
        MailboxMeta,
        UnparseableMessage,
        build_row,
        sent_at,
        takeout_labels,
    )

    if not path.is_file():
        return _fail("gmail", f"the mbox for {se_id} was not found: {path}", f"set sources.gmail.paths.{se_id} to their Google Takeout .mbox file")
    with closing(iter_mbox(path)) as messages:
        first = next(messages, None)
    if first is None:
        return _warn(
            "gmail",
            f"{path} holds no messages (no 'From ' postmark line): an empty mailbox, or not an mbox file",
            "export the mailbox again with Google Takeout (Mail, MBOX format)",
        )
    raw = first[1]
    headers = parse_headers(raw)
    try:
        sent = sent_at(headers)
        labels = takeout_labels(str(headers.get("X-Gmail-Labels") or ""))
        build_row(parse_message(raw), MailboxMeta(se_id=se_id, labels=labels), window.tz)
    except UnparseableMessage as exc:
        return _warn(
            "gmail",
            f"the first message of {path} cannot be read ({exc})",
            "such messages are quarantined and skipped; if most are, export the mailbox again",
        )
    return _ok("gmail", f"mbox for {se_id}: {path} (first message sent {window.local_date(sent)})")


def _gmail_api(settings: Settings, config: GmailApi) -> list[Finding]:
    findings = _unknown_ses(settings, list(config.token_files), "sources.gmail.token_files")
    for se in settings.sales_engineers:
        if se.id in config.token_files or config.service_account_file_env:
            findings.append(_gmail_mailbox(config, se))
        else:
            findings.append(
                _warn(
                    "gmail",
                    f"no Gmail token file for {se.id} ({se.email}): their mail will not be read",
                    f"authorize {se.email} with the gmail.readonly scope and set sources.gmail.token_files.{se.id} "
                    "to the saved token file (or set service_account_file_env)",
                )
            )
    return findings


def _gmail_mailbox(config: GmailApi, se: SalesEngineer) -> Finding:
    from se_pipeline.connectors.gmail import GmailApiConnector, load_credentials

    token_file = config.token_files.get(se.id)
    reauthorize = (
        f"authorize {se.email} again (OAuth, scope {GMAIL_READONLY_SCOPE}) and save the token to {token_file}"
        if token_file
        else f"check the service account key named by {config.service_account_file_env} and its domain-wide "
        f"delegation for {GMAIL_READONLY_SCOPE} (Google Admin console → Security → API controls)"
    )
    if token_file and not Path(token_file).is_file():
        return _fail("gmail", f"the Gmail token file for {se.id} was not found: {token_file}", reauthorize)
    if not token_file and _env(config.service_account_file_env or "") is None:
        return _missing_env("gmail", [config.service_account_file_env or ""], "the service account key file's path", "sources.gmail.service_account_file_env")
    try:
        credentials = load_credentials(config, se.id, se.email)
    except ConfigError as exc:
        return _fail("gmail", str(exc), reauthorize)
    connector = GmailApiConnector({se.id: credentials}, root_url=config.root_url, max_retries=config.max_retries)
    try:
        answer = connector.service_for(se.id).users().labels().list(userId="me").execute()
    except HttpError as exc:
        return _gmail_error(se, exc, reauthorize)
    except GoogleAuthError as exc:
        return _fail("gmail", f"the credentials for {se.id} were refused while signing in ({type(exc).__name__})", reauthorize)
    except (httplib2.HttpLib2Error, OSError) as exc:
        return _fail("gmail", f"cannot reach Gmail at {connector.root_url}: {exc}", "check sources.gmail.root_url and the network (proxy, firewall)")
    return _ok("gmail", f"{se.id}'s mailbox ({se.email}) is readable ({len(answer.get('labels') or [])} labels)")


def _gmail_error(se: SalesEngineer, exc: HttpError, reauthorize: str) -> Finding:
    status = exc.resp.status
    what = f"Gmail answered HTTP {status} for {se.id}'s mailbox ({se.email}): {exc.reason}"
    if status == 401:
        return _fail("gmail", what, reauthorize)
    if status == 403:
        return _fail(
            "gmail",
            what,
            f"enable the Gmail API in the Google Cloud project and grant {GMAIL_READONLY_SCOPE}; " + reauthorize,
        )
    if status == 429 or status >= 500:
        return _warn("gmail", what, "try again in a minute")
    return _fail("gmail", what, "check sources.gmail (root_url, token_files) and the SE's email address")


# ---- sales engineers and the warehouse ----------------------------------------------------------


def check_sales_engineers(settings: Settings) -> list[Finding]:
    """At least one SE, ids unique, and a Slack user id for each when Slack is read."""
    ses = settings.sales_engineers
    if not ses:
        return [_fail("sales_engineers", "no sales engineers configured: there is nobody to write a digest for", "list them under sales_engineers: (id, name, email, slack_user_id)")]
    findings = [_ok("sales_engineers", f"{len(ses)} configured: {', '.join(se.id for se in ses)}")]
    counts = Counter(se.id for se in ses)
    findings += [
        _fail("sales_engineers", f"the id {se_id!r} is used by {n} sales engineers", "give each sales engineer a distinct id")
        for se_id, n in counts.items()
        if n > 1
    ]
    if "slack" in settings.enabled_sources():
        findings += [
            _warn(
                "sales_engineers",
                f"{se.id} has no slack_user_id: Slack cannot tell which messages and mentions are theirs",
                f"set slack_user_id for {se.id} (in Slack: their profile → ⋯ → Copy member ID)",
            )
            for se in ses
            if not se.slack_user_id
        ]
    return findings


def check_warehouse(settings: Settings) -> list[Finding]:
    """A local warehouse's folder can be written; a MotherDuck one has a token in the environment."""
    database = settings.database_path
    if database.startswith("md:"):
        shown = database.split("?", 1)[0]  # the query string may carry a token
        if any(_env(name) for name in MOTHERDUCK_TOKEN_ENVS):
            return [_ok("warehouse", f"MotherDuck database {shown}; a token is set in the environment")]
        if "motherduck_token=" in database:
            return [_warn("warehouse", f"the MotherDuck token for {shown} is written in the configuration", "move it to the environment variable motherduck_token and drop it from `database:`")]
        return [_fail("warehouse", f"MotherDuck database {shown} needs a token: the environment variable motherduck_token is not set", "export motherduck_token=<an access token from MotherDuck: Settings → Access tokens>")]
    path = Path(database)
    folder = next(p for p in (path.parent, *path.parent.parents) if p.exists())  # the run creates the rest
    fix = f"set `database:` (or `home:`) in the configuration to a writable place, or fix the permissions of {folder}"
    if not folder.is_dir():
        return [_fail("warehouse", f"cannot create the warehouse {path}: {folder} is a file, not a folder", fix)]
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return [_fail("warehouse", f"cannot write in {folder} ({exc.strerror})", fix)]
    if path.exists() and not os.access(path, os.W_OK):
        return [_fail("warehouse", f"the warehouse {path} is read-only", fix)]
    state = "exists" if path.exists() else "will be created"
    return [_ok("warehouse", f"{path} {state}; its folder is writable")]
