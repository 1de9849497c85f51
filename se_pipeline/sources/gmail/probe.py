"""Doctor's check of sources.gmail: each SE's mbox (its first message parsed), or each SE's mailbox listed through the API."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import httplib2
from google.auth.exceptions import GoogleAuthError
from googleapiclient.errors import HttpError

from se_pipeline.config import SalesEngineer, Settings
from se_pipeline.errors import ConfigError
from se_pipeline.sources.gmail.settings import GmailApi, GmailMbox
from se_pipeline.sources.probing import Finding, env, fail, missing_env, ok, unreachable, warn
from se_pipeline.window import Window

GMAIL_READONLY_SCOPE = "https://www.googleapis.com/auth/gmail.readonly"


def probe(settings: Settings, config: GmailApi | GmailMbox, window: Window) -> list[Finding]:
    if isinstance(config, GmailApi):
        return _gmail_api(settings, config)
    return _mboxes(settings, config, window)


def _unknown_ses(settings: Settings, ids: list[str], setting: str) -> list[Finding]:
    known = {se.id for se in settings.sales_engineers}
    return [
        fail("gmail", f"{setting}.{se_id}: {se_id!r} is not one of the sales_engineers", f"add {se_id} to sales_engineers or correct the id")
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
                warn("gmail", f"no mbox for {se.id}: their mail will not be read", f"set sources.gmail.paths.{se.id} to their Google Takeout .mbox file")
            )
    return findings


def _mbox(se_id: str, path: Path, window: Window) -> Finding:
    from se_pipeline.sources.gmail.mbox import iter_mbox
    from se_pipeline.sources.gmail.mime import parse_headers, parse_message
    from se_pipeline.sources.gmail.rows import (
        MailboxMeta,
        UnparseableMessage,
        build_row,
        sent_at,
        takeout_labels,
    )

    if not path.is_file():
        return fail("gmail", f"the mbox for {se_id} was not found: {path}", f"set sources.gmail.paths.{se_id} to their Google Takeout .mbox file")
    with closing(iter_mbox(path)) as messages:
        first = next(messages, None)
    if first is None:
        return warn(
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
        return warn(
            "gmail",
            f"the first message of {path} cannot be read ({exc})",
            "such messages are quarantined and skipped; if most are, export the mailbox again",
        )
    return ok("gmail", f"mbox for {se_id}: {path} (first message sent {window.local_date(sent)})")


def _gmail_api(settings: Settings, config: GmailApi) -> list[Finding]:
    findings = _unknown_ses(settings, list(config.token_files), "sources.gmail.token_files")
    for se in settings.sales_engineers:
        if se.id in config.token_files or config.service_account_file_env:
            findings.append(_gmail_mailbox(config, se))
        else:
            findings.append(
                warn(
                    "gmail",
                    f"no Gmail token file for {se.id} ({se.email}): their mail will not be read",
                    f"authorize {se.email} with the gmail.readonly scope and set sources.gmail.token_files.{se.id} "
                    "to the saved token file (or set service_account_file_env)",
                )
            )
    return findings


def _gmail_mailbox(config: GmailApi, se: SalesEngineer) -> Finding:
    from se_pipeline.sources.gmail.connector import GmailApiConnector, load_credentials

    token_file = config.token_files.get(se.id)
    reauthorize = (
        f"authorize {se.email} again (OAuth, scope {GMAIL_READONLY_SCOPE}) and save the token to {token_file}"
        if token_file
        else f"check the service account key named by {config.service_account_file_env} and its domain-wide "
        f"delegation for {GMAIL_READONLY_SCOPE} (Google Admin console → Security → API controls)"
    )
    if token_file and not Path(token_file).is_file():
        return fail("gmail", f"the Gmail token file for {se.id} was not found: {token_file}", reauthorize)
    if not token_file and env(config.service_account_file_env or "") is None:
        return missing_env("gmail", [config.service_account_file_env or ""], "the service account key file's path", "sources.gmail.service_account_file_env")
    try:
        credentials = load_credentials(config, se.id, se.email)
    except ConfigError as exc:
        return fail("gmail", str(exc), reauthorize)
    connector = GmailApiConnector({se.id: credentials}, root_url=config.root_url, max_retries=config.max_retries)
    try:
        answer = connector.service_for(se.id).users().labels().list(userId="me").execute()
    except HttpError as exc:
        return _gmail_error(se, exc, reauthorize)
    except GoogleAuthError as exc:
        return fail("gmail", f"the credentials for {se.id} were refused while signing in ({type(exc).__name__})", reauthorize)
    except (httplib2.HttpLib2Error, OSError) as exc:
        return unreachable("gmail", "Gmail", connector.root_url, exc, setting="root_url")
    return ok("gmail", f"{se.id}'s mailbox ({se.email}) is readable ({len(answer.get('labels') or [])} labels)")


def _gmail_error(se: SalesEngineer, exc: HttpError, reauthorize: str) -> Finding:
    status = exc.resp.status
    what = f"Gmail answered HTTP {status} for {se.id}'s mailbox ({se.email}): {exc.reason}"
    if status == 401:
        return fail("gmail", what, reauthorize)
    if status == 403:
        return fail(
            "gmail",
            what,
            f"enable the Gmail API in the Google Cloud project and grant {GMAIL_READONLY_SCOPE}; " + reauthorize,
        )
    if status == 429 or status >= 500:
        return warn("gmail", what, "try again in a minute")
    return fail("gmail", what, "check sources.gmail (root_url, token_files) and the SE's email address")
