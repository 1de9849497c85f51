"""Usage facts that are true and cited: a trial that has not started, a collapse judged against a
baseline, growth; for active customers only; each citing usage data the citation check can resolve."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.analysis.usage_facts import feature_adoptions, trial_not_started, usage_drops, usage_growth
from se_pipeline.config import SalesEngineer, Settings
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.window import Window

TZ = ZoneInfo("America/Chicago")
FIRST, LAST = dt.date(2026, 3, 2), dt.date(2026, 3, 20)  # Mon .. Fri, three weeks
SOURCE = "/data/exports/usage.jsonl"
SETTINGS = Settings(
    timezone="America/Chicago",
    sales_engineers=[SalesEngineer(id="ivo", name="Ivo Petrov", email="ivo@ourco.io")],
)
OPPORTUNITIES = [
    # page, title, account, stage, workspace, POC end
    ("p1", "Wombat – Ledger Trial", "Wombat Pay Pty Ltd", "Trial", "ws_wom", "2026-04-03"),
    ("p2", "Otter / POC", "Otter Freight", "POC", "ws_ott", None),
    ("p3", "Heron | Pilot", "Heron Grid", "Pilot", "ws_her", None),
    ("p4", "Ibis – Telemetry POC", "Ibis Energy", "POC", "ws_ibi", None),
    ("p5", "Larkspur – Rollout", "Larkspur Foods", "Won", "ws_lar", None),
    ("p6", "Kiln – Platform", "Kiln Works", "Discovery", "ws_kil", "2026-04-10"),
    ("p7", "Moss – Expansion", "Moss Media", "Discovery", None, None),
]


def days(first: dt.date = FIRST, last: dt.date = LAST) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture
def con():
    con = duckdb.connect()
    prepare(con, SETTINGS)
    con.executemany(
        "INSERT INTO raw_notion_opportunities (page_id, partition_date, name, customer, stage, se_name, workspace_id, poc_end)"
        " VALUES (?, ?, ?, ?, ?, 'Ivo Petrov', ?, ?)",
        [(p, LAST, name, account, stage, ws, end) for p, name, account, stage, ws, end in OPPORTUNITIES],
    )
    con.executemany("INSERT INTO raw_usage_reads VALUES (?, ?, ?)", [(SOURCE, d, 1) for d in days()])
    yield con
    con.close()


def usage(con, workspace: str, metric: str, value_of) -> None:
    con.executemany(
        "INSERT INTO raw_usage (customer, partition_date, metric, value, source_file, workspace_id) VALUES (?, ?, ?, ?, ?, ?)",
        [(workspace, d, metric, value_of(d), SOURCE, workspace) for d in days()],
    )


def weekday(d: dt.date) -> bool:
    return d.weekday() < 5


def facts(con, rule, first: dt.date = FIRST, last: dt.date = LAST, activity: list[tuple[str, dt.date]] = ()):
    window = Window(FIRST, LAST, TZ)
    for model in discover_models().values():
        run_model(con, model, window)
    for customer, day in activity:
        con.execute("INSERT INTO activity (activity_id, activity_date, customer) VALUES (?, ?, ?)", [f"a:{customer}:{day}", day, customer])
    return rule(con, Window(first, last, TZ))


def backed(con, link: str) -> bool:
    return con.execute("SELECT usage_link_backed(?)", [link]).fetchone()[0]


def test_a_trial_with_no_usage_rows_has_not_started_and_says_so_with_its_numbers(con):
    usage(con, "ws_ott", "rows_synced", lambda d: 1000)
    usage(con, "ws_kil", "rows_synced", lambda d: 0)  # rows, but only zeros
    found = {s.customer: s for s in facts(con, trial_not_started, LAST, LAST)}

    # Otter's POC has usage; Moss (no trial) and Larkspur (won) are not in a trial; the pilot and POC without rows are.
    assert set(found) == {"Wombat Pay", "Kiln Works", "Heron Grid", "Ibis Energy"}
    wombat = found["Wombat Pay"]
    assert wombat.summary == ("Wombat Pay's trial hasn't started: no usage rows for workspace ws_wom over Mar 2–20; "
                              "the trial ends Apr 3.")
    assert wombat.link == f"file://{SOURCE}#workspace_id=ws_wom&from=2026-03-02&to=2026-03-20&rows=0"
    assert "usage rows show only zeros for workspace ws_kil" in found["Kiln Works"].summary
    assert backed(con, wombat.link) and backed(con, found["Kiln Works"].link)
    # The check resolves the claim: a workspace that has rows is not backed as having none.
    assert not backed(con, wombat.link.replace("ws_wom", "ws_ott"))


def test_no_trial_fact_without_a_usage_source_read_that_day(con):
    con.execute("DELETE FROM raw_usage_reads WHERE partition_date = ?", [LAST])
    assert facts(con, trial_not_started, LAST, LAST) == []


def test_a_collapse_is_a_drop_on_the_day_it_happens_and_a_weekend_dip_is_not(con):
    collapse = {dt.date(2026, 3, 18): 2_100_000, dt.date(2026, 3, 19): 400_000}
    usage(con, "ws_her", "rows_synced", lambda d: collapse.get(d, 18_000_000 if weekday(d) else 7_000_000))
    usage(con, "ws_her", "sync_failures", lambda d: 40 if d >= dt.date(2026, 3, 16) else 0)
    drops = facts(con, usage_drops, dt.date(2026, 3, 9), LAST)

    assert [s.activity_date for s in drops] == [dt.date(2026, 3, 18), dt.date(2026, 3, 19)]
    assert drops[1].summary == ("Heron Grid's usage fell: rows_synced from a usual ~18M to 0.4M on Mar 19 (−98 %), "
                                "after 2.1M on Mar 18.")
    assert all(backed(con, s.link) for s in drops)


def test_growth_to_a_new_high_is_a_fact_naming_the_metrics_that_rose(con):
    usage(con, "ws_ibi", "rows_synced", lambda d: 2_000_000 + 350_000 * (d - FIRST).days)
    usage(con, "ws_ibi", "active_pipelines", lambda d: {dt.date(2026, 3, 19): 6, LAST: 7}.get(d, 5))
    usage(con, "ws_ibi", "rows_month_to_date", lambda d: 10_000_000 * (d - FIRST).days)  # a running total
    usage(con, "ws_ott", "rows_synced", lambda d: 1_000_000)
    grown = facts(con, usage_growth, LAST, LAST)

    (fact,) = grown
    assert fact.customer == "Ibis Energy" and "month_to_date" not in fact.summary
    assert fact.summary.startswith("Ibis Energy's usage is growing: rows_synced up ")
    assert ", active_pipelines 5 → 7." in fact.summary
    assert backed(con, fact.link)


def test_a_won_customers_usage_is_news_only_on_a_day_it_has_activity(con):
    usage(con, "ws_lar", "rows_synced", lambda d: 500_000 if d >= dt.date(2026, 3, 19) else 5_000_000)
    assert facts(con, usage_drops, LAST, LAST) == []
    (drop,) = facts(con, usage_drops, LAST, LAST, activity=[("Larkspur Foods", LAST)])
    assert drop.customer == "Larkspur Foods"


def test_first_use_of_a_feature_cites_the_usage(con):
    usage(con, "ws_ott", "feature:alerts", lambda d: 4 if d >= dt.date(2026, 3, 17) else 0)
    (adopted,) = facts(con, feature_adoptions, dt.date(2026, 3, 16), LAST)
    assert adopted.activity_date == dt.date(2026, 3, 17) and "started using alerts" in adopted.summary
    assert backed(con, adopted.link)


def test_a_day_at_a_time_says_what_a_whole_period_says(con):
    collapse = {dt.date(2026, 3, 18): 2_100_000, dt.date(2026, 3, 19): 400_000}
    usage(con, "ws_her", "rows_synced", lambda d: collapse.get(d, 18_000_000 if weekday(d) else 7_000_000))
    usage(con, "ws_ibi", "rows_synced", lambda d: 2_000_000 + 350_000 * (d - FIRST).days)
    for rule in (usage_drops, usage_growth, trial_not_started):
        whole = facts(con, rule, dt.date(2026, 3, 16), LAST)
        by_day = [s for d in days(dt.date(2026, 3, 16)) for s in rule(con, Window(d, d, TZ))]
        assert sorted((s.activity_date, s.summary, s.link) for s in whole) == sorted(
            (s.activity_date, s.summary, s.link) for s in by_day)
        assert whole
