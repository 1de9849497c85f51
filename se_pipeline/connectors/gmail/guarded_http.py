"""The HTTP layer handed to googleapiclient: every request passes the read-only guard first.

A batch POST is allowed only when every request inside it is an allowed read.
The one request that does not pass here is google-auth's own token exchange (a POST to the
credentials' token_uri when an access token expires): an OAuth read of a new access token, sent by
the credentials through AuthorizedHttp's inner transport, never a call to the Gmail API.
"""

from __future__ import annotations

import re
import urllib.parse
from email.parser import Parser
from email.policy import compat32
from email.message import Message
from typing import Any, cast

import httplib2
from google.auth.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp

from se_pipeline.errors import WriteRefusedError
from se_pipeline.readonly import ReadOnlyGuard

DEFAULT_ROOT_URL = "https://gmail.googleapis.com/"
BATCH_PATH = "batch/gmail/v1"  # Gmail's documented batch endpoint
_REQUEST_LINE = re.compile(r"^([A-Z]+) (\S+) HTTP/\d\.\d$")
_TIMEOUT_SECONDS = 60


def gmail_guard(root_url: str, extra: tuple[str, ...] = ()) -> ReadOnlyGuard:
    """The reads the connector needs: list and get messages, list labels, and the batch envelope;
    `extra`: more GET resources of a mailbox (the watcher's "history" and "profile")."""
    prefix = re.escape(urllib.parse.urlsplit(root_url).path.rstrip("/"))
    user = r"/gmail/v1/users/[^/]+"
    return ReadOnlyGuard(
        "gmail",
        [
            f"GET {prefix}{user}/messages",
            f"GET {prefix}{user}/messages/[^/]+",
            f"GET {prefix}{user}/labels",
            f"POST {prefix}/{re.escape(BATCH_PATH)}",
            *(f"GET {prefix}{user}/{re.escape(resource)}" for resource in extra),
        ],
    )


class GuardedHttp(AuthorizedHttp):
    """An authorized httplib2 transport that refuses anything but the guard's reads, and counts calls."""

    def __init__(self, credentials: Credentials, guard: ReadOnlyGuard, root_url: str):
        super().__init__(credentials, http=httplib2.Http(timeout=_TIMEOUT_SECONDS))
        self.guard = guard
        self.batch_path = urllib.parse.urlsplit(urllib.parse.urljoin(root_url, BATCH_PATH)).path
        self.calls = 0

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ):
        path = urllib.parse.urlsplit(uri).path
        self.guard.check_http(method, path, body)
        if method.upper() == "POST" and path == self.batch_path:
            for inner_method, inner_path in batch_operations(body, headers or {}):
                self.guard.check_http(inner_method, inner_path)
        self.calls += 1
        return super().request(uri, method, body=body, headers=headers, **kwargs)


def batch_operations(body: Any, headers: dict[str, str]) -> list[tuple[str, str]]:
    """(method, path) of each request inside a multipart/mixed batch body."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    text = body.decode("utf-8") if isinstance(body, bytes) else str(body or "")
    envelope = Parser(policy=compat32).parsestr(f"Content-Type: {content_type}\r\n\r\n{text}")
    if not envelope.is_multipart():
        raise WriteRefusedError("gmail: refused a batch request whose parts could not be read")
    operations = []
    for part in cast(list[Message], envelope.get_payload()):  # a multipart's payload is its parts
        first_line = str(part.get_payload()).lstrip().split("\n", 1)[0].strip()
        match = _REQUEST_LINE.match(first_line)
        if not match:
            raise WriteRefusedError("gmail: refused a batch request with an unreadable part")
        operations.append((match.group(1), urllib.parse.urlsplit(match.group(2)).path))
    return operations
