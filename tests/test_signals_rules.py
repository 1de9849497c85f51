"""Each extraction rule on realistic message text (se_pipeline.analysis.text / messages)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from se_pipeline.analysis import ActivityRow
from se_pipeline.analysis import text
from se_pipeline.analysis.messages import RuleContext, SalesEngineerRef, message_signals
from se_pipeline.analysis.summaries import short_customer
from se_pipeline.competitors import competitor_pattern

RIVALS = ("Datadog", "New Relic", "Honeycomb", "Dynatrace")  # the competitors these tests configure

TZ = ZoneInfo("America/New_York")
ALICE = SalesEngineerRef("alice", "Alice Chen", "alice@tracelight.io", "U01ALICE")
BEN = SalesEngineerRef("ben", "Ben Okafor", "ben@tracelight.io", "U01BEN")


def ctx() -> RuleContext:
    return RuleContext([ALICE, BEN], competitor_pattern(RIVALS))


def row(body: str, **overrides) -> ActivityRow:
    base = {
        "activity_id": "slack:C1:1.0", "activity_date": dt.date(2026, 10, 5),
        "sent_at": dt.datetime(2026, 10, 5, 9, 0, tzinfo=TZ), "source": "slack", "customer": "Acme Corp",
        "se_id": "alice", "channel": "ext-acme-eval", "channel_kind": "ext", "is_external_channel": True,
        "thread_key": "C1:1.0", "is_reply": False, "author_id": "U10DANA", "author_name": "Dana Wu",
        "author_email": "dana@acme.com", "author_is_external": True, "author_is_se": False, "is_bot": False,
        "bot_name": None, "subject": None, "text": body, "link": "https://x.slack.com/archives/C1/p10",
    }
    base.update(overrides)
    return ActivityRow(**base)


def kinds(body: str, **overrides) -> set[str]:
    return {s.kind for s in message_signals(row(body, **overrides), ctx())}


INTERNAL = {"author_id": "U02MAYA", "author_name": "Maya Patel", "author_email": "maya@tracelight.io",
            "author_is_external": False}
BY_SE = {"author_id": "U01ALICE", "author_name": "Alice Chen", "author_email": "alice@tracelight.io",
         "author_is_external": False, "author_is_se": True}


# ---- questions -----------------------------------------------------------------------------------

def test_customer_question_is_owed_with_an_imperative_tldr_of_at_most_ten_words():
    [signal] = message_signals(row("Hi team! Quick one: does Tracelight support SAML group mapping to project roles? Our IdP is Okta."), ctx())
    assert (signal.kind, signal.owed, signal.status) == ("customer_question", True, "open")
    assert signal.tldr.startswith("Answer Acme:") and "SAML" in signal.tldr
    assert len(signal.tldr.split()) <= 10
    assert "Dana (Acme Corp) asked" in signal.summary


@pytest.mark.parametrize("body", [
    "Who knew setting up alerts could be this easy?",
    "Any update on this? Our load test is stalled.",
    "Thanks so much for all the help this week, Alice!",
    "Loving the new dashboards so far, the team is impressed!",
])
def test_rhetorical_questions_chasers_and_thanks_owe_nothing(body):
    assert not {"customer_question", "action_item", "technical_question"} & kinds(body)


def test_a_very_short_question_keeps_the_sentence_before_it():
    [signal] = message_signals(row("Vandelay asked whether we support Windows Server 2016. Do we?",
                                   channel_kind="dm", channel="Tom Becker", is_external_channel=False,
                                   customer="Vandelay", **INTERNAL), ctx())
    assert signal.kind == "technical_question"
    assert "Windows Server 2016" in signal.summary and "in a DM" in signal.summary


# ---- requests, blockers, internal chatter ------------------------------------------------------

def test_request_from_customer_is_an_action_item_not_a_question():
    [signal] = message_signals(row("@Alice Chen could you share the pricing breakdown for the 50-seat tier?"), ctx())
    assert signal.kind == "action_item" and signal.owed
    assert signal.tldr == "Share pricing breakdown for 50-seat tier (Acme)"


def test_please_request_carries_its_due_date_and_context_for_it():
    [action, legal] = sorted(message_signals(row(
        "Our infosec team sent over their vendor security questionnaire (attached). Please complete it by Friday."
    ), ctx()), key=lambda s: s.kind)
    assert action.kind == "action_item" and action.due_date == dt.date(2026, 10, 9)
    assert "security questionnaire" in action.summary  # "complete it": what "it" is
    assert legal.kind == "legal_security_procurement"


def test_please_find_attached_is_not_a_request():
    assert not text.is_request("Please find attached the signed order form.")


def test_customer_blocker_without_a_question_is_a_technical_question():
    [signal] = message_signals(row("We're blocked: the Java agent crashes on startup with a ClassNotFoundException on JDK 21."), ctx())
    assert signal.kind == "technical_question" and signal.tldr.startswith("Unblock Acme:")


def test_colleague_question_is_owed_only_when_addressed_or_technical_in_the_opp_channel():
    opp = {"channel_kind": "opp", "channel": "opp-acme-expansion", "is_external_channel": False, **INTERNAL}
    assert kinds("Acme call went well. Think they'll sign this quarter?", **opp) == set()
    assert kinds("Does anyone know if we can deploy the collector on ARM64 nodes?", **opp) == {"technical_question"}
    chatter = {"channel_kind": "channel", "channel": "random", "customer": None, "is_external_channel": False, **INTERNAL}
    assert kinds("Can someone recommend a good book on negotiation?", **chatter) == set()


def test_a_question_mentioning_an_se_belongs_to_that_se_even_from_another_se():
    [signal] = message_signals(row(
        "@Alice Chen do you have a good demo script for the OpenTelemetry migration story?",
        channel_kind="channel", channel="se-team", customer=None, se_id="ben", author_id="U01BEN",
        author_name="Ben Okafor", author_email="ben@tracelight.io", author_is_external=False, author_is_se=True,
        is_external_channel=False,
    ), ctx())
    assert (signal.kind, signal.se_id, signal.relevance) == ("technical_question", "alice", "uncertain")


# ---- indirect asks: how people really phrase them ------------------------------------------------

@pytest.mark.parametrize("body", [
    "Hi Alice, I'd like your help with the Helm values for our staging cluster.",
    "We'd need the signed DPA before Friday.",
    "Would it be possible to extend our trial by two weeks?",
    "Any chance you could send the sizing guide today?",
    "Looking for guidance on sampling rates for our checkout service.",
    "Send me the SSO runbook when you can.",
    "Kindly share the pen test summary.",
    "Alice, please loop in your PM on the alerting roadmap.",
    "Let me know your availability for the architecture review.",
    "We would appreciate it if you could review our collector config.",
])
def test_indirect_and_imperative_requests_are_owed_action_items(body):
    [ask] = [s for s in message_signals(row(body), ctx()) if s.owed]
    assert ask.kind == "action_item" and ask.status == "open"


@pytest.mark.parametrize("body", [
    "I need to know which regions you support for data residency.",
    "Let me know if the Java agent supports virtual threads.",
    "Can you confirm the SCIM endpoint supports Azure AD?",
    "We're moving the cluster to eu-west-1 next week. Please advise.",
])
def test_asks_for_information_are_questions_settled_by_an_answer(body):
    [ask] = [s for s in message_signals(row(body), ctx()) if s.owed]
    assert ask.kind == "customer_question" and ask.resolve_rule == "answer"


def test_an_indirect_ask_is_quoted_not_bent_into_an_imperative():
    [ask] = [s for s in message_signals(row("We'd need the signed DPA before Friday."), ctx()) if s.owed]
    assert ask.summary == "Dana (Acme Corp) asked you: “We'd need the signed DPA before Friday.”"
    assert ask.tldr.startswith("Follow up with Acme:") and ask.due_date == dt.date(2026, 10, 9)
    [send] = [s for s in message_signals(row("Send me the SSO runbook."), ctx()) if s.owed]
    assert send.summary == "Dana (Acme Corp) asked you: “Send me the SSO runbook.”"
    assert send.tldr == "Send them SSO runbook (Acme)"


@pytest.mark.parametrize("body, overrides", [
    ("Thanks, let me know if anything changes.", {}),
    ("Great call today! Let me know if you have any questions.", {}),
    ("Feel free to reach out if you need anything.", {}),
    ("Please don't hesitate to call me if you'd like to discuss further.", {}),
    ("Keep me posted on the rollout.", {}),
    ("Happy to set up a sandbox for your team. Let me know.", {}),  # the writer offers; nothing asked
    ("Thanks Alice, that's helpful. Let me know when the fix ships.", {"is_reply": True}),  # after our answer
    ("Please find attached the signed order form.", {}),
    ("We're rolling the agent out to staging this week.", {}),
    ("To make sure you get our updates, please add us to your address book.", {}),
])
def test_courtesies_offers_and_closing_lines_owe_nothing(body, overrides):
    assert not [s for s in message_signals(row(body, **overrides), ctx()) if s.owed]


def test_a_closing_let_me_know_still_counts_when_it_opens_the_thread():
    [ask] = [s for s in message_signals(row("Let me know when the sizing guide is ready."), ctx()) if s.owed]
    assert ask.kind in ("customer_question", "action_item")


@pytest.mark.parametrize("sentence, asks", [
    ("Call me when you get a chance.", True),
    ("Please give me a call to discuss.", True),
    ("Also, please make sure to add Vicki on the list.", True),
    ("Call went well, they want a proposal.", False),
    ("Update: the collector is deployed.", False),
    ("Review of the POC is on Thursday.", False),
    ("I would like to thank you for your time.", False),
    ("We need to upgrade our agents first.", False),
    ("A spirited selection sure to please everyone.", False),
    ("Could you come see me when you get a minute.", True),
    ("Why don't you check with Cindy when she returns.", True),
    ("She can let me know tomorrow whether they are interested.", False),
    ("Please bear with us while we migrate the tenant.", False),
])
def test_imperatives_need_a_verb_and_an_object_at_the_start(sentence, asks):
    assert text.is_request(sentence) is asks


@pytest.mark.parametrize("sentence, asks", [
    ("Are you still available Thursday morning.", True),
    ("I'd like to know whether the agent supports JDK 21.", True),
    ("Should you need anything, call me.", False),
    ("Would you like me to send the deck over.", False),
])
def test_questions_without_a_question_mark(sentence, asks):
    assert text.is_question(sentence) is asks


# ---- commitments ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body, verb", [
    ("I'll send the SAML doc by Friday.", "send"),
    ("Let me get back to you with overhead benchmarks.", "get back"),
    ("I'll have SSO configured for you by tomorrow noon.", "have"),
])
def test_se_promises_are_commitments(body, verb):
    assert text.commitment_verb(body) == verb
    [signal] = message_signals(row(body, **BY_SE), ctx())
    assert signal.kind == "commitment" and signal.owed and signal.asker_id is None


@pytest.mark.parametrize("body", ["I'll be out Friday.", "We'll plan around it.", "Happy to jump on a call to help."])
def test_plans_and_offers_are_not_commitments(body):
    assert text.commitment_verb(body) is None


def test_commitment_due_date_is_parsed_from_the_sentence():
    [signal] = message_signals(row("I'll send the reference architecture by Monday.", **BY_SE), ctx())
    assert signal.due_date == dt.date(2026, 10, 12)  # said on Monday Oct 5: the next Monday


# ---- replies -------------------------------------------------------------------------------------

@pytest.mark.parametrize("reply, substantive", [
    ("Thanks, looking into it!", False),
    ("Thanks for flagging!", False),
    ("Sure, I'll pull that together and send it by Friday.", False),
    ("Yes, groups map to roles via the groups SAML attribute.", True),
    ("Here's my deck.", True),
])
def test_acknowledgements_and_promises_are_not_answers(reply, substantive):
    assert text.is_substantive_reply(reply) is substantive


# ---- facts ---------------------------------------------------------------------------------------

def test_legal_terms_from_customers_and_internal_thread_starts():
    assert "legal_security_procurement" in kinds("Attached are our redlines to the MSA and DPA.")
    assert "legal_security_procurement" in kinds("Procurement needs a PO number before onboarding.")
    # Our own reply delivering the SOC 2 report is not a new legal update.
    assert kinds("Attached is our SOC 2 report.", is_reply=True, **BY_SE) == set()


def test_scheduling_request():
    # Asked of the SE, a meeting is a Todo line (once); proposed or announced, it is a fact.
    assert kinds("Can we set up a call Thursday to review the POC results with our VP?") == {"customer_question"}
    assert "scheduling" in kinds("Our VP joins; I'd be up for a 30-minute catch-up next week if it helps.")
    assert "scheduling" in kinds("Would Thursday or Friday work for a 1-hour workshop?", **BY_SE)


def test_competitor_mentions_use_the_configured_list_when_given():
    assert "competitor_mention" in kinds("FYI we're evaluating Honeycomb in parallel.")
    custom = RuleContext([ALICE], competitor_pattern(("Acme Observability",)))
    assert not [s for s in message_signals(row("We're evaluating Honeycomb."), custom) if s.kind == "competitor_mention"]


def test_negative_tone_only_for_a_customer_in_an_external_channel():
    angry = "We've been waiting three days for the SSO setup and nobody has gotten back to us. This is unacceptable."
    assert "negative_tone" in kinds(angry)
    internal = {"channel_kind": "opp", "channel": "opp-acme", "is_external_channel": False, **INTERNAL}
    assert "negative_tone" not in kinds(angry, **internal)
    assert "negative_tone" not in kinds(angry, channel_kind="dm", is_external_channel=False, **INTERNAL)
    assert "negative_tone" not in kinds("This is terrible, awful and frustrating.", **BY_SE)


def test_tools_are_summarised_and_newsletters_dropped():
    gong = {"is_bot": True, "bot_name": "Gong", "author_name": "Gong", "author_is_external": False}
    [signal] = message_signals(row("Call recorded: Acme Corp weekly sync (45 min). Topics: SAML, pricing.", **gong), ctx())
    assert signal.kind == "automated" and signal.tldr == "Gong recap: Acme Corp weekly sync"
    assert signal.summary == "Gong recap of “Acme Corp weekly sync”: topics SAML, pricing"
    news = {"is_bot": True, "bot_name": "DevOps Weekly", "author_name": "DevOps Weekly", "customer": None}
    assert message_signals(row("This week: what Datadog's new pricing means for you.", **news), ctx()) == []


def test_uncertain_when_no_customer_and_dropped_for_channel_chatter():
    personal = {"customer": None, "source": "gmail", "channel_kind": "email", "author_name": "Mom",
                "author_email": "linda@gmail.com", "activity_id": "gmail:alice:<1@gmail.com>"}
    [signal] = message_signals(row("Are you coming Sunday? Dad is making lasagna.", **personal), ctx())
    assert signal.relevance == "uncertain"
    chatter = {"channel_kind": "channel", "channel": "random", "customer": None, "is_external_channel": False, **INTERNAL}
    assert message_signals(row("Anyone want to grab lunch at the taco place?", **chatter), ctx()) == []


@pytest.mark.parametrize(
    ("customer", "said"),
    [("Acme Corp", "Acme"), ("Initech, Inc.", "Initech"), ("Pied Piper", "Pied Piper"), ("Hooli", "Hooli"),
     ("Massive Dynamic Systems Group", "Massive")],
)
def test_tldr_names_a_customer_the_way_people_say_it(customer, said):
    assert short_customer(customer) == said
