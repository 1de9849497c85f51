"""Export -> raw -> core at scale, side by side with its floor measured in the same run.

    python bench/ingest_scale.py [--scale 0.1] [--home DIR] [--keep]

The demo generator writes a Slack export and one mbox per SE at `--scale` of the issue's full size
(40 SEs, 2700 customers, 365 days: about a million Slack messages). Each phase runs in its own child
process, so each has its own peak RSS:
  slack         the Slack export connector staged and committed into a fresh warehouse (raw_slack_*)
  slack floor   DuckDB read_json_auto over the same day files (threads=2, preserve_insertion_order=false),
                stdlib json.loads of every day file, and DuckDB read_json with the connector's columns given
  mail          the mbox connector staged and committed (raw_gmail_messages)
  mail floor    stdlib mailbox + compat32: every message parsed, its text parts decoded
  activity      the `activity` model (and the models it reads) over the whole period
  activity floor  DuckDB copying the same raw rows into a table (what any model must at least read)
  signals       refresh_signals over the whole period (one window, as a backfill in one run reads it):
                time and the step's own peak RSS (above the process's RSS before it), beside the size of
                the `activity` rows it reads
Prints figures and ratios; asserts nothing. Sizes: --scale 0.1 takes a few minutes on 2 cores.
`--signals-only` runs the signals phase alone on the warehouse an earlier run left in --home.
`--mail-only` runs the mail phase and its floor alone (on --home's workspace when --keep finds one);
`--mail-rows FILE` also writes the mail phase's raw_gmail_messages, ordered by key, to a Parquet file,
so two versions' rows can be compared.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FULL = {"ses": 40, "customers": 2700, "days": 365}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # Linux reports KiB


def _cpu_seconds() -> float:
    """CPU time of the phase's process and its workers: on a shared machine the wall time follows the load."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _settings(root: Path):
    from se_pipeline.config import Settings
    from se_pipeline.demo import load_workspace

    ws = load_workspace(root)
    settings = Settings(timezone="America/New_York", sales_engineers=ws.sales_engineers, customers=ws.customers,
                        company_domains=ws.company_domains)
    return ws, settings


def _window(ws, settings):
    from zoneinfo import ZoneInfo

    from se_pipeline.window import Window

    return Window(ws.period_start, ws.period_end, ZoneInfo(settings.timezone))


def _load(home: Path, connector, window) -> dict:
    import duckdb

    from se_pipeline.warehouse.loader import commit_staged, stage_records

    started = time.perf_counter()
    staged = stage_records(connector.source, connector.tables, window, connector.extract(window), home / "staging")
    extracted = time.perf_counter() - started
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        report = commit_staged(con, staged)
    return {"seconds": time.perf_counter() - started, "extract_stage_s": extracted,
            "rows": dict(report.rows), "quarantined": report.quarantined}


def phase_generate(home: Path, ses: int, customers: int, days: int) -> dict:
    from se_pipeline.demo import DemoScale, generate

    started = time.perf_counter()
    generate(home / "workspace", DemoScale(ses, customers, days))
    facts = json.loads((home / "workspace" / "workspace.json").read_text(encoding="utf-8"))
    return {"seconds": time.perf_counter() - started, "counts": facts["counts"]}


def phase_slack(home: Path) -> dict:
    from se_pipeline.sources.slack.export import SlackExportConnector

    ws, settings = _settings(home / "workspace")
    own = [se.slack_user_id for se in settings.sales_engineers if se.slack_user_id]
    connector = SlackExportConnector(ws.slack_dir, ws.slack_workspace, own)
    result = _load(home, connector, _window(ws, settings))
    result["day_files"] = connector.day_files_read
    return result


def phase_slack_floor(home: Path) -> dict:
    import duckdb

    files = sorted(str(p) for p in (home / "workspace" / "slack").glob("*/*.json"))
    started = time.perf_counter()
    with duckdb.connect(config={"threads": 2, "preserve_insertion_order": False}) as con:
        con.execute("CREATE TABLE m AS SELECT * FROM read_json_auto(?, format='array', filename=true)",
                    [files])
        rows = con.execute("SELECT count(*) FROM m").fetchone()[0]
    return {"seconds": time.perf_counter() - started, "rows": rows, "files": len(files)}


# The message fields the connector reads, typed: what a DuckDB read of the export would have to ask for.
MESSAGE_COLUMNS = {"ts": "VARCHAR", "thread_ts": "VARCHAR", "user": "VARCHAR", "text": "VARCHAR", "subtype": "VARCHAR",
                   "bot_id": "VARCHAR", "reply_count": "BIGINT", "attachments": "JSON", "blocks": "JSON",
                   "files": "JSON", "edited": "JSON"}


