"""The `se-pipeline` command.

run and backfill go through the Dagster definitions in se_pipeline_assets (the same ones the UI
shows), so this module is the one place in se_pipeline that reaches into that layer, lazily, as
the application's top. Everything heavy (pandas, pydantic, Dagster) is imported inside the command
that needs it, so `--help` and `--version` answer at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import logging
import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from se_pipeline.envvars import CONFIG_ENV, DAGSTER_HOME_ENV, HOME_ENV, PLANNED_EVENTS_ENV
from se_pipeline.errors import SePipelineError

if TYPE_CHECKING:
    from se_pipeline.config import SalesEngineer, Settings

DATE = "YYYY-MM-DD"
DEFAULT_UI_PORT = 3000
DEFAULT_EVENTS_PORT = 3001


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-10-31 ({DATE})") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days, 1 or more")
    return int(text)


_PERIOD = re.compile(r"(\d+)([mhd])")
_PERIOD_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def period(text: str) -> dt.timedelta:
    """'24h', '90m', '2d': a period up to now."""
    match = _PERIOD.fullmatch(text.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a period like 24h, 90m or 2d (minutes, hours or days)")
    return dt.timedelta(**{_PERIOD_UNITS[match.group(2)]: int(match.group(1))})


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (1-65535)")
    return int(text)


def _config_path(args: argparse.Namespace) -> str | None:
    """The settings file given (--config, else $SE_PIPELINE_CONFIG), or None."""
    return args.config or os.environ.get(CONFIG_ENV) or None


def _settings_path(args: argparse.Namespace) -> str:
    """The settings file given, else the demo workspace's, generated into the home on first use."""
    given = _config_path(args)
    if given:
        return given
    from se_pipeline.config import load_settings
    from se_pipeline.demo import ensure_demo_settings

    return str(ensure_demo_settings(load_settings().home))  # the home: $SE_PIPELINE_HOME, else the default


def _settings(args: argparse.Namespace) -> Settings:
    from se_pipeline.config import load_settings

    return load_settings(_settings_path(args))


def _note(args: argparse.Namespace, text: str) -> None:
    """Progress and context for a person at the terminal; -q leaves them out."""
    if not args.quiet:
        print(text, file=sys.stderr)


