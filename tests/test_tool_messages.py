"""Tool messages read by their fields (se_pipeline.analysis.tools), one family at a time, from invented
Slack posts and notification mail: call recaps, CRM changes, tickets, calendar mail, auto-replies,
newsletters and anything else a tool says about a customer."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from se_pipeline.analysis import ActivityRow
from se_pipeline.analysis.context import RuleContext, SalesEngineerRef
from se_pipeline.analysis.messages import message_signals
from se_pipeline.analysis.signal import DELIVER, FOLLOW_UP
from se_pipeline.competitors import competitor_pattern

from se_pipeline.analysis.tools import MailFacts, merge_repeats, tool_signals

RIVALS = ("Datadog", "New Relic", "Honeycomb", "Dynatrace")  # the competitors these tests configure

TZ = ZoneInfo("Europe/Madrid")
ALICE = SalesEngineerRef("alice", "Alice Chen", "alice@tracelight.io", "U01ALICE")
MARCO = SalesEngineerRef("marco", "Marco Diaz", "marco@tracelight.io", "U01MARCO")
TUESDAY = dt.date(2026, 3, 10)


def ctx(mail: dict[str, MailFacts] | None = None) -> RuleContext:
    return RuleContext([ALICE, MARCO], competitor_pattern(RIVALS), mail=mail or {}, tz=TZ)


def bot_post(body: str, bot: str, **overrides) -> ActivityRow:
    row = {
        "activity_id": "slack:C9:1.0", "activity_date": TUESDAY,
        "sent_at": dt.datetime(2026, 3, 10, 17, 0, tzinfo=TZ), "source": "slack", "customer": "Acme Corp",
        "se_id": "alice", "channel": "opp-acme", "channel_kind": "opp", "is_external_channel": False,
        "thread_key": "C9:1.0", "is_reply": False, "author_id": None, "author_name": bot, "author_email": None,
        "author_is_external": False, "author_is_se": False, "is_bot": True, "bot_name": bot, "subject": None,
        "text": body, "link": "https://x.slack.com/archives/C9/p10",
    }
    row.update(overrides)
    return ActivityRow(**row)


def tool_mail(body: str, sender: str, address: str, subject: str, **overrides) -> ActivityRow:
    return bot_post(body, sender, activity_id="gmail:<m1@x>", source="gmail", channel=subject, channel_kind="email",
                    thread_key="<m1@x>", author_email=address, subject=subject,
                    link="https://mail.google.com/mail/u/0/#search/rfc822msgid%3Am1%40x", **overrides)


# ---- call recaps -------------------------------------------------------------------------------

RECAP_POST = """:telephone_receiver: Call recap: Acme Corp – rollout planning
When: Tue, Mar 10, 2026 3:00 PM CET · 45 min
Attendees: Alice Chen, Priya Natarajan (Tracelight); Olivia Grant, Raj Kowalski (Acme Corp)
Key topics: SSO rollout, log retention, EU data residency, pricing tiers
Next steps:
• *Alice Chen* — send the SAML setup guide for Okta by Thursday
• *Alice* — confirm EU data residency for backups
• *Priya Natarajan* — send the revised order form
• *Olivia Grant* — share the security questionnaire"""


def test_a_recap_owes_the_se_their_next_steps_with_due_days_and_sums_up_the_rest():
    signals = tool_signals(bot_post(RECAP_POST, "Gong"), ctx())
    owed = [s for s in signals if s.owed]
    assert [s.excerpt for s in owed] == ["send the SAML setup guide for Okta by Thursday",
                                         "confirm EU data residency for backups"]
    assert all(s.kind == "action_item" and s.se_id == "alice" and s.status == "open" for s in owed)
    assert owed[0].due_date == dt.date(2026, 3, 12)  # "by Thursday", counted from the call's Tuesday
    assert owed[0].resolve_rule == DELIVER and owed[1].resolve_rule == FOLLOW_UP  # a thing to send vs to confirm
    assert "rollout planning" in owed[0].summary and len(owed[0].tldr.split()) <= 10
    [fact] = [s for s in signals if not s.owed]
    assert fact.kind == "automated" and fact.summary.startswith("Gong recap of “Acme Corp – rollout planning”")
    assert "Priya — revised order form" in fact.summary and "Olivia — security questionnaire" in fact.summary
    assert len(fact.summary.split()) <= 30


def test_a_mailed_recap_reads_the_same_and_a_step_for_another_se_is_theirs():
    body = ("Acme Corp – rollout planning\nTue, Mar 10, 2026 3:00 PM CET · 45 min\n\n"
            "Attendees: Alice Chen, Marco Diaz (Tracelight); Olivia Grant (Acme Corp)\n\n"
            "Key topics: SSO rollout\n\nNext steps\n- Marco Diaz: draft the POC success criteria\n"
            "- Olivia Grant: book the security review\n\nView call: https://app.gong.io/call?id=1")
    row = tool_mail(body, "Gong", "no-reply@gong.io", "Call recap: Acme Corp – rollout planning")
    [step] = [s for s in tool_signals(row, ctx()) if s.owed]
    assert (step.se_id, step.excerpt, step.due_date) == ("marco", "draft the POC success criteria", None)


def test_a_first_name_shared_by_an_attendee_is_not_enough_to_pick_the_se():
    body = RECAP_POST.replace("Raj Kowalski", "Alice Moreau")
    owed = [s for s in tool_signals(bot_post(body, "Gong"), ctx()) if s.owed]
    assert [s.excerpt for s in owed] == ["send the SAML setup guide for Okta by Thursday"]  # "Alice —" is ambiguous


def test_the_same_step_in_the_post_and_the_mail_is_one_item_citing_both():
    post = tool_signals(bot_post(RECAP_POST, "Gong"), ctx())
    mail = tool_signals(tool_mail(RECAP_POST.split("\n", 1)[1], "Gong", "no-reply@gong.io",
                                  "Call recap: Acme Corp – rollout planning"), ctx())
    merged = merge_repeats(post + mail)
    assert len(merged) == len(post)
    assert all(s.activity_ids == ["slack:C9:1.0", "gmail:<m1@x>"] for s in merged)
    # A mail that comes a day later stays apart: a day-by-day run could not have merged it.
    late = tool_signals(tool_mail(RECAP_POST.split("\n", 1)[1], "Gong", "no-reply@gong.io",
                                  "Call recap: Acme Corp – rollout planning", activity_date=TUESDAY + dt.timedelta(days=1)),
                        ctx())
    assert len(merge_repeats(tool_signals(bot_post(RECAP_POST, "Gong"), ctx()) + late)) == 2 * len(post)


# ---- CRM updates -------------------------------------------------------------------------------

CRM_POST = """Opportunity updated
Acme Corp – Platform Expansion
Stage: Discovery → Technical Validation
Amount: $120,000 → $150,000
Close Date: 2026-06-30 → 2026-05-29
Sales Engineer: Alice Chen
Amount: $150,000"""


def test_crm_changes_are_from_to_facts_and_unchanged_fields_are_context():
    [signal] = tool_signals(bot_post(CRM_POST, "Salesforce", channel="crm-updates", channel_kind="channel"), ctx())
    assert signal.kind == "opportunity_change"
    assert signal.summary == ("Salesforce: stage Discovery → Technical Validation, amount $120,000 → $150,000, "
                              "close date 30 Jun → 29 May (Acme Corp – Platform Expansion)")
    assert signal.link == "https://x.slack.com/archives/C9/p10"


def test_an_unknown_crm_bot_with_a_stage_arrow_still_reads():
    body = "Deal Globex – Renewal\nDeal Stage: Proposal -> Negotiation\nOwner: Priya Natarajan"
    [signal] = tool_signals(bot_post(body, "DealBot", customer="Globex"), ctx())
    assert signal.kind == "opportunity_change" and "deal stage Proposal → Negotiation" in signal.summary


def test_a_crm_change_of_forecast_or_next_step_only_is_automated():
    body = "Opportunity: Acme Corp – Platform Expansion\nForecast Category: Pipeline → Best Case"
    [signal] = tool_signals(tool_mail(body, "Salesforce", "noreply@salesforce.com", "Opportunity updated"), ctx())
    assert signal.kind == "automated" and "forecast category Pipeline → Best Case" in signal.summary


def test_the_sales_engineer_field_decides_whose_update_it_is():
    [mine] = tool_signals(bot_post(CRM_POST.replace("Alice Chen", "Marco Diaz"), "Salesforce"), ctx())
    assert mine.se_id == "marco" and mine.relevance == "include"
    [nobodys] = tool_signals(bot_post(CRM_POST.replace("Alice Chen", "Noor Haddad"), "Salesforce"), ctx())
    assert nobodys.se_id is None and nobodys.relevance == "uncertain"


# ---- tickets -----------------------------------------------------------------------------------


def test_a_ticket_mail_shows_id_subject_changes_and_the_agents_comment_not_the_template():
    body = ("##- Please type your reply above this line -##\n\nTicket #5120 has been updated.\n\n"
            "Organization: Acme Corp\nPriority: Normal → High\nStatus: Open → On-hold\nAssignee: Hank Moreno\n\n"
            "Hank Moreno (Tracelight)\nThe collector drops spans above 4 MB; a fix ships in 2.8.1 next week.\n\n"
            "You are a CC on this ticket.\nThis email is a service from Tracelight Support.")
    row = tool_mail(body, "Tracelight Support", "support@tracelight.zendesk.com",
                    "[Tracelight Support] Update on #5120: Spans dropped on large payloads")
    [signal] = tool_signals(row, ctx())
    assert signal.summary == ("Zendesk #5120 “Spans dropped on large payloads”: priority Normal → High, "
                              "status Open → On-hold. The collector drops spans above 4 MB; a fix ships in 2.8.1…")
    assert "reply above" not in signal.tldr and "#5120" in signal.tldr


def test_an_issue_post_in_blocks_reads_its_status_change():
    body = ("*FOO-42: Exporter crashes on ARM hosts (Acme Corp) (https://tracelight.atlassian.net/browse/FOO-42)*\n"
            "Status: In Review → Done · Fix version: 2.8.1\nPriority: Major\nJira Cloud · project FOO")
    [signal] = tool_signals(bot_post(body, "Jira Cloud"), ctx())
    assert signal.summary == ("Jira FOO-42 “Exporter crashes on ARM hosts (Acme Corp)”: priority Major, "
                              "status In Review → Done, fix version 2.8.1")


# ---- calendar mail -----------------------------------------------------------------------------

DECLINE = {"method": "REPLY", "summary": "Acme weekly sync", "start": "2026-03-12T14:00:00+00:00",
           "end": "2026-03-12T14:30:00+00:00", "all_day": False, "sequence": 0, "comment": None,
           "organizer": {"name": "Alice Chen", "email": "alice@tracelight.io"},
           "attendees": [{"name": "Raj Kowalski", "email": "raj@acme.com", "partstat": "DECLINED"}]}


def calendar_mail(event: dict, subject: str, body: str = "", sender: str = "Raj Kowalski") -> tuple[dict, RuleContext]:
    row = tool_mail(body, sender, "raj@acme.com", subject)
    return row, ctx({row.activity_id: MailFacts(automated_by="calendar invite", calendar=event)})


def test_a_declined_invite_is_a_scheduling_fact_in_the_configured_time_zone():
    row, context = calendar_mail(DECLINE, "Declined: Acme weekly sync @ Thu 12 Mar 2026 3pm (CET)",
                                 "Raj Kowalski has declined this invitation.\n\nNote from Raj: Travelling that day, "
                                 "can we do Friday?")
    [signal] = message_signals(row, context)
    assert signal.kind == "scheduling" and not signal.owed
    assert signal.summary == "Raj Kowalski declined “Acme weekly sync”, Thu 12 Mar 15:00: Travelling that day, can we do Friday?"


def test_an_invite_is_never_a_question_or_an_ask():
    invite = dict(DECLINE, method="REQUEST", organizer={"name": "Raj Kowalski", "email": "raj@acme.com"},
                  attendees=[{"name": "Alice Chen", "email": "alice@tracelight.io", "partstat": "NEEDS-ACTION"}])
    row, context = calendar_mail(invite, "Invitation: Acme weekly sync", "Can you walk us through the SSO setup? "
                                 "Please bring the rollout plan.")
    assert [(s.kind, s.summary) for s in message_signals(row, context)] == [
        ("scheduling", "Raj Kowalski invited you to “Acme weekly sync”, Thu 12 Mar 15:00")]


def test_a_calendar_mail_without_its_event_is_read_from_the_subject():
    row, context = calendar_mail(None, "Accepted: Acme pricing review @ Wed 11 Mar 2026 9am - 9:30am (CST) "
                                       "(alice@tracelight.io)")
    [signal] = tool_signals(row, context)
    assert signal.summary == "Raj Kowalski accepted “Acme pricing review”, Wed 11 Mar 2026 9am - 9:30am (CST)"


# ---- auto-replies ------------------------------------------------------------------------------


def test_an_out_of_office_reply_is_one_fact_with_the_return_day_and_the_stand_in():
    body = ("Hi,\n\nI'm on parental leave until Monday 6 April and not reading email. For anything urgent "
            "please contact Raj Kowalski (raj@acme.com).\n\nThanks,\nOlivia")
    row = tool_mail(body, "Olivia Grant", "olivia@acme.com", "Automatic reply: SSO rollout")
    context = ctx({row.activity_id: MailFacts(automated_by="auto-submitted: auto-replied",
                                                  headers={"auto-submitted": "auto-replied"})})
    [signal] = message_signals(row, context)
    assert (signal.kind, signal.owed) == ("scheduling", False)
    assert signal.summary == ("Olivia Grant is out of office until Mon 6 Apr; contact Raj Kowalski (raj@acme.com) "
                              "(auto-reply)")


# ---- newsletters and everything else -----------------------------------------------------------


def test_a_newsletter_naming_a_customer_stays_out_of_its_section():
    row = tool_mail("How Acme Corp cut its log bill in half.\n\nUnsubscribe: https://news.example/u",
                    "Observability Weekly", "news@o11y.example", "Observability Weekly #12")
    context = ctx({row.activity_id: MailFacts(automated_by="list-unsubscribe header",
                                                  headers={"list-unsubscribe": "<https://news.example/u>"})})
    assert message_signals(row, context) == []


def test_another_tools_message_is_its_first_meaningful_line_never_a_greeting():
    body = "Hi,\n\nYour trial workspace for Acme Corp is ready.\n\nWorkspace ID: ws_123\nEnds: 2026-03-24"
    row = tool_mail(body, "Tracelight Trials", "trials@tracelight.io", "")
    [signal] = tool_signals(row, ctx())
    assert signal.kind == "automated"
    assert signal.summary == "Tracelight Trials: Your trial workspace for Acme Corp is ready."


def test_a_person_writing_is_not_a_tool():
    assert tool_signals(bot_post("Stage: Discovery → Validation", "Raj", is_bot=False), ctx()) is None
