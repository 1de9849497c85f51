"""Slack API calls per daily run, and late replies kept, over 104 daily windows against the fake Slack.

    python bench/slack_api_calls.py [--scale 1.0] [--days 104] [--seed 7]

A history is generated (seeded): `--scale` x (6 channels, 700 users, ~80 top-level messages a day,
~260 replies in the measured days, a tenth of them posted more than 14 days after their parent, up to
60 days). The fake Slack (tests/fakes/slack_server.py) answers with a clock set at 06:00 the morning
after each day, so a run sees only what was posted by then, as the 06:00 schedule does. The 30 days
before the measured ones are loaded first in one run, as a backfill before the schedule starts (its
calls are printed apart); then each day is loaded as a daily run does (the connector recalls the
warehouse, extracts the day, the loader commits it), into the same warehouse.

Printed: calls per method over all runs; the floor per run (channels with activity + threads with new
replies + pages of users when users changed + 2, summed over the runs) and the ratio of calls to it;
replies stored against the replies posted in the measured days; seconds per run. The peer figure from
issue 17 (dlt's verified Slack source on 104 days of a real export: 760 calls, 109/257 late replies)
is printed for reference, not re-measured.

To measure the code before a change, put its checkout first on PYTHONPATH (this script then imports
only the fake from its own tree): PYTHONPATH=/work/wt-integ python bench/slack_api_calls.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # appended: a checkout on PYTHONPATH provides se_pipeline…

import duckdb  # noqa: E402

from se_pipeline.sources.slack.connector import ReadOnlyWebClient, SlackApiConnector  # noqa: E402
from se_pipeline.warehouse import load_records  # noqa: E402
from se_pipeline.window import Window  # noqa: E402

sys.path.insert(0, str(ROOT))  # …and the fake (with its clock) always comes from this tree
from tests.fakes.slack_server import FakeSlack, slack_message, slack_user  # noqa: E402

TZ = ZoneInfo("America/New_York")
FIRST_DAY = dt.date(2026, 3, 2)
LEAD_IN_DAYS = 30  # history before the measured days: old threads can get late replies
PEER = "dlt verified source (issue 17, real export): 760 calls, 109/257 late replies kept, 2.3 s/run"


def ts_at(moment: dt.datetime, seq: int) -> str:
    return f"{int(moment.timestamp())}.{seq:06d}"


def generate(fake: FakeSlack, days: int, scale: float, rng: random.Random) -> tuple[list[str], list[str]]:
    """Fill the fake; return the channel ids and the ts of every reply, for counting."""
    n_users, n_channels = max(3, int(700 * scale)), max(1, int(6 * scale))
    for i in range(n_users):
        fake.add_user(slack_user(f"U{i:05d}", f"user{i}", f"User {i}", f"user{i}@example.com"))
    channels = [f"C{i:04d}" for i in range(n_channels)]
    for channel in channels:
        fake.add_channel(channel, f"ext-customer-{channel.lower()}", created=1700000000)
    seq = 0
    replies: list[str] = []
    start = dt.datetime.combine(FIRST_DAY - dt.timedelta(days=LEAD_IN_DAYS), dt.time(), TZ)
    end = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=days), dt.time(), TZ)
    per_channel_day = 80 / 6
    for day in range(LEAD_IN_DAYS + days):
        for channel in channels:
            # Channels are busy some days and quiet on others (weekends, a quiet account).
            busy = rng.random() < 0.6
            for _ in range(rng.randint(0, int(2 * per_channel_day)) if busy else 0):
                seq += 1
                posted = start + dt.timedelta(days=day, seconds=rng.randint(8 * 3600, 20 * 3600))
                parent = ts_at(posted, seq)
                author = f"U{rng.randrange(n_users):05d}"
                fake.add_message(channel, slack_message(parent, author, f"message {seq}"))
                if rng.random() >= 0.025:
                    continue
                # A thread: a few replies, mostly within hours, some days later, a tenth weeks later.
                for _ in range(rng.randint(1, 4)):
                    late = rng.random()
                    delay = (dt.timedelta(minutes=rng.randint(5, 600)) if late < 0.6 else
                             dt.timedelta(days=rng.randint(1, 13), minutes=rng.randint(0, 600)) if late < 0.9 else
                             dt.timedelta(days=rng.randint(15, 60), minutes=rng.randint(0, 600)))
                    when = posted + delay
                    if when >= end:
                        continue
                    seq += 1
                    reply = ts_at(when, seq)
                    fake.add_message(channel, slack_message(reply, f"U{rng.randrange(n_users):05d}", f"reply {seq}",
                                                            thread_ts=parent, parent_user_id=author))
                    replies.append(reply)
    return channels, replies


def make_connector(fake: FakeSlack) -> SlackApiConnector:
    return SlackApiConnector(ReadOnlyWebClient(fake.token, fake.base_url, max_retries=2), workspace="bench")


def floor_for(fake: FakeSlack, window: Window) -> int:
    """The calls the day's data needs: channels with activity + threads with new replies + pages of users
    that changed (none here: the generated users never change, and the backfill listed them) + 2."""
    lo, hi = window.start.timestamp(), window.end.timestamp()
    channels, threads = set(), set()
    for channel, messages in fake.messages.items():
        for m in messages:
            if lo <= float(m["ts"]) < hi:
                channels.add(channel)
                if m.get("thread_ts") and m["thread_ts"] != m["ts"]:
                    threads.add((channel, m["thread_ts"]))
    return len(channels) + len(threads) + 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--days", type=int, default=104)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    recalls = hasattr(SlackApiConnector, "recall")
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as scratch:
        channels, replies = generate(fake, args.days, args.scale, rng)
        con = duckdb.connect(str(Path(scratch) / "bench.duckdb"))
        first = dt.datetime.combine(FIRST_DAY, dt.time(), TZ).timestamp()
        last = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=args.days), dt.time(), TZ).timestamp()
        expected = [r for r in replies if first <= float(r) < last]
        late = {r for r in expected if _late(fake, r)}
        first_late = _first_replies(fake) & late
        print(f"history: {len(channels)} channels, {len(fake.users)} users, "
              f"{sum(len(m) for m in fake.messages.values())} messages; {len(expected)} replies in the "
              f"{args.days} measured days, {len(late)} of them > 14 days after their parent"
              f" (code: {inspect.getsourcefile(SlackApiConnector)})")
        lead_in = Window(FIRST_DAY - dt.timedelta(days=LEAD_IN_DAYS), FIRST_DAY - dt.timedelta(days=1), TZ)
        fake.now = ts_at(dt.datetime.combine(FIRST_DAY, dt.time(6), TZ), 0)
        _load(con, fake, lead_in, recalls, Path(scratch))
        print(f"backfill of the {LEAD_IN_DAYS} days before, one run: {len(fake.requests)} calls")
        floor = 0
        seconds = []
        before = len(fake.requests)
        for offset in range(args.days):
            day = FIRST_DAY + dt.timedelta(days=offset)
            window = Window.for_day(day, TZ)
            fake.now = ts_at(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(6), TZ), 0)
            floor += floor_for(fake, window)
            began = time.perf_counter()
            _load(con, fake, window, recalls, Path(scratch))
            seconds.append(time.perf_counter() - began)
        calls = Counter(method for method, _ in fake.requests[before:])
        stored = {row[0] for row in con.execute("SELECT ts FROM raw_slack_messages WHERE is_reply").fetchall()}
        total = sum(calls.values())
        print(f"calls over {args.days} daily runs: {total} "
              + " ".join(f"{method}={n}" for method, n in sorted(calls.items())))
        print(f"floor (channels with activity + threads with new replies + changed user pages + 2): {floor}; "
              f"calls / floor = {total / floor:.2f}")
        print(f"replies stored: {len(stored & set(expected))}/{len(expected)}; "
              f"late (> 14 days) kept: {len(stored & late)}/{len(late)}, of which a thread's first reply: "
              f"{len(stored & first_late)}/{len(first_late)}")
        seconds.sort()
        print(f"seconds per run: median {seconds[len(seconds) // 2]:.3f}, max {seconds[-1]:.3f}")
        print(f"peer: {PEER}")


def _load(con: duckdb.DuckDBPyConnection, fake: FakeSlack, window: Window, recalls: bool, scratch: Path) -> None:
    connector = make_connector(fake)
    if recalls:
        connector.recall(con, window)
    load_records(con, "slack", connector.tables, window, connector.extract(window), scratch)


def _first_replies(fake: FakeSlack) -> set[str]:
    first: dict[tuple[str, str], str] = {}
    for channel, messages in fake.messages.items():
        for m in messages:
            if m.get("thread_ts") and m["thread_ts"] != m["ts"]:
                key = (channel, m["thread_ts"])
                if key not in first or float(m["ts"]) < float(first[key]):
                    first[key] = m["ts"]
    return set(first.values())


def _late(fake: FakeSlack, reply: str) -> bool:
    for messages in fake.messages.values():
        for m in messages:
            if m["ts"] == reply:
                return float(reply) - float(m["thread_ts"]) > 14 * 86400
    return False


if __name__ == "__main__":
    main()
