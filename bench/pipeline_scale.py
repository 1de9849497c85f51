"""How the daily pipeline scales: a generated workspace backfilled in one Dagster run, then one scheduled morning.

    python bench/pipeline_scale.py [--ses 20 --customers 120 --days 31] [--home DIR]

Prints figures, asserts nothing. Phases, each in its own child process so each has its own peak RSS:
  generate   the demo generator at the given scale writes an export workspace and a config file that
             points every source at it in `export` mode (the same parsers a real export goes through)
  backfill   the whole period in one run of the daily job (se_pipeline_assets.runner.materialize_days)
  daily      the last day again, with all history in the warehouse: what a scheduled morning costs
For each run: wall time and peak RSS per asset step (step times from the run's STEP_START /
STEP_SUCCESS events in the Dagster instance; RSS sampled every 20 ms), rows per table, digest sizes.

The DESIGN's target (50 SEs over a year) is `--ses 50 --customers 400 --days 365`: the generator
gives each customer routine activity every day, so that is millions of rows and a long backfill. To
see which steps grow with history rather than with the day's data, run the same SEs and customers
with two lengths (e.g. --days 31 and --days 90) and compare the `daily` tables: a step whose daily
time grows with --days scans history.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

CONFIG_NAME = "config.yaml"
SAMPLE_SECONDS = 0.02


# ---- child phases ------------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # Linux reports KiB


class RssSampler:
    """(time, RSS) every few ms in a thread, so each step's peak can be read from its time span."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), _rss_mb()))
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak_between(self, start: float, end: float) -> float | None:
        inside = [rss for t, rss in self.samples if start <= t <= end]
        return max(inside) if inside else None


def phase_generate(home: Path, ses: int, customers: int, days: int) -> dict:
    from se_pipeline.demo import DemoScale, generate

    started = time.perf_counter()
    workspace = generate(home / "workspace", DemoScale(ses, customers, days))
    seconds = time.perf_counter() - started
    files = [p for p in workspace.root.rglob("*") if p.is_file()]
    facts = json.loads((workspace.root / "workspace.json").read_text(encoding="utf-8"))
    _write_config(home, workspace, facts)
    return {
        "seconds": seconds, "files": len(files), "mb": sum(p.stat().st_size for p in files) / 1e6,
        "counts": facts["counts"], "first": facts["period_start"], "last": facts["period_end"],
        "peak_rss_mb": _peak_rss_mb(),
    }


def _write_config(home: Path, workspace, facts: dict) -> None:
    """Every source in export mode on the generated files; SEs, customers and domains from workspace.json."""
    root = workspace.root
    config = {
        "home": str(home / "run"),
        "timezone": facts["timezone"],
        "start_date": facts["period_start"],
        "company_domains": facts["company_domains"],
        "sales_engineers": facts["sales_engineers"],
        "customers": facts["customers"],
        "sources": {
            "slack": {"mode": "export", "path": str(root / "slack"), "workspace": facts["slack_workspace"]},
            "gmail": {"mode": "mbox", "paths": {se["id"]: str(root / "gmail" / f"{se['id']}.mbox")
                                                for se in facts["sales_engineers"]}},
            "notion": {"mode": "export", "path": str(root / "notion")},
            "usage": {"mode": "file", "path": str(root / "usage.csv")},
            "calls": {"mode": "export", "path": str(root / "calls")},
            "feedback": {"mode": "off"},  # not part of the daily job
        },
    }
    (home / CONFIG_NAME).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def phase_run(home: Path, first: dt.date, last: dt.date) -> dict:
    config_path = str(home / CONFIG_NAME)
    from dagster import DagsterEventType, DagsterInstance

    import se_pipeline_assets.definitions  # noqa: F401  (imported here so the baseline RSS includes Dagster and the code location)
    from se_pipeline_assets.runner import materialize_days
    from se_pipeline.config import load_settings

    settings = load_settings(config_path)
    baseline = _rss_mb()
    with RssSampler() as sampler:
        started = time.perf_counter()
        outcome = materialize_days(settings, first, last)
        wall = time.perf_counter() - started
    steps: dict[str, dict] = {}
    with DagsterInstance.get() as instance:  # DAGSTER_HOME was set by the runner
        wanted = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE}
        for entry in instance.all_logs(outcome.run_id, of_type=wanted):
            step = steps.setdefault(entry.step_key, {})
            step["start" if entry.dagster_event.event_type == DagsterEventType.STEP_START else "end"] = entry.timestamp
    for step in steps.values():
        step["seconds"] = step.get("end", step["start"]) - step["start"]
        step["peak_rss_mb"] = sampler.peak_between(step["start"], step.get("end", step["start"]))
    return {
        "first": first.isoformat(), "last": last.isoformat(), "success": outcome.success, "errors": outcome.errors,
        "wall_seconds": wall, "baseline_rss_mb": baseline, "peak_rss_mb": _peak_rss_mb(),
        "steps": dict(sorted(steps.items(), key=lambda kv: kv[1]["start"])),
        "rows": _table_rows(settings.database_path),
        "digests": _digest_sizes(settings.home / "digests", first, last),
    }