def _dagster_log_level(args: argparse.Namespace) -> str:
    return {0: "CRITICAL", 1: "INFO"}.get(args.verbose, "DEBUG")


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.ERROR if args.quiet else {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="se-pipeline: %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("se_pipeline").setLevel(level)


def _today(settings: Settings) -> dt.date:
    return dt.datetime.now(settings.tz).date()


def _check_days(settings: Settings, first: dt.date, last: dt.date) -> None:
    """Refuse, before any work, a range that reaches before start_date or into the future."""
    today = _today(settings)
    if first < settings.start_date:
        raise SePipelineError(
            f"{first} is before start_date {settings.start_date} in the settings: set an earlier start_date to load it"
        )
    if last > today:
        raise SePipelineError(f"{last} is in the future (today is {today} in {settings.timezone})")


def _shared_environment(settings: Settings, config_path: str | None) -> dict[str, str]:
    """What every process of this project (the CLI's runs, the UI, its code server, `dagster …`) must
    agree on, as absolute paths, so that the working directory does not matter."""
    from se_pipeline_assets.runner import dagster_home

    env = {HOME_ENV: str(settings.home.resolve()), DAGSTER_HOME_ENV: str(dagster_home(settings)), PLANNED_EVENTS_ENV: "1"}
    if config_path:
        env[CONFIG_ENV] = str(Path(config_path).resolve())
    return env


def _say_dagster_home(args: argparse.Namespace) -> None:
    if args.dagster_home_given:
        from se_pipeline_assets.runner import pool_limit_note

        _note(args, f"using the Dagster instance in DAGSTER_HOME={args.dagster_home_given} (from the environment)")
        note = pool_limit_note(Path(args.dagster_home_given))
        if note:
            print(f"se-pipeline: warning: {note}", file=sys.stderr)


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


def _full_refresh(args: argparse.Namespace) -> frozenset[str]:
    """The SQL models --full-refresh names (every one when it names none)."""
    if args.full_refresh is None:
        return frozenset()
    from se_pipeline.models import discover_models

    models = discover_models()
    unknown = sorted(set(args.full_refresh) - models.keys())
    if unknown:
        raise SePipelineError(f"--full-refresh: no SQL model named {', '.join(unknown)} (the models: {', '.join(models)})")
    return frozenset(args.full_refresh or models)


def _materialize(settings: Settings, args: argparse.Namespace, first: dt.date, last: dt.date,
                 deliver: bool = True) -> list[str]:
    """Run the daily job; the delivery errors of a run whose digests were all written (else it raises)."""
    from se_pipeline_assets.runner import materialize_days

    outcome = materialize_days(settings, first, last, log_level=_dagster_log_level(args),
                               deliver=deliver, full_refresh=_full_refresh(args))
    _report(outcome)
    if outcome.only_delivery_failed:
        return outcome.errors
    if not outcome.success:
        details = "\n".join(f"  {e}" for e in outcome.errors) or "  (see the run's logs)"
        raise SePipelineError(
            f"run {outcome.run_id} failed for {first}..{last}:\n{details}\n"
            "the steps after a failed one did not run, so no digest was written: fix the above and run again"
        )
    return []


# ---- digests ----------------------------------------------------------------------------------


@dataclass
class _Stored:
    items: list  # the digest's items (only some customers' when asked)
    customers: list[str]  # every customer of the digest
    as_of: dt.datetime | None  # a "so far" digest's time, in the settings' time zone


def _stored_items(settings: Settings, se_id: str, day: dt.date, customers: list[str] | None) -> _Stored:
    """se_id's digest for day (only `customers`' items if given)."""
    from se_pipeline.render import load_items
    from se_pipeline.warehouse import read_only_connection, table_exists

    with read_only_connection(settings.database_path) as con:
        # SELECT *: a warehouse from before the as_of column still reads (its digests are whole days).
        found = con.execute(
            "SELECT * FROM digests WHERE se_id = ? AND digest_date = ?", [se_id, day]
        ).fetchall() if table_exists(con, "digests") else []
        if not found:
            raise SePipelineError(f"no digest for {se_id} on {day}: run `se-pipeline run --date {day}` first")
        as_of = dict(zip([c[0] for c in con.description], found[0], strict=True)).get("as_of")
        everything = load_items(con, se_id, day.isoformat())
        items = load_items(con, se_id, day.isoformat(), customers) if customers else everything
    return _Stored(items, sorted({i.customer for i in everything if i.customer}), as_of.astimezone(settings.tz) if as_of else None)


def _render(stored: _Stored, se: SalesEngineer, day: dt.date, html: bool = False) -> str:
    from se_pipeline.render import render_html, render_markdown

    if html:
        return render_html(stored.items, se.name, day, stored.as_of)
    return render_markdown(stored.items, se.name, se.id, day, stored.as_of)


def _no_such_customer(se_ids: list[str], day: dt.date, customers: list[str], present: list[str]) -> SePipelineError:
    # A misspelt --customer would otherwise read as "nothing needs you".
    whose, its = (f"{se_ids[0]}'s digest", "its") if len(se_ids) == 1 else (f"the digests of {', '.join(se_ids)}", "their")
    return SePipelineError(
        f"no customer in {whose} for {day} matches {', '.join(map(repr, customers))} "
        f"({its} customers: {', '.join(present) or 'none'})"
    )


def _run_days(settings: Settings, args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    """The first and last day `run` loads: --date's day, today (--today), or the days --since's period touches."""
    from se_pipeline.runtime import default_day
    from se_pipeline.window import since

    if args.today:
        return _today(settings), _today(settings)
    if args.since:
        window = since(dt.datetime.now(settings.tz), args.since, settings.tz)
        return window.first_day, window.last_day
    day = args.date or default_day(settings)
    return day, day


def cmd_run(args: argparse.Namespace) -> None:
    from se_pipeline.render import digest_path
    from se_pipeline.runtime import cold_start_first_day

    settings = _settings(args)
    asked, day = _run_days(settings, args)
    ses = [settings.se(s) for s in args.se] if args.se else settings.sales_engineers
    first = cold_start_first_day(settings, asked)
    _check_days(settings, first, day)
    _say_dagster_home(args)
    if first < asked:
        _note(args, f"first run: loading {first}..{day} so that items still open from earlier days are known")
    undelivered = _materialize(settings, args, first, day)
    if args.customer:
        _print_customer_parts(args, settings, ses, day)
    for se in ses:
        if args.se and not args.customer:
            print(_render(_stored_items(settings, se.id, day, None), se, day))
        print(f"digest for {se.id} ({se.name}): {digest_path(settings, day.isoformat(), se.id)}")
    if undelivered:
        details = "\n".join(f"  {e}" for e in undelivered)
        raise SePipelineError(f"the digests are written, but delivering them failed:\n{details}\n"
                              "fix the above and run the same command again: what went already is not sent twice")


def _print_customer_parts(args: argparse.Namespace, settings: Settings, ses: list, day: dt.date) -> None:
    """--customer on run: the part of each SE's digest that has the customer; say whose have none."""
    found: list[tuple[SalesEngineer, _Stored]] = []
    without: list[tuple[SalesEngineer, _Stored]] = []
    present: set[str] = set()
    for se in ses:
        stored = _stored_items(settings, se.id, day, args.customer)
        present.update(stored.customers)
        (found if stored.items else without).append((se, stored))
    if not found:
        raise _no_such_customer([se.id for se in ses], day, args.customer, sorted(present))
    names = ", ".join(map(repr, args.customer))
    shown = ", ".join(se.id for se, _ in found)
    _note(args, f"--customer {names}: in the digest of {shown}" + (
        f"; not in that of {', '.join(se.id for se, _ in without)}" if without else ""))
    for se, stored in found:
        print(_render(stored, se, day))


def cmd_digest(args: argparse.Namespace) -> None:
    from se_pipeline.runtime import default_day

    settings = _settings(args)
    day = args.date or default_day(settings)
    se = settings.se(args.se)
    stored = _stored_items(settings, se.id, day, args.customer)
    if args.customer and not stored.items:
        raise _no_such_customer([se.id], day, args.customer, stored.customers)
    print(_render(stored, se, day, html=args.html), end="")


# ---- backfill ---------------------------------------------------------------------------------


def _backfill_state(settings: Settings, start: dt.date, end: dt.date) -> Path:
    return settings.home / "backfills" / f"{start}_{end}.json"


# A backfill's runs follow its data: the first covers a month, each next one as many days as should hold
# about RUN_ACTIVITY_ROWS activity rows at the density seen so far (signals read a run's activity into
# memory), from a week to a year. Sparse years then load in a few runs, a dense quarter in many.
FIRST_RUN_DAYS = 31
RUN_DAYS = (7, 366)
RUN_ACTIVITY_ROWS = 50_000


def next_run_days(activity_rows: int, days: int) -> int:
    """How many days the next run covers after one of `days` days loaded `activity_rows` activity rows."""
    wanted = RUN_DAYS[1] if activity_rows == 0 else RUN_ACTIVITY_ROWS * days // activity_rows
    return max(RUN_DAYS[0], min(RUN_DAYS[1], wanted))


def _activity_rows(settings: Settings, first: dt.date, last: dt.date) -> int:
    from se_pipeline.warehouse import read_only_connection, table_exists

    with read_only_connection(settings.database_path) as con:
        if not table_exists(con, "activity"):
            return 0
        return con.execute("SELECT count(*) FROM activity WHERE activity_date BETWEEN ? AND ?", [first, last]).fetchall()[0][0]


def _load_history(settings: Settings, args: argparse.Namespace, first: dt.date, last: dt.date,
                  full_refresh: frozenset[str]) -> None:
    from se_pipeline_assets.runner import load_history_days

    outcome = load_history_days(settings, first, last, args.end, log_level=_dagster_log_level(args),
                                full_refresh=full_refresh)
    _report(outcome)
    if not outcome.success:
        details = "\n".join(f"  {e}" for e in outcome.errors) or "  (see the run's logs)"
        raise SePipelineError(f"run {outcome.run_id} failed for {first}..{last}:\n{details}\n"
                              "fix the above and run the same command again: the days already loaded are kept")


def cmd_backfill(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    if args.end < args.start:
        raise SePipelineError(f"--end {args.end} is before --start {args.start}")
    settings = _settings(args)
    _check_days(settings, args.start, args.end)  # the whole range, before minutes of work
    _say_dagster_home(args)
    state_file = _backfill_state(settings, args.start, args.end)
    done: set[str] = set(json.loads(state_file.read_text())) if state_file.exists() and not args.restart else set()
    days = [args.start + dt.timedelta(days=i) for i in range((args.end - args.start).days + 1)]
    if done:
        _note(args, f"resuming: {len(done)} of {len(days)} days already done (--restart to redo them)")
    todo = [d for d in days if d.isoformat() not in done]
    run_days = args.days_per_run or FIRST_RUN_DAYS
    full_refresh = _full_refresh(args)  # the first run rebuilds them; later runs add their days
    with tqdm(total=len(days), unit="day", desc="backfill", file=sys.stderr, initial=len(days) - len(todo),
              disable=args.quiet) as bar:
        while todo:
            # A run covers consecutive days not yet done (a resumed backfill skips what finished).
            chunk = [todo[0]]
            while len(chunk) < run_days and len(chunk) < len(todo) and todo[len(chunk)] == chunk[-1] + dt.timedelta(days=1):
                chunk.append(todo[len(chunk)])
            bar.set_postfix_str(f"{chunk[0]}..{chunk[-1]}")
            _load_history(settings, args, chunk[0], chunk[-1], full_refresh)
            full_refresh = frozenset()
            done.update(d.isoformat() for d in chunk)
            state_file.parent.mkdir(parents=True, exist_ok=True)
            state_file.write_text(json.dumps(sorted(done)))
            bar.update(len(chunk))
            todo = todo[len(chunk):]
            if not args.days_per_run:
                run_days = next_run_days(_activity_rows(settings, chunk[0], chunk[-1]), len(chunk))
    print(f"backfilled {args.start}..{args.end}: digests under {settings.home / 'digests'} "
          "(for the days with activity, and the last)")


# ---- query, reports, doctor -------------------------------------------------------------------


def cmd_query(args: argparse.Namespace) -> None:
    from se_pipeline import query
    from se_pipeline.config import load_settings
    from se_pipeline.warehouse import read_only_connection

    statements = query.split_statements(args.sql)
    # query only needs the warehouse's location: no need to generate the demo workspace for it.
    settings = load_settings(_config_path(args))
    with read_only_connection(settings.database_path) as con:
        results = query.run(con, statements)
    query.render(results, args.format, sys.stdout)


def report_week(settings: Settings, week: dt.date | None) -> dt.date:
    """The Monday of the week reports are for: `week`'s, else the last complete week of the default day.

    Weekly partitions exist for complete weeks from the one holding start_date: any other is refused.
    """
    from se_pipeline.runtime import default_day

    today = _today(settings)
    last_complete = today - dt.timedelta(days=today.weekday() + 7)
    first = settings.start_date - dt.timedelta(days=settings.start_date.weekday())
    if week is None:
        day = default_day(settings)
        start = min(day - dt.timedelta(days=day.weekday()), last_complete)
        if start < first:
            raise SePipelineError(
                f"no complete week since start_date {settings.start_date} yet: the first one ends on {first + dt.timedelta(days=6)}"
            )
        return start
    start = week - dt.timedelta(days=week.weekday())
    if start > last_complete:
        raise SePipelineError(
            f"the week of {start} ends on {start + dt.timedelta(days=6)}: reports cover complete weeks, "
            f"the last of which began on {last_complete}"
        )
    if start < first:
        raise SePipelineError(
            f"the week of {start} is before the first week, which begins on {first} (start_date {settings.start_date})"
        )
    return start


def cmd_reports(args: argparse.Namespace) -> None:
    from se_pipeline_assets.runner import materialize_reports

    settings = _settings(args)
    week_start = report_week(settings, args.week)
    _say_dagster_home(args)
    _note(args, f"reports for the week of {week_start}..{week_start + dt.timedelta(days=6)}")
    outcomes = materialize_reports(settings, week_start, log_level=_dagster_log_level(args))
    for outcome in outcomes:
        _report(outcome)
    failures = [o for o in outcomes if not o.success]
    if failures:
        details = "\n".join(f"  {e}" for o in failures for e in o.errors) or "  (see the run's logs)"
        raise SePipelineError(f"reports failed:\n{details}")
    from se_pipeline.sources.feedback import feedback_settings, report_dir

    reports = settings.home / "reports"
    print(f"coaching for the week of {week_start}: {reports / 'coaching' / week_start.isoformat()}")
    print(f"enablement board and content refresh plan: {report_dir(settings.home, feedback_settings(settings))}")
    print(f"product gaps, competitor mentions and battlecards, win criteria and plans, qualification: {reports / 'se'}")


def cmd_doctor(args: argparse.Namespace) -> None:
    from se_pipeline.doctor import format_finding, format_totals, run_doctor, source_width

    settings = _settings(args)
    width = source_width(settings)

    def show(finding) -> None:
        print(format_finding(finding, width), flush=True)

    findings = run_doctor(settings, on_finding=show)
    print(format_totals(findings))
    failed = [f for f in findings if f.status == "fail"]
    if failed:
        raise SePipelineError(f"{len(failed)} check{'s' if len(failed) != 1 else ''} failed: see the fixes above")


# ---- proposed updates to the opportunity database ---------------------------------------------


def cmd_proposals(args: argparse.Namespace) -> None:
    from se_pipeline.config import load_settings
    from se_pipeline.proposals import open_proposals
    from se_pipeline.warehouse import read_only_connection

    settings = load_settings(_config_path(args))
    if args.se:
        settings.se(args.se)  # an unknown id is a mistake worth naming
    with read_only_connection(settings.database_path) as con:
        found = open_proposals(con, args.se, args.customer)
    if not found:
        print("no open proposals" + (" for that filter" if args.se or args.customer else ""))
        return
    for proposal in found:
        print(f"{proposal.proposal_id}  {proposal.proposed_on}  {proposal.customer} · {proposal.opportunity}  ({proposal.se_id or 'no SE'})")
        print(f"    {proposal.describe()}")
        print(f"    why: {proposal.reason}")
        for link in proposal.links[:3]:
            print(f"    source: {link}")
    _note(args, f"{len(found)} open; apply one with `se-pipeline apply ID` (it shows the change and asks first), "
                "or drop it with `se-pipeline dismiss ID`")


def _confirmed(args: argparse.Namespace, change) -> bool:
    print("\n".join(change.lines))
    if args.yes:
        return True
    try:
        answer = input("Apply this change to Notion? Type yes to apply: ")
    except EOFError:
        answer = ""
    return answer.strip().lower() == "yes"


def cmd_apply(args: argparse.Namespace) -> None:
    from se_pipeline.proposals import apply_proposal

    settings = _settings(args)
    applied = apply_proposal(settings, args.id, lambda change: _confirmed(args, change))
    if applied is None:
        print("not applied: nothing was written")
        return
    print(f"applied proposal {applied.proposal.proposal_id} (Notion id {applied.response_id}); "
          "it is recorded in the proposal_changes table")


def cmd_dismiss(args: argparse.Namespace) -> None:
    from se_pipeline.config import load_settings
    from se_pipeline.proposals import dismiss, find, require_open
    from se_pipeline.warehouse import connect, read_only_connection

    settings = load_settings(_config_path(args))
    with read_only_connection(settings.database_path) as con:  # a mistaken id opens nothing for writing
        require_open(find(con, args.id))
    with connect(settings.database_path) as con:
        proposal = dismiss(con, args.id)
    print(f"dismissed proposal {proposal.proposal_id} ({proposal.describe()}); it will not be proposed again")


# ---- the Dagster UI and shell -----------------------------------------------------------------


def ui_command(settings: Settings, port: int, config_path: str | None) -> tuple[list[str], dict[str, str]]:
    """The `dagster dev` command line for this project (on the settings file `config_path`), and the
    environment it must run with."""
    dagster = Path(sys.executable).with_name("dagster")
    program = str(dagster) if dagster.exists() else "dagster"
    argv = [program, "dev", "-m", "se_pipeline_assets.definitions", "-a", "defs", "-p", str(port)]
    return argv, _shared_environment(settings, config_path)


def cmd_ui(args: argparse.Namespace) -> None:
    from se_pipeline.config import load_settings

    path = _settings_path(args)
    settings = load_settings(path)
    argv, env = ui_command(settings, args.port, path)
    _say_dagster_home(args)
    _note(args, f"the Dagster UI on http://127.0.0.1:{args.port} (instance {env[DAGSTER_HOME_ENV]}, "
                f"warehouse {settings.database_path})")
    os.environ.update(env)
    os.execvp(argv[0], argv)


def cmd_env(args: argparse.Namespace) -> None:
    """Shell exports for running Dagster's own commands on this project's home, instance and warehouse."""
    from se_pipeline.config import load_settings

    path = _settings_path(args)
    for name, value in _shared_environment(load_settings(path), path).items():
        print(f"export {name}={shlex.quote(value)}")


def cmd_serve_events(args: argparse.Namespace) -> None:
    from se_pipeline.config import load_settings
    from se_pipeline.connectors import check_env_name
    from se_pipeline.events import PATH, EventStore, create_app, landing_path, serve

    settings = load_settings(_config_path(args))  # the home and the secret's variable; no demo data needed
    variable = settings.events.signing_secret_env
    check_env_name("events.signing_secret_env", variable)
    secret = os.environ.get(variable, "").strip()
    if not secret:
        raise SePipelineError(
            f"no Slack signing secret: set the environment variable {variable} to the app's signing secret "
            "(Slack app settings → Basic Information → App Credentials), or name another one in events.signing_secret_env"
        )
    store = EventStore(landing_path(settings))
    _note(args, f"receiving Slack events at http://{args.host}:{args.port}{PATH}; they land in {store.path} "
                "(the slack_events sensor turns them into runs)")
    serve(create_app(store, secret, settings.events.max_body_bytes), args.host, args.port,
          {0: "warning", 1: "info"}.get(args.verbose, "debug"))


# ---- the parser -------------------------------------------------------------------------------


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("se-pipeline")
    except PackageNotFoundError:
        return "unknown (not installed)"


class _Version(argparse.Action):
    """--version, read from the installed distribution only when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"se-pipeline {_version()}")
        parser.exit()


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """--config, -v and -q, accepted before and after the command (SUPPRESS keeps a value given before)."""
    common = argparse.ArgumentParser(add_help=False)
    default = (lambda value: argparse.SUPPRESS) if suppress else (lambda value: value)
    common.add_argument("--config", metavar="FILE", default=default(None),
                        help=f"the settings YAML (default: ${CONFIG_ENV}, else the bundled demo workspace)")
    common.add_argument("-v", "--verbose", action="count", default=default(0),
                        help="show our logs and Dagster's at INFO; -vv at DEBUG")
    common.add_argument("-q", "--quiet", action="store_true", default=default(False),
                        help="print only results, warnings and errors (no progress, no notes)")
    return common


def _full_refresh_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--full-refresh", nargs="*", metavar="MODEL",
                         help="drop these SQL models' tables (default: all) and rebuild them from every day of the raw "
                              "tables, e.g. after a model's columns changed")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="se-pipeline",
        description="A sales engineer's daily digest from Slack, Gmail, Notion, usage and calls.",
        epilog=f"Dates are {DATE}, in the settings' time zone. A mistake prints one line and exits with status 2; "
               "Ctrl-C stops after the current step and exits with 130.",
        parents=[_common_options(suppress=False)],
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_command = functools.partial(commands.add_parser, parents=[_common_options(suppress=True)])

    run = add_command("run", help="load a day and write every SE's digest", description="Load a day and write every SE's digest.")
    when = run.add_mutually_exclusive_group()
    when.add_argument("--date", type=_date, metavar=DATE, help="the day to load (default: yesterday, or the settings' data_until: on the demo, its last day)")
    when.add_argument("--today", action="store_true",
                      help="today so far: its digest says 'as of HH:MM'; run it as often as you like, a run after midnight replaces it")
    when.add_argument("--since", type=period, metavar="PERIOD",
                      help="the days a period up to now touches, e.g. 24h (yesterday and today so far), 90m, 2d")
    run.add_argument("--se", action="append", metavar="ID", help="also print this SE's digest (repeatable)")
    run.add_argument("--customer", action="append", metavar="NAME",
                     help="also print this customer's part of each digest that has it, e.g. 'acme' for Acme Corp (repeatable)")
    _full_refresh_option(run)
    run.set_defaults(func=cmd_run)

    backfill = add_command("backfill", help="load a range of days; resumable and idempotent",
                           description="Load a range of days. Interrupted, the same command resumes; re-running a day replaces it.")
    backfill.add_argument("--start", type=_date, required=True, metavar=DATE, help="the first day to load")
    backfill.add_argument("--end", type=_date, required=True, metavar=DATE, help="the last day to load (not after today)")
    backfill.add_argument("--days-per-run", type=_positive, default=None, metavar="N",
                          help="days loaded per run (API calls cover a run's range at once); default: a month, "
                               "then as many days as hold about 50,000 messages at the density seen (7 to 366)")
    backfill.add_argument("--restart", action="store_true", help="redo days an interrupted backfill already finished")
    _full_refresh_option(backfill)
    backfill.set_defaults(func=cmd_backfill)

    query = add_command("query", help="run read-only SQL on the warehouse",
                        description="Run read-only SQL on the warehouse; several statements separated by ';' print each result.")
    query.add_argument("sql", metavar="SQL", help='the SQL, e.g. "SELECT * FROM signals WHERE owed"')
    query.add_argument("--format", choices=["table", "csv", "json"], default="table", help="how to print the result (default: table)")
    query.set_defaults(func=cmd_query)

    digest = add_command("digest", help="print an SE's stored digest", description="Print an SE's stored digest.")
    digest.add_argument("--se", required=True, metavar="ID", help="the sales engineer's id, as in the settings")
    digest.add_argument("--date", type=_date, metavar=DATE, help="the digest's day (default: as for run)")
    digest.add_argument("--customer", action="append", metavar="NAME", help="only this customer's part (repeatable)")
    digest.add_argument("--html", action="store_true", help="a self-contained HTML page instead of Markdown")
    digest.set_defaults(func=cmd_digest)

    reports = add_command("reports", help="a week's coaching reports, the enablement board and SE artefacts",
                          description="A week's coaching reports, then the enablement board and the SE artefacts.")
    reports.add_argument("--week", type=_date, metavar=DATE,
                         help="any day of a complete week (default: the last complete week)")
    reports.set_defaults(func=cmd_reports)

    doctor = add_command("doctor", help="check every configured source and say what to fix",
                         description="Check every configured source, all at once, printing each result as it comes.")
    doctor.set_defaults(func=cmd_doctor)

    proposals = add_command("proposals", help="list proposed updates to the opportunity database",
                            description="List the open proposed updates to the opportunity database, newest day last.")
    proposals.add_argument("--se", metavar="ID", help="only this SE's customers")
    proposals.add_argument("--customer", action="append", metavar="NAME", help="only this customer's (repeatable)")
    proposals.set_defaults(func=cmd_proposals)

    apply = add_command("apply", help="show a proposal's exact change and apply it after you type yes",
                        description="Re-read the page in Notion, show the exact change, and write it only after you "
                                    "type yes. A page changed since the proposal is refused.")
    apply.add_argument("id", metavar="ID", help="the proposal's id (or the start of it), from `se-pipeline proposals`")
    apply.add_argument("--yes", action="store_true", help="apply without asking (for scripts); the change is still printed")
    apply.set_defaults(func=cmd_apply)

    dismiss = add_command("dismiss", help="drop a proposal", description="Drop an open proposal; it is not proposed again.")
    dismiss.add_argument("id", metavar="ID", help="the proposal's id (or the start of it)")
    dismiss.set_defaults(func=cmd_dismiss)

    ui = add_command("ui", help="start the Dagster UI on this project",
                     description="Start the Dagster UI (dagster dev) on this project's instance and warehouse.")
    ui.add_argument("--port", type=_port, default=DEFAULT_UI_PORT, help=f"the web server's port (default: {DEFAULT_UI_PORT})")
    ui.set_defaults(func=cmd_ui)

    events = add_command("serve-events", help="receive Slack's Events API at /slack/events",
                         description="Receive Slack's Events API: verify each request's signature, land accepted events "
                                     "for the slack_events sensor. Put it behind your HTTPS reverse proxy and give Slack "
                                     "https://<your host>/slack/events as the app's Request URL.")
    events.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1, for a reverse proxy)")
    events.add_argument("--port", type=_port, default=DEFAULT_EVENTS_PORT,
                        help=f"the port to listen on (default: {DEFAULT_EVENTS_PORT})")
    events.set_defaults(func=cmd_serve_events)

    env = add_command("env", help="print shell exports for Dagster's own commands",
                      description="Print the exports under which `dagster dev` and `dagster asset materialize` use this "
                                  "project's home, instance and warehouse: eval \"$(se-pipeline env)\".")
    env.set_defaults(func=cmd_env)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.dagster_home_given = os.environ.get(DAGSTER_HOME_ENV)  # as the user's shell set it, before a run sets ours
    _configure_logging(args)
    from se_pipeline import interrupt

    interrupt.requested.clear()
    try:
        args.func(args)
    except SePipelineError as exc:
        print(f"se-pipeline: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("se-pipeline: interrupted; what finished is kept: run the same command again to resume", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
