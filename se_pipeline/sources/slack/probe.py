"""Doctor's check of sources.slack: the export read as a run reads it, or two cheap API reads with the bot token."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.error import URLError

from slack_sdk.errors import SlackApiError

from se_pipeline.config import Settings
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
from se_pipeline.sources.slack.api import TOKEN_ERRORS
from se_pipeline.sources.slack.settings import SlackApi, SlackExport
from se_pipeline.window import Window


def probe(settings: Settings, config: SlackApi | SlackExport, window: Window) -> list[Finding]:
    if isinstance(config, SlackApi):
        return _slack_api(config)
    return [dry_run(settings, "slack", window)]


def _slack_api(config: SlackApi) -> list[Finding]:
    from se_pipeline.sources.slack.connector import ReadOnlyWebClient

    token = env(config.token_env)
    if token is None:
        return [missing_env("slack", [config.token_env], "the Slack app's bot token, xoxb-…", "sources.slack.token_env")]
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
            return [unreachable("slack", "Slack", client.base_url, exc)]
    who = answers["auth.test"]
    return [
        ok(
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
        return fail(
            "slack",
            f"Slack refused {method}: the token in {config.token_env} lacks the scope {needed}",
            f"add the {needed} scope to the Slack app (OAuth & Permissions → Bot Token Scopes), reinstall the app "
            f"to the workspace, and put the new bot token in {config.token_env}",
        )
    if error in TOKEN_ERRORS:
        return fail(
            "slack",
            f"Slack refused the token in {config.token_env} ({error})",
            f"put the Slack app's bot token (xoxb-…, from OAuth & Permissions) in {config.token_env}; "
            "if the app was uninstalled or the token revoked, reinstall the app and copy the new token",
        )
    if status == 429 or error == "ratelimited":
        return warn("slack", f"Slack kept rate-limiting {method}", "try again in a minute")
    return fail("slack", f"Slack {method} failed: {error} (HTTP {status})", "check sources.slack.base_url and the Slack app's installation")
