"""One customer per account: legal names, the name the team uses, channel names, domains, opportunity
names and workspace ids all resolve to one customer row, on the real SQL models."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.config import CustomerConfig, SalesEngineer, Settings
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.window import Window

TZ = ZoneInfo("Europe/Vienna")
DAY = dt.date(2026, 3, 12)
WINDOW = Window.for_day(DAY, TZ)
SETTINGS = Settings(
    timezone="Europe/Vienna",
    company_domains=["ourco.io"],
    sales_engineers=[
        SalesEngineer(id="ivo", name="Ivo Petrov", email="ivo@ourco.io", slack_user_id="U1IVO"),
        SalesEngineer(id="mara", name="Mara Lind", email="mara@ourco.io", slack_user_id="U1MARA"),
    ],
    customers=[
        CustomerConfig(name="Bramble Cargo", aliases=["bramble"], domains=["bramble-cargo.de"]),
        CustomerConfig(name="Quill Health", domains=["www.quillhealth.com"], workspace_ids=["ws_q_1"]),
    ],
)
OPPORTUNITIES = [
    # page, title, customer property, stage, SE, domain, workspace, last edited
    ("p1", "Bramble | Pilot", "Bramble Cargo GmbH", "Pilot", "Ivo Petrov", None, "ws_b_9", "2026-03-10"),
    ("p2", "Bramble – 2025 Eval", None, "Lost", "Ivo Petrov", None, None, "2026-03-11"),
    ("p3", "Quill / Telemetry POC", None, "POC", "Mara Lind", "https://www.quillhealth.com/", None, "2026-03-01"),
    ("p4", "QH | Renewal", "Quill Health Inc.", "Proposal", "Mara Lind", None, None, "2026-02-01"),
    ("p5", "Tarn Systems: Data Hub", "Tarn Systems S.p.A.", "Discovery", "Olga Berg", "tarn.it", None, "2026-03-02"),
    ("p6", "Larkspur Foods – FY27 Expansion", "Larkspur Foods Pty Ltd", "Won", "Mara Lind", "larkspur.com.au", None, "2026-01-05"),
    ("p7", "Sorrel – Eval", "Sorrel Bio", "Discovery", "mara.lind", None, None, "2026-03-03"),  # the SE by email name
]


@pytest.fixture
def con():
    con = duckdb.connect()
    prepare(con, SETTINGS)
    con.executemany(
        "INSERT INTO raw_notion_opportunities (page_id, partition_date, name, customer, stage, se_name, domain, workspace_id, "
        "last_edited_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(p, DAY, name, customer, stage, se, domain, ws, f"{edited} 10:00:00+00") for p, name, customer, stage, se, domain, ws, edited
         in OPPORTUNITIES],
    )
    channels = [("C1", "ext-bramblecargo"), ("C2", "proj-bramble-poc"), ("C3", "ext-quill"), ("C4", "deals-feed")]
    con.executemany("INSERT INTO raw_slack_channels (channel_id, name, channel_type) VALUES (?, ?, 'public')", channels)
    yield con
    con.close()


def post(con, channel_id: str, channel: str, ts: str, text: str, *, bot: str | None = None, user: str = "U1IVO") -> None:
    con.execute(
        "INSERT INTO raw_slack_messages (message_key, partition_date, channel_id, channel_name, channel_type, ts, is_reply,"
        " user_id, bot_id, bot_name, subtype, sent_at, text, permalink) VALUES (?, ?, ?, ?, 'public', ?, FALSE, ?, ?, ?, ?, ?, ?, ?)",
        [f"{channel_id}:{ts}", DAY, channel_id, channel, ts, None if bot else user, "B1" if bot else None, bot,
         "bot_message" if bot else None, dt.datetime.combine(DAY, dt.time(10), TZ), text, f"https://x.slack.com/{channel_id}/{ts}"],
    )


def run_models(con) -> None:
    for model in discover_models().values():
        run_model(con, model, WINDOW)


def test_every_name_of_an_account_is_one_customer_named_as_the_settings_name_it(con):
    run_models(con)
    assert dict(con.execute("SELECT page_id, customer FROM opportunities").fetchall()) == {
        "p1": "Bramble Cargo",  # legal name
        "p2": "Bramble Cargo",  # the customer part of the title is a configured alias
        "p3": "Quill Health",  # domain, written as a URL
        "p4": "Quill Health",  # legal name of a configured customer
        "p5": "Tarn Systems",  # not configured: the account without its legal form
        "p6": "Larkspur Foods",
        "p7": "Sorrel Bio",
    }
    customers = con.execute("SELECT customer FROM customers ORDER BY customer").fetchall()
    assert [c for (c,) in customers] == ["Bramble Cargo", "Larkspur Foods", "Quill Health", "Sorrel Bio", "Tarn Systems"]


def test_headers_take_the_active_opportunity_and_another_ses_customer_is_not_ours(con):
    run_models(con)
    rows = {c: rest for c, *rest in con.execute(
        "SELECT customer, stage, has_active_opportunity, is_ours, opportunity_se_name, se_id, closed_on FROM customers"
    ).fetchall()}
    assert rows["Bramble Cargo"][:3] == ["Pilot", True, True]  # the active pilot, not the later-edited lost eval
    assert rows["Quill Health"][:4] == ["POC", True, True, "Mara Lind"]
    assert rows["Tarn Systems"][2:5] == [False, "Olga Berg", None]
    assert rows["Larkspur Foods"][1] is False and rows["Larkspur Foods"][5] == dt.date(2026, 1, 5)
    assert rows["Sorrel Bio"][2:5] == [True, "mara.lind", "mara"]  # the SE written another way is still ours


def test_channel_tokens_domains_and_workspaces_join_the_account(con):
    run_models(con)
    (aliases, domains, workspaces), = con.execute(
        "SELECT aliases, domains, workspace_ids FROM customers WHERE customer = 'Bramble Cargo'").fetchall()
    # ext-bramblecargo (the key without separators) and proj-bramble-poc (an alias) both name it
    assert {"bramblecargo", "bramble"} <= set(aliases) and domains == ["bramble-cargo.de"] and workspaces == ["ws_b_9"]
    (quill,), = con.execute("SELECT aliases FROM customers WHERE customer = 'Quill Health'").fetchall()
    assert "quill" in quill  # ext-quill: the start of its key


def test_activity_is_resolved_by_channel_and_by_names_the_opportunity_database_knows(con):
    post(con, "C1", "ext-bramblecargo", "1.1", "Quill Health did this migration last year, ask them.")
    post(con, "C4", "deals-feed", "1.2", "Opportunity updated\nQH | Renewal\nStage: Proposal → Negotiation", bot="Salesforce")
    post(con, "C4", "deals-feed", "1.3", "Tarn Systems S.p.A. signed the NDA.")
    post(con, "C4", "deals-feed", "1.4", "Both Tarn Systems and Larkspur Foods asked for the price sheet.")
    post(con, "C2", "proj-bramble-poc", "1.5", "Kickoff notes are in the doc.")
    run_models(con)
    resolved = dict(con.execute("SELECT activity_id, customer FROM activity").fetchall())
    assert resolved == {
        "slack:C1:1.1": "Bramble Cargo",  # a customer's channel keeps its customer, whoever it names
        "slack:C4:1.2": "Quill Health",  # only the opportunity's title names it
        "slack:C4:1.3": "Tarn Systems",
        "slack:C4:1.4": None,  # two customers named: not guessed
        "slack:C2:1.5": "Bramble Cargo",
    }


def test_usage_rows_join_by_workspace_domain_or_name_and_the_rest_stay_unmatched(con):
    con.executemany(
        "INSERT INTO raw_usage (customer, partition_date, metric, value, account_name, account_domain, workspace_id) "
        "VALUES (?, ?, 'rows', 1, ?, ?, ?)",
        [("ws_q_1", DAY, None, None, "ws_q_1"),  # a workspace the settings name
         ("ws_b_9", DAY, None, "other.example", "ws_b_9"),  # a workspace the opportunity names
         ("tarn.it", DAY, None, "tarn.it", None),  # a domain
         ("Larkspur Foods Pty. Ltd.", DAY, "Larkspur Foods Pty. Ltd.", None, None),  # a legal name
         ("ws_zz", DAY, None, "nobody.example", "ws_zz")],
    )
    run_models(con)
    assert dict(con.execute("SELECT source_customer, customer FROM usage").fetchall()) == {
        "ws_q_1": "Quill Health", "ws_b_9": "Bramble Cargo", "tarn.it": "Tarn Systems",
        "Larkspur Foods Pty. Ltd.": "Larkspur Foods", "ws_zz": None,
    }


@pytest.mark.parametrize(
    "legal, name",
    [("Foo Freight Inc.", "Foo Freight"), ("Bar Bank S.A.", "Bar Bank"), ("Baz AG", "Baz"), ("Qux AS", "Qux"),
     ("Wombat Pty Ltd", "Wombat"), ("Kiln GmbH & Co. KG", "Kiln"), ("Ferro S.p.A.", "Ferro"), ("Dune plc", "Dune"),
     ("Gale, LLC", "Gale"), ("Atlas", "Atlas"), ("Hewlett-Packard", "Hewlett-Packard")],
)
def test_legal_forms_are_left_out_of_the_name(con, legal, name):
    assert con.execute("SELECT without_legal_suffix(?)", [legal]).fetchone()[0] == name


@pytest.mark.parametrize(
    "title, part",
    [("Foo Freight – FY27 Expansion", "Foo Freight"), ("Foo | Pilot", "Foo"), ("Foo / Telemetry POC", "Foo"),
     ("Foo: LIMS → Snowflake", "Foo"), ("Foo - Renewal", "Foo"), ("Hewlett-Packard Rollout", "Hewlett-Packard Rollout")],
)
def test_the_customer_part_of_an_opportunity_name(con, title, part):
    assert con.execute("SELECT opportunity_customer_part(?)", [title]).fetchone()[0] == part


def mail(con, message_id: str, sender: str, to: list[str], subject: str) -> None:
    con.execute(
        "INSERT INTO raw_gmail_messages (message_key, partition_date, se_id, message_id, subject, from_email, to_emails,"
        " sent_at, body_text, permalink) VALUES (?, ?, 'ivo', ?, ?, ?, ?, ?, 'See the attached plan.', 'https://mail.example/1')",
        [f"ivo:{message_id}", DAY, message_id, subject, sender, to, dt.datetime.combine(DAY, dt.time(9), TZ)],
    )


def test_mail_is_resolved_by_any_external_domain_and_two_customers_domains_take_the_first_by_name(con):
    mail(con, "<m1@x>", "ivo@ourco.io", ["lena@bramble-cargo.de"], "Plan")
    mail(con, "<m2@x>", "ops@quillhealth.com", ["ivo@ourco.io", "lena@bramble-cargo.de"], "Plan")
    mail(con, "<m3@x>", "ivo@ourco.io", ["someone@elsewhere.example"], "Plan")
    post(con, "C2", "proj-bramble-poc", "1.6", "Notes.")  # a channel token that is an alias, not the key
    run_models(con)
    rows = {a: (c, by) for a, c, by in con.execute("SELECT activity_id, customer, customer_resolved_by FROM activity").fetchall()}
    assert rows == {
        "gmail:<m1@x>": ("Bramble Cargo", "email_domain"),
        "gmail:<m2@x>": ("Bramble Cargo", "email_domain"),  # Bramble Cargo < Quill Health
        "gmail:<m3@x>": (None, None),
        "slack:C2:1.6": ("Bramble Cargo", "channel_name"),
    }
