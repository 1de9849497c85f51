"""The `se-pipeline` command.

run and backfill go through the Dagster definitions in assets/ (the same ones the UI shows), so this
module is the one place in se_pipeline that reaches into assets/, lazily, as the application's top.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import sys
from pathlib import Path

import duckdb

from se_pipeline.config import CONFIG_ENV, Settings
from se_pipeline.errors import SePipelineError
from se_pipeline.paths import PROJECT_ROOT
from se_pipeline.runtime import cold_start_first_day, default_day, load_runtime_settings
from se_pipeline.warehouse import read_only_connection, table_exists


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-10-31") from None


def _config_path(args: argparse.Namespace) -> str | None:
    return args.config or os.environ.get(CONFIG_ENV)


def _check_days(settings: Settings, first: dt.date, last: dt.date) -> None:
    today = dt.datetime.now(settings.tz).date()
    if first < settings.start_date:
        raise SePipelineError(
            f"{first} is before start_date {settings.start_date} in the settings: set an earlier start_date to load it"
        )
    if last > today:
        raise SePipelineError(f"{last} is in the future (today is {today} in {settings.timezone})")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days, 1 or more")
    return int(text)


def _report(outcome) -> None:
    """What a quiet run leaves out of the terminal but a user must know: warnings and quarantined records."""
    for warning in outcome.warnings:
        print(f"se-pipeline: warning: {warning}", file=sys.stderr)
    for source, count in sorted(outcome.quarantined.items()):
        print(
            f"se-pipeline: {source}: {count} record{'s' if count != 1 else ''} could not be read and went to quarantine; "
            f"see them with: se-pipeline query \"SELECT record_key, reason FROM quarantine WHERE source = '{source}'\"",
            file=sys.stderr,
        )


def _materialize(settings: Settings, args: argparse.Namespace, first: dt.date, last: dt.date) -> None:
    _check_days(settings, first, last)
    from assets.runner import materialize_days

    outcome = materialize_days(settings, _config_path(args), first, last)
    _report(outcome)
    if not outcome.success:
        details = "\n".join(f"  {e}" for e in outcome.errors) or "  (see the run's logs)"
        raise SePipelineError(
            f"run {outcome.run_id} failed for {first}..{last}:\n{details}\n"
            "the steps after a failed one did not run, so no digest was written: fix the above and run again"
        )


def _digest_text(settings: Settings, se_id: str, day: dt.date, customers: list[str] | None, html: bool = False) -> str:
    from se_pipeline.render import render_html, render_markdown
    from se_pipeline.render.publish import load_items

    se = settings.se(se_id)
    with read_only_connection(settings.database_path) as con:
        exists = table_exists(con, "digests") and con.execute(
            "SELECT count(*) FROM digests WHERE se_id = ? AND digest_date = ?", [se_id, day]
        ).fetchall()[0][0]
        if not exists:
            raise SePipelineError(f"no digest for {se_id} on {day}: run `se-pipeline run --date {day}` first")
        items = load_items(con, se_id, day.isoformat(), customers)
        if customers and not items:
            # A misspelt --customer would otherwise read as "nothing needs you".
            present = sorted({i.customer for i in load_items(con, se_id, day.isoformat()) if i.customer})
            raise SePipelineError(
                f"no customer in {se_id}'s digest for {day} matches {', '.join(map(repr, customers))} "
                f"(its customers: {', '.join(present) or 'none'})"
            )
    return render_html(items, se.name, day) if html else render_markdown(items, se.name, se_id, day)


def cmd_run(args: argparse.Namespace) -> None:
    settings = load_runtime_settings(_config_path(args))
    day = args.date or default_day(settings)
    ses = [settings.se(s) for s in args.se] if args.se else settings.sales_engineers
    first = cold_start_first_day(settings, day)
    if first < day:
        print(f"first run: loading {first}..{day} so that items still open from earlier days are known", file=sys.stderr)
    _materialize(settings, args, first, day)
    from se_pipeline.render.publish import digest_path

    for se in ses:
        if args.customer or args.se:
            print(_digest_text(settings, se.id, day, args.customer))
        print(f"digest for {se.id} ({se.name}): {digest_path(settings, day.isoformat(), se.id)}")


def _backfill_state(settings: Settings, start: dt.date, end: dt.date) -> Path:
    return settings.home / "backfills" / f"{start}_{end}.json"


def cmd_backfill(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    if args.end < args.start:
        raise SePipelineError(f"--end {args.end} is before --start {args.start}")
    settings = load_runtime_settings(_config_path(args))
    state_file = _backfill_state(settings, args.start, args.end)
    done: set[str] = set(json.loads(state_file.read_text())) if state_file.exists() and not args.restart else set()
    days = [args.start + dt.timedelta(days=i) for i in range((args.end - args.start).days + 1)]
    chunks = [days[i:i + args.days_per_run] for i in range(0, len(days), args.days_per_run)]
    if done:
        print(f"resuming: {len(done)} of {len(days)} days already done (--restart to redo them)", file=sys.stderr)
    with tqdm(total=len(days), unit="day", desc="backfill", file=sys.stderr, initial=len(done & {d.isoformat() for d in days})) as bar:
        for chunk in chunks:
            if all(d.isoformat() in done for d in chunk):
                continue
            bar.set_postfix_str(f"{chunk[0]}..{chunk[-1]}")
            _materialize(settings, args, chunk[0], chunk[-1])
            done.update(d.isoformat() for d in chunk)
            state_file.parent.mkdir(parents=True, exist_ok=True)
            state_file.write_text(json.dumps(sorted(done)))
            bar.update(len(chunk))
    print(f"backfilled {args.start}..{args.end}: digests under {settings.home / 'digests'}")


def cmd_query(args: argparse.Namespace) -> None:
    if not args.sql.strip():
        raise SePipelineError('no SQL given: se-pipeline query "SELECT …"')
    settings = load_runtime_settings(_config_path(args)) if args.config else _settings_without_demo(args)
    with read_only_connection(settings.database_path) as con:
        try:
            frame = con.execute(args.sql).df()
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            if "read-only" in message.lower():
                message += " (se-pipeline query opens the warehouse read-only: SELECT only)"
            raise SePipelineError(message) from None
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(frame.to_json(orient="records", date_format="iso", indent=2))
    else:
        # SQL NULL prints as NULL, not as pandas' nan / <NA>.
        table = frame.astype(object).where(frame.notna(), None)
        print(table.to_markdown(index=False, missingval="NULL") if len(frame) else "(no rows)")


def _settings_without_demo(args: argparse.Namespace) -> Settings:
    # query only needs the warehouse's location: no need to generate the demo workspace for it.
    from se_pipeline.config import load_settings

    return load_settings(_config_path(args))


def cmd_digest(args: argparse.Namespace) -> None:
    settings = load_runtime_settings(_config_path(args))
    day = args.date or default_day(settings)
    print(_digest_text(settings, args.se, day, args.customer, html=args.html), end="")


def cmd_reports(args: argparse.Namespace) -> None:
    from assets.runner import materialize_reports

    settings = load_runtime_settings(_config_path(args))
    day = args.week or default_day(settings)
    week_start = day - dt.timedelta(days=day.weekday())
    _check_days(settings, max(week_start, settings.start_date), day)
    outcomes = materialize_reports(settings, _config_path(args), week_start)
    for outcome in outcomes:
        _report(outcome)
    failures = [o for o in outcomes if not o.success]
    if failures:
        details = "\n".join(f"  {e}" for o in failures for e in o.errors) or "  (see the run's logs)"
        raise SePipelineError(f"reports failed:\n{details}")
    from se_pipeline.enablement.settings import feedback_settings, report_dir

    reports = settings.home / "reports"
    print(f"coaching for the week of {week_start}: {reports / 'coaching' / week_start.isoformat()}")
    print(f"enablement board and content refresh plan: {report_dir(settings.home, feedback_settings(settings))}")
    print(f"product gaps, competitor mentions and battlecards, win criteria and plans, qualification: {reports / 'se'}")


def cmd_doctor(args: argparse.Namespace) -> None:
    from se_pipeline.doctor import format_findings, run_doctor

    findings = run_doctor(load_runtime_settings(_config_path(args)))
    print(format_findings(findings))
    failed = [f for f in findings if f.status == "fail"]
    if failed:
        raise SePipelineError(f"{len(failed)} check{'s' if len(failed) != 1 else ''} failed: see the fixes above")


def cmd_ui(args: argparse.Namespace) -> None:
    from assets.runner import dagster_home

    settings = load_runtime_settings(_config_path(args))
    os.environ["DAGSTER_HOME"] = str(dagster_home(settings))
    os.chdir(PROJECT_ROOT)
    os.execvp("dagster", ["dagster", "dev", "-w", str(PROJECT_ROOT / "workspace.yaml")])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="se-pipeline", description="A sales engineer's daily digest from Slack, Gmail, Notion, usage and calls.")
    config_help = f"settings YAML (default: ${CONFIG_ENV}, else the demo workspace)"
    parser.add_argument("--config", help=config_help)
    # Also after the command (`se-pipeline run --config x.yaml`); SUPPRESS keeps a value given before it.
    config_anywhere = argparse.ArgumentParser(add_help=False)
    config_anywhere.add_argument("--config", default=argparse.SUPPRESS, help=config_help)
    commands = parser.add_subparsers(dest="command", required=True)
    add_command = functools.partial(commands.add_parser, parents=[config_anywhere])

    run = add_command("run", help="load a day and write every SE's digest")
    run.add_argument("--date", type=_date, help="the day (default: yesterday; on demo data, the demo's last day)")
    run.add_argument("--se", action="append", help="print this SE's digest (repeatable)")
    run.add_argument("--customer", action="append", help="print only this customer's part (repeatable)")
    run.set_defaults(func=cmd_run)

    backfill = add_command("backfill", help="load a range of days; resumable and idempotent")
    backfill.add_argument("--start", type=_date, required=True)
    backfill.add_argument("--end", type=_date, required=True)
    backfill.add_argument("--days-per-run", type=_positive, default=7, help="days loaded per run (API calls cover a run's range at once)")
    backfill.add_argument("--restart", action="store_true", help="redo days an interrupted backfill already finished")
    backfill.set_defaults(func=cmd_backfill)

    query = add_command("query", help="run read-only SQL on the warehouse")
    query.add_argument("sql")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.set_defaults(func=cmd_query)

    digest = add_command("digest", help="print an SE's digest")
    digest.add_argument("--se", required=True)
    digest.add_argument("--date", type=_date)
    digest.add_argument("--customer", action="append")
    digest.add_argument("--html", action="store_true", help="HTML instead of Markdown")
    digest.set_defaults(func=cmd_digest)

    reports = add_command("reports", help="coaching reports for a week, the enablement board and SE artefacts")
    reports.add_argument("--week", type=_date, help="any day of the week (default: the week of the default day)")
    reports.set_defaults(func=cmd_reports)

    doctor = add_command("doctor", help="check every configured source and say what to fix")
    doctor.set_defaults(func=cmd_doctor)

    ui = add_command("ui", help="start the Dagster UI on this project")
    ui.set_defaults(func=cmd_ui)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.config:
        # The Dagster layer reads its settings (time zone, start date) from the environment, as under `dagster dev`.
        os.environ[CONFIG_ENV] = str(Path(args.config).resolve())
    try:
        args.func(args)
    except SePipelineError as exc:
        print(f"se-pipeline: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("se-pipeline: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
