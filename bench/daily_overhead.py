"""What Dagster adds to a warm daily run, and whether a long history slows it down.

    python bench/daily_overhead.py [--scale 365] [--repeat 5] [--home DIR [--reuse]]

Two homes, each with every source in export mode on a demo workspace, loaded and then run once
for the last day so that the measured runs are warm:
  empty     the demo's month (its story): next to no history
  history   the demo generator over `--scale` days ending on the same day (the issue's size: 365)
For each, `--repeat` runs of the last day, alternating, each in a fresh process as a user starts it:
  dagster   `se-pipeline run --date <day>`: the daily job through the Definitions, in-process executor
  direct    the same library calls made directly, in the same order, without Dagster (the floor):
            each raw source extracted, staged and committed, the SQL models, signals, digests,
            proposals, delivery, then the readers' snapshot
Prints the median wall time of each and their ratio, the same for CPU time (user + system of the process:
steadier than wall time on a shared machine), the history/empty ratio of the Dagster run, the load
average, and checks that both paths wrote the same digest bytes. Asserts nothing.
`--reuse`: time the homes a previous run left in --home instead of generating and loading them again.
The issue's targets: dagster / direct <= 1.5; history / empty <= 1.2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from pipeline_scale import CONFIG_NAME, _write_config  # noqa: E402  (the same export-mode config)

DAILY_SOURCES = ("slack", "gmail", "notion", "usage", "calls")  # the daily job's raw assets, in its order


def direct_day(config_path: str, day: dt.date) -> None:
    """The daily job's library calls for `day`, in order, without Dagster."""
    from se_pipeline.analysis import refresh_signals
    from se_pipeline.delivery import deliver_digests
    from se_pipeline.models import discover_models, prepare, run_model
    from se_pipeline.proposals import refresh_proposals
    from se_pipeline.render.publish import publish_digests
    from se_pipeline.config import load_settings
    from se_pipeline.sources import build_connector
    from se_pipeline.warehouse import commit_staged, connect, publish_snapshot, stage_records
    from se_pipeline.window import Window

    settings = load_settings(config_path)
    window = Window(day, day, settings.tz)
    for source in DAILY_SOURCES:
        if source not in settings.enabled_sources():
            continue
        connector = build_connector(settings, source)
        staged = stage_records(source, connector.tables, window, connector.extract(window), settings.home / "staging")
        with connect(settings.database_path) as con:
            commit_staged(con, staged)
    with connect(settings.database_path) as con:
        prepare(con, settings)
        for model in discover_models().values():
            run_model(con, model, window)
        refresh_signals(con, window, settings)
        publish_digests(con, window, settings, read_at=dt.datetime.now(dt.timezone.utc))
        refresh_proposals(con, window, settings)
        deliver_digests(con, day, settings)
    publish_snapshot(settings.database_path)


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(command: list[str]) -> tuple[float, float]:
    """The command's wall and CPU seconds."""
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, _children_cpu() - cpu


def _dagster_run(home: Path, day: dt.date) -> tuple[float, float]:
    return _timed(["se-pipeline", "--quiet", "run", "--date", day.isoformat(), "--config", str(home / CONFIG_NAME)])


def _direct_run(home: Path, day: dt.date) -> tuple[float, float]:
    return _timed([sys.executable, __file__, "_direct", str(home / CONFIG_NAME), day.isoformat()])


def _dagster_share(home: Path, wall: float) -> dict[str, float]:
    """Where the last Dagster run's time went, from its event log: creating the run (its planned events),
    the steps' own work (start to success, their events included), between steps, and outside the run
    (imports, loading the definitions, the instance) as the rest of the process's wall time."""
    import os

    from dagster import DagsterEventType, DagsterInstance

    os.environ["DAGSTER_HOME"] = str(home / "run" / "dagster")
    with DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        logs = instance.all_logs(run.run_id)
    start = next(e.timestamp for e in logs if e.dagster_event_type == DagsterEventType.RUN_START)
    opened: dict[str, float] = {}
    steps = 0.0
    for entry in logs:
        if entry.dagster_event_type == DagsterEventType.STEP_START:
            opened[entry.step_key] = entry.timestamp
        elif entry.dagster_event_type == DagsterEventType.STEP_SUCCESS:
            steps += entry.timestamp - opened.pop(entry.step_key)
    created, ended = logs[0].timestamp, logs[-1].timestamp
    return {"outside the run": wall - (ended - created), "run creation": start - created,
            "steps": steps, "between steps": (ended - start) - steps, "events": len(logs),
            "step count": sum(1 for e in logs if e.dagster_event_type == DagsterEventType.STEP_START)}


