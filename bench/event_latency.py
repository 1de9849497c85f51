"""How long new activity takes to reach the digest: a customer's Slack message posted at T, until the SE's
digest on disk holds it, through the real deployment path.

    python bench/event_latency.py [--path sensor|events|both] [--trials N] [--channels N]

A fake Slack Web API (tests/fakes/slack_server.py) holds a workspace of `--channels` channels, one of
them shared with a customer. A first run loads the days before (as `se-pipeline run --today` does).
Then a real `dagster-daemon` runs the code location with one sensor turned on, as in production:

* sensor: slack_activity polls Slack (its default interval); on a new message it asks for a run of
  the day, which the daemon queues and launches.
* events: the message is also delivered to the Slack Events API receiver (the ASGI app on
  127.0.0.1, a signed request as Slack sends it); the slack_events sensor turns the landed event
  into a run.

Each trial posts at a random moment (a message is as likely to come just after a look as just
before), then waits for the digest file to hold the message. Printed per trial: the seconds until
the sensor asked for the run, until the run started, until the digest held the message, and the
Slack API calls spent in that time (the sensor's looks and the run's reads). Targets: 2 minutes with
the sensor's default interval, 30 seconds through events.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter  # noqa: E402
from dagster._core.scheduler.instigation import InstigatorType  # noqa: E402

from se_pipeline.config import CONFIG_ENV, load_settings  # noqa: E402
from se_pipeline.events.landing import EventStore, landing_path  # noqa: E402
from se_pipeline.events.receiver import PATH, create_app  # noqa: E402
from se_pipeline_assets.runner import dagster_home, materialize_days  # noqa: E402
from se_pipeline_assets.sensors import EVENTS_INTERVAL  # noqa: E402
from se_pipeline.sources.slack.watch import INTERVAL as SLACK_INTERVAL  # noqa: E402
from tests.fakes.slack_server import FakeSlack, slack_message, slack_user  # noqa: E402

TOKEN_ENV, SECRET_ENV = "BENCH_SLACK_TOKEN", "BENCH_SLACK_SIGNING_SECRET"
SECRET = "bench-signing-secret-not-a-real-one"
TZ = "America/New_York"
TARGETS = {"sensor": 120.0, "events": 30.0}
# One question per trial: the same question twice is one digest line, and a customer's Todo shows 7.
QUESTIONS = [
    "Does the pilot support SAML single sign-on with our IdP?",
    "Can we export the audit logs to our SIEM?",
    "Is there an EU data residency option for the pilot tenant?",
    "What rate limit applies to the bulk import API?",
    "Can the collector run on ARM hosts?",
]
SENSORS = {"sensor": ("slack_activity", SLACK_INTERVAL), "events": ("slack_events", EVENTS_INTERVAL)}
CODE = ["-m", "se_pipeline_assets.definitions", "-a", "defs"]


def ts(moment: dt.datetime) -> str:
    return f"{moment.timestamp():.6f}"


def workspace(home: Path, slack: FakeSlack, channels: int) -> Path:
    """The fake workspace (the SE welcomed the customer two days ago) and settings that read it."""
    slack.add_user(slack_user("U01SAM", "sam", "Sam Roe", "sam@ours.example"))
    slack.add_user(slack_user("U07ANA", "ana", "Ana Diaz", "ana@client.example"))
    slack.add_channel("C01CLIENT", "ext-client-pilot", is_ext_shared=True, is_shared=True)
    for n in range(channels - 1):
        slack.add_channel(f"C9{n:04d}", f"proj-internal-{n}")
    slack.add_message("C01CLIENT", slack_message(ts(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)), "U01SAM",
                                                 "Welcome to the pilot channel!"))
    config = home / "se-pipeline.yaml"
    config.write_text(
        f"home: {home / 'home'}\ntimezone: {TZ}\nstart_date: {dt.date.today() - dt.timedelta(days=30)}\n"
        "company_domains: [ours.example]\n"
        "sales_engineers: [{id: sam, name: Sam Roe, email: sam@ours.example, slack_user_id: U01SAM}]\n"
        "customers: [{name: Client Co, aliases: [client], domains: [client.example]}]\n"
        f"sources:\n  slack: {{mode: api, token_env: {TOKEN_ENV}, base_url: '{slack.base_url}', workspace: ours}}\n"
        f"events: {{signing_secret_env: {SECRET_ENV}}}\n"
    )
    return config


def signed_event(event_id: str, message: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"type": "event_callback", "team_id": "T01EXAMPLE", "event_id": event_id,
                       "event_time": int(time.time()), "event": {**message, "channel": "C01CLIENT"}}).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return body, {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}",
                  "Content-Type": "application/json"}


class Receiver:
    """The Events API receiver served on 127.0.0.1 in a thread."""

    def __init__(self, store: EventStore):
        import socket

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}{PATH}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(store, SECRET, 1_048_576), log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(5)


def last_tick(instance: DagsterInstance, sensor: str) -> float | None:
    for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
        if state.name == sensor and state.instigator_data is not None:
            return state.instigator_data.last_tick_timestamp
    return None


def wait_for(what: str, check, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise SystemExit(f"bench: gave up waiting for {what} after {timeout:.0f}s")


def trial(n: int, slack: FakeSlack, receiver: Receiver | None, instance: DagsterInstance, digest: Path,
          interval: int) -> dict:
    time.sleep(random.uniform(0, interval))  # the message comes at any moment between two looks
    text = QUESTIONS[n - 1]
    calls_before = len(slack.requests)
    posted = dt.datetime.now(dt.timezone.utc)
    message = slack_message(ts(posted), "U07ANA", text)
    slack.add_message("C01CLIENT", message)
    if receiver is not None:
        body, headers = signed_event(f"EvBench{n}{int(posted.timestamp())}", message)
        started = time.monotonic()
        answer = httpx.post(receiver.url, content=body, headers=headers)
        answered = time.monotonic() - started
        assert answer.status_code == 200, answer.text
    held = wait_for("the digest to hold the message", lambda: digest.exists() and text in digest.read_text(), 600, 0.1)
    done = dt.datetime.now(dt.timezone.utc)
    assert held
    runs = [r for r in instance.get_run_records(RunsFilter(statuses=[DagsterRunStatus.SUCCESS, DagsterRunStatus.STARTED]))
            if r.create_timestamp >= posted]
    run = min(runs, key=lambda r: r.create_timestamp) if runs else None
    calls = Counter(method for method, _ in slack.requests[calls_before:])
    return {
        "total": (done - posted).total_seconds(),
        "asked": (run.create_timestamp - posted).total_seconds() if run else float("nan"),
        "started": (dt.datetime.fromtimestamp(run.start_time, dt.timezone.utc) - posted).total_seconds()
        if run and run.start_time else float("nan"),
        "calls": calls,
        "answered": answered if receiver is not None else None,
    }


@contextlib.contextmanager
def running_daemon(home: Path, sensor: str) -> Iterator[None]:
    """`dagster-daemon run` on the code location, with `sensor` turned on; stopped on the way out, with the
    code servers it started (its own session)."""
    with open(home / "daemon.log", "w") as log:
        daemon = subprocess.Popen([shutil.which("dagster-daemon") or "dagster-daemon", "run", *CODE],
                                  cwd=home, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            subprocess.run([shutil.which("dagster") or "dagster", "sensor", "start", sensor, *CODE],
                           cwd=home, check=True, capture_output=True)
            yield
        finally:
            daemon.terminate()
            try:
                daemon.wait(30)
            except subprocess.TimeoutExpired:
                daemon.kill()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(daemon.pid, signal.SIGTERM)
                for _ in range(100):  # gone before its home is removed
                    os.killpg(daemon.pid, 0)
                    time.sleep(0.1)


def measure(path: str, trials: int, channels: int) -> list[dict]:
    sensor, interval = SENSORS[path]
    home = Path(tempfile.mkdtemp(prefix=f"se-latency-{path}-"))
    try:
        with FakeSlack() as slack:
            config = workspace(home, slack, channels)
            os.environ.update({TOKEN_ENV: slack.token, SECRET_ENV: SECRET, CONFIG_ENV: str(config)})
            settings = load_settings(config)
            os.environ.pop("DAGSTER_HOME", None)  # this path's own instance, under its home
            os.environ["DAGSTER_HOME"] = str(dagster_home(settings))
            today = dt.datetime.now(settings.tz).date()
            first = materialize_days(settings, today - dt.timedelta(days=2), today)
            assert first.success, first.errors
            digest = settings.home / "digests" / today.isoformat() / "sam.md"
            receiver = Receiver(EventStore(landing_path(settings))) if path == "events" else contextlib.nullcontext()
            with running_daemon(home, sensor), DagsterInstance.get() as instance, receiver as listening:
                wait_for(f"the {sensor} sensor's first look", lambda: last_tick(instance, sensor), 300)
                results = []
                for n in range(1, trials + 1):
                    results.append(trial(n, slack, listening, instance, digest, interval))
                    show(path, n, results[-1])
            return results
    finally:
        shutil.rmtree(home, ignore_errors=True)


def show(path: str, n: int, r: dict) -> None:
    calls = ", ".join(f"{m} {c}" for m, c in sorted(r["calls"].items()))
    answered = f", receiver answered in {r['answered'] * 1000:.0f} ms" if r["answered"] is not None else ""
    print(f"{path} #{n}: run asked after {r['asked']:.1f}s, started after {r['started']:.1f}s, in the digest after "
          f"{r['total']:.1f}s{answered}; Slack API calls: {sum(r['calls'].values())} ({calls})", flush=True)


def main() -> None:
    # Stopped with a signal, still stop the daemon (the finally blocks run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", choices=["sensor", "events", "both"], default="both")
    parser.add_argument("--trials", type=int, default=3, choices=range(1, len(QUESTIONS) + 1),
                        help=f"messages posted, one after the other (at most {len(QUESTIONS)})")
    parser.add_argument("--channels", type=int, default=10, help="channels the bot is in (a sensor look reads each)")
    args = parser.parse_args()
    for path in (["sensor", "events"] if args.path == "both" else [args.path]):
        sensor, interval = SENSORS[path]
        print(f"{path}: the {sensor} sensor every {interval}s, {args.channels} channels, {args.trials} trials", flush=True)
        results = measure(path, args.trials, args.channels)
        totals = [r["total"] for r in results]
        verdict = "within" if max(totals) <= TARGETS[path] else "OVER"
        print(f"{path}: in the digest after median {statistics.median(totals):.1f}s, worst {max(totals):.1f}s "
              f"({verdict} the {TARGETS[path]:.0f}s target); Slack API calls per trial: median "
              f"{statistics.median(sum(r['calls'].values()) for r in results):.0f}\n", flush=True)


if __name__ == "__main__":
    main()
