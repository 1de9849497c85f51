"""A long, sparse history through `se-pipeline backfill`: does its cost follow the data or the calendar?

    python bench/sparse_history.py [--years 10] [--density 0.06] [--home DIR]

The demo workspace (its October story) gets `--years` of earlier history at a low density: on about
`density` of the days a customer writes one or two Slack messages in its shared channel, and on about
a third as many days an SE gets a mail (the issue's real case: ~620 messages over 26 years). Every
source is in export mode. Then, each in a child process (`se-pipeline backfill` as a user runs it):

  story     the story's month alone: what the data of one month costs (the floor for the figures below)
  history   the whole span, start to end
  resume    the same command again: a finished backfill has nothing left to do

Prints wall times, Dagster runs made, rows loaded and digest files written; asserts nothing.
The issue's target: 10 years in at most 180 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from pipeline_scale import CONFIG_NAME, _write_config  # noqa: E402  (the same export-mode config)

SEED = 17


def _day_epoch(day: dt.date, hour: int, minute: int, tz: dt.tzinfo) -> float:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz).timestamp()


def add_sparse_history(root: Path, first: dt.date, last: dt.date, density: float) -> dict[str, int]:
    """Slack day files and mails on a few days of [first, last], written as the exports write them."""
    from zoneinfo import ZoneInfo

    facts = json.loads((root / "workspace.json").read_text(encoding="utf-8"))
    tz = ZoneInfo(facts["timezone"])
    rng = random.Random(SEED)
    ses = {se["slack_user_id"]: se for se in facts["sales_engineers"]}
    channels = []  # (folder, customer's Slack users, SE user ids seen there, customer's domain)
    for folder in sorted((root / "slack").glob("ext-*")):
        users = {m["user"] for f in folder.glob("*.json") for m in json.loads(f.read_text(encoding="utf-8"))
                 if m.get("user") and not m.get("subtype")}
        theirs = sorted(u for u in users if u not in ses and not u.startswith("U01"))
        ours = sorted(u for u in users if u in ses)
        if theirs and ours:
            channels.append((folder, theirs, ours))
    domains = [c["domains"][0] for c in facts["customers"] if c["domains"]]
    counts = {"slack_messages": 0, "slack_days": 0, "emails": 0}
    mails: dict[str, list[str]] = {}
    day = first
    while day <= last:
        if rng.random() < density:
            folder, theirs, ours = rng.choice(channels)
            messages = []
            for n in range(rng.randint(1, 2)):
                user = theirs[0] if n == 0 else rng.choice(ours)
                ts = f"{_day_epoch(day, 10 + n, rng.randrange(60), tz):.0f}.{n + 1:06d}"
                text = (f"Quick question on the rollout: can we move the review to next week? (#{counts['slack_messages']})"
                        if n == 0 else "Yes, that works, I'll send a new invite.")
                messages.append({"type": "message", "user": user, "text": text, "ts": ts})
            (folder / f"{day.isoformat()}.json").write_text(json.dumps(messages, indent=1), encoding="utf-8")
            counts["slack_messages"] += len(messages)
            counts["slack_days"] += 1
        if rng.random() < density / 3:
            se = rng.choice(facts["sales_engineers"])
            domain = rng.choice(domains)
            sent = dt.datetime.combine(day, dt.time(9, rng.randrange(60)), tzinfo=tz)
            number = counts["emails"]
            mails.setdefault(se["id"], []).append(
                f"From {number}@xxx {sent.astimezone(dt.timezone.utc):%a %b %d %H:%M:%S +0000 %Y}\n"
                f"Date: {email.utils.format_datetime(sent)}\n"
                f"Message-ID: <history-{number}@{domain}>\n"
                f"Subject: Renewal paperwork {number}\n"
                f"From: Pat Buyer <pat@{domain}>\n"
                f"To: {se['name']} <{se['email']}>\n"
                "Content-Type: text/plain; charset=\"utf-8\"\n\n"
                "Hi, could you send the signed order form when you have a minute?\n\nThanks, Pat\n\n"
            )
            counts["emails"] += 1
        day += dt.timedelta(days=1)
    for se_id, texts in mails.items():
        mbox = root / "gmail" / f"{se_id}.mbox"
        mbox.write_text("".join(texts) + mbox.read_text(encoding="utf-8"), encoding="utf-8")
    return counts


def _backfill(home: Path, first: dt.date, last: dt.date) -> dict:
    """`se-pipeline backfill` over [first, last] in a child process: wall time, and what it left."""
    command = ["se-pipeline", "--quiet", "backfill", "--start", first.isoformat(), "--end", last.isoformat(),
               "--config", str(home / CONFIG_NAME)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"backfill {first}..{last} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return {"seconds": seconds, **_left(home)}


def _left(home: Path) -> dict:
    import duckdb

    run_home = home / "run"
    with duckdb.connect(str(run_home / "warehouse.duckdb"), read_only=True) as con:
        rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("raw_slack_messages", "raw_gmail_messages", "activity", "signals", "digests")}
    runs = len([p for p in (run_home / "dagster" / "history" / "runs").glob("*.db")])
    digests = sum(1 for _ in (run_home / "digests").rglob("*.md"))
    return {"rows": rows, "dagster_runs": runs, "digest_files": digests}


def _fresh(home: Path) -> None:
    import shutil

    shutil.rmtree(home / "run", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=10.0, help="span of the history (the issue's size: 10)")
    parser.add_argument("--density", type=float, default=0.06, help="share of days with Slack messages")
    parser.add_argument("--home", type=Path, help="where to generate and run (default: a new temporary folder)")
    args = parser.parse_args()
    from se_pipeline.demo import generate

    home = (args.home or Path(tempfile.mkdtemp(prefix="se_sparse_"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    workspace = generate(home / "workspace")
    story_first, last = workspace.period_start, workspace.period_end
    first = last - dt.timedelta(days=round(args.years * 365.25) - 1)
    counts = add_sparse_history(workspace.root, first, story_first - dt.timedelta(days=1), args.density)
    facts = json.loads((workspace.root / "workspace.json").read_text(encoding="utf-8"))
    facts["period_start"] = first.isoformat()  # start_date of the config
    _write_config(home, workspace, facts)
    print(f"home {home}\nhistory {first}..{last} ({(last - first).days + 1} days) before the story: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))

    print(f"\n{'backfill':<34}{'seconds':>9}{'runs':>6}{'digests':>9}  rows", flush=True)
    story = _show(f"story month {story_first}..{last}", _backfill(home, story_first, last))
    _fresh(home)
    history = _show(f"history {first}..{last}", _backfill(home, first, last))
    _show("history again (resume: all done)", _backfill(home, first, last))
    print(f"\nhistory / story month: {history['seconds'] / story['seconds']:.1f}x for "
          f"{(last - first).days + 1} / {(last - story_first).days + 1} days; target: 10 years in <= 180 s")


def _show(name: str, figures: dict) -> dict:
    rows = ", ".join(f"{t} {n:,}" for t, n in figures["rows"].items())
    print(f"{name:<34}{figures['seconds']:>9.1f}{figures['dagster_runs']:>6}{figures['digest_files']:>9}  {rows}", flush=True)
    return figures


if __name__ == "__main__":
    main()
