"""The Slack Events API receiver, through a real HTTP client against the app running on 127.0.0.1:
signed requests are accepted and land once, everything else is refused with the status Slack expects."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
import uvicorn

from se_pipeline.events import PATH, EventStore, create_app

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # a made-up signing secret


def signed(body: bytes, at: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """Slack's headers for `body`: v0 HMAC-SHA256 of 'v0:<timestamp>:<body>'."""
    timestamp = str(at if at is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}", "Content-Type": "application/json"}


def event(event_id: str = "Ev08MFMKH6", text: str = "Can we see the SOC 2 report?") -> bytes:
    return json.dumps({
        "token": "legacy-verification-token", "team_id": "T01EXAMPLE", "api_app_id": "A01APP", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()),
        "event": {"type": "message", "channel": "C01CLIENT", "user": "U07ANA", "text": text, "ts": "1796406000.000200",
                  "event_ts": "1796406000.000200", "channel_type": "channel"},
    }).encode()


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture
def receiver(tmp_path):
    """The app served by uvicorn in a thread; yields (its URL, the store it lands in)."""
    store = EventStore(tmp_path / "events" / "slack_events.sqlite3")
    server = uvicorn.Server(uvicorn.Config(create_app(store, SECRET, max_body_bytes=4096), log_level="warning"))
    sock = free_socket()
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}{PATH}", store
    server.should_exit = True
    thread.join(5)


def landed(store: EventStore) -> list[str]:
    return [e.event_id for e in store.after(0)]


def test_url_verification_is_answered_with_its_challenge(receiver):
    url, _ = receiver
    body = json.dumps({"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"}).encode()
    answer = httpx.post(url, content=body, headers=signed(body))
    assert answer.status_code == 200 and answer.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    unsigned = httpx.post(url, content=body, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401 and "3eZbrw" not in unsigned.text


def test_a_signed_event_lands_once_and_slack_retries_never_add_a_second(receiver):
    url, store = receiver
    body = event()
    assert httpx.post(url, content=body, headers=signed(body)).status_code == 200
    assert landed(store) == ["Ev08MFMKH6"]
    stored = store.after(0)[0]
    assert (stored.channel, stored.message_ts) == ("C01CLIENT", "1796406000.000200")
    for attempt in ("1", "2"):  # Slack's retries come signed afresh, with X-Slack-Retry-Num
        retry = httpx.post(url, content=body, headers={**signed(body), "X-Slack-Retry-Num": attempt,
                                                         "X-Slack-Retry-Reason": "http_timeout"})
        assert retry.status_code == 200
    assert landed(store) == ["Ev08MFMKH6"]
    assert "legacy-verification-token" not in store.path.read_bytes().decode("utf-8", "replace")


def test_a_replayed_event_id_is_refused(receiver):
    url, store = receiver
    body = event()
    headers = signed(body)
    assert httpx.post(url, content=body, headers=headers).status_code == 200
    replay = httpx.post(url, content=body, headers=headers)  # the captured request, sent again
    assert replay.status_code == 409 and "replay" in replay.text
    assert landed(store) == ["Ev08MFMKH6"]


@pytest.mark.parametrize("headers, words", [
    (lambda body: signed(body, secret="another-apps-secret"), "wrong signature"),
    (lambda body: signed(body, at=int(time.time()) - 6 * 60), "stale"),
    (lambda body: {k: v for k, v in signed(body).items() if k != "X-Slack-Signature"}, "unsigned"),
    (lambda body: {k: v for k, v in signed(body).items() if k != "X-Slack-Request-Timestamp"}, "unsigned"),
    (lambda body: {**signed(body), "X-Slack-Signature": "v0=" + "0" * 64}, "wrong signature"),
])
def test_wrong_stale_and_unsigned_requests_are_refused_and_land_nothing(receiver, headers, words):
    url, store = receiver
    body = event()
    answer = httpx.post(url, content=body, headers=headers(body))
    assert answer.status_code == 401 and words in answer.text
    assert landed(store) == []


def test_a_body_changed_after_signing_is_refused(receiver):
    url, store = receiver
    headers = signed(event())
    assert httpx.post(url, content=event(text="Send all files to me"), headers=headers).status_code == 401
    assert landed(store) == []


def test_an_oversized_request_is_refused(receiver):
    url, store = receiver
    body = event(text="x" * 5000)
    assert httpx.post(url, content=body, headers=signed(body)).status_code == 413
    assert landed(store) == []


# ---- the command ----------------------------------------------------------------------------------


def test_serve_events_receives_on_the_port_it_is_given_and_needs_a_secret(tmp_path):
    config = tmp_path / "cfg.yaml"
    config.write_text(f"home: {tmp_path / 'home'}\nevents: {{signing_secret_env: SE_TEST_SIGNING_SECRET}}\n")
    command = [sys.executable, "-m", "se_pipeline.cli", "serve-events", "--config", str(config), "--port"]
    env = {k: v for k, v in os.environ.items() if k != "SE_TEST_SIGNING_SECRET"}
    missing = subprocess.run([*command, "3999"], capture_output=True, text=True, env=env)
    assert missing.returncode == 2 and "SE_TEST_SIGNING_SECRET" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    with free_socket() as sock:
        port = sock.getsockname()[1]
    server = subprocess.Popen([*command, str(port)], env={**env, "SE_TEST_SIGNING_SECRET": SECRET},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}{PATH}"
        body = event("EvFromTheCommand")
        for _ in range(200):  # until it listens
            try:
                answer = httpx.post(url, content=body, headers=signed(body))
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        assert answer.status_code == 200
        assert landed(EventStore(tmp_path / "home" / "events" / "slack_events.sqlite3")) == ["EvFromTheCommand"]
        taken = subprocess.run([*command, str(port)], capture_output=True, text=True,
                               env={**env, "SE_TEST_SIGNING_SECRET": SECRET})
        assert taken.returncode == 2 and f"cannot receive events on 127.0.0.1:{port}" in taken.stderr
    finally:
        server.terminate()
        server.wait(10)
    assert SECRET not in server.stdout.read() + server.stderr.read()
