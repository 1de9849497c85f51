"""The Slack Events API request URL: a small ASGI app (Starlette) at POST /slack/events.

Every request is verified before its body is read as JSON: Slack signs `v0:<timestamp>:<raw body>`
with the app's signing secret (HMAC-SHA256, compared in constant time by slack_sdk's
SignatureVerifier), and a timestamp more than 5 minutes from our clock is refused, so a captured
request cannot be replayed later. Refusals use the statuses Slack's own SDKs use: 401 for a missing,
wrong or stale signature, 413 for a body over the limit, 400 for a body that is not an event.

An accepted `event_callback` lands in the EventStore (SQLite, committed before the answer) and is
answered 200 at once; a sensor turns landed events into runs, so nothing slow happens here and the
3 seconds Slack allows are never near. Slack retries an event it thinks failed with
X-Slack-Retry-Num set: a retry of an event that landed is answered 200 and lands nothing. The same
event id again without that header is a replay, refused (409).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable

from slack_sdk.signature import Clock, SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from se_pipeline.errors import SePipelineError
from se_pipeline.events.landing import EventStore

log = logging.getLogger(__name__)

PATH = "/slack/events"
MAX_CLOCK_SKEW_SECONDS = 5 * 60  # Slack's documented window for X-Slack-Request-Timestamp


class _TooLarge(Exception):
    pass


class _FunctionClock(Clock):
    def __init__(self, now: Callable[[], float]):
        self._now = now

    def now(self) -> float:
        return self._now()


def _refuse(status: int, reason: str) -> Response:
    log.warning("slack events: refused a request (%s): %s", status, reason)
    return PlainTextResponse(reason, status_code=status)


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


def create_app(
    store: EventStore, signing_secret: str, max_body_bytes: int, clock: Callable[[], float] = time.time
) -> Starlette:
    """The receiver: verifies, answers url_verification, lands event_callbacks in `store`."""
    verifier = SignatureVerifier(signing_secret, _FunctionClock(clock))

    async def slack_events(request: Request) -> Response:
        try:
            body = await _body(request, max_body_bytes)
        except _TooLarge:
            return _refuse(413, f"request body over {max_body_bytes} bytes")
        timestamp = request.headers.get("x-slack-request-timestamp")
        signature = request.headers.get("x-slack-signature")
        if not timestamp or not signature:
            return _refuse(401, "unsigned request: X-Slack-Request-Timestamp and X-Slack-Signature are required")
        if not timestamp.isdigit() or abs(clock() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
            return _refuse(401, "stale request: its timestamp is more than 5 minutes from now")
        try:
            valid = verifier.is_valid(body, timestamp, signature)
        except UnicodeDecodeError:
            valid = False
        if not valid:
            return _refuse(401, "wrong signature")
        try:
            payload = json.loads(body)
        except ValueError:
            return _refuse(400, "the body is not JSON")
        if not isinstance(payload, dict):
            return _refuse(400, "the body is not an event")
        if payload.get("type") == "url_verification":
            return JSONResponse({"challenge": payload.get("challenge", "")})
        if payload.get("type") != "event_callback":
            return Response(status_code=200)  # app_rate_limited and other notices: nothing to land
        if not isinstance(payload.get("event_id"), str) or not payload["event_id"]:
            return _refuse(400, "an event_callback without an event_id")
        try:
            landed = await run_in_threadpool(store.land, payload, dt.datetime.now(dt.timezone.utc))
        except Exception:  # the disk or the lock: Slack retries a 5xx, and a retry finds the event not landed
            log.exception("slack events: could not land event %s", payload["event_id"])
            return PlainTextResponse("could not store the event; retry", status_code=503)
        if not landed and request.headers.get("x-slack-retry-num") is None:
            return _refuse(409, f"event {payload['event_id']} was received already (a replay)")
        return Response(status_code=200)

    return Starlette(routes=[Route(PATH, slack_events, methods=["POST"])])


def serve(app: Starlette, host: str, port: int, log_level: str = "warning") -> None:
    """Serve `app` with uvicorn until Ctrl-C. The socket is bound here first, so a port in use is a
    one-line mistake rather than uvicorn's exit."""
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SePipelineError(f"cannot receive events on {host}:{port}: {exc.strerror or exc}") from None
    uvicorn.Server(uvicorn.Config(app, log_level=log_level, access_log=log_level != "warning")).run(sockets=[sock])