def phase_read_json_columns(home: Path) -> dict:
    import duckdb

    files = sorted(str(p) for p in (home / "workspace" / "slack").glob("*/*.json"))
    started = time.perf_counter()
    with duckdb.connect(config={"threads": 2, "preserve_insertion_order": False}) as con:
        con.execute("CREATE TABLE m AS SELECT * FROM read_json(?, format='array', columns=?, filename=true)",
                    [files, MESSAGE_COLUMNS])
        rows = con.execute("SELECT count(*) FROM m").fetchone()[0]
    return {"seconds": time.perf_counter() - started, "rows": rows}


def phase_json_floor(home: Path) -> dict:
    files = sorted((home / "workspace" / "slack").glob("*/*.json"))
    started = time.perf_counter()
    rows = sum(len(json.loads(p.read_bytes())) for p in files)
    return {"seconds": time.perf_counter() - started, "rows": rows}


def phase_mail(home: Path, rows_file: str = "") -> dict:
    import duckdb

    from se_pipeline.sources.gmail.mbox import GmailMboxConnector

    ws, settings = _settings(home / "workspace")
    boxes = {se.id: ws.root / "gmail" / f"{se.id}.mbox" for se in settings.sales_engineers}
    cpu = _cpu_seconds()
    result = _load(home, GmailMboxConnector(boxes), _window(ws, settings))
    result["cpu_s"] = _cpu_seconds() - cpu
    if rows_file:
        with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
            con.execute("COPY (SELECT * FROM raw_gmail_messages ORDER BY message_key) TO ? (FORMAT parquet)", [rows_file])
    return result


def phase_mail_floor(home: Path) -> dict:
    import mailbox
    from email import policy
    from email.parser import BytesParser

    parser = BytesParser(policy=policy.compat32)
    started, rows, cpu = time.perf_counter(), 0, _cpu_seconds()
    for path in sorted((home / "workspace" / "gmail").glob("*.mbox")):
        box = mailbox.mbox(str(path))
        for key in box.iterkeys():
            msg = parser.parsebytes(box.get_bytes(key))
            for part in msg.walk():
                if part.get_content_maintype() == "text":
                    part.get_payload(decode=True)
            rows += 1
    return {"seconds": time.perf_counter() - started, "rows": rows, "cpu_s": _cpu_seconds() - cpu}


def phase_activity(home: Path) -> dict:
    import duckdb

    from se_pipeline.models import discover_models, prepare, run_model

    ws, settings = _settings(home / "workspace")
    window = _window(ws, settings)
    models = discover_models()
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        prepare(con, settings)
        for name in ("opportunities", "customers", "customer_names"):
            run_model(con, models[name], window)
        started = time.perf_counter()
        rows = run_model(con, models["activity"], window)
        took = time.perf_counter() - started
        resolved = con.execute("SELECT count(customer) FROM activity").fetchone()[0]
    return {"seconds": took, "rows": rows, "resolved": resolved}


def phase_signals(home: Path) -> dict:
    import duckdb

    from se_pipeline.analysis import refresh_signals

    ws, settings = _settings(home / "workspace")
    window = _window(ws, settings)
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute("DROP TABLE IF EXISTS signals")  # an earlier run's: the step writes them all again
        rows, text_mb = con.execute(
            "SELECT count(*), sum(strlen(coalesce(text, ''))) / 1e6 FROM activity"
        ).fetchone()
        before = _peak_rss_mb()
        started = time.perf_counter()
        report = refresh_signals(con, window, settings)
        took = time.perf_counter() - started
    return {"seconds": took, "activity_rows": rows, "activity_text_mb": text_mb, "rss_before_mb": before,
            "signals": sum(report.raised.values())}


def phase_activity_floor(home: Path) -> dict:
    import duckdb

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        started = time.perf_counter()
        con.execute("CREATE TEMP TABLE copied AS SELECT * FROM raw_slack_messages UNION ALL BY NAME "
                    "SELECT * FROM raw_gmail_messages")
        rows = con.execute("SELECT count(*) FROM copied").fetchone()[0]
        return {"seconds": time.perf_counter() - started, "rows": rows}


PHASES = {
    "generate": phase_generate, "slack": phase_slack, "slack_floor": phase_slack_floor, "json_floor": phase_json_floor,
    "read_json_columns": phase_read_json_columns,
    "mail": phase_mail, "mail_floor": phase_mail_floor, "activity": phase_activity, "activity_floor": phase_activity_floor,
    "signals": phase_signals,
}


