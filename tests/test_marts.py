"""Each mart in sql/ on a few given rows (as dbt unit tests do): its input tables made by hand, the model run
by the real runner on a real DuckDB, its output rows compared."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.analysis.refresh import ensure_signals_table
from se_pipeline.models import MACROS_PATH, discover_models, run_model
from se_pipeline.window import Window

TZ = ZoneInfo("Europe/Berlin")
DAY = dt.date(2027, 3, 10)


def d(n: int) -> dt.date:
    return dt.date(2027, 3, n)


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(MACROS_PATH.read_text(encoding="utf-8"))  # as models.prepare makes them
    yield connection
    connection.close()


def table(con: duckdb.DuckDBPyConnection, name: str, columns: str, rows: list[tuple]) -> None:
    """CREATE TABLE name (columns) with `rows`."""
    con.execute(f"CREATE TABLE {name} ({columns})")
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)


def mart(con: duckdb.DuckDBPyConnection, name: str, order: str) -> list[tuple]:
    """Run the model `name` as the pipeline does and return its rows."""
    run_model(con, discover_models()[name], Window.for_day(DAY, TZ))
    return con.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()


def test_marts_are_views_of_their_inputs(con):
    # A view holds no rows of its own: rows added to its input after the run are in it.
    table(con, "usage", "customer VARCHAR, source_customer VARCHAR, workspace_id VARCHAR, account_domain VARCHAR, "
          "usage_date DATE, metric VARCHAR, value DOUBLE, source_file VARCHAR", [])
    assert mart(con, "usage_daily", "ALL") == []
    con.execute("INSERT INTO usage VALUES ('Zephyr Labs', 'zephyr', 'ws9', NULL, '2027-03-10', 'events', 4, 'u.csv')")
    assert con.execute("SELECT customer, value FROM usage_daily").fetchall() == [("Zephyr Labs", 4.0)]
    assert con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'usage_daily'").fetchall() == [("VIEW",)]


def test_opportunity_changes_lists_a_snapshot_whose_stage_or_close_date_moved(con):
    table(con, "stg_opportunities", "page_id VARCHAR, partition_date DATE, name VARCHAR, customer VARCHAR, stage VARCHAR, "
          "close_date DATE, url VARCHAR", [
              ("o1", d(1), "Zephyr Labs - Pilot", None, "Discovery", d(30), "https://crm/o1"),
              ("o1", d(2), "Zephyr Labs - Pilot", None, "Discovery", d(30), "https://crm/o1"),  # unchanged
              ("o1", d(4), "Zephyr Labs - Pilot", None, "Pilot", d(30), "https://crm/o1"),
              ("o2", d(1), "Quill Co - Renewal", "Quill Co", "Negotiation", d(20), "https://crm/o2"),
              ("o2", d(3), "Quill Co - Renewal", "Quill Co", "Negotiation", d(27), "https://crm/o2"),
              ("o3", d(5), "Nimbus - New", None, "Discovery", None, "https://crm/o3"),  # one snapshot: nothing to compare
              ("o4", d(1), " Nimbus - Expansion", " ", "Discovery", None, "https://crm/o4"),
              ("o4", d(4), " Nimbus - Expansion", " ", "Pilot", None, "https://crm/o4"),
          ])
    table(con, "opportunities", "page_id VARCHAR, customer VARCHAR, se_id VARCHAR", [("o1", "Zephyr Labs", "sam")])
    rows = mart(con, "opportunity_changes", "partition_date, page_id")
    # The customer: the current opportunity's, else the snapshot's field, else the name's part before ' - '.
    assert [(r[0], r[1], r[4], r[3], r[6], r[5], r[8], r[9]) for r in rows] == [
        ("o2", d(3), "Negotiation", "Negotiation", d(20), d(27), "Quill Co", None),
        ("o1", d(4), "Discovery", "Pilot", d(30), d(30), "Zephyr Labs", "sam"),
        ("o4", d(4), "Discovery", "Pilot", None, None, "Nimbus", None),
    ]


def test_usage_daily_sums_a_customers_accounts_and_cites_the_largest(con):
    table(con, "usage", "customer VARCHAR, source_customer VARCHAR, workspace_id VARCHAR, account_domain VARCHAR, "
          "usage_date DATE, metric VARCHAR, value DOUBLE, source_file VARCHAR", [
              ("Zephyr Labs", "zephyr-eu", "ws1", None, d(9), "events", 30, "a.csv"),
              ("Zephyr Labs", "zephyr-us", "ws2", "zephyr.dev", d(9), "events", 70, "b.csv"),
              ("Zephyr Labs", "zephyr-us", "ws2", "zephyr.dev", d(10), "events", 5, "b.csv"),
              (None, "stranger", "ws3", None, d(9), "events", 1000, "a.csv"),  # no customer of ours
          ])
    assert mart(con, "usage_daily", "usage_date") == [
        ("Zephyr Labs", "events", d(9), 100.0, "zephyr-us", "ws2", "zephyr.dev", "b.csv"),
        ("Zephyr Labs", "events", d(10), 5.0, "zephyr-us", "ws2", "zephyr.dev", "b.csv"),
    ]


def test_feature_first_use_is_the_first_nonzero_day_after_usage_began(con):
    table(con, "usage", "customer VARCHAR, usage_date DATE, metric VARCHAR, value DOUBLE", [
        ("Zephyr Labs", d(1), "events", 10),
        ("Zephyr Labs", d(1), "feature:exports", 0),
        ("Zephyr Labs", d(3), "feature:exports", 2),
        ("Zephyr Labs", d(4), "feature:exports", 6),
        ("Zephyr Labs", d(1), "feature_sso", 1),  # used from the first day of data: not an adoption
        ("Zephyr Labs", d(5), "feature:alerts", 0),  # never used
        ("Zephyr Labs", d(5), "exports_total", 9),  # not a feature metric
        ("Quill Co", d(6), "Feature_Webhooks", 3),  # its only day: where its data starts
    ])
    assert mart(con, "feature_first_use", "customer, metric") == [("Zephyr Labs", "feature:exports", d(3), d(1))]


ACTIVITY = ("activity_id VARCHAR, se_id VARCHAR, activity_date DATE, sent_at TIMESTAMPTZ, source VARCHAR, "
            "channel_kind VARCHAR, customer VARCHAR, author_id VARCHAR, author_name VARCHAR, author_is_se BOOLEAN, "
            "author_is_external BOOLEAN, is_bot BOOLEAN, is_external_channel BOOLEAN, subject VARCHAR, text VARCHAR, link VARCHAR")


def activity(activity_id: str, day: int, *, source: str = "slack", kind: str = "ext", customer: str | None = None,
             author: str = "Uma", se: bool = False, external: bool = False, bot: bool = False) -> tuple:
    sent = dt.datetime(2027, 3, day, 9, tzinfo=TZ)
    return (activity_id, "sam", d(day), sent, source, kind, customer, f"id-{author}", author, se, external, bot,
            kind == "ext", f"about {activity_id}" if source == "gmail" else None, f"text {activity_id}", f"https://x/{activity_id}")


def signal(con: duckdb.DuckDBPyConnection, signal_id: str, activity_ids: list[str], resolved_by: str | None = None) -> None:
    raised = dt.datetime(2027, 3, 9, 9, tzinfo=TZ)
    con.execute(
        "INSERT INTO signals (signal_id, se_id, customer, kind, owed, status, raised_at, activity_date, resolved_by, "
        "summary, tldr, activity_ids, relevance, evidence) VALUES (?, 'sam', 'Zephyr Labs', 'customer_question', TRUE, "
        "'open', ?, ?, ?, 'a question', 'Answer it', ?, 'include', 'test')",
        [signal_id, raised, raised.date(), resolved_by, activity_ids],
    )


def test_digest_signals_tell_who_settled_a_signal_and_where_it_came_from(con):
    ensure_signals_table(con)
    table(con, "activity", ACTIVITY, [
        activity("q1", 9, customer="Zephyr Labs", author="Ines", external=True),
        activity("r1", 9, customer="Zephyr Labs", author="Sam", se=True),
        activity("t1", 9, customer="Zephyr Labs", author="CI bot", bot=True),
    ])
    signal(con, "s1", ["q1"], resolved_by="r1")
    signal(con, "s2", ["t1"])
    signal(con, "s3", ["gone"])  # its message is not in activity
    rows = mart(con, "digest_signals", "signal_id")
    columns = [c[0] for c in con.execute("SELECT * FROM digest_signals LIMIT 0").description]
    picked = [{c: row[columns.index(c)] for c in ("signal_id", "resolved_by_name", "resolved_by_author", "from_customer",
                                                   "from_tool")} for row in rows]
    assert picked == [
        {"signal_id": "s1", "resolved_by_name": "Sam", "resolved_by_author": "id-Sam", "from_customer": True, "from_tool": False},
        {"signal_id": "s2", "resolved_by_name": None, "resolved_by_author": None, "from_customer": False, "from_tool": True},
        {"signal_id": "s3", "resolved_by_name": None, "resolved_by_author": None, "from_customer": False, "from_tool": False},
    ]


def test_unplaced_activity_is_the_ses_uncited_mail_and_dms_with_no_customer(con):
    ensure_signals_table(con)
    table(con, "activity", ACTIVITY, [
        activity("m1", 10, source="gmail", kind="email"),  # listed
        activity("dm1", 10, kind="dm", author="Pia"),  # listed
        activity("dm2", 10, kind="dm", author="Sam", se=True),  # the SE's own
        activity("c1", 10, kind="channel"),  # channel chatter
        activity("m2", 10, source="gmail", kind="email", customer="Zephyr Labs"),  # placed
        activity("m3", 10, source="gmail", kind="email"),  # a signal cites it
    ])
    signal(con, "s1", ["m3"])
    rows = mart(con, "unplaced_activity", "activity_id")
    assert [(r[3], r[4], r[5], r[6]) for r in rows] == [
        ("dm1", "slack", "Pia", "text dm1"),
        ("m1", "gmail", "Uma", "about m1"),
    ]


def test_customer_handovers_is_the_first_day_a_colleague_writes_after_the_close(con):
    table(con, "customers", "customer VARCHAR, closed_on DATE", [
        ("Zephyr Labs", d(3)), ("Quill Co", None), ("Nimbus", d(3))])
    table(con, "activity", ACTIVITY, [
        activity("a1", 2, customer="Zephyr Labs", author="Uma"),  # before the close
        activity("a0", 3, customer="Zephyr Labs", author="Uma"),  # on the day it closed
        activity("a2", 5, customer="Zephyr Labs", author="Sam", se=True),  # its SE
        activity("a3", 6, customer="Zephyr Labs", author="Ines", external=True),  # the customer
        activity("a4", 7, customer="Zephyr Labs", author="CI bot", bot=True),
        activity("a5", 8, customer="Zephyr Labs", author="Uma"),  # a colleague: handed over
        activity("a6", 9, customer="Zephyr Labs", author="Uma"),
        activity("a7", 8, customer="Quill Co", author="Uma"),  # still open
        activity("a8", 8, customer="Nimbus", author="Uma", kind="channel"),  # an internal channel
    ])
    assert mart(con, "customer_handovers", "customer") == [("Zephyr Labs", d(8))]


def test_new_customers_are_those_without_an_opportunity_with_their_first_message(con):
    table(con, "customers", "customer VARCHAR, is_new BOOLEAN", [("Zephyr Labs", True), ("Quill Co", False)])
    first = activity("z1", 4, customer="Zephyr Labs")
    table(con, "activity", ACTIVITY, [
        activity("z2", 6, customer="Zephyr Labs"),
        first[:1] + (None,) + first[2:],  # its first message, in a channel no SE is on
        activity("z3", 5, customer="Zephyr Labs"),  # the first that names an SE
        activity("q1", 2, customer="Quill Co"),  # has an opportunity
    ])
    assert mart(con, "new_customers", "customer") == [("Zephyr Labs", d(4), "z1", "https://x/z1", "sam")]


def test_slack_people_are_named_users_but_bots(con):
    table(con, "stg_people", "person_id VARCHAR, name VARCHAR, email VARCHAR, is_bot BOOLEAN, is_external BOOLEAN", [
        ("U1", "Uma Rao", "uma@ours.io", False, False),
        ("U2", "Ines V", None, False, True),
        ("B1", "Deploy Bot", None, True, False),
    ])
    assert mart(con, "slack_people", "name") == [("Ines V", True), ("Uma Rao", False)]


def test_usage_days_read_names_one_file_a_day_and_since_when_it_is_read(con):
    table(con, "stg_usage_reads", "source_path VARCHAR, partition_date DATE", [
        ("/data/b.csv", d(2)), ("/data/b.csv", d(3)), ("/data/a.csv", d(3)), ("/data/a.csv", d(4))])
    assert mart(con, "usage_days_read", "partition_date") == [
        (d(2), "/data/b.csv", d(2)), (d(3), "/data/a.csv", d(3)), (d(4), "/data/a.csv", d(3))]


def test_customer_usage_span_is_the_first_row_and_the_first_use(con):
    table(con, "usage", "customer VARCHAR, usage_date DATE, value DOUBLE", [
        ("Zephyr Labs", d(2), 0), ("Zephyr Labs", d(5), 3), ("Quill Co", d(4), 0), (None, d(1), 8)])
    assert mart(con, "customer_usage_span", "customer") == [("Quill Co", d(4), None), ("Zephyr Labs", d(2), d(5))]


def test_opportunity_content_latest_is_each_pages_last_snapshot_with_its_customer(con):
    table(con, "stg_opportunity_content", "page_id VARCHAR, partition_date DATE, position INTEGER, block_type VARCHAR, text VARCHAR", [
        ("o1", d(1), 0, "paragraph", "old note"),
        ("o1", d(3), 0, "heading_1", "Exit criteria"),
        ("o1", d(3), 1, "paragraph", "SSO works"),
        ("o2", d(2), 0, "paragraph", "no opportunity row"),
    ])
    table(con, "opportunities", "page_id VARCHAR, customer VARCHAR, url VARCHAR", [("o1", "Zephyr Labs", "https://crm/o1")])
    assert mart(con, "opportunity_content_latest", "page_id, position") == [
        ("o1", d(3), 0, "heading_1", "Exit criteria", "Zephyr Labs", "https://crm/o1"),
        ("o1", d(3), 1, "paragraph", "SSO works", "Zephyr Labs", "https://crm/o1"),
        ("o2", d(2), 0, "paragraph", "no opportunity row", None, None),
    ]


def test_customer_stakeholders_are_their_people_by_messages_and_first_day(con):
    table(con, "activity", "customer VARCHAR, author_name VARCHAR, author_email VARCHAR, author_is_external BOOLEAN, "
          "is_bot BOOLEAN, activity_date DATE", [
              ("Zephyr Labs", "Ines V", "Ines@Zephyr.dev", True, False, d(4)),
              ("Zephyr Labs", "Ines V", "ines@zephyr.dev", True, None, d(2)),
              ("Zephyr Labs", "Uma Rao", "uma@ours.io", False, False, d(1)),  # ours
              ("Zephyr Labs", "Jira", "jira@zephyr.dev", True, True, d(1)),  # a bot
              (None, "Stranger", "s@else.io", True, False, d(1)),  # no customer
          ])
    assert mart(con, "customer_stakeholders", "name") == [("Zephyr Labs", "Ines V", "ines@zephyr.dev", 2, d(2))]


def test_thread_replies_are_our_later_messages_in_a_customers_thread(con):
    def at(hour: int) -> dt.datetime:
        return dt.datetime(2027, 3, 9, hour, tzinfo=TZ)

    table(con, "activity", "activity_id VARCHAR, customer VARCHAR, thread_key VARCHAR, sent_at TIMESTAMPTZ, "
          "author_is_external BOOLEAN, is_bot BOOLEAN, text VARCHAR, link VARCHAR", [
              ("q1", "Zephyr Labs", "t1", at(9), True, False, "Do you support SSO?", "l-q1"),
              ("r0", "Zephyr Labs", "t1", at(8), False, False, "Welcome!", "l-r0"),  # before the ask
              ("r2", "Zephyr Labs", "t1", at(11), False, None, "And SCIM next quarter.", "l-r2"),
              ("r1", "Zephyr Labs", "t1", at(10), False, False, "Yes, SAML and OIDC.", "l-r1"),
              ("b1", "Zephyr Labs", "t1", at(10), False, True, "Ticket opened", "l-b1"),  # a bot
              ("q2", "Zephyr Labs", "t1", at(12), True, False, "Thanks!", "l-q2"),  # theirs, not a reply; unanswered
              ("i1", "Zephyr Labs", "t2", at(9), False, False, "internal note", "l-i1"),  # ours: no ask
          ])
    assert mart(con, "thread_replies", "asked_id, reply_number") == [
        ("q1", 1, "Yes, SAML and OIDC.", "l-r1"), ("q1", 2, "And SCIM next quarter.", "l-r2")]
