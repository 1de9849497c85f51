"""Every ask in a message, for the right person (se_pipeline.analysis.messages / addressing)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from se_pipeline.analysis import ActivityRow
from se_pipeline.analysis.addressing import People, address, greeted
from se_pipeline.analysis.messages import RuleContext, SalesEngineerRef, message_signals
from se_pipeline.analysis.sentences import units
from se_pipeline.competitors import competitor_pattern

RIVALS = ("Datadog", "New Relic", "Honeycomb", "Dynatrace")  # the competitors these tests configure

TZ = ZoneInfo("Europe/Madrid")
MAYA = SalesEngineerRef("maya", "Maya Lind", "maya@ourco.io", "U1MAYA")
PEOPLE = People.of([("maya", "Maya Lind")], ["Theo Park", "Dr. Rina Voss", "Paul Kern", "Ines Amar"],
                   colleagues=["Theo Park", "Ines Amar"])


def ctx(**extra) -> RuleContext:
    return RuleContext([MAYA], competitor_pattern(RIVALS), people=PEOPLE, **extra)


def row(body: str, **overrides) -> ActivityRow:
    base = {
        "activity_id": "slack:C1:1.0", "activity_date": dt.date(2026, 3, 11),
        "sent_at": dt.datetime(2026, 3, 11, 10, 0, tzinfo=TZ), "source": "slack", "customer": "Brightwave",
        "se_id": "maya", "channel": "ext-brightwave", "channel_kind": "ext", "is_external_channel": True,
        "thread_key": "C1:1.0", "is_reply": False, "author_id": "U9RINA", "author_name": "Dr. Rina Voss",
        "author_email": "rina@brightwave.io", "author_is_external": True, "author_is_se": False, "is_bot": False,
        "bot_name": None, "subject": None, "text": body, "link": "https://x.slack.com/archives/C1/p10",
    }
    base.update(overrides)
    return ActivityRow(**base)


def owed(body: str, **overrides) -> list:
    return [s for s in message_signals(row(body, **overrides), ctx()) if s.owed]


def test_names_address_sentences_and_hand_offs_pass_them_on():
    said = units("Morning Maya, the go-live moved. Can you join a call at 10? Also Paul asks about a 3-year term. "
                 "@Theo Park that one's for you.")
    to = address(said, PEOPLE, greeted(said, PEOPLE) or None).to
    assert to[1] == {"maya"} and to[2] == {"theo park"}


def test_each_ask_of_a_message_is_its_own_item_and_asks_for_colleagues_are_not_owed():
    body = ("Hi @Maya Lind! Two things:\n1) Can the gateway run as a Windows service?\n"
            "2) @Theo Park could you send the draft order form?\n3) Does the agent support proxies?")
    found = owed(body)
    assert [s.excerpt for s in found] == ["Can the gateway run as a Windows service?", "Does the agent support proxies?"]
    assert len({s.signal_id for s in found}) == 2
    assert all(s.summary.startswith("Rina (Brightwave)") for s in found)  # as people write it, without "Dr."


def test_a_vocative_for_a_colleague_inside_a_mail_to_the_se_is_theirs():
    body = "Hi Maya,\n\nTwo things:\n- Theo, could you send a current quote?\n- Maya, does the SDK support Go?"
    found = owed(body, source="gmail", channel_kind="email")
    assert [s.excerpt for s in found] == ["Maya, does the SDK support Go?"]


def test_a_mail_that_copies_the_se_asks_its_recipients_unless_it_names_the_se():
    recipients = {"gmail:<m1>": ["theo@ourco.io"]}
    body = ("Dear Theo, dear Ines,\n\nplease find attached our redlines.\n\nTheo, could you come back to us by 2 April?\n\n"
            "Maya, one question from our DPO: are backups stored in the EU?")
    found = [s for s in message_signals(row(body, activity_id="gmail:<m1>", source="gmail", channel_kind="email"),
                                        ctx(recipients=recipients)) if s.owed]
    assert [s.excerpt for s in found] == ["Maya, one question from our DPO: are backups stored in the EU?"]


def test_an_at_mention_that_hands_out_a_part_of_the_work_is_an_assignment():
    body = "Form attached. @Theo Park please complete sections A–C. @Maya Lind section D is the technical part."
    [item] = owed(body)
    assert item.kind == "action_item" and item.summary.startswith("Rina (Brightwave) assigned you:")


def test_courtesies_chasers_and_acknowledgements_owe_nothing_new():
    assert not owed("Thanks! Let me know if anything in the doc is unclear.")
    assert not owed("Any update on this?", is_reply=True)
    assert not [s for s in message_signals(row("On it, will confirm tomorrow.", author_id="U1MAYA", author_name="Maya Lind",
                                               author_email="maya@ourco.io", author_is_external=False, author_is_se=True), ctx())]


def test_a_promise_that_ends_with_a_question_to_a_colleague_is_still_a_promise():
    [promise] = owed("I'll draft the readout deck by Monday 3/16, Theo, can you book the slot?",
                     author_id="U1MAYA", author_name="Maya Lind", author_email="maya@ourco.io",
                     author_is_external=False, author_is_se=True)
    assert promise.kind == "commitment" and promise.due_date == dt.date(2026, 3, 16)


def test_an_ask_leaning_on_the_sentence_before_carries_it():
    [item] = owed("The key rotation breaks the connector. Please let us know as soon as there's a fix.")
    assert "key rotation" in item.summary


def test_a_question_in_another_language_is_an_ask_when_it_asks():
    [item] = owed("Hallo Frau Lind,\n\nwird die Replikation nach einem Abbruch automatisch fortgesetzt?\n\nViele Grüße",
                  source="gmail", channel_kind="email")
    assert item.kind == "customer_question" and "fortgesetzt" in item.summary


def test_a_customer_threatening_the_deal_is_a_risk_and_an_internal_grumble_is_not():
    risky = message_signals(row("If it is not stable by Monday we'll have to pause the evaluation."), ctx())
    assert "negative_tone" in {s.kind for s in risky}
    internal = message_signals(row("Their procurement is a nightmare, we'll have to pause everything.", channel_kind="opp",
                                   is_external_channel=False, author_is_external=False, author_name="Theo Park"), ctx())
    assert "negative_tone" not in {s.kind for s in internal}
    assert "legal_security_procurement" not in {s.kind for s in internal}  # grumbling is not a legal update


def test_a_changed_plan_stated_as_a_need_is_a_fact_and_an_outright_ask_stays_an_ask():
    said = message_signals(row("Management pulled the decision forward, so the pilot has to finish by 3 Apr instead of "
                               "10 Apr and we need the full load done by Monday."), ctx())
    assert {s.kind for s in said} == {"deal_update"}
    [ask] = owed("The go-live moved to 3 Apr, so can you send the cut-over plan by Monday?")
    assert ask.kind == "action_item"


def test_an_ask_the_rules_miss_is_found_when_the_ask_model_is_sure_and_small_print_never():
    from se_pipeline.analysis.messages import sentence_asks
    assert sentence_asks("Can you send the runbook?") == "request"  # the rules
    assert sentence_asks("The SDK is on version 3.") is None
    assert sentence_asks("Please find attached the signed order form.") is None
    assert sentence_asks("Let me know if you have any questions.") is None


def test_a_sentence_that_only_says_when_belongs_to_the_ask_before_it():
    [ask] = owed("Please complete the attached vendor questionnaire. We need it back by Friday 3/13 to stay on track.",
                 source="gmail", channel_kind="email")
    assert ask.due_date == dt.date(2026, 3, 13) and "We need it back" in ask.summary
    assert len(owed("Please send the deck. Also, can you share the pricing sheet?")) == 2
