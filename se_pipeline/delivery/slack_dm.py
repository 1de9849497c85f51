"""A digest (or coaching report) as Slack DMs: Block Kit from its Markdown, sent by the bot to one user.

The Markdown's `# ` line is the header, each `## ` part (a customer of the digest) gets its own
section blocks, links become Slack links (`<url|Slack>`), and message text is escaped so that a
customer's words never turn into mentions or links. Slack's limits are kept: a section's text is
at most 3,000 characters (a long part takes several sections), a message at most 50 blocks (a long
digest takes several messages, in order), a header at most 150 characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from se_pipeline.config import Settings, SlackApi
from se_pipeline.connectors import check_env_name
from se_pipeline.sources.slack import ReadOnlyWebClient, token_from_env
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.readonly import WriteAllowance

MAX_BLOCKS = 50
SECTION_CHARS = 3000
HEADER_CHARS = 150
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`\[\]<>*_])")
_POSTED = {"channel", "text", "blocks", "unfurl_links", "unfurl_media"}


@dataclass(frozen=True)
class SlackMessage:
    text: str  # the notification's and screen readers' text
    blocks: list[dict[str, Any]]


def slack_messages(markdown: str, summary: str, note: str | None = None) -> list[SlackMessage]:
    """The Markdown as messages of at most 50 blocks; `summary` is their fallback text, `note` a line
    under the header ("Updated: …")."""
    title, parts = _parts(markdown)
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": _clip(title, HEADER_CHARS)}}]
    if note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _escape(note)}]})
    for heading, body in parts:
        lines = ([f"*{_inline(heading)}*"] if heading else []) + [_inline(line) for line in body if line.strip()]
        blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in _chunks(lines)]
    return [SlackMessage(summary, blocks[i : i + MAX_BLOCKS]) for i in range(0, len(blocks), MAX_BLOCKS)]


def _parts(markdown: str) -> tuple[str, list[tuple[str | None, list[str]]]]:
    """The `# ` title and each `## ` part (None heading: what comes before the first)."""
    title = ""
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in markdown.splitlines():
        if line.startswith("# ") and not title:
            title = line[2:].strip()
        elif line.startswith("## "):
            parts.append((line[3:].strip(), []))
        else:
            parts[-1][1].append(line)
    return title or "se-pipeline", [(h, body) for h, body in parts if h or any(line.strip() for line in body)]


def _inline(line: str) -> str:
    """One Markdown line as Slack mrkdwn: escaped text, Slack links, bold, bullets, headings."""
    out, at = [], 0
    for match in _LINK.finditer(line):
        out.append(_text(line[at : match.start()]))
        out.append(f"<{_escape(match.group(2)).replace('|', '%7C')}|{_escape(_unescape(match.group(1)))}>")
        at = match.end()
    out.append(_text(line[at:]))
    text = "".join(out)
    text = re.sub(r"^(\s*)- ", lambda m: f"{m.group(1)}• ", text)
    return re.sub(r"^#+\s*(.*)$", r"*\1*", text)


def _text(markdown: str) -> str:
    return _BOLD.sub(r"*\1*", _escape(_unescape(markdown)))


def _unescape(markdown: str) -> str:
    return _MARKDOWN_ESCAPE.sub(r"\1", markdown)


def _escape(text: str) -> str:
    # Slack reads <…> as links and mentions, and &lt; &gt; &amp; as the characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chunks(lines: list[str]) -> list[str]:
    """Lines joined into texts of at most SECTION_CHARS (a longer line is cut)."""
    chunks, current = [], ""
    for line in lines:
        line = _clip(line, SECTION_CHARS)
        if current and len(current) + 1 + len(line) > SECTION_CHARS:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return chunks + ([current] if current else [])


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SlackDm:
    """The sources.slack bot, allowed chat.postMessage to one user's DM and nothing else."""

    def __init__(self, settings: Settings):
        config = settings.sources.slack
        if not isinstance(config, SlackApi):
            raise ConfigError("a Slack DM is sent by the sources.slack bot: set sources.slack to mode api")
        check_env_name("sources.slack.token_env", config.token_env)
        self.token = token_from_env(config.token_env)
        self.base_url = config.base_url
        self.max_retries = config.max_retries

    def send(self, user_id: str, messages: list[SlackMessage], what: str) -> list[str]:
        """Post `messages` to `user_id`'s DM with the bot, in order; their timestamps."""
        def to_user(body: Any) -> str | None:
            if not isinstance(body, dict) or body.get("channel") != user_id:
                return f"a DM may only go to {user_id}"
            extra = set(body) - _POSTED
            return f"unexpected arguments {sorted(extra)}" if extra else None

        allowance = WriteAllowance("chat.postMessage", to_user, what, times=len(messages))
        client = ReadOnlyWebClient(self.token, self.base_url, self.max_retries, writes=[allowance])
        sent = []
        for message in messages:
            try:
                answer = client.chat_postMessage(channel=user_id, text=message.text, blocks=message.blocks,
                                                 unfurl_links=False, unfurl_media=False)
            except SlackApiError as exc:
                error = exc.response.get("error") if exc.response is not None else str(exc)
                hint = " (the bot needs the chat:write scope)" if error == "missing_scope" else ""
                raise SourceError(f"slack: the DM to {user_id} was not sent: {error}{hint}") from None
            except OSError as exc:
                raise SourceError(f"slack: the DM to {user_id} was not sent: cannot reach Slack ({exc})") from None
            sent.append(str(answer.get("ts")))
        return sent
