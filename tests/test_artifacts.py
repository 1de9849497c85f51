"""The SE's artefacts from the warehouse: product gaps, competitor mentions, win criteria, and their
customer-facing reports (redacted, one customer per file)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from se_pipeline.competitors import find_competitors, split_names
from se_pipeline.artifacts import (
    build_competitor_mentions, build_product_gaps, build_qualifications, build_win_criteria, build_win_plans,
    write_reports,
)
from se_pipeline.artifacts.qualification import role_from_signature, role_under_name
from se_pipeline.artifacts.redact import redact
from se_pipeline.models import discover_models, run_model
from se_pipeline.warehouse import ensure_tables
from se_pipeline.window import Window

AS_OF = dt.date(2026, 11, 20)
ACTIVITY_COLUMNS = (
    "activity_id, activity_date, sent_at, source, customer, se_id, channel, channel_kind, is_external_channel, thread_key, "
    "is_reply, author_name, author_email, author_is_external, author_is_se, is_bot, bot_name, subject, text, link"
)


def _activity(con, activity_id, day, customer, thread, external, text, link=None, source="slack", subject=None, minute=0):
    sent = dt.datetime.combine(day, dt.time(10, minute), dt.timezone.utc)
    con.execute(
        f"INSERT INTO activity ({ACTIVITY_COLUMNS}) VALUES (?, ?, ?, ?, ?, 'alice', 'ext-x', 'ext', TRUE, ?, ?, ?, NULL, ?, ?, FALSE, NULL, ?, ?, ?)",
        [activity_id, day, sent, source, customer, thread, minute > 0, "them" if external else "Alice", external,
         not external, subject, text, link or f"https://acme.slack.com/archives/C1/p{activity_id}"],
    )


def _opportunity(con, page_id, customer, stage, active, amount, properties=None, close_date=None):
    con.execute(
        "INSERT INTO opportunities VALUES (?, ?, ?, ?, ?, 'alice', ?, ?, ?, ?)",
        [page_id, f"{customer} - {page_id}", customer, stage, active, amount, close_date, f"https://www.notion.so/{page_id}",
         json.dumps(properties or {})],
    )


def _blocks(con, page_id, day, blocks):
    for position, (block_type, text) in enumerate(blocks):
        con.execute(
            "INSERT INTO raw_notion_blocks (block_id, partition_date, page_id, position, depth, block_type, text) VALUES (?, ?, ?, ?, 0, ?, ?)",
            [f"{page_id}-{position}", day, page_id, position, block_type, text],
        )


def _signal(con, signal_id, customer, kind, day, summary, owed=True, status="open", excerpt=None):
    con.execute(
        "INSERT INTO signals (signal_id, se_id, customer, kind, owed, status, raised_at, activity_date, summary, tldr, "
        "activity_ids, link, relevance, evidence, excerpt) VALUES (?, 'alice', ?, ?, ?, ?, ?, ?, ?, ?, [?], ?, 'include', 'test', ?)",
        [signal_id, customer, kind, owed, status, dt.datetime.combine(day, dt.time(9), dt.timezone.utc), day, summary,
         summary[:40], signal_id, f"https://acme.slack.com/archives/C1/p{signal_id}", excerpt or summary],
    )


def _customer(con, name, is_new):
    con.execute("INSERT INTO customers (customer, is_new, se_id) VALUES (?, ?, 'alice')", [name, is_new])


@pytest.fixture()
def con():
    connection = duckdb.connect()
    ensure_tables(connection)
    connection.execute(
        "CREATE TABLE activity (activity_id VARCHAR, activity_date DATE, sent_at TIMESTAMPTZ, source VARCHAR, customer VARCHAR, "
        "se_id VARCHAR, channel VARCHAR, channel_kind VARCHAR, is_external_channel BOOLEAN, thread_key VARCHAR, is_reply BOOLEAN, "
        "author_name VARCHAR, author_email VARCHAR, author_is_external BOOLEAN, author_is_se BOOLEAN, is_bot BOOLEAN, "
        "bot_name VARCHAR, subject VARCHAR, text VARCHAR, link VARCHAR)"
    )
    connection.execute(
        "CREATE TABLE opportunities (page_id VARCHAR, name VARCHAR, customer VARCHAR, stage VARCHAR, is_active BOOLEAN, "
        "se_id VARCHAR, amount DOUBLE, close_date DATE, url VARCHAR, properties JSON)"
    )
    connection.execute("CREATE TABLE customers (customer VARCHAR, is_new BOOLEAN, se_id VARCHAR)")
    for mart in ("opportunity_content_latest", "customer_stakeholders", "thread_replies"):  # views over the tables above, as the daily job makes them
        run_model(connection, discover_models()[mart], Window.for_day(AS_OF, dt.timezone.utc))
    yield connection
    connection.close()


# ---- redaction -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("bot token xoxb-2048-1234-AbCdEfGhIj here", "xoxb-2048"),
        ("user token xoxp-1-2-3-abcdef", "xoxp-1"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "eyJhbGci"),
        ("use api_key=9f8e7d6c5b4a3210 for the ingest", "9f8e7d6c5b4a3210"),
        ('"apiKey": "abcd1234efgh5678"', "abcd1234efgh5678"),
        ("AWS key AKIAIOSFODNN7EXAMPLE leaked", "AKIAIOSFODNN7EXAMPLE"),
        ("openai sk-proj-abcdefghijklmnopqrst", "sk-proj-abcdef"),
        ("notion secret_AbCdEfGhIjKlMnOpQrStUvWxYz123", "secret_AbCd"),
        ("db at postgres://svc:hunter2@db.example.com:5432/app", "hunter2"),
        ("see https://grafana.example.com/d/abc?orgId=1", "grafana.example.com"),
        ("runbook http://10.2.3.4:8080/run", "10.2.3.4"),
        ("host api.prod.internal:443 is down", "api.prod.internal"),
        ("thread https://acme.slack.com/archives/C01/p1700000000000100", "slack.com"),
        ("jenkins at http://localhost:8080/job/x", "localhost"),
    ],
)
def test_redact_removes_credentials_and_internal_links(text: str, secret: str) -> None:
    cleaned = redact(text, ["example.com"])
    assert secret not in cleaned
    assert "[redacted]" in cleaned or "[internal link]" in cleaned or "[internal host]" in cleaned


def test_redact_keeps_public_links_and_ordinary_text() -> None:
    text = "Pricing is at https://www.example.com/pricing, and the OTLP docs at https://opentelemetry.io/docs/. The token budget is fine."
    assert redact(text, ["example.com"]) == text


# ---- product gaps ----------------------------------------------------------------------------


def test_product_gaps_from_unanswered_asks_and_notes(con) -> None:
    _opportunity(con, "p-acme", "Acme Corp", "POC", True, 120_000)
    _opportunity(con, "p-glob", "Globex", "Discovery", True, 30_000)
    _opportunity(con, "p-old", "Globex", "Lost", False, 999_000)
    d = dt.date(2026, 10, 5)
    _activity(con, "1", d, "Acme Corp", "T1", True, "Do you support SAML SSO with Okta? It is a hard requirement.")
    _activity(con, "2", d, "Acme Corp", "T1", False, "Not yet, it is on the roadmap for Q1.", minute=5)
    _activity(con, "3", d + dt.timedelta(days=9), "Globex", "T2", True, "Does the platform support SSO with SAML Okta?")
    _activity(con, "4", d + dt.timedelta(days=9), "Globex", "T2", False, "Unfortunately no. As a workaround you could use Google login.", minute=3)
    _activity(con, "5", d, "Globex", "T3", True, "Do you support Terraform?")
    _activity(con, "6", d, "Globex", "T3", False, "Yes, we have a provider.", minute=2)  # answered yes: no gap
    _activity(con, "7", d, "Acme Corp", "T4", True, "Is there an EU region?")  # never answered: no gap
    _blocks(con, "p-acme", dt.date(2026, 10, 20), [("paragraph", "Gap: ARM64 agent image"), ("paragraph", "Kickoff went well")])
    assert build_product_gaps(con) == 3
    rows = con.execute(
        "SELECT capability, customer, severity, answer, workaround_available, revenue_at_stake, customers_affected, "
        "total_revenue_at_stake, first_seen, last_seen, source_links FROM product_gaps ORDER BY capability, customer"
    ).fetchall()
    sso = [r for r in rows if "SSO" in r[0]]
    assert [r[1] for r in sso] == ["Acme Corp", "Globex"]
    acme, globex = sso
    assert acme[2] == "blocker" and acme[3] == "not_yet" and not acme[4] and acme[5] == 120_000
    assert globex[3] == "no" and globex[4] and globex[5] == 30_000  # the lost deal is not at stake
    assert acme[6] == 2 and acme[7] == 150_000
    assert acme[10] == ["https://acme.slack.com/archives/C1/p1"]
    arm = [r for r in rows if "ARM64" in r[0]]
    assert arm and arm[0][1] == "Acme Corp" and arm[0][3] == "noted" and arm[0][10] == ["https://www.notion.so/p-acme"]
    assert build_product_gaps(con) == 3  # rebuilt, not doubled


# ---- competitor mentions ---------------------------------------------------------------------


def _inventory(con, *cards):
    for asset_id, asset, updated, tags in cards:
        con.execute(
            "INSERT INTO raw_content_inventory (asset_id, asset, asset_type, owner, last_updated, tags, source_file, extracted_at) "
            "VALUES (?, ?, 'battlecard', 'Priya', ?, ?, 'inv.csv', TIMESTAMP '2026-11-01 00:00:00')",
            [asset_id, asset, updated, tags],
        )


def test_competitor_mentions_per_opportunity_and_month_with_battlecard_freshness(con, tmp_path: Path) -> None:
    # Names come from data: the opportunity's competition property, a win/loss note, and the configured list.
    _opportunity(con, "p-acme", "Acme Corp", "POC", True, 100_000, {"Competition": "Dynatrace, Splunk"})
    _opportunity(con, "p-glob", "Globex", "Discovery", True, 10_000, {"Competitors": None})
    con.execute(
        "INSERT INTO raw_win_loss (note_id, decided_on, customer, outcome, competitors, source_file, extracted_at) "
        "VALUES ('n1', DATE '2026-09-01', 'Hooli', 'lost', ['New Relic'], 'wl.csv', TIMESTAMP '2026-11-01 00:00:00')"
    )
    _activity(con, "1", dt.date(2026, 9, 30), "Acme Corp", "T1", True, "We also run Datadog and some Grafana dashboards")
    _activity(con, "2", dt.date(2026, 10, 2), "Acme Corp", "T2", False, "How do we compare with datadog APM?", source="gmail")
    _activity(con, "3", dt.date(2026, 10, 3), "Initech", "T3", True, "New Relic quoted us less")  # no opportunity
    _activity(con, "4", dt.date(2026, 10, 3), "Acme Corp", "T4", True, "Sentry is what our devs use")  # named nowhere in the data
    _blocks(con, "p-acme", dt.date(2026, 10, 10), [("paragraph", "Incumbent: Splunk for logs")])
    _inventory(con, ("a1", "Datadog battlecard", dt.date(2025, 10, 1), ["datadog"]),
               ("a2", "Grafana battlecard", dt.date(2026, 10, 1), ["grafana"]),
               ("a3", "Splunk battlecard", dt.date(2026, 10, 5), ["splunk"]))
    build_competitor_mentions(con, AS_OF, configured=("Datadog", "Grafana"))
    rows = con.execute(
        "SELECT competitor, customer, page_id, strftime(month, '%Y-%m'), mentions, sources, battlecard, battlecard_freshness "
        "FROM competitor_mentions ORDER BY competitor, customer, month, sources"
    ).fetchall()
    assert rows == [
        ("Datadog", "Acme Corp", "p-acme", "2026-09", 1, ["slack"], "Datadog battlecard", "stale"),
        ("Datadog", "Acme Corp", "p-acme", "2026-10", 1, ["gmail"], "Datadog battlecard", "stale"),
        ("Dynatrace", "Acme Corp", "p-acme", "2026-11", 1, ["notion_property"], None, "missing"),
        ("Grafana", "Acme Corp", "p-acme", "2026-09", 1, ["slack"], "Grafana battlecard", "fresh"),
        ("New Relic", "Initech", None, "2026-10", 1, ["slack"], None, "missing"),
        ("Splunk", "Acme Corp", "p-acme", "2026-10", 1, ["notion"], "Splunk battlecard", "stale"),
        ("Splunk", "Acme Corp", "p-acme", "2026-11", 1, ["notion_property"], "Splunk battlecard", "stale"),
    ]
    reasons = dict(con.execute("SELECT competitor, battlecard_stale_reason FROM competitor_mentions WHERE month = DATE '2026-10-01'").fetchall())
    assert reasons["Datadog"].startswith("415 days old")
    assert reasons["Splunk"] == "mentioned on 2026-10-10, after its last update on 2026-10-05"
    assert "None" not in {r[0] for r in rows}  # an empty Competitors cell names no competitor


def test_a_mention_by_an_alias_counts_under_the_competitors_name(con) -> None:
    aliases = (("QM", "Quillmetrics"),)
    _opportunity(con, "p-acme", "Acme Corp", "POC", True, 100_000, {"Competition": "QM"})
    _activity(con, "1", dt.date(2026, 10, 6), "Acme Corp", "T1", True, "Thanks for the demo. QM offered us 30% off the list price.")
    _activity(con, "2", dt.date(2026, 10, 8), "Acme Corp", "T2", True, "Quillmetrics came up in the steering meeting.")
    build_competitor_mentions(con, AS_OF, configured=("Quillmetrics",), aliases=aliases)
    rows = con.execute("SELECT competitor, strftime(month, '%Y-%m'), mentions, sources FROM competitor_mentions ORDER BY month").fetchall()
    assert rows == [("Quillmetrics", "2026-10", 2, ["slack"]), ("Quillmetrics", "2026-11", 1, ["notion_property"])]
    cards = con.execute("SELECT competitor, mentions, pricing_claims FROM battlecards").fetchall()
    assert cards == [("Quillmetrics", 3, ["QM offered us 30% off the list price."])]


def test_configured_competitors_are_found_too() -> None:
    assert find_competitors("They trialled Acme Observe last year", ("Acme Observe",)) == ["Acme Observe"]
    assert find_competitors("They trialled Acme Observe last year", ()) == []  # no built-in list


def test_battlecards_quote_the_field_with_where_it_was_heard(con) -> None:
    _opportunity(con, "p-acme", "Acme Corp", "POC", True, 100_000, {"Competition": ["Rivalry"]})
    _opportunity(con, "p-glob", "Globex", "Closed Lost", False, 40_000, {"Competition": ["Rivalry"]})
    _activity(con, "1", dt.date(2026, 10, 6), "Acme Corp", "T1", True, "Thanks for the demo. Rivalry offered us 30% off the list price.")
    _activity(con, "2", dt.date(2026, 10, 8), "Globex", "T2", True, "We are worried Rivalry's agent is already everywhere.")
    _activity(con, "3", dt.date(2026, 10, 9), "Acme Corp", "T3", True, "Rivalry came up in the steering meeting.")
    _inventory(con, ("a1", "Rivalry battlecard", dt.date(2026, 10, 7), ["rivalry"]))
    build_competitor_mentions(con, AS_OF)
    card = con.execute(
        "SELECT mentions, customers, won, lost, open, quotes, pricing_claims, objections, battlecard_freshness, stale_reason, "
        "mentions_since_update FROM battlecards WHERE competitor = 'Rivalry'"
    ).fetchone()
    mentions, customers, won, lost, opened, quotes, pricing, objections, state, why, since = card
    assert customers == ["Acme Corp", "Globex"] and (won, lost, opened) == (0, 1, 1)
    assert pricing == ["Rivalry offered us 30% off the list price."]
    assert objections == ["We are worried Rivalry's agent is already everywhere."]
    quotes = json.loads(quotes)
    assert quotes[0]["day"] == "2026-10-09" and quotes[0]["kind"] == "mention"  # newest first
    lost_quote = next(q for q in quotes if q["customer"] == "Globex")
    assert lost_quote["outcome"] == "lost" and lost_quote["stage"] == "Closed Lost"
    assert lost_quote["link"] == "https://acme.slack.com/archives/C1/p2"
    # Fresh by age (44 days), but the field has heard Rivalry since the card's update.
    assert state == "stale" and why.startswith("mentioned on") and since >= 2


# ---- win criteria ----------------------------------------------------------------------------


def test_win_criteria_flags_pocs_without_exit_criteria_overdue_or_grown(con) -> None:
    _opportunity(con, "p-ok", "Acme Corp", "POC", True, 100_000, {"POC dates": {"start": "2026-10-01", "end": "2026-12-01"}})
    before = [("heading_2", "Success criteria"), ("bulleted_list_item", "p95 trace search under 2s"),
              ("heading_2", "Decision framework"), ("bulleted_list_item", "CTO signs off after review")]
    _blocks(con, "p-ok", dt.date(2026, 10, 2), before)
    _opportunity(con, "p-grew", "Globex", "Evaluation", True, 50_000)
    start = [("heading_2", "Timeline"), ("paragraph", "POC 2026-10-01 to 2026-11-01"),
             ("heading_2", "Exit criteria"), ("bulleted_list_item", "Ingest 1 TB/day")]
    _blocks(con, "p-grew", dt.date(2026, 10, 3), start)
    _blocks(con, "p-grew", dt.date(2026, 10, 25), start + [("bulleted_list_item", "Also: SSO and RBAC"), ("heading_2", "Notes"), ("paragraph", "call went well")])
    _opportunity(con, "p-none", "Initech", "Trial", True, 10_000, {"Trial end": "2026-12-15"})
    _opportunity(con, "p-disc", "Umbrella", "Discovery", True, 5_000)
    _opportunity(con, "p-won", "Hooli", "Won", False, 5_000)
    assert build_win_criteria(con, AS_OF) == 4
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT page_id, is_poc, success_criteria, decision_framework, poc_start, poc_end, criteria_at_start, criteria_now, flags "
        "FROM win_criteria"
    ).fetchall()}
    assert rows["p-ok"] == (True, ["p95 trace search under 2s"], ["CTO signs off after review"], dt.date(2026, 10, 1), dt.date(2026, 12, 1), 1, 1, [])
    grew = rows["p-grew"]
    assert grew[1] == ["Ingest 1 TB/day", "Also: SSO and RBAC"] and grew[3:5] == (dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    assert grew[5:] == (1, 2, ["past end date", "scope grew"])
    assert rows["p-none"][0] and rows["p-none"][4] == dt.date(2026, 12, 15) and rows["p-none"][7] == ["no exit criteria"]
    assert rows["p-disc"][0] is False and rows["p-disc"][7] == []


def test_win_criteria_read_notion_export_dates_numbered_criteria_and_poc_tags(con) -> None:
    # As a Notion CSV export writes them: month-name dates, one numbered cell, a Tags column.
    _opportunity(con, "p-exp", "Acme Corp", "Technical Validation", True, 80_000, {
        "POC End": "November 3, 2026", "Tags": "POC, SSO", "Success Criteria": "1) Initial load < 6h\n2) Delta latency < 5 min",
    })
    _opportunity(con, "p-tag", "Globex", "Discovery", True, 20_000, {"Tags": ["Pilot"], "Competitors": ""})
    build_win_criteria(con, AS_OF)
    rows = {r[0]: r[1:] for r in con.execute("SELECT page_id, is_poc, poc_end, success_criteria, flags FROM win_criteria").fetchall()}
    assert rows["p-exp"] == (True, dt.date(2026, 11, 3), ["Initial load < 6h", "Delta latency < 5 min"], ["past end date"])
    assert rows["p-tag"][0] is True and rows["p-tag"][3] == ["no exit criteria"]


def test_product_gaps_are_typed_merged_and_split_revenue(con) -> None:
    _opportunity(con, "p-acme", "Acme Corp", "POC", True, 90_000)
    d = dt.date(2026, 10, 5)
    _activity(con, "1", d, "Acme Corp", "T1", True, "Do you support SAML SSO with Okta? Without it we cannot sign.")
    _activity(con, "2", d, "Acme Corp", "T1", False, "Not yet, it is on the roadmap.", minute=1)
    _activity(con, "3", d + dt.timedelta(days=2), "Acme Corp", "T2", True, "Is there SSO via SAML for the admin console?")
    _activity(con, "4", d + dt.timedelta(days=2), "Acme Corp", "T2", False, "No, not today.", minute=1)
    _activity(con, "5", d, "Acme Corp", "T3", True, "Any plans for a dark mode? Would be nice, not urgent.")
    _activity(con, "6", d, "Acme Corp", "T3", False, "It's on the roadmap.", minute=1)
    _activity(con, "7", d, "Acme Corp", "T4", True, "Do you support Parquet export?")
    _activity(con, "8", d, "Acme Corp", "T4", False, "Not currently.", minute=1)
    assert build_product_gaps(con) == 3  # the two SSO wordings are one gap
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT gap_type, mentions, first_seen, last_seen, revenue_share, customer_words FROM product_gaps"
    ).fetchall()}
    breaker = rows["deal-breaker"]
    assert breaker[0] == 2 and (breaker[1], breaker[2]) == (d, d + dt.timedelta(days=2))
    assert breaker[4] == ["Do you support SAML SSO with Okta? Without it we cannot sign.", "Is there SSO via SAML for the admin console?"]
    assert set(rows) == {"deal-breaker", "nice-to-have", "challenge"}
    assert sum(r[3] for r in rows.values()) == pytest.approx(90_000)  # each deal counted once, split evenly
    assert rows["challenge"][3] == pytest.approx(30_000)


def test_win_plan_ranks_the_top_three_risks_with_mitigations_and_sources(con) -> None:
    _opportunity(con, "p-acme", "Acme Corp", "POC", True, 100_000, {
        "POC End": "October 30, 2026", "Success Criteria": "Ingest 1 TB/day ✅; p95 search < 2s (at risk); SSO with Okta",
        "Competition": "Rivalry",
    }, close_date=dt.date(2026, 12, 15))
    d = dt.date(2026, 11, 2)
    _activity(con, "1", d, "Acme Corp", "T1", True, "Do you support SCIM provisioning? It is a hard requirement.")
    _activity(con, "2", d, "Acme Corp", "T1", False, "Not yet.", minute=1)
    _activity(con, "3", dt.date(2026, 11, 10), "Acme Corp", "T2", True, "Rivalry showed us their importer yesterday.")
    _signal(con, "s1", "Acme Corp", "technical_question", dt.date(2026, 11, 6), "Dana asked why the agent install keeps failing",
            excerpt="The agent install keeps failing on our cluster, can you help?")
    _signal(con, "s2", "Acme Corp", "negative_tone", dt.date(2026, 11, 18), "Dana sounded frustrated about the delays", owed=False, status="info")
    _signal(con, "s3", "Acme Corp", "action_item", dt.date(2026, 11, 19), "Send the sizing sheet")
    _signal(con, "s4", "Acme Corp", "action_item", dt.date(2026, 11, 1), "Book the workshop", status="done")
    _signal(con, "s5", "Globex", "action_item", dt.date(2026, 11, 1), "Another customer's ask")
    build_product_gaps(con)
    build_competitor_mentions(con, AS_OF)
    build_win_criteria(con, AS_OF)
    assert build_win_plans(con, AS_OF) == 1
    criteria, timeline, risks, steps = con.execute("SELECT criteria, timeline, risks, next_steps FROM win_plans").fetchone()
    assert [(c["criterion"], c["status"]) for c in json.loads(criteria)] == [
        ("Ingest 1 TB/day ✅", "met"), ("p95 search < 2s (at risk)", "at risk"), ("SSO with Okta", "open")]
    assert timeline == ["POC ends 2026-10-30", "Close date: 2026-12-15"]
    risks = json.loads(risks)
    assert [r["kind"] for r in risks] == ["poc_overdue", "product_gap", "open_blocker"]
    assert "SCIM provisioning" in risks[1]["risk"] and "deal-breaker" in risks[1]["risk"]
    assert risks[1]["links"] == ["https://acme.slack.com/archives/C1/p1"] and risks[1]["mitigation"]
    assert risks[2]["links"] == ["https://acme.slack.com/archives/C1/ps1"]
    assert [s["summary"] for s in json.loads(steps)] == ["Dana asked why the agent install keeps failing", "Send the sizing sheet"]


def test_technical_qualification_maps_a_new_customers_asks(con) -> None:
    _opportunity(con, "p-acme", "Acme Corp", "POC", True, 100_000)
    d = dt.date(2026, 10, 5)
    _activity(con, "1", d, "Acme Corp", "T1", True, "Do you support SAML SSO?")
    _activity(con, "2", d, "Acme Corp", "T1", False, "Not yet, sorry.", minute=1)
    _customer(con, "Acme Corp", is_new=False)
    _customer(con, "Wayfarer Labs", is_new=True)
    con.execute("UPDATE activity SET author_email = 'ann@acme.com' WHERE customer = 'Acme Corp'")
    _activity(con, "3", d, "Wayfarer Labs", "W1", True, "Hi! Do you support SSO with SAML? Can you also run on ARM nodes?")
    _activity(con, "4", d, "Wayfarer Labs", "W1", False, "Yes, we support ARM64 out of the box.", minute=1)
    _activity(con, "5", d, "Wayfarer Labs", "W2", True, "Is there a Terraform provider? Let me know if anything is unclear.", minute=2)
    con.execute("UPDATE activity SET author_name = 'Rosa Vidal', author_email = 'rosa@wayfarer.dev' WHERE customer = 'Wayfarer Labs' AND author_is_external")
    con.execute(
        "INSERT INTO raw_gmail_messages (message_key, partition_date, se_id, thread_id, message_id, from_email, sent_at, signature, "
        "permalink) VALUES ('m1', DATE '2026-10-05', 'alice', 't1', '<m1@x>', 'rosa@wayfarer.dev', now(), ?, 'https://mail.google.com/x')",
        ["Rosa Vidal\nHead of Platform Engineering\n+1 555 0100"],
    )
    build_product_gaps(con)
    assert build_qualifications(con) == 1
    asks, open_questions, people = con.execute("SELECT asks, open_questions, stakeholders FROM technical_qualification").fetchone()
    mapped = {a["question"]: a["mapping"] for a in json.loads(asks)}
    assert mapped == {"Do you support SSO with SAML?": "recorded gap", "Can you also run on ARM nodes?": "supported",
                      "Is there a Terraform provider?": "open"}
    assert [q["question"] for q in json.loads(open_questions)] == ["Is there a Terraform provider?"]
    assert json.loads(people) == [{"name": "Rosa Vidal", "email": "rosa@wayfarer.dev", "domain": "wayfarer.dev",
                                   "role": "Head of Platform Engineering", "messages": 2, "first_seen": "2026-10-05"}]


def test_role_from_signature_skips_the_name_and_contact_lines() -> None:
    assert role_from_signature("Jo Park\njo@x.io\nVP, Data Engineering | Example Co", "Jo Park") == "VP, Data Engineering | Example Co"
    assert role_from_signature("Jo Park\n+1 555 0100", "Jo Park") is None
    # A forwarded or quoted signature block names the role under the full name.
    assert role_under_name("Forwarding this.\n> Thanks,\n> Jo Park\n> CTO, Example Co\n", "Jo Park") == "CTO, Example Co"
    assert role_under_name("Jo Park will join.\nSee you then", "Jo Park") is None


def test_competition_cells_are_names_without_qualifiers_or_placeholders() -> None:
    assert split_names("Airbyte (self-hosted), Rivalry; n/a") == ["Airbyte", "Rivalry"]
    assert split_names(["Rivalry", {"name": "Other Co"}, "None"]) == ["Rivalry", "Other Co"]
    assert split_names(None) == [] and split_names("") == []


# ---- reports ---------------------------------------------------------------------------------


def test_reports_are_per_customer_redacted_and_isolated(con, tmp_path: Path) -> None:
    _opportunity(con, "p-acme", "Acme Corp", "POC", True, 100_000)
    _opportunity(con, "p-glob", "Globex", "POC", True, 50_000)
    d = dt.date(2026, 10, 5)
    _activity(con, "1", d, "Acme Corp", "T1", True, "Do you support SAML SSO like Globex has? token xoxb-1111-2222-abcdefgh")
    _activity(con, "2", d, "Acme Corp", "T1", False, "Not yet. Workaround: see https://wiki.example.com/sso, alternatively use Google login", minute=1)
    _activity(con, "3", d, "Globex", "T2", True, "Does it support OTLP over gRPC? We compare against Datadog.")
    _activity(con, "4", d, "Globex", "T2", False, "No, not currently.", minute=1)
    _blocks(con, "p-glob", d, [("heading_2", "Success criteria"), ("bulleted_list_item", "Dashboards at http://grafana.corp.internal/x load in 2s")])
    _signal(con, "s1", "Acme Corp", "action_item", dt.date(2026, 10, 6), "Send Globex's SSO runbook from https://wiki.example.com/runbook")
    _customer(con, "Initech", is_new=True)
    _activity(con, "5", d, "Initech", "T5", True, "Is there an audit log like Acme Corp has? Password: hunter22 at 10.0.0.7")
    build_product_gaps(con)
    build_competitor_mentions(con, AS_OF, configured=("Datadog",))
    build_win_criteria(con, AS_OF)
    build_win_plans(con, AS_OF)
    build_qualifications(con)
    home = tmp_path / "home"
    kinds = ("product_gaps", "competitor_mentions", "win_criteria", "win_plans", "technical_qualification")
    files = [p for kind in kinds for p in write_reports(con, home, kind, ["example.com"])]
    se = home / "reports" / "se"
    assert {p.relative_to(se).as_posix() for p in files} == {
        "product_gaps/acme-corp.md", "product_gaps/globex.md", "product_gaps.md",
        "competitor_mentions/globex.md", "win_criteria/acme-corp.md", "win_criteria/globex.md",
        "win_plans/acme-corp.md", "win_plans/globex.md", "technical_qualification/initech.md", "battlecards/datadog.md",
    }
    plan = (se / "win_plans" / "acme-corp.md").read_text(encoding="utf-8")
    assert "SAML SSO" in plan and "Send [another customer]'s SSO runbook" in plan and "OTLP" not in plan
    assert "Globex" not in plan and "wiki.example.com" not in plan and "Slack message of 2026-10-06" in plan
    qualification = (se / "technical_qualification" / "initech.md").read_text(encoding="utf-8")
    assert "audit log" in qualification and "Acme" not in qualification
    assert "hunter22" not in qualification and "10.0.0.7" not in qualification
    card = (se / "battlecards" / "datadog.md").read_text(encoding="utf-8")
    assert "Internal" in card and "We compare against Datadog." in card
    acme = (se / "product_gaps" / "acme-corp.md").read_text(encoding="utf-8")
    assert "SAML SSO" in acme and "OTLP" not in acme
    assert "Globex" not in acme and "[another customer]" in acme
    assert "xoxb" not in acme and "wiki.example.com" not in acme and "[internal link]" in acme
    globex = (se / "product_gaps" / "globex.md").read_text(encoding="utf-8")
    assert "OTLP" in globex and "SAML" not in globex and "Acme" not in globex
    criteria = (se / "win_criteria" / "globex.md").read_text(encoding="utf-8")
    assert "grafana.corp.internal" not in criteria and "[internal link]" in criteria
    summary = (se / "product_gaps.md").read_text(encoding="utf-8")
    assert "Acme" not in summary and "Globex" not in summary and "SAML SSO" in summary
    for path in files:
        if path.parent.name == "battlecards":
            continue  # internal: its quotes keep their links for the team
        text = path.read_text(encoding="utf-8")
        assert "slack.com" not in text and "notion.so" not in text

    # A customer whose gaps are gone loses its report on the next run.
    con.execute("DELETE FROM activity WHERE customer = 'Globex'")
    build_product_gaps(con)
    write_reports(con, home, "product_gaps", ["example.com"])
    assert not (se / "product_gaps" / "globex.md").exists() and (se / "product_gaps" / "acme-corp.md").exists()
