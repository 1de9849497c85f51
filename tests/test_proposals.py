"""Proposed updates to the opportunity database, found in an invented week: messages go through the
real models and signal rules into `proposals`; nothing here writes to Notion (test_proposal_apply does)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.analysis import refresh_signals
from se_pipeline.config import SalesEngineer, Settings
from se_pipeline.sources.notion import NotionExportConnector
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.proposals import dismiss, open_proposals, refresh_proposals
from se_pipeline.proposals.stages import CONTRACT, SECURITY, TRIAL, known_stages, phase, stage_after, stage_for
from se_pipeline.warehouse import load_records
from se_pipeline.window import Window

TZ = ZoneInfo("Europe/Vienna")
MON, TUE = dt.date(2026, 3, 9), dt.date(2026, 3, 10)
SETTINGS = Settings(
    timezone="Europe/Vienna",
    company_domains=["ourco.io"],
    sales_engineers=[SalesEngineer(id="ivo", name="Ivo Petrov", email="ivo@ourco.io", slack_user_id="U1IVO")],
)
HEADER = "Name,Customer,Stage,SE,Amount,Close Date,POC End,Next Step\n"
DEALS = [  # the opportunity database's CSV export
    '"Bramble | Platform",Bramble Cargo GmbH,Technical Evaluation,Ivo Petrov,80000,"April 30, 2026",,Kickoff done',
    '"Tarn – Data Hub",Tarn Systems,Pilot,Ivo Petrov,120000,"June 30, 2026","March 20, 2026",Pilot review',
    '"Copse – Analytics",Copse Media,Discovery,Ivo Petrov,40000,"July 31, 2026",,',
    '"Larkspur – Rollout",Larkspur Foods,Security Review,Ivo Petrov,60000,"May 29, 2026",,',
    '"Heron – Old deal",Heron Air,Negotiation,Ivo Petrov,10000,"May 1, 2026",,',
    '"Heron – Older deal",Heron Air,Closed Won,Ivo Petrov,10000,"January 1, 2026",,',
]
USERS = [("U1IVO", "Ivo Petrov", "ivo@ourco.io"), ("U2ED", "Ed Park", "ed@bramble.example"),
         ("U2TY", "Ty Lo", "ty@tarn.example"), ("U2JO", "Jo Reyes", "jo@wren.example"),
         ("U2KIM", "Kim Sato", "kim@copse.example"), ("U2LU", "Lu Chen", "lu@larkspur.example")]
CHANNELS = [("C1", "ext-bramble"), ("C2", "ext-tarn"), ("C3", "ext-wren"), ("C4", "ext-copse"), ("C5", "ext-larkspur"),
            ("C9", "opp-bramble")]
RECAP = """Call recap: Bramble weekly sync
When: Tue, Mar 10, 2026 2:00 PM CET
Attendees: Ivo Petrov (OurCo); Ed Park (Bramble Cargo)
Next steps:
• Ivo Petrov — send the sizing guide by Friday
• Ed Park — share the test data set"""
CRM = """Opportunity updated
Opportunity: Tarn – Data Hub
Close Date: 2026-06-30 → 2026-07-15"""


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ)


def export(tmp_path, rows: list[str]) -> NotionExportConnector:
    path = tmp_path / "opportunities.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return NotionExportConnector(path, SETTINGS.terminal_stages)


def post(con, channel_id: str, when: dt.datetime, user: str | None, text: str, bot: str | None = None) -> None:
    ts = f"{when.timestamp():.6f}"
    name, email = next(((n, e) for u, n, e in USERS if u == user), (bot, None))
    con.execute(
        "INSERT INTO raw_slack_messages (message_key, partition_date, channel_id, channel_name, channel_type, ts, is_reply,"
        " user_id, user_name, user_email, bot_name, subtype, sent_at, text, permalink) "
        "SELECT ?, ?, channel_id, name, 'public', ?, FALSE, ?, ?, ?, ?, ?, ?, ?, ? FROM raw_slack_channels WHERE channel_id = ?",
        [f"{channel_id}:{ts}", when.date(), ts, user, name, email, bot, "bot_message" if bot else None, when, text,
         f"https://x.slack.com/archives/{channel_id}/p{ts.replace('.', '')}", channel_id],
    )


def load_day(con, tmp_path, day: dt.date, rows: list[str] = DEALS) -> None:
    """The opportunity database as read on `day`, then the models, signals and proposals for it."""
    window = Window.for_day(day, TZ)
    connector = export(tmp_path, rows)
    load_records(con, "notion", connector.tables, window, connector.extract(window), staging_dir=tmp_path)
    for model in discover_models().values():
        run_model(con, model, window)
    refresh_signals(con, window, SETTINGS)
    refresh_proposals(con, window, SETTINGS)


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect()
    prepare(con, SETTINGS)
    con.executemany("INSERT INTO raw_slack_users (user_id, real_name, email) VALUES (?, ?, ?)", USERS)
    con.executemany("INSERT INTO raw_slack_channels (channel_id, name, channel_type) VALUES (?, ?, 'public')", CHANNELS)
    post(con, "C1", at(TUE, 9), "U2ED", "Hi Ivo, our security team sent over the vendor security questionnaire today.")
    post(con, "C1", at(TUE, 10), "U2ED", "Good news: the budget is approved at €95,000 for year one.")
    post(con, "C1", at(TUE, 11), "U2ED", "Legal says we can sign on 22 May instead of 30 April.")
    post(con, "C9", at(TUE, 15), None, RECAP, bot="Gong")
    post(con, "C2", at(TUE, 9), "U2TY", "The pilot now runs until 27 March rather than 20 March.")
    post(con, "C2", at(TUE, 16), "U2TY", "We wrapped up the pilot today, the numbers look great.")
    post(con, "C2", at(TUE, 17), None, CRM, bot="Salesforce")
    post(con, "C3", at(TUE, 10), "U2JO", "Hello Ivo, could you show us how the connector handles schema changes?")
    post(con, "C3", at(TUE, 12), "U1IVO", "Hi Jo, happy to walk you through it on Thursday.")
    post(con, "C4", at(TUE, 10), "U2KIM", "Our security questionnaire is attached, no rush.")
    post(con, "C5", at(TUE, 10), "U2LU", "Is the questionnaire due by 3 April, or could we sign by 1 April?")
    load_day(con, tmp_path, TUE)
    yield con
    con.close()


def proposals(con, **where) -> list:
    return [p for p in open_proposals(con) if all(getattr(p, k) == v for k, v in where.items())]


def test_a_security_questionnaire_moves_an_evaluation_to_the_security_review(con):
    [stage] = proposals(con, customer="Bramble Cargo", kind="stage")
    assert (stage.property, stage.current_value, stage.proposed_value) == ("Stage", "Technical Evaluation", "Security Review")
    assert stage.opportunity == "Bramble | Platform" and stage.action == "update" and stage.se_id == "ivo"
    assert "questionnaire" in stage.reason and stage.links == [_link(con, "C1", 9)]


def test_the_customer_states_a_budget_and_a_new_signing_date(con):
    [amount] = proposals(con, customer="Bramble Cargo", kind="amount")
    assert (amount.property, amount.current_value, amount.proposed_value) == ("Amount", "80000", "95000")
    [close] = proposals(con, customer="Bramble Cargo", kind="close_date")
    # "22 May instead of 30 April": the date it moves to, not the one it moves from
    assert (close.property, close.current_value, close.proposed_value) == ("Close Date", "2026-04-30", "2026-05-22")
    assert close.links == [_link(con, "C1", 11)] and "Ed Park" in close.reason


def test_the_end_of_a_pilot_moves_it_on_and_its_new_end_date_is_proposed(con):
    by_kind = {p.kind: p for p in proposals(con, customer="Tarn Systems")}
    assert (by_kind["stage"].current_value, by_kind["stage"].proposed_value) == ("Pilot", "Security Review")
    assert (by_kind["poc_end"].property, by_kind["poc_end"].current_value, by_kind["poc_end"].proposed_value) == (
        "POC End", "2026-03-20", "2026-03-27")


def test_a_crm_change_is_proposed_for_the_same_field_of_the_record_it_names(con):
    [close] = proposals(con, customer="Tarn Systems", kind="close_date")
    assert (close.current_value, close.proposed_value) == ("2026-06-30", "2026-07-15")
    assert close.reason.startswith("Salesforce changed close date")


def test_a_call_recap_proposes_its_next_steps(con):
    [step] = proposals(con, customer="Bramble Cargo", kind="next_step")
    assert step.property == "Next Step" and step.current_value == "Kickoff done"
    assert step.proposed_value == "Ivo Petrov: send the sizing guide by Friday; Ed Park: share the test data set"


def test_the_days_comment_cites_each_line_and_names_the_se_not_you(con):
    [comment] = proposals(con, customer="Bramble Cargo", kind="comment")
    assert comment.action == "comment" and comment.page_id and comment.property is None
    lines = comment.changes[0]["lines"]
    assert lines and all(line["link"].startswith("https://x.slack.com/") for line in lines)
    assert "Tue 10 Mar 2026" in comment.proposed_value and " you" not in comment.proposed_value.lower().replace("your", "")
    assert "Tarn" not in comment.proposed_value  # another customer's news never lands on this page


def test_a_new_customer_gets_a_new_opportunity_with_account_se_and_first_activity(con):
    [new] = proposals(con, kind="new_opportunity")
    assert new.customer == "Wren" and new.action == "create" and new.page_id is None
    fields = {c["field"]: c for c in new.changes}
    assert fields["title"] == {"field": "title", "property": "Name", "after": "Wren"}
    assert fields["customer"]["property"] == "Customer" and fields["se"]["after"] == "Ivo Petrov"
    assert fields["first_activity"] == {"field": "first_activity", "after": "2026-03-10", "link": _link(con, "C3", 10)}


def test_nothing_is_proposed_from_discovery_from_questions_or_for_closed_deals(con):
    assert not proposals(con, customer="Copse Media", kind="stage")  # a questionnaire during discovery
    assert not [p for p in proposals(con, customer="Larkspur Foods") if p.action == "update"]  # a question
    assert not proposals(con, customer="Heron Air")
    assert all(p.proposed_value != "Closed Won" for p in open_proposals(con))


def test_rerunning_a_day_keeps_the_same_proposals_and_the_users_decisions(con, tmp_path):
    before = sorted(p.proposal_id for p in open_proposals(con))
    [amount] = proposals(con, customer="Bramble Cargo", kind="amount")
    dismiss(con, amount.proposal_id)
    load_day(con, tmp_path, TUE)
    after = sorted(p.proposal_id for p in open_proposals(con))
    assert after == sorted(set(before) - {amount.proposal_id})
    assert con.execute("SELECT count(*), count(DISTINCT proposal_id) FROM proposals").fetchone()[0] == len(before)
    assert con.execute("SELECT status FROM proposals WHERE proposal_id = ?", [amount.proposal_id]).fetchone() == ("dismissed",)


def test_a_proposal_whose_value_changed_in_the_database_turns_stale(con, tmp_path):
    [stage] = proposals(con, customer="Bramble Cargo", kind="stage")
    moved = [row.replace("Technical Evaluation", "Negotiation") if row.startswith('"Bramble') else row for row in DEALS]
    load_day(con, tmp_path, dt.date(2026, 3, 11), moved)
    status, why = con.execute("SELECT status, status_reason FROM proposals WHERE proposal_id = ?", [stage.proposal_id]).fetchone()
    assert (status, why) == ("stale", "Stage is now Negotiation")


# ---- stages ------------------------------------------------------------------------------------


def test_stage_names_are_placed_on_the_course_of_a_sale_by_their_words():
    assert [phase(s) for s in ("Discovery", "Tech Validation", "Proof of Value (POV)", "InfoSec Review", "Contracting",
                               "Stage 3")] == [1, 2, 3, 4, 6, None]
    known = known_stages(["Discovery", "Demo", "POC", "Security", "Legal Review", "Legal Review", "Procurement", "Won"],
                         ["Won"])
    assert stage_for(SECURITY, "Demo", known) == "Security"
    assert stage_for(CONTRACT, "Security", known) == "Legal Review"  # the one the database uses most
    assert stage_for(SECURITY, "Legal Review", known) is None  # never backwards
    assert stage_for(CONTRACT, "POC", known) is None  # paperwork beside a POC does not end it
    assert stage_after(TRIAL, "POC", known) == "Security"
    assert stage_after(TRIAL, "Demo", known) is None


def _link(con, channel_id: str, hour: int) -> str:
    ts = f"{at(TUE, hour).timestamp():.6f}"
    return con.execute("SELECT link FROM activity WHERE activity_id = ?", [f"slack:{channel_id}:{ts}"]).fetchone()[0]