def _table_rows(database: str) -> dict[str, int]:
    from se_pipeline.warehouse import read_only_connection

    with read_only_connection(database) as con:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}


def _digest_sizes(folder: Path, first: dt.date, last: dt.date) -> dict:
    files = [p for d in range((last - first).days + 1)
             for p in (folder / (first + dt.timedelta(days=d)).isoformat()).glob("*.md")]
    sizes = [p.stat().st_size for p in files]
    return {"files": len(sizes), "bytes": sum(sizes), "max_bytes": max(sizes, default=0)}


# ---- parent: run the phases, print the figures ------------------------------------------------


def _child(args: list[str]) -> dict:
    """Run one phase in a fresh interpreter; its last stdout line is the JSON figures."""
    done = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"phase {args[0]} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print_table(headers: list[str], rows: list[list[object]]) -> None:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  " + "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _print_run(title: str, run: dict) -> None:
    days = (dt.date.fromisoformat(run["last"]) - dt.date.fromisoformat(run["first"])).days + 1
    status = "ok" if run["success"] else "FAILED: " + "; ".join(run["errors"])
    print(f"\n{title}: {run['first']}..{run['last']} ({days} days), {status}")
    print(f"  wall {run['wall_seconds']:.1f} s; RSS after imports {run['baseline_rss_mb']:.0f} MB, "
          f"peak {run['peak_rss_mb']:.0f} MB")
    total = sum(s["seconds"] for s in run["steps"].values()) or 1.0
    _print_table(["step", "seconds", "share", "peak RSS MB"], [
        [key, f"{s['seconds']:.2f}", f"{100 * s['seconds'] / total:.0f}%",
         f"{s['peak_rss_mb']:.0f}" if s["peak_rss_mb"] is not None else "-"]
        for key, s in run["steps"].items()
    ])
    d = run["digests"]
    print(f"  digests written: {d['files']} files, {d['bytes'] / 1e3:.1f} kB, largest {d['max_bytes'] / 1e3:.1f} kB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ses", type=int, default=20)
    parser.add_argument("--customers", type=int, default=120)
    parser.add_argument("--days", type=int, default=31, help="at least 31 (the demo's story is October)")
    parser.add_argument("--home", type=Path, help="where to generate and run (default: a new temporary folder)")
    args = parser.parse_args()
    home = (args.home or Path(tempfile.mkdtemp(prefix="se_scale_"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    print(f"scale: {args.ses} SEs x {args.customers} customers x {args.days} days; home {home}")

    gen = _child(["_generate", str(home), str(args.ses), str(args.customers), str(args.days)])
    print(f"\ngenerate: {gen['seconds']:.1f} s, {gen['files']} files, {gen['mb']:.1f} MB, "
          f"peak RSS {gen['peak_rss_mb']:.0f} MB")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in gen["counts"].items()))

    backfill = _child(["_run", str(home), gen["first"], gen["last"]])
    _print_run("backfill (one run)", backfill)
    daily = _child(["_run", str(home), gen["last"], gen["last"]])
    _print_run("daily run of the last day (history loaded)", daily)

    print("\nrows per table (after the daily run)")
    _print_table(["table", "rows"], [[t, f"{n:,}"] for t, n in daily["rows"].items() if n])
    print("\nper-step: daily run time as a share of the backfill's time per day")
    per_day = max(1, (dt.date.fromisoformat(backfill["last"]) - dt.date.fromisoformat(backfill["first"])).days + 1)
    _print_table(["step", "backfill s/day", "daily s", "daily / (backfill/day)"], [
        [key, f"{backfill['steps'][key]['seconds'] / per_day:.3f}", f"{s['seconds']:.2f}",
         f"{s['seconds'] / max(backfill['steps'][key]['seconds'] / per_day, 1e-6):.1f}x"]
        for key, s in daily["steps"].items() if key in backfill["steps"]
    ])


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_generate":
        home, ses, customers, days = Path(sys.argv[2]), *map(int, sys.argv[3:6])
        print(json.dumps(phase_generate(home, ses, customers, days)))
    elif len(sys.argv) > 1 and sys.argv[1] == "_run":
        result = phase_run(Path(sys.argv[2]), dt.date.fromisoformat(sys.argv[3]), dt.date.fromisoformat(sys.argv[4]))
        print(json.dumps(result, default=str))
    else:
        main()
