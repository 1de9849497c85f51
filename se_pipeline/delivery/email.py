"""A digest (or coaching report) as an email the SE sends themselves, with the Gmail API.

The mail goes from the SE's own mailbox (their token in sources.gmail, with the gmail.send scope)
through users.messages.send, whose guard allows that one call and only for a mail whose sender is
the SE and whose every recipient is an address this delivery names (the SE's own; for a critical
coaching score, their manager's). It has a plain-text part (the Markdown) and an HTML part.
"""

from __future__ import annotations

import base64
import email.policy
import email.utils
import html
import urllib.parse
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import httplib2
from google.auth.exceptions import GoogleAuthError
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from se_pipeline.config import GmailApi, SalesEngineer, Settings
from se_pipeline.sources.gmail import DEFAULT_ROOT_URL, GuardedHttp, load_credentials
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.readonly import ReadOnlyGuard, WriteAllowance

SEND_SCOPES = ["https://www.googleapis.com/auth/gmail.send"]


def compose(sender: SalesEngineer, to: str, subject: str, text: str, page: str | None = None) -> EmailMessage:
    """A mail from the SE to `to`: `text` as the plain part, `page` (an HTML document) as the other;
    without a page, the text shown as it is."""
    message = EmailMessage()
    message["From"] = email.utils.formataddr((sender.name, sender.email))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=False)
    message["Message-ID"] = email.utils.make_msgid(domain=sender.email.split("@")[-1])
    message["Auto-Submitted"] = "auto-generated"  # so this mail is never read back as the SE's own words
    message.set_content(text)
    message.add_alternative(page or _pre(text), subtype="html")
    return message


def _pre(text: str) -> str:
    return f'<!DOCTYPE html><html><body><pre style="white-space: pre-wrap; font: 14px/1.5 sans-serif">{html.escape(text)}</pre></body></html>'


class GmailSender:
    """One SE's mailbox, allowed users.messages.send and nothing else."""

    def __init__(self, settings: Settings, se: SalesEngineer):
        source = settings.sources.gmail
        if not isinstance(source, GmailApi):
            raise ConfigError("an email is sent from the SE's own mailbox: set sources.gmail to mode api")
        self.se = se
        self.credentials = load_credentials(source, se.id, se.email, scopes=SEND_SCOPES)
        self.root_url = (source.root_url or DEFAULT_ROOT_URL).rstrip("/") + "/"

    def send(self, message: EmailMessage, recipients: set[str], what: str) -> str:
        """Send `message` if every recipient is in `recipients`; Gmail's id for the sent mail."""
        prefix = urllib.parse.urlsplit(self.root_url).path.rstrip("/")
        allowance = WriteAllowance(f"POST {prefix}/gmail/v1/users/me/messages/send",
                                   lambda body: _addressed_only(body, self.se.email, recipients), what)
        http = GuardedHttp(self.credentials, ReadOnlyGuard("gmail", [], [allowance]), self.root_url)
        try:
            service = build("gmail", "v1", http=http, static_discovery=True, client_options={"api_endpoint": self.root_url})
            raw = base64.urlsafe_b64encode(message.as_bytes(policy=email.policy.SMTP)).decode()
            answer = service.users().messages().send(userId="me", body={"raw": raw}).execute()
        except HttpError as exc:
            hint = " (the token needs the gmail.send scope: authorize it again with that scope)" if exc.resp.status == 403 else ""
            raise SourceError(f"gmail: {self.se.id}: the mail was not sent: HTTP {exc.resp.status}{hint}") from None
        except GoogleAuthError as exc:
            raise SourceError(f"gmail: {self.se.id}: the credentials were refused ({type(exc).__name__}); the mail was not sent") from None
        except (httplib2.HttpLib2Error, OSError) as exc:
            raise SourceError(f"gmail: {self.se.id}: cannot reach {self.root_url} ({exc}); the mail was not sent") from None
        finally:
            http.close()
        return str(answer.get("id"))


def _addressed_only(body: Any, sender: str, recipients: set[str]) -> str | None:
    """None when the raw mail in `body` is from `sender` to `recipients` only, else why not."""
    raw = body.get("raw") if isinstance(body, dict) else None
    if not isinstance(raw, str):
        return "the request carries no mail"
    mail = BytesParser(policy=email.policy.default).parsebytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    senders = {address.lower() for _, address in email.utils.getaddresses(mail.get_all("From", []))}
    addressed = {address.lower() for _, address in email.utils.getaddresses(
        [value for name in ("To", "Cc", "Bcc") for value in mail.get_all(name, [])])}
    if senders != {sender.lower()}:
        return f"a mail may only come from {sender}"
    allowed = {r.lower() for r in recipients}
    if not addressed or not addressed <= allowed:
        return f"a mail may only go to {', '.join(sorted(allowed))}"
    return None

