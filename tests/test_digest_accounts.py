"""Which customers get a digest section, and under which header: the active opportunity's stage; a
closed customer on a day it has activity (unless a colleague took it over); another SE's customer never."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.config import SalesEngineer, Settings
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.render import build_digest_items, render_markdown
from se_pipeline.window import Window

TZ = ZoneInfo("Europe/Vienna")
DAY = dt.date(2026, 3, 12)
SETTINGS = Settings(
    timezone="Europe/Vienna",
    company_domains=["ourco.io"],
    sales_engineers=[SalesEngineer(id="ivo", name="Ivo Petrov", email="ivo@ourco.io", slack_user_id="U1IVO")],
)
OPPORTUNITIES = [
    ("p1", "Bramble | Pilot", "Bramble Cargo GmbH", "Pilot", "Ivo Petrov", None, "2026-03-01"),
    ("p2", "Bramble – 2025 Eval", "Bramble Cargo GmbH", "Lost", "Ivo Petrov", "2025-06-30", "2026-03-11"),
    ("p3", "Larkspur – Rollout", "Larkspur Foods", "Won", "Ivo Petrov", "2026-02-20", "2026-02-20"),
    ("p4", "Copse – Eval", "Copse Media", "Lost", "Ivo Petrov", "2026-01-15", "2026-01-15"),
    ("p5", "Wren – Platform", "Wren Labs", "Won", "Ivo Petrov", "2026-02-01", "2026-02-01"),
    ("p6", "Tarn – Data Hub", "Tarn Systems", "Discovery", "Olga Berg", None, "2026-03-05"),
]
USERS = [("U1IVO", "Ivo Petrov", "ivo@ourco.io"), ("U1HAL", "Hal Moss", "hal@ourco.io"),
         ("U2KIT", "Kit Ames", "kit@larkspur.example"), ("U2JO", "Jo Reyes", "jo@wren.example"),
         ("U2ED", "Ed Park", "ed@bramble.example"), ("U2TY", "Ty Lo", "ty@tarn.example")]


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ)


@pytest.fixture
def con():
    con = duckdb.connect()
    prepare(con, SETTINGS)
    con.executemany(
        "INSERT INTO raw_notion_opportunities (page_id, partition_date, name, customer, stage, se_name, close_date,"
        " last_edited_time, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(p, DAY, n, c, s, se, close, f"{edited} 09:00:00+00", f"https://www.notion.so/{p}")
         for p, n, c, s, se, close, edited in OPPORTUNITIES],
    )
    con.executemany("INSERT INTO raw_slack_users (user_id, real_name, email) VALUES (?, ?, ?)", USERS)
    for channel_id, name in [("C1", "ext-bramble"), ("C2", "ext-larkspur"), ("C3", "ext-copse"), ("C4", "ext-wren"),
                             ("C5", "ext-tarn")]:
        con.execute("INSERT INTO raw_slack_channels (channel_id, name, channel_type) VALUES (?, ?, 'public')", [channel_id, name])
    yield con
    con.close()


def post(con, channel_id: str, when: dt.datetime, user: str, text: str) -> str:
    ts = f"{when.timestamp():.6f}"
    name, email = next((n, e) for u, n, e in USERS if u == user)
    con.execute(
        "INSERT INTO raw_slack_messages (message_key, partition_date, channel_id, channel_name, channel_type, ts, is_reply,"
        " user_id, user_name, user_email, sent_at, text, permalink) "
        "SELECT ?, ?, channel_id, name, 'public', ?, FALSE, ?, ?, ?, ?, ?, ? FROM raw_slack_channels WHERE channel_id = ?",
        [f"{channel_id}:{ts}", when.date(), ts, user, name, email, when, text, f"https://x.slack.com/archives/{channel_id}/p{ts}",
         channel_id],
    )
    return f"slack:{channel_id}:{ts}"


def signal(con, activity_id: str, customer: str, raised: dt.datetime, summary: str) -> None:
    link = con.execute("SELECT link FROM activity WHERE activity_id = ?", [activity_id]).fetchone()[0]
    con.execute(
        "INSERT INTO signals (signal_id, se_id, customer, kind, owed, status, raised_at, activity_date, summary, tldr,"
        " activity_ids, link, relevance, evidence) VALUES (?, 'ivo', ?, 'customer_question', TRUE, 'open', ?, ?, ?, ?, [?], ?,"
        " 'include', 'test')",
        [activity_id, customer, raised, raised.date(), summary, summary, activity_id, link],
    )


def run_models(con) -> None:
    window = Window(DAY - dt.timedelta(days=10), DAY, TZ)
    for model in discover_models().values():
        run_model(con, model, window)


def test_sections_and_headers(con):
    earlier = DAY - dt.timedelta(days=3)
    asks = [
        (post(con, "C1", at(DAY, 9), "U2ED", "Can the pilot run against the replica?"), "Bramble Cargo", at(DAY, 9)),
        (post(con, "C2", at(DAY, 10), "U2KIT", "Could you send the go-live runbook?"), "Larkspur Foods", at(DAY, 10)),
        (post(con, "C3", at(earlier, 10), "U2ED", "Any chance of a discount now?"), "Copse Media", at(earlier, 10)),
        (post(con, "C4", at(DAY, 11), "U2JO", "Do you still have the sizing sheet?"), "Wren Labs", at(DAY, 11)),
        (post(con, "C5", at(DAY, 12), "U2TY", "Who runs our evaluation now?"), "Tarn Systems", at(DAY, 12)),
    ]
    post(con, "C4", at(DAY - dt.timedelta(days=5), 9), "U1HAL", "Hi Jo, I'm your customer success manager from today.")
    run_models(con)
    for activity_id, customer, raised in asks:
        signal(con, activity_id, customer, raised, f"{customer} asked a question")
    markdown = render_markdown(build_digest_items(con, "ivo", DAY, SETTINGS), "Ivo Petrov", "ivo", DAY)
    headers = re.findall(r"^## (.+)$", markdown, re.MULTILINE)
    left_out = markdown.split("## Not included")[1]

    assert "Bramble Cargo : Pilot" in headers  # the active pilot's stage, not the lost eval's
    assert "Larkspur Foods : Won" in headers  # a won customer writing today is news
    assert not any(h.startswith(("Copse", "Wren", "Tarn")) for h in headers)
    assert "Copse Media (Lost): 1 item left out, its opportunities are closed" in left_out  # nothing today
    assert "Wren Labs (Won): 1 item left out, its opportunities are closed and a colleague has taken it over" in left_out
    assert "Tarn Systems (Discovery): 1 item left out, its opportunity belongs to Olga Berg" in left_out