def _child(phase: str, home: Path, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", phase, "--home", str(home), *args],
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"phase {phase} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(label: str, mine: dict, floor: dict, unit: str, floor_label: str) -> str:
    rate = mine["n"] / mine["seconds"] if mine["seconds"] else 0
    return (f"{label:<10} {mine['seconds']:7.1f} s {rate:9,.0f} {unit}/s {mine['peak_rss_mb']:6.0f} MB | "
            f"{floor_label} {floor['seconds']:6.1f} s {floor['peak_rss_mb']:6.0f} MB | "
            f"ratio {mine['seconds'] / floor['seconds']:.1f}x")


def _print_signals(sig: dict) -> None:
    print(f"signals: {sig['signals']:,} raised over the whole period in {sig['seconds']:.1f} s; peak RSS "
          f"{sig['peak_rss_mb']:.0f} MB ({sig['peak_rss_mb'] - sig['rss_before_mb']:.0f} MB above the process before "
          f"the step) | activity read: {sig['activity_rows']:,} rows, {sig['activity_text_mb']:.0f} MB of text")


def _print_slack(home: Path) -> tuple[dict, dict]:
    slack, floor, loads = _child("slack", home), _child("slack_floor", home), _child("json_floor", home)
    columns = _child("read_json_columns", home)
    slack["n"] = slack["rows"].get("raw_slack_messages", 0)
    print(f"slack: {slack['n']:,} messages from {slack['day_files']:,} day files "
          f"(extract+stage {slack['extract_stage_s']:.1f} s), {slack['quarantined']} quarantined")
    print(_line("slack", slack, floor, "msg", "read_json_auto"))
    print(f"{'':<10} json.loads of every day file: {loads['seconds']:.1f} s "
          f"({loads['rows'] / loads['seconds']:,.0f} msg/s), ratio {slack['seconds'] / loads['seconds']:.1f}x")
    print(f"{'':<10} DuckDB read_json with the connector's columns: {columns['seconds']:.1f} s "
          f"({columns['rows'] / columns['seconds']:,.0f} msg/s), ratio {slack['seconds'] / columns['seconds']:.1f}x")
    return slack, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="fraction of 40 SEs x 2700 customers x 365 days")
    parser.add_argument("--home", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="reuse the generated workspace in --home if present")
    parser.add_argument("--signals-only", action="store_true", help="only the signals phase, on --home's warehouse")
    parser.add_argument("--mail-only", action="store_true", help="only the mail phase and its floor")
    parser.add_argument("--mail-rows", type=Path, help="write the mail phase's raw_gmail_messages to this Parquet file")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = PHASES[args.phase](args.home, *[int(a) if a.isdigit() else a for a in args.args])
        result["peak_rss_mb"] = _peak_rss_mb()
        print(json.dumps(result, default=str))
        return
    if args.signals_only:
        _print_signals(_child("signals", args.home))
        return
    home = args.home or Path(tempfile.mkdtemp(prefix="ingest-scale-"))
    home.mkdir(parents=True, exist_ok=True)
    ses = max(3, round(FULL["ses"] * min(1.0, args.scale * 4)))  # keep the SE count up: it sets the mailboxes
    customers = max(8, round(FULL["customers"] * args.scale))
    days = max(31, round(FULL["days"] * min(1.0, args.scale * 4)))
    if not (args.keep and (home / "workspace" / "workspace.json").exists()):
        gen = _child("generate", home, str(ses), str(customers), str(days))
        print(f"generated {ses} SEs, {customers} customers, {days} days in {gen['seconds']:.0f} s: {gen['counts']}")
    for stale in ("warehouse.duckdb", "warehouse.duckdb.wal"):
        (home / stale).unlink(missing_ok=True)
    if not args.mail_only:
        slack, floor = _print_slack(home)
    mail = _child("mail", home, *([str(args.mail_rows.resolve())] if args.mail_rows else []))
    mfloor = _child("mail_floor", home)
    mail["n"] = mail["rows"].get("raw_gmail_messages", 0)
    print(f"mail: {mail['n']:,} emails (extract+stage {mail['extract_stage_s']:.1f} s), {mail['quarantined']} quarantined")
    print(_line("mail", mail, mfloor, "mail", "mailbox+compat32"))
    print(f"{'':<10} CPU time (the process and its workers): {mail['cpu_s']:.1f} s beside {mfloor['cpu_s']:.1f} s, "
          f"ratio {mail['cpu_s'] / mfloor['cpu_s']:.1f}x")
    if args.mail_only:
        return
    act, afloor = _child("activity", home), _child("activity_floor", home)
    act["n"] = act["rows"]
    print(f"activity: {act['rows']:,} rows, {act['resolved']:,} resolved to a customer")
    print(_line("activity", act, afloor, "row", "copy raw rows"))
    _print_signals(_child("signals", home))
    total = slack["seconds"] + mail["seconds"] + act["seconds"]
    print(f"export -> core: {total:.1f} s, peak {max(slack['peak_rss_mb'], mail['peak_rss_mb'], act['peak_rss_mb']):.0f} MB"
          f" | floor (read_json_auto + mailbox) {floor['seconds'] + mfloor['seconds']:.1f} s"
          f" | ratio {total / (floor['seconds'] + mfloor['seconds']):.1f}x")
    print(f"(scale {args.scale}: the issue's full size is --scale 1, about 1M Slack messages; work folder {home})")


if __name__ == "__main__":
    main()