def _digest_hash(home: Path, day: dt.date) -> str:
    digest = hashlib.sha256()
    for path in sorted((home / "run" / "digests" / day.isoformat()).glob("*.md")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _prepare(home: Path, days: int, reuse: bool) -> dt.date:
    """A workspace of `days` ending on the demo's last day, loaded in one run (or as an earlier run left it,
    with `reuse`); returns that day."""
    import json

    from se_pipeline.demo import DemoScale, generate

    if reuse and (home / CONFIG_NAME).exists():
        facts = json.loads((home / "workspace" / "workspace.json").read_text(encoding="utf-8"))
        print(f"  {home.name}: {facts['period_start']}..{facts['period_end']} as loaded before (--reuse)")
        return dt.date.fromisoformat(facts["period_end"])
    workspace = generate(home / "workspace", DemoScale(days=days))
    facts = json.loads((workspace.root / "workspace.json").read_text(encoding="utf-8"))
    _write_config(home, workspace, facts)
    started = time.perf_counter()
    _timed(["se-pipeline", "--quiet", "backfill", "--start", facts["period_start"], "--end", facts["period_end"],
            "--days-per-run", "100000", "--config", str(home / CONFIG_NAME)])
    print(f"  {home.name}: {facts['period_start']}..{facts['period_end']} loaded in {time.perf_counter() - started:.0f} s; "
          + ", ".join(f"{k} {v:,}" for k, v in facts["counts"].items()))
    return workspace.period_end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=365, help="days of history in the long home (the issue's: 365)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--home", type=Path, help="where to generate and run (default: a new temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="time the homes an earlier run left in --home")
    args = parser.parse_args()
    root = (args.home or Path(tempfile.mkdtemp(prefix="se_daily_"))).resolve()
    print(f"home {root}")
    homes = {"empty": root / "empty", "history": root / "history"}
    day = None
    for name, home in homes.items():
        home.mkdir(parents=True, exist_ok=True)
        day = _prepare(home, 31 if name == "empty" else args.scale, args.reuse)
        _dagster_run(home, day)  # warm: the day is loaded once before it is timed
    assert day is not None
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    same_bytes = {}
    load = os.getloadavg()[0]
    for _ in range(args.repeat):
        for name, home in homes.items():
            for path, run in (("direct", _direct_run), ("dagster", _dagster_run)):
                seconds, cpu_seconds = run(home, day)
                wall.setdefault((name, path), []).append(seconds)
                cpu.setdefault((name, path), []).append(cpu_seconds)
                if path == "direct":
                    direct_hash = _digest_hash(home, day)
            same_bytes[name] = same_bytes.get(name, True) and direct_hash == _digest_hash(home, day)
    load = (load + os.getloadavg()[0]) / 2
    median = {key: statistics.median(values) for key, values in wall.items()}
    median_cpu = {key: statistics.median(values) for key, values in cpu.items()}
    print(f"\nwarm daily run of {day}, median of {args.repeat} (each a fresh process); "
          f"load average {load:.1f} (1 min, at start and end)")
    print(f"{'history':<10}{'direct s':>10}{'dagster s':>11}{'dagster/direct':>16}"
          f"{'cpu direct s':>14}{'cpu dagster s':>15}{'cpu ratio':>11}  same digest bytes")
    for name in homes:
        print(f"{name:<10}{median[name, 'direct']:>10.2f}{median[name, 'dagster']:>11.2f}"
              f"{median[name, 'dagster'] / median[name, 'direct']:>15.2f}x"
              f"{median_cpu[name, 'direct']:>14.2f}{median_cpu[name, 'dagster']:>15.2f}"
              f"{median_cpu[name, 'dagster'] / median_cpu[name, 'direct']:>10.2f}x  {same_bytes[name]}")
    share = _dagster_share(homes["history"], wall["history", "dagster"][-1])
    print("\nthe last Dagster run (history): " + ", ".join(
        f"{k} {v:.2f} s" if isinstance(v, float) else f"{k} {v}" for k, v in share.items()))
    print(f"\nhistory ({args.scale} days) / empty (31 days), through Dagster: "
          f"{median['history', 'dagster'] / median['empty', 'dagster']:.2f}x (cpu "
          f"{median_cpu['history', 'dagster'] / median_cpu['empty', 'dagster']:.2f}x); direct: "
          f"{median['history', 'direct'] / median['empty', 'direct']:.2f}x  (targets: dagster/direct <= 1.5, "
          "history/empty <= 1.2)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_direct":
        direct_day(sys.argv[2], dt.date.fromisoformat(sys.argv[3]))
    else:
        main()
