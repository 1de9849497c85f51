"""refresh_signals on a real DuckDB: open items settle on a later day, re-runs change nothing."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest

from se_pipeline.analysis import ActivityRow, refresh_signals
from se_pipeline.config import SalesEngineer, Settings, load_settings
from se_pipeline.models import MACROS_PATH, discover_models, run_model
from se_pipeline.window import Window

TZ = ZoneInfo("America/New_York")
SETTINGS = Settings(
    company_domains=["tracelight.io"],
    sales_engineers=[SalesEngineer(id="alice", name="Alice Chen", email="alice@tracelight.io", slack_user_id="U01ALICE")],
)
ACTIVITY_COLUMNS = {
    "activity_id": "VARCHAR", "activity_date": "DATE", "sent_at": "TIMESTAMPTZ", "source": "VARCHAR",
    "customer": "VARCHAR", "se_id": "VARCHAR", "channel": "VARCHAR", "channel_kind": "VARCHAR",
    "is_external_channel": "BOOLEAN", "thread_key": "VARCHAR", "is_reply": "BOOLEAN", "author_id": "VARCHAR",
    "author_name": "VARCHAR", "author_email": "VARCHAR", "author_is_external": "BOOLEAN", "author_is_se": "BOOLEAN",
    "is_bot": "BOOLEAN", "bot_name": "VARCHAR", "subject": "VARCHAR", "text": "VARCHAR", "link": "VARCHAR",
}
DANA = {"author_id": "U10DANA", "author_name": "Dana Wu", "author_email": "dana@acme.com", "author_is_external": True}
ALICE = {"author_id": "U01ALICE", "author_name": "Alice Chen", "author_email": "alice@tracelight.io",
         "author_is_external": False, "author_is_se": True}
RAJ = {"author_id": "U02RAJ", "author_name": "Raj Iyer", "author_email": "raj@tracelight.io", "author_is_external": False}


def day(n: int) -> dt.date:
    return dt.date(2026, 10, n)


def at(n: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 10, n, hour, tzinfo=TZ)


def message(activity_id: str, when: dt.datetime, body: str, author: dict, *, thread: str | None = None,
            customer: str | None = "Acme Corp", channel: str = "ext-acme-eval", kind: str = "ext") -> dict:
    row = {
        "activity_id": activity_id, "activity_date": when.date(), "sent_at": when, "source": "slack",
        "customer": customer, "se_id": "alice", "channel": channel, "channel_kind": kind,
        "is_external_channel": kind == "ext", "thread_key": thread or activity_id.split(":", 1)[1],
        "is_reply": thread is not None, "author_is_se": False, "is_bot": False, "text": body,
        "link": f"https://x.slack.com/archives/{activity_id}",
    }
    row.update(author)
    return row


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE activity (" + ", ".join(f"{c} {t}" for c, t in ACTIVITY_COLUMNS.items()) + ")"
    )
    yield connection
    connection.close()


def add(con: duckdb.DuckDBPyConnection, *rows: dict) -> None:
    frame = pd.DataFrame([{c: r.get(c) for c in ACTIVITY_COLUMNS} for r in rows])
    con.register("_rows", frame)
    con.execute("INSERT INTO activity BY NAME SELECT * FROM _rows")
    con.unregister("_rows")


def run_days(con: duckdb.DuckDBPyConnection, first: int, last: int) -> None:
    for n in range(first, last + 1):
        refresh_signals(con, Window.for_day(day(n), TZ), SETTINGS)


def signal(con: duckdb.DuckDBPyConnection, kind: str) -> dict:
    result = con.execute("SELECT * FROM signals WHERE kind = ?", [kind])
    rows = result.fetchall()
    assert len(rows) == 1, rows
    return dict(zip([c[0] for c in result.description], rows[0]))


def open_on(con: duckdb.DuckDBPyConnection, kind: str, n: int) -> bool:
    """What the digest for day n asks: still owed at the end of that day?"""
    day_end = dt.datetime.combine(day(n + 1), dt.time(), TZ)
    return con.execute(
        "SELECT resolved_at IS NULL OR resolved_at >= ? FROM signals WHERE kind = ?", [day_end, kind]
    ).fetchone()[0]


def test_question_raised_on_day_n_is_answered_on_day_n_plus_k_by_a_later_run(con):
    add(con, message("slack:C1:100", at(20), "Does the agent support OpenTelemetry exporters?", DANA))
    run_days(con, 20, 20)
    assert signal(con, "customer_question")["status"] == "open"

    # A "thanks" on day 21 is not an answer; a colleague's real answer on day 24 is.
    add(con,
        message("slack:C1:101", at(21), "Thanks, looking into it!", RAJ, thread="C1:100"),
        message("slack:C1:102", at(24), "Yes, OTLP exporters work out of the box since 2.1.", RAJ, thread="C1:100"))
    run_days(con, 21, 24)
    question = signal(con, "customer_question")
    assert question["status"] == "answered" and question["resolved_by"] == "slack:C1:102"
    assert question["resolved_at"] == at(24)
    assert open_on(con, "customer_question", 22) and not open_on(con, "customer_question", 24)


def test_commitment_is_done_when_delivered_in_another_thread_to_the_same_customer(con):
    add(con,
        message("slack:C1:200", at(5), "I'll send the reference architecture diagram for the multi-region setup by Monday.", ALICE),
        message("slack:C1:201", at(6), "Unrelated: here's the invoice link https://x.example/inv", ALICE),
        message("slack:C1:202", at(12), "Here's the multi-region reference architecture diagram we discussed: https://x.example/d", ALICE))
    run_days(con, 5, 12)
    promise = signal(con, "commitment")
    assert (promise["status"], promise["resolved_by"]) == ("done", "slack:C1:202")
    assert promise["due_date"] == day(12)


def test_action_item_stays_open_after_a_promise_and_is_done_by_the_delivery(con):
    add(con,
        message("slack:C1:300", at(6), "Could you share the pricing breakdown for the 50-seat tier?", DANA),
        message("slack:C1:301", at(6, 11), "Sure, I'll pull that together and send it by Friday.", ALICE, thread="C1:300"))
    run_days(con, 6, 8)
    assert signal(con, "action_item")["status"] == "open"
    assert signal(con, "commitment")["status"] == "open"
    add(con, message("slack:C1:302", at(9), "Attached is the pricing breakdown.", ALICE, thread="C1:300"))
    run_days(con, 9, 9)  # the run for day 9 re-checks items raised on day 6
    assert signal(con, "action_item")["status"] == "done"
    assert signal(con, "commitment")["status"] == "done"


def test_negative_tone_is_never_raised_for_internal_channels(con):
    angry = "This is unacceptable and really frustrating, nobody has gotten back to us in days."
    add(con,
        message("slack:C2:1", at(7), angry, RAJ, channel="opp-acme", kind="opp"),
        message("slack:D1:1", at(7, 11), angry, RAJ, channel="Raj Iyer", kind="dm"),
        message("slack:C1:1", at(7, 12), angry, DANA))
    run_days(con, 7, 7)
    rows = con.execute("SELECT activity_ids[1] FROM signals WHERE kind = 'negative_tone'").fetchall()
    assert rows == [("slack:C1:1",)]


def test_every_signal_has_its_source_activitys_customer(con):
    add(con,
        message("slack:C1:1", at(8), "Can you send the SOC 2 report? We also use Datadog today.", DANA),
        message("slack:C3:1", at(8, 11), "Is there a Terraform provider for alert rules?",
                {**DANA, "author_name": "Priya Nair", "author_email": "priya@globex.com"}, customer="Globex",
                channel="ext-globex-poc"),
        message("slack:D1:1", at(8, 12), "can you add the Globex POC results to the deal deck?", RAJ,
                customer="Globex", channel="Raj Iyer", kind="dm"))
    run_days(con, 8, 8)
    mismatched = con.execute(
        """
        SELECT s.kind, s.customer, a.customer FROM signals s JOIN activity a ON a.activity_id = s.activity_ids[1]
        WHERE s.customer IS DISTINCT FROM a.customer
        """
    ).fetchall()
    assert mismatched == []
    assert con.execute("SELECT count(DISTINCT customer) FROM signals").fetchone()[0] == 2


def test_refresh_is_idempotent_and_replaces_only_its_window(con):
    add(con,
        message("slack:C1:1", at(5), "How do we set the sampling rate per service?", DANA),
        message("slack:C1:2", at(6), "We're evaluating Honeycomb in parallel.", DANA),
        message("slack:C1:3", at(7), "Yes: set sampling.per_service in the agent config.", RAJ, thread="C1:1"))
    run_days(con, 5, 7)
    first = con.execute("SELECT * FROM signals ORDER BY signal_id").df()
    run_days(con, 5, 7)
    refresh_signals(con, Window(day(5), day(7), TZ), SETTINGS)
    again = con.execute("SELECT * FROM signals ORDER BY signal_id").df()
    pd.testing.assert_frame_equal(first, again)

    # Day 6's message is edited away upstream: re-running day 6 removes its signal, day 5's stays.
    con.execute("DELETE FROM activity WHERE activity_id = 'slack:C1:2'")
    run_days(con, 6, 6)
    kinds = sorted(k for (k,) in con.execute("SELECT kind FROM signals").fetchall())
    assert kinds == ["customer_question"]


def test_a_run_writes_signals_once_with_the_lookbacks_items_already_resolved(con):
    add(con, message("slack:C1:1", at(5), "How do we set the sampling rate per service?", DANA))
    run_days(con, 5, 5)
    add(con,
        message("slack:C1:2", at(6), "Yes: set sampling.per_service in the agent config.", RAJ, thread="C1:1"),
        message("slack:C1:3", at(6), "Can you share the pricing sheet?", DANA))

    con.execute("CALL enable_logging('QueryLog')")
    report = refresh_signals(con, Window.for_day(day(6), TZ), SETTINGS)  # settles day 5's question
    statements = [m for (m,) in con.execute("SELECT message FROM duckdb_logs WHERE type = 'QueryLog'").fetchall()]
    writes = [s for s in statements if re.search(r'\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?signals\b', s, re.I)]
    assert [w.split()[0].upper() for w in writes] == ["DELETE", "INSERT"], writes  # one replace_slice, no UPDATE
    assert report.rechecked >= 2 and report.still_open == 1
    statuses = dict(con.execute("SELECT activity_date, status FROM signals WHERE owed").fetchall())
    assert statuses == {day(5): "answered", day(6): "open"}


def test_null_flags_read_as_false_a_persons_ask_is_raised_and_settled(con):
    # No source says whether these are bots or replies (NULL): they are people's messages, not tools'.
    ask = message("slack:C1:1", at(5), "Can you share the sizing guide for the collectors?", DANA)
    answer = message("slack:C1:2", at(6), "Here's the sizing guide for the collectors: https://docs.example.com/sizing",
                     RAJ, thread="C1:1")
    for row in (ask, answer):
        row.update(is_bot=None, is_reply=None, author_is_se=None, is_external_channel=None)
    add(con, ask, answer)
    assert con.execute("SELECT count(*) FROM activity WHERE is_bot IS NULL AND is_reply IS NULL").fetchone()[0] == 2
    run_days(con, 5, 6)
    owed = con.execute("SELECT kind, status, resolved_by FROM signals WHERE owed").fetchall()
    assert len(owed) == 1 and owed[0][1:] == ("done" if owed[0][0] == "action_item" else "answered", "slack:C1:2"), owed


def test_an_activity_row_is_typed_null_is_none_and_columns_the_rules_do_not_read_are_left_out(con):
    add(con, {**message("slack:C1:1", at(5), "Hello", DANA), "is_bot": None, "is_reply": None})
    result = con.execute("SELECT *, 'x' AS not_read FROM activity")
    row = ActivityRow.of([c[0] for c in result.description], result.fetchone())
    assert row.is_bot is None and row.is_reply is None and row.author_is_external is True
    assert row.activity_date == day(5) and row.sent_at == at(5) and not hasattr(row, "not_read")


def test_account_signals_skip_cleanly_without_their_tables(con):
    add(con, message("slack:C1:1", at(5), "We're keen to try the trial next week!", DANA))
    report = refresh_signals(con, Window(day(5), day(9), TZ), SETTINGS)  # no customers/usage/opportunity tables
    assert report.raised.get("opportunity_change", 0) == 0 and report.raised.get("usage_drop", 0) == 0
    # A trial only talked about is no trial yet, and without a usage source nothing can be said of its usage.
    assert report.raised.get("trial_not_started", 0) == 0


def test_opportunity_change_from_snapshots(con):
    # the CRM contract's snapshots (any CRM source's staging view; a table will do here)
    con.execute("CREATE TABLE stg_opportunities (page_id VARCHAR, partition_date DATE, name VARCHAR, "
                "customer VARCHAR, stage VARCHAR, close_date DATE, url VARCHAR)")
    con.execute("INSERT INTO stg_opportunities VALUES "
                "('p1', '2026-10-01', 'Acme Corp - Expansion', NULL, 'Discovery', '2026-12-20', 'https://notion.so/p1'), "
                "('p1', '2026-10-08', 'Acme Corp - Expansion', NULL, 'POC', '2026-12-20', 'https://notion.so/p1')")
    # no current opportunity to name the customer: it comes from the opportunity's name
    con.execute("CREATE TABLE opportunities (page_id VARCHAR, customer VARCHAR, se_id VARCHAR)")
    con.execute(MACROS_PATH.read_text(encoding="utf-8"))  # as models.prepare makes them
    run_model(con, discover_models()["opportunity_changes"], Window.for_day(day(15), TZ))
    run_days(con, 5, 15)
    change = signal(con, "opportunity_change")
    assert change["customer"] == "Acme Corp" and change["activity_date"] == day(8)
    assert "Discovery → POC" in change["summary"]


def statuses(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT excerpt, status FROM signals WHERE owed").fetchall())


def test_a_reply_settles_only_the_ask_of_a_message_it_is_about(con):
    add(con,
        message("slack:C1:400", at(6), "Two more asks:\n• could you send the latest pen test executive summary, and\n"
                "• set up a 30-min call between your Head of Security and ours?", DANA),
        message("slack:C1:401", at(6, 14), "Pen test executive summary attached (under NDA)", ALICE, thread="C1:400"))
    run_days(con, 6, 7)
    assert statuses(con) == {"could you send the latest pen test executive summary, and": "done",
                             "set up a 30-min call between your Head of Security and ours?": "open"}


def test_on_it_and_will_check_leave_a_question_open_and_a_chase_raises_it_again(con):
    add(con,
        message("slack:C1:500", at(20), "During the load the agent logs a buffer spill warning. Should we raise buffer.max_mb?", DANA),
        message("slack:C1:501", at(20, 11), "Good catch, will check with the agent team.", ALICE, thread="C1:500"),
        message("slack:C1:502", at(22), "Any update on the buffer question? The spill directory keeps growing.", DANA, thread="C1:500"))
    run_days(con, 20, 22)
    question = con.execute("SELECT status FROM signals WHERE evidence = 'rule:customer_question'").fetchone()[0]
    chase = signal_by(con, "rule:chase")
    assert question == "open" and chase["status"] == "open"
    assert chase["activity_ids"] == ["slack:C1:502", "slack:C1:500"] and "buffer" in chase["summary"]


def test_the_asker_acknowledging_receipt_settles_their_ask(con):
    add(con,
        message("slack:C1:600", at(8), "I need a written remediation plan with dates today.", DANA),
        message("slack:C1:601", at(8, 15), "Thanks, got the plan. We'll review it tonight.", DANA))
    run_days(con, 8, 8)
    assert signal(con, "action_item")["status"] == "done"


def signal_by(con: duckdb.DuckDBPyConnection, evidence: str) -> dict:
    result = con.execute("SELECT * FROM signals WHERE evidence = ?", [evidence])
    [row] = result.fetchall()
    return dict(zip([c[0] for c in result.description], row))


def test_a_calls_next_steps_settle_apart_a_confirmation_by_saying_it_a_deliverable_by_handing_it_over(con):
    gong = {"author_id": None, "author_name": "Gong", "author_is_external": False, "is_bot": True, "bot_name": "Gong"}
    recap = ("Call recap: Acme Corp – security review\nAttendees: Alice Chen (Tracelight); Olivia Grant (Acme Corp)\n"
             "Next steps:\n• Alice Chen — confirm SCIM group sync with Okta\n"
             "• Alice Chen — send the SAML setup guide")
    add(con, message("slack:C2:400", at(13), recap, gong, channel="opp-acme", kind="opp"))
    run_days(con, 13, 13)
    steps = con.execute("SELECT excerpt, status FROM signals WHERE kind = 'action_item' ORDER BY excerpt").fetchall()
    assert steps == [("confirm SCIM group sync with Okta", "open"), ("send the SAML setup guide", "open")]

    add(con, message("slack:C1:401", at(14), "Following up on yesterday: SCIM group sync with Okta works on "
                     "every plan, nothing to set up.", ALICE))
    run_days(con, 14, 14)
    assert dict(con.execute("SELECT excerpt, status FROM signals WHERE kind = 'action_item'").fetchall()) == {
        "confirm SCIM group sync with Okta": "done", "send the SAML setup guide": "open"}


def test_let_us_know_when_it_is_fixed_waits_for_the_news_not_for_any_reply(con):
    add(con,
        message("slack:C1:700", at(12), "The exporter drops spans after a restart. Please let us know as soon as there's a fix.", DANA),
        message("slack:C1:701", at(12, 11), "Reproduced on our side, engineering filed it as BUG-12.", ALICE, thread="C1:700"))
    run_days(con, 12, 12)
    assert signal(con, "action_item")["status"] == "open"
    add(con, message("slack:C1:702", at(15), "Good news: the fix for the exporter restart is released in 2.4.1.", ALICE))
    run_days(con, 15, 15)
    assert signal(con, "action_item")["status"] == "done"


def test_a_long_window_in_one_run_reads_each_days_history_a_chase_weeks_later_and_a_silence_across_it(con):
    # One run over 25 days (a backfill): the activity is read day by day, so each day must still see its
    # lookback (the chase of an ask 19 days earlier) and the silence must still span the whole window.
    add(con,
        message("slack:C1:700", at(2), "Does the collector support mTLS to the gateway?", DANA),
        message("slack:C1:701", at(3), "Can you share your current retention settings?", ALICE),
        message("slack:C1:702", at(21), "Any update on the mTLS question? It blocks our rollout.", DANA, thread="C1:700"),
        message("slack:C1:703", at(23), "Yes: mTLS is supported, set tls.client_cert in the collector config.", RAJ,
                thread="C1:700"))
    refresh_signals(con, Window(day(1), day(25), TZ), SETTINGS)
    chase = signal_by(con, "rule:chase")
    assert chase["activity_ids"] == ["slack:C1:702", "slack:C1:700"] and chase["activity_date"] == day(21)
    question = con.execute("SELECT status, resolved_by FROM signals WHERE evidence = 'rule:customer_question'").fetchone()
    assert question == ("answered", "slack:C1:703")
    silent_days = [d for (d,) in con.execute(
        "SELECT activity_date FROM signals WHERE kind = 'slow_response' ORDER BY activity_date").fetchall()]
    # Our ask of day 3 crosses three days of silence on day 6; Dana's chase on day 21 ends it.
    assert silent_days == [day(n) for n in range(6, 21)]


def test_a_competitor_named_by_a_configured_alias_is_reported_under_its_name(con, tmp_path):
    settings_file = tmp_path / "se-pipeline.yaml"
    settings_file.write_text(
        "company_domains: [tracelight.io]\n"
        "sales_engineers: [{id: alice, name: Alice Chen, email: alice@tracelight.io, slack_user_id: U01ALICE}]\n"
        "analysis:\n  competitor_aliases: {Quillmetrics: [QM, Quill Metrics]}\n"
    )
    settings = load_settings(settings_file)
    add(con, message("slack:1", at(5), "FYI our platform team is trialling QM for tracing.", DANA))
    refresh_signals(con, Window.for_day(day(5), TZ), settings)
    mention = signal(con, "competitor_mention")
    assert "mentioned Quillmetrics:" in mention["summary"]  # the quote keeps the spelling the customer used
    assert mention["evidence"] == "rule:competitor:quillmetrics"
    # The same message without the alias settings names no competitor.
    con.execute("DELETE FROM signals")
    refresh_signals(con, Window.for_day(day(5), TZ), SETTINGS)
    assert not con.execute("SELECT * FROM signals WHERE kind = 'competitor_mention'").fetchall()
