"""Gmail: one mailbox per SE into raw_gmail_messages, from the API, a Takeout mbox, or the demo.

`from_settings(settings)` picks the connector for `settings.sources.gmail`:
GmailMbox -> GmailMboxConnector, GmailApi -> GmailApiConnector
over the demo workspace's gmail/<se_id>.mbox files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from google.auth.credentials import Credentials

from se_pipeline.config import GmailApi, GmailMbox, Settings
from se_pipeline.connectors import check_env_name
from se_pipeline.sources.gmail.api import SCOPES, GmailApiConnector
from se_pipeline.sources.gmail.mbox import GmailMboxConnector
from se_pipeline.errors import ConfigError

__all__ = [
    "GmailApiConnector",
    "GmailMboxConnector",
    "from_settings",
    "load_credentials",
]


def from_settings(
    settings: Settings, api_class: type[GmailApiConnector] = GmailApiConnector
) -> GmailApiConnector | GmailMboxConnector:
    """The Gmail connector for the configured mode (`api_class`: the api connector or a subclass of it)."""
    source = settings.sources.gmail
    if isinstance(source, GmailMbox):
        _known_ses(settings, source.paths, "sources.gmail.paths")
        return GmailMboxConnector(source.paths)
    if isinstance(source, GmailApi):
        return api_class(
            {se.id: load_credentials(source, se.id, se.email) for se in _api_mailboxes(settings, source)},
            root_url=source.root_url,
            max_retries=source.max_retries,
        )
    raise ConfigError(f"sources.gmail: unsupported mode {getattr(source, 'mode', source)!r}")


def _known_ses(settings: Settings, se_ids: Iterable[str], setting: str) -> None:
    """An SE id that is not among sales_engineers is a config mistake worth naming with its key."""
    for se_id in se_ids:
        try:
            settings.se(se_id)
        except ConfigError as exc:
            raise ConfigError(f"{setting}.{se_id}: {exc}") from None


def _api_mailboxes(settings: Settings, source: GmailApi) -> list:
    _known_ses(settings, source.token_files, "sources.gmail.token_files")
    mailboxes = [
        se for se in settings.sales_engineers if se.id in source.token_files or source.service_account_file_env
    ]
    if not mailboxes:
        raise ConfigError(
            "sources.gmail (mode api): no mailbox to read: set token_files (se id -> OAuth token file) "
            "or service_account_file_env, and list the sales_engineers"
        )
    return mailboxes


def load_credentials(source: GmailApi, se_id: str, se_email: str, scopes: list[str] = SCOPES) -> Credentials:
    """The SE's own OAuth token file, else the service account acting as the SE (domain-wide delegation).
    `scopes`: gmail.readonly to read; delivery asks for gmail.send."""
    if se_id in source.token_files:
        from google.oauth2.credentials import Credentials as UserCredentials

        path = source.token_files[se_id]
        try:
            return UserCredentials.from_authorized_user_file(str(path), scopes=scopes)
        except FileNotFoundError:
            raise ConfigError(f"sources.gmail.token_files.{se_id}: token file not found: {path}") from None
        except ValueError as exc:
            raise ConfigError(
                f"sources.gmail.token_files.{se_id}: {path} is not an OAuth authorized-user token file ({exc})"
            ) from None
    from google.oauth2 import service_account

    env = source.service_account_file_env or ""
    check_env_name("sources.gmail.service_account_file_env", env)
    key_file = os.environ.get(env)
    if not key_file:
        raise ConfigError(
            f"sources.gmail.service_account_file_env: environment variable {env} is not set (it should hold the path of the service account key file)"
        )
    try:
        return service_account.Credentials.from_service_account_file(key_file, scopes=scopes, subject=se_email)
    except FileNotFoundError:
        raise ConfigError(f"the service account key file named by ${env} was not found") from None
    except ValueError as exc:
        raise ConfigError(f"the file named by ${env} is not a service account key ({type(exc).__name__})") from None
