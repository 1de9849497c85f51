"""A fake Gmail API v1 server on 127.0.0.1 for tests: real googleapiclient talks HTTP to it.

Answers like the real API (shapes from the Gmail v1 reference): users.messages.list with `q`
(after:/before: unix seconds), includeSpamTrash, maxResults, pageToken/nextPageToken, newest
first; users.messages.get with format=raw (base64url); users.labels.list; the batch endpoint
(multipart/mixed of application/http parts, answered part by part); an OAuth token endpoint;
users.messages.send, whose mail is kept in `sent` (a delivery's one write).
Mailbox changes are numbered like Gmail's history: users.history.list (startHistoryId, a 404 when
that history is older than `expire_history`'s floor) and users.getProfile's historyId; add mail
with `deliver`. Bearer tokens select the mailbox for userId "me"; a wrong token gets 401. Failures can be
queued per operation (429 / 403 rateLimitExceeded with Retry-After, 500). Every request that
arrives, write or read, batch part or not, is logged in `requests`.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import compat32
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fakes.broken import cut, is_broken, send_broken

BATCH_PATH = "/batch/gmail/v1"
_MESSAGES = re.compile(r"^/gmail/v1/users/([^/]+)/messages$")
_MESSAGE = re.compile(r"^/gmail/v1/users/([^/]+)/messages/([^/]+)$")
_LABELS = re.compile(r"^/gmail/v1/users/([^/]+)/labels$")
_HISTORY = re.compile(r"^/gmail/v1/users/([^/]+)/history$")
_PROFILE = re.compile(r"^/gmail/v1/users/([^/]+)/profile$")
_SEND = re.compile(r"^/gmail/v1/users/([^/]+)/messages/send$")


@dataclass
class FakeMessage:
    id: str
    thread_id: str
    raw: bytes
    internal_date: dt.datetime
    label_ids: list[str] = field(default_factory=lambda: ["INBOX"])
    history_id: int = 0  # set by the server: the mailbox change that added it


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    in_batch: bool = False

    @property
    def operation(self) -> str:
        return _operation(self.method, self.path)


@dataclass
class _Failure:
    status: int | str  # an HTTP status, or a kind of broken answer (tests/fakes/broken.py)
    reason: str | None
    retry_after: int | None


def _operation(method: str, path: str) -> str:
    if method == "GET" and _MESSAGES.match(path):
        return "list"
    if method == "GET" and _MESSAGE.match(path):
        return "get"
    if method == "GET" and _LABELS.match(path):
        return "labels"
    if method == "GET" and _HISTORY.match(path):
        return "history"
    if method == "GET" and _PROFILE.match(path):
        return "profile"
    if method == "POST" and path == BATCH_PATH:
        return "batch"
    if method == "POST" and _SEND.match(path):
        return "send"
    if method == "POST" and path == "/token":
        return "token"
    return f"{method} {path}"


def _error(status: int, message: str, reason: str, state: str) -> bytes:
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "global", "reason": reason}],
            "status": state,
        }
    }
    return json.dumps(body).encode()


_STATES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
}


class FakeGmailServer:
    """`mailboxes`: access token -> that user's messages. Use as a context manager."""

    def __init__(
        self,
        mailboxes: dict[str, list[FakeMessage]],
        labels: dict[str, list[dict[str, str]]] | None = None,
        max_page_size: int = 500,
    ):
        self.mailboxes = {token: list(messages) for token, messages in mailboxes.items()}
        self._history_id = 1000
        for message in (m for messages in self.mailboxes.values() for m in messages):
            self._history_id += 1
            message.history_id = self._history_id
        self._history_floor = 0  # history older than this is gone (Gmail keeps about a week)
        self.labels = labels or {}
        self.max_page_size = max_page_size
        self.requests: list[LoggedRequest] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._lock = threading.Lock()
        self._tokens = {token: token for token in mailboxes}  # issued token -> mailbox token
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self.token_requests: list[dict[str, object]] = []  # form fields; a JWT assertion's claims decoded
        self.revoked_refresh_tokens: set[str] = set()  # refreshing these answers invalid_grant, as Google does
        self.sent: list[tuple[str, bytes]] = []  # (mailbox token, the RFC 822 mail) of every users.messages.send

    # ---- lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> FakeGmailServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def token_uri(self) -> str:
        return self.url + "token"

    # ---- test controls -------------------------------------------------------------------

    def fail(
        self,
        operation: str,
        status: int,
        reason: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests of `operation` (list, get, labels, batch) with an error."""
        with self._lock:
            self._failures.setdefault(operation, []).extend(_Failure(status, reason, retry_after) for _ in range(times))

    def deliver(self, token: str, message: FakeMessage) -> None:
        """A message arrives in the mailbox of `token`: a new history record."""
        with self._lock:
            self._history_id += 1
            message.history_id = self._history_id
            self.mailboxes[token].append(message)

    def expire_history(self) -> None:
        """Forget every history record so far: a startHistoryId from before now gets a 404."""
        with self._lock:
            self._history_floor = self._history_id

    def operations(self, *, in_batch: bool | None = None) -> list[str]:
        return [r.operation for r in self.requests if in_batch is None or r.in_batch == in_batch]

    # ---- answering -----------------------------------------------------------------------

    def _take_failure(self, operation: str) -> _Failure | None:
        with self._lock:
            queue = self._failures.get(operation)
            return queue.pop(0) if queue else None

    def _log(self, method: str, path: str, query: dict[str, list[str]], in_batch: bool) -> None:
        with self._lock:
            self.requests.append(LoggedRequest(method, path, query, in_batch))

    def answer(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
        in_batch: bool = False,
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urllib.parse.urlsplit(target)
        path, query = parts.path, urllib.parse.parse_qs(parts.query)
        self._log(method, path, query, in_batch)
        operation = _operation(method, path)
        if operation == "token":
            return self._token(body)
        if operation == "batch":
            return self._batch(headers, body)
        failure = self._take_failure(operation)
        if failure is not None and is_broken(failure.status):
            answer = self._mailbox(headers) or []
            status, extra, content = self._list(answer, query) if operation == "list" else (200, {}, b'{"labels": []}')
            if operation == "get":
                status, extra, content = self._get(answer, _MESSAGE.match(path).group(2), query)
            # Inside a batch only the part's body can be broken: it is cut short.
            return (200, extra, cut(content)) if in_batch else (failure.status, extra, content)
        if failure is not None:
            reason = failure.reason or {
                429: "rateLimitExceeded",
                500: "backendError",
            }.get(failure.status, "error")
            extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            return (
                failure.status,
                extra,
                _error(
                    failure.status,
                    f"fake failure: {reason}",
                    reason,
                    _STATES.get(failure.status, "UNKNOWN"),
                ),
            )
        mailbox = self._mailbox(headers)
        if mailbox is None:
            return (
                401,
                {},
                _error(
                    401,
                    "Request had invalid authentication credentials.",
                    "authError",
                    "UNAUTHENTICATED",
                ),
            )
        if operation == "list":
            return self._list(mailbox, query)
        if operation == "get":
            return self._get(mailbox, _MESSAGE.match(path).group(2), query)
        if operation == "history":
            return self._history(mailbox, query)
        if operation == "profile":
            return 200, {}, json.dumps({"emailAddress": "me@example.com", "messagesTotal": len(mailbox),
                                        "threadsTotal": len({m.thread_id for m in mailbox}),
                                        "historyId": str(self._history_id)}).encode()
        if operation == "send":
            raw = json.loads(body or b"{}").get("raw", "")
            sender = self._mailbox_token(headers)
            with self._lock:
                self.sent.append((sender, base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))))
                sent_id = f"sent-{len(self.sent)}"
            return 200, {}, json.dumps({"id": sent_id, "threadId": sent_id, "labelIds": ["SENT"]}).encode()
        if operation == "labels":
            return (
                200,
                {},
                json.dumps({"labels": self.labels.get(self._mailbox_token(headers), [])}).encode(),
            )
        return (
            200,
            {},
            b"{}",
        )  # a write: logged (so a test can see it arrived), otherwise ignored

    def _mailbox_token(self, headers: dict[str, str]) -> str | None:
        auth = headers.get("authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
        with self._lock:
            return self._tokens.get(token) if token else None

    def _mailbox(self, headers: dict[str, str]) -> list[FakeMessage] | None:
        token = self._mailbox_token(headers)
        return self.mailboxes.get(token) if token else None

    def _token(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        # A refresh or a service-account JWT grant: issue a new access token for the (single) mailbox.
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        if form.get("refresh_token") in self.revoked_refresh_tokens:
            return 400, {}, json.dumps({"error": "invalid_grant", "error_description": "Token has been expired or revoked."}).encode()
        if "assertion" in form:  # header.claims.signature, base64url
            claims = form["assertion"].split(".")[1]
            form["claims"] = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
        with self._lock:
            self.token_requests.append(form)
            mailbox_token = next(iter(self.mailboxes))
            issued = f"refreshed-{len(self._tokens)}"
            self._tokens[issued] = mailbox_token
        return (
            200,
            {},
            json.dumps(
                {
                    "access_token": issued,
                    "expires_in": 3600,
                    "token_type": "Bearer",
                    "scope": "https://www.googleapis.com/auth/gmail.readonly",
                }
            ).encode(),
        )

    def _list(self, mailbox: list[FakeMessage], query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        q = query.get("q", [""])[0]
        after = re.search(r"after:(\d+)", q)
        before = re.search(r"before:(\d+)", q)
        include_spam_trash = query.get("includeSpamTrash", ["false"])[0] == "true"
        found = [
            m
            for m in mailbox
            if (after is None or m.internal_date.timestamp() >= int(after.group(1)))
            and (before is None or m.internal_date.timestamp() < int(before.group(1)))
            and (include_spam_trash or not {"SPAM", "TRASH"} & set(m.label_ids))
        ]
        found.sort(key=lambda m: m.internal_date, reverse=True)  # newest first, like Gmail
        size = min(int(query.get("maxResults", ["100"])[0]), self.max_page_size)
        offset = int(query.get("pageToken", ["0"])[0])
        page = found[offset : offset + size]
        body: dict[str, object] = {"resultSizeEstimate": len(found)}
        if page:
            body["messages"] = [{"id": m.id, "threadId": m.thread_id} for m in page]
        if offset + size < len(found):
            body["nextPageToken"] = str(offset + size)
        return 200, {}, json.dumps(body).encode()

    def _history(self, mailbox: list[FakeMessage], query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        start = int(query.get("startHistoryId", ["0"])[0])
        if start < self._history_floor:
            return 404, {}, _error(404, "Requested entity was not found.", "notFound", "NOT_FOUND")
        added = sorted((m for m in mailbox if m.history_id > start), key=lambda m: m.history_id)
        size = int(query.get("maxResults", ["100"])[0])
        offset = int(query.get("pageToken", ["0"])[0])
        page = added[offset : offset + size]
        body: dict[str, object] = {"historyId": str(self._history_id)}
        if page:
            body["history"] = [
                {"id": str(m.history_id), "messages": [{"id": m.id, "threadId": m.thread_id}],
                 "messagesAdded": [{"message": {"id": m.id, "threadId": m.thread_id, "labelIds": m.label_ids}}]}
                for m in page
            ]
        if offset + size < len(added):
            body["nextPageToken"] = str(offset + size)
        return 200, {}, json.dumps(body).encode()

    def _get(
        self, mailbox: list[FakeMessage], message_id: str, query: dict[str, list[str]]
    ) -> tuple[int, dict[str, str], bytes]:
        message = next((m for m in mailbox if m.id == message_id), None)
        if message is None:
            return (
                404,
                {},
                _error(404, "Requested entity was not found.", "notFound", "NOT_FOUND"),
            )
        body = {
            "id": message.id,
            "threadId": message.thread_id,
            "labelIds": message.label_ids,
            "snippet": "",
            "sizeEstimate": len(message.raw),
            "historyId": str(message.history_id),
            "internalDate": str(int(message.internal_date.timestamp() * 1000)),
        }
        if query.get("format", ["full"])[0] == "raw":
            body["raw"] = base64.urlsafe_b64encode(message.raw).decode()
        return 200, {}, json.dumps(body).encode()

    def _batch(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        failure = self._take_failure("batch")
        if failure is not None and is_broken(failure.status):
            return failure.status, {}, json.dumps({"error": "the batch's real answer would be here"}).encode()
        if failure is not None:
            extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            return (
                failure.status,
                extra,
                _error(
                    failure.status,
                    "fake failure",
                    failure.reason or "rateLimitExceeded",
                    _STATES.get(failure.status, "UNKNOWN"),
                ),
            )
        envelope = BytesParser(policy=compat32).parsebytes(
            b"Content-Type: " + headers["content-type"].encode() + b"\r\n\r\n" + body
        )
        boundary = "batch_fake_boundary"
        out = []
        for part in envelope.get_payload():
            request_text = part.get_payload()
            head, _, inner_body = request_text.partition("\n\n")
            request_line, *header_lines = head.replace("\r\n", "\n").split("\n")
            method, target, _ = request_line.split(" ", 2)
            inner_headers = dict(headers)
            for line in header_lines:
                name, _, value = line.partition(":")
                inner_headers[name.strip().lower()] = value.strip()
            status, extra, content = self.answer(method, target, inner_headers, inner_body.encode(), in_batch=True)
            response_headers = "".join(
                f"{k}: {v}\r\n"
                for k, v in {
                    "Content-Type": "application/json; charset=UTF-8",
                    **extra,
                }.items()
            )
            content_id = part["Content-ID"].strip("<>")
            out.append(
                f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <response-{content_id}>\r\n\r\n"
                f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n{response_headers}\r\n{content.decode()}\r\n"
            )
        out.append(f"--{boundary}--\r\n")
        return (
            200,
            {"Content-Type": f"multipart/mixed; boundary={boundary}"},
            "".join(out).encode(),
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, content = server.answer(self.command, self.path, headers, body)
                if is_broken(status):
                    send_broken(self, status, content, extra.get("Content-Type", "application/json"))
                    return
                self.send_response(status)
                extra = {"Content-Type": "application/json; charset=UTF-8", **extra}
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

        return Handler


# ---- building test mail ---------------------------------------------------------------------

_TAKEOUT_NAMES = {
    "INBOX": "Inbox",
    "SENT": "Sent",
    "IMPORTANT": "Important",
    "UNREAD": "Unread",
    "SPAM": "Spam",
    "TRASH": "Trash",
    "DRAFT": "Draft",
    "CATEGORY_PERSONAL": "Category Personal",
}


def build_email(
    *,
    message_id: str,
    sent_at: dt.datetime,
    subject: str = "Re: Acme trial",
    sender: str = "Bob Buyer <bob@acme.com>",
    to: str = "Alice Chen <alice@example.com>",
    cc: str | None = None,
    text: str | None = "Hello Alice,\n\nCan you send the SSO setup guide?\n\nThanks,\nBob",
    html: str | None = None,
    in_reply_to: str | None = None,
    references: tuple[str, ...] = (),
    attachments: tuple[tuple[str, str, bytes], ...] = (),  # (file name, mime type, content)
    headers: dict[str, str] | None = None,
) -> bytes:
    """RFC 822 bytes of an email, built with the stdlib (as a mail client would send it)."""
    from email.message import EmailMessage
    from email.policy import SMTP

    msg = EmailMessage()
    msg["Message-ID"] = message_id
    msg["Date"] = email_date(sent_at)
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    for name, value in (headers or {}).items():
        msg[name] = value
    if text is not None:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    for filename, mime_type, content in attachments:
        maintype, subtype = mime_type.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes(policy=SMTP)


def email_date(moment: dt.datetime) -> str:
    from email.utils import format_datetime

    return format_datetime(moment)


def write_mbox(
    path,
    messages: list[FakeMessage],
    extra: list[bytes] = (),
    label_names: dict[str, str] | None = None,
) -> None:
    """A Google Takeout style mbox of `messages` (with X-GM-THRID and X-Gmail-Labels), then `extra` raw chunks.

    `label_names`: user label id -> name (Takeout writes names; the API gives ids)."""
    names = {**_TAKEOUT_NAMES, **(label_names or {})}
    with open(path, "wb") as out:
        for m in messages:
            labels = ",".join(names.get(l, l) for l in m.label_ids) + ("" if "UNREAD" in m.label_ids else ",Opened")
            out.write(f"From {int(m.thread_id, 16)}@xxx {m.internal_date:%a %b %d %H:%M:%S +0000 %Y}\r\n".encode())
            out.write(f"X-GM-THRID: {int(m.thread_id, 16)}\r\nX-Gmail-Labels: {labels}\r\n".encode())
            out.write(m.raw.rstrip(b"\r\n").replace(b"\nFrom ", b"\n>From ") + b"\r\n\r\n")
        out.writelines(
            b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\r\n" + chunk.rstrip(b"\r\n") + b"\r\n\r\n" for chunk in extra
        )


def sample_mailbox(day: dt.date, tz) -> list[FakeMessage]:
    """Alice's mail around local `day`: a customer thread, an HTML tool notification, an attachment,
    mail just outside the day on both sides, spam, and a message whose Date is on `day` but
    which Gmail received just after midnight."""

    def at(hour: int, minute: int = 0, second: int = 0, days: int = 0) -> dt.datetime:
        return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour, minute, second), tz)

    thread = "18b2f3c4d5e6f7a8"
    specs = [
        (
            "m1",
            thread,
            ["INBOX", "UNREAD", "Label_7"],
            at(9),
            dict(message_id="<q1@acme.com>"),
        ),
        (
            "m2",
            thread,
            ["SENT"],
            at(10),
            dict(
                message_id="<a1@example.com>",
                sender="Alice Chen <alice@example.com>",
                to="Bob Buyer <bob@acme.com>",
                in_reply_to="<q1@acme.com>",
                references=("<q1@acme.com>",),
                text="Hi Bob,\n\nHere it is: https://docs.example.com/sso\n\nBest,\nAlice\n\n"
                "On Tue, Oct 6, 2026 at 9:00 AM Bob Buyer <bob@acme.com> wrote:\n> Can you send the SSO setup guide?\n",
            ),
        ),
        (
            "m3",
            "18b2f3c4d5e6f7b0",
            ["INBOX"],
            at(11),
            dict(
                message_id="<gong-1@gong.io>",
                sender="Gong <recaps@gong.io>",
                subject="Call recap: Acme",
                text=None,
                html="<p>Your call with <b>Acme</b> was recorded.</p><p>Next steps: send pricing.</p>",
            ),
        ),
        (
            "m4",
            "18b2f3c4d5e6f7b1",
            ["INBOX", "IMPORTANT"],
            at(12),
            dict(
                message_id="<att@acme.com>",
                subject="Security questionnaire",
                text="Attached is our questionnaire.\n",
                attachments=(
                    (
                        "questionnaire.xlsx",
                        "application/vnd.ms-excel",
                        b"PK\x03\x04 xlsx",
                    ),
                ),
            ),
        ),
        (
            "m5",
            "18b2f3c4d5e6f7b2",
            ["INBOX"],
            at(23, 30, days=-1),
            dict(message_id="<before@acme.com>", subject="Yesterday"),
        ),
        (
            "m6",
            "18b2f3c4d5e6f7b3",
            ["INBOX"],
            at(0, 30, days=1),
            dict(message_id="<after@acme.com>", subject="Tomorrow"),
        ),
        (
            "m7",
            "18b2f3c4d5e6f7b4",
            ["SPAM"],
            at(13),
            dict(message_id="<spam@spam.biz>", sender="Win <win@spam.biz>"),
        ),
        (
            "m8",
            "18b2f3c4d5e6f7b5",
            ["INBOX"],
            at(23, 59, 50),
            dict(message_id="<late@acme.com>", subject="Late"),
        ),
    ]
    messages = []
    for gmail_id, thread_id, labels, sent, fields in specs:
        raw = build_email(sent_at=sent, **fields)
        received = sent + dt.timedelta(seconds=40)  # delivery takes a moment: m8 arrives the next day
        messages.append(FakeMessage(gmail_id, thread_id, raw, received, labels))
    return messages


SAMPLE_LABELS = [
    {"id": "INBOX", "name": "INBOX", "type": "system"},
    {"id": "SENT", "name": "SENT", "type": "system"},
    {"id": "Label_7", "name": "Customers/Acme", "type": "user"},
]
