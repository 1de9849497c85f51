"""How long the coaching chain takes for a team-sized quarter of demo calls. Prints figures.

    python bench/coaching_throughput.py [reps] [weeks]
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from se_pipeline.coaching import compute_call_metrics, compute_skill_scores, write_coaching_reports
from se_pipeline.config import Settings
from se_pipeline.sources.calls.connector import from_settings
from se_pipeline.demo.calls import write_calls
from se_pipeline.warehouse import load_records
from se_pipeline.window import Window


def main(reps: int = 20, weeks: int = 13) -> None:
    tmp = Path(tempfile.mkdtemp())
    start = dt.date(2026, 10, 5)
    end = start + dt.timedelta(weeks=weeks, days=-1)
    settings = Settings.model_validate({
        "company_domains": ["example.com"],
        "sales_engineers": [{"id": f"se{i}", "name": f"Rep {i}", "email": f"se{i}@example.com"} for i in range(reps)],
        "customers": [{"name": f"Customer {i}", "domains": [f"c{i}.com"]} for i in range(reps * 3)],
        "sources": {"calls": {"mode": "export", "path": str(tmp / "calls")}},
    })
    t = time.perf_counter()
    write_calls(tmp, 1, settings.sales_engineers, settings.customers, start, end)
    print(f"demo calls written: {len(list((tmp / 'calls').iterdir()))} in {time.perf_counter() - t:.2f}s")
    con = duckdb.connect(str(tmp / "wh.duckdb"))
    t = time.perf_counter()
    connector = from_settings(settings)
    window = Window(start, end, settings.tz)
    report = load_records(con, "calls", connector.tables, window, connector.extract(window))
    print(f"export loaded: {dict(report.rows)} in {time.perf_counter() - t:.2f}s")
    timings = {"metrics": 0.0, "scores": 0.0, "reports": 0.0}
    for w in range(weeks):
        week = start + dt.timedelta(weeks=w)
        for step, fn in (("metrics", lambda: compute_call_metrics(con, week)), ("scores", lambda: compute_skill_scores(con, week)),
                         ("reports", lambda: write_coaching_reports(con, week, tmp / "reports"))):
            t = time.perf_counter()
            fn()
            timings[step] += time.perf_counter() - t
    calls = con.execute("SELECT count(*) FROM call_metrics").fetchone()[0]
    print(f"{calls} calls, {reps} reps, {weeks} weeks: " + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items())
          + f" ({1000 * timings['metrics'] / max(calls, 1):.1f} ms per call measured)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
