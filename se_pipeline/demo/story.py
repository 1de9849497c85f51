"""The scripted October 2026 story: what happened, with labels, and the ground truth it implies.

Example Co sells a developer observability product. Its fiscal year ends on Saturday 2026-10-31,
so the team works that day: the last demo day carries a full working day of activity.

Owed on the last day (status "open"); everything else labelled here is answered, done, terminal
(WIN / Lost / Transferred opportunity), personal, or information only.
"""

from __future__ import annotations

import datetime as dt

from se_pipeline.demo.builder import StoryBuilder, when
from se_pipeline.demo.model import Opportunity
from se_pipeline.demo.routine import Account

PERIOD_END = dt.date(2026, 10, 31)



def add_channels(b: StoryBuilder) -> None:
    # Channels exist from the first demo day (earlier than October when the scale adds days).
    start = when(min(b.story.period_start, dt.date(2026, 10, 1)), "08:00")
    everyone = tuple(k for k, p in b.story.people.items() if p.is_internal)
    b.channel("general", "public", everyone, start, topic="Company-wide announcements")
    b.channel("random", "public", everyone, start, topic="Non-work banter and water cooler conversation")
    b.channel("sales", "public", everyone, start, topic="Deals, wins, and deal desk questions")
    b.channel("se-team", "private", ("maya", "alice", "bob", "carmen", "leo", "grace"), start,
              purpose="Solutions engineering team")
    shared = {
        "ext-acme-poc": ("acme", ("alice", "dave", "grace", "acme.priya", "acme.tom"), "Acme Corp POC"),
        "ext-umbrella-health": ("umbrella", ("alice", "dave", "hank", "umbrella.marcus", "umbrella.olivia"),
                                "Umbrella Health x Example Co"),
        "ext-globex-eval": ("globex", ("bob", "erin", "globex.raj", "globex.hannah"), "Globex evaluation"),
        "ext-hooli-onboarding": ("hooli", ("bob", "erin", "kim", "hank", "hooli.denise", "hooli.ron"),
                                 "Hooli onboarding"),
        "ext-initech-trial": ("initech", ("carmen", "frank", "hank", "initech.peter", "initech.samir"),
                              "Initech trial"),
        "ext-vandelay-apm": ("vandelay", ("carmen", "frank", "vandelay.art", "vandelay.lena"), "Vandelay APM eval"),
        "ext-soylent-platform": ("soylent", ("carmen", "frank", "leo", "soylent.quinn"), "Soylent platform"),
    }
    for name, (customer, members, topic) in shared.items():
        b.channel(name, "public", members, start, customer=customer, ext_shared=True, topic=topic)
    internal = {
        "opp-acme-expansion": ("acme", ("alice", "dave", "maya")),
        "proj-acme-sso": ("acme", ("alice", "hank", "grace")),
        "opp-umbrella-enterprise": ("umbrella", ("alice", "dave", "ivy")),
        "opp-globex-rollout": ("globex", ("bob", "erin", "jules")),
        "opp-hooli-enterprise": ("hooli", ("bob", "erin", "kim")),
        "opp-initech-poc": ("initech", ("carmen", "frank", "hank")),
        "opp-vandelay-apm": ("vandelay", ("carmen", "frank")),
    }
    for name, (customer, members) in internal.items():
        b.channel(name, "private", members, start, customer=customer)
    for a, c in (("alice", "dave"), ("alice", "ivy"), ("bob", "erin"), ("bob", "ivy"), ("carmen", "frank"),
                 ("alice", "bob")):
        b.channel(f"dm-{a}-{c}", "im", (a, c), start)
    b.channel("mpdm-bob--erin--jules-1", "mpim", ("bob", "erin", "jules"), start)


def add_opportunities(b: StoryBuilder) -> None:
    created = when("09-01", "10:00")

    def opp(key, title, customer, stage, se, amount, close, edited, **kw):
        b.opportunity(Opportunity(key, title, customer, stage, se, amount, close, created, edited, **kw))

    d = dt.date
    opp("acme-expansion", "Acme Corp - Platform Expansion", "acme", "Technical Validation", "alice", 185000,
        d(2026, 11, 20), when("10-31", "10:25"), tags=("POC", "SSO", "Enterprise"), competitors=("Datadog",),
        poc_end=d(2026, 11, 13),
        success_criteria="SSO with Okta group mapping; 30-day trace retention; p95 query latency < 2s",
        sections=(
            ("Overview", ("Expand from the platform team (40 hosts) to all engineering (600 hosts).",
                          "Champion: Priya Natarajan; economic buyer: Tom Becker's VP Eng.")),
            ("POC success criteria", ("SSO via Okta with SAML group mapping to roles",
                                      "Raw traces retained at least 30 days",
                                      "p95 dashboard query latency under 2 s at 600 hosts",
                                      "SCIM provisioning of nested Okta groups")),
            ("Technical requirements", ("Kubernetes 1.29 on EKS; OpenTelemetry Collector",
                                        "Okta SSO and SCIM", "EU region for the Frankfurt teams (see EU add-on)")),
        ))
    opp("acme-eu", "Acme Corp - EU Region Add-on", "acme", "Discovery", "alice", 60000, d(2027, 1, 29),
        when("10-29", "16:00"), tags=("EU", "Data residency"),
        sections=(("Overview", ("EU-hosted org for Acme's Frankfurt engineering teams.",
                                "Needs written data residency confirmation from Sofia Marino (IT Security).")),))
    opp("umbrella-enterprise", "Umbrella Health - Enterprise", "umbrella", "Proposal", "alice", 240000,
        d(2026, 12, 15), when("10-30", "15:10"), tags=("HIPAA", "Security review", "Expansion"),
        competitors=("New Relic",),
        success_criteria="HIPAA audit logging; BAA; SOC 2 Type II report; pen-test summary",
        sections=(("Overview", ("Expand the 2025 pilot to all clinical platform teams.",
                                "Security review (Olivia Grant, CISO) gates procurement.")),
                  ("Technical requirements", ("TBD: HIPAA audit logging", "TBD: BAA scope", "TBD: SSO")),))
    opp("umbrella-pilot", "Umbrella Health - 2025 Pilot", "umbrella", "WIN", "alice", 48000, d(2025, 11, 20),
        when("10-02", "09:00"), tags=("Pilot",),
        sections=(("Overview", ("Pilot for the platform team, closed November 2025.",)),))
    opp("globex-rollout", "Globex - Observability Rollout", "globex", "Negotiation", "bob", 380000,
        d(2026, 11, 30), when("10-30", "17:05"), tags=("Enterprise", "EU", "Procurement"),
        competitors=("Datadog", "Grafana Cloud"),
        success_criteria="Kafka log ingestion; EU data residency; 400-day archive",
        sections=(("Overview", ("Company-wide rollout replacing self-hosted ELK.",
                                "Procurement: SIG Lite questionnaire due Nov 4; DPA with Globex GmbH.")),
                  ("Technical requirements", ("Logs via Kafka", "EU region for Globex GmbH data",
                                              "Infrastructure-only tier for batch hosts")),))
    opp("globex-security", "Globex - Security Analytics", "globex", "Discovery", "bob", 90000, d(2027, 3, 31),
        when("10-15", "11:00"), tags=("Security",),
        sections=(("Overview", ("Cloud SIEM use case raised by Raj's team.",)),))
    opp("globex-support", "Globex - Premium Support", "globex", "Proposal", "bob", 36000, d(2026, 11, 30),
        when("10-23", "12:00"), tags=("Support",),
        sections=(("Overview", ("Premium support add-on, bundled with the rollout.",)),))
    opp("hooli-ea", "Hooli - Enterprise Agreement", "hooli", "WIN", "bob", 520000, d(2026, 10, 9),
        when("10-09", "15:30"), tags=("Enterprise",), competitors=("Datadog",),
        success_criteria="Replace Datadog APM for 1,200 services",
        sections=(("Overview", ("Closed Won on Oct 9. Onboarding led by Kim Tran (CSM).",)),))
    opp("initech-trial", "Initech - Trial", "initech", "Technical Validation", "carmen", 95000,
        d(2026, 12, 18), when("10-30", "11:45"), tags=("POC", "Trial"), poc_end=d(2026, 11, 20),
        success_criteria="",
        sections=(("Overview", ("30-day trial for the TPS reporting services.",
                                "Blocked: agent install behind the Zscaler TLS proxy.")),
                  ("POC success criteria", ("To be agreed with Bill Lumbergh",)),))
    opp("initech-logs", "Initech - Logs Add-on", "initech", "Discovery", "carmen", 30000, d(2027, 2, 26),
        when("10-12", "10:00"), tags=("Logs",),
        sections=(("Overview", ("Log management, only after a successful trial.",)),))
    opp("vandelay-apm", "Vandelay Industries - APM", "vandelay", "Lost", "carmen", 110000, d(2026, 10, 27),
        when("10-27", "15:00"), tags=("APM",), competitors=("Datadog",),
        sections=(("Overview", ("Lost to Datadog on Oct 27 (already their logs vendor).",)),))
    opp("soylent-platform", "Soylent - Platform", "soylent", "Transferred", "carmen", 70000, d(2026, 12, 31),
        when("10-06", "10:00"), tags=("Partner",),
        sections=(("Overview", ("Transferred to the partner-led team on Oct 5; SE now Leo Novak.",)),))


def add_acme(b: StoryBuilder) -> None:
    ch = "ext-acme-poc"
    for who in ("acme.priya", "acme.tom"):
        b.post(ch, when("10-01", "09:28"), who, "{@" + who + "} has joined the channel", subtype="channel_join")
    b.post(ch, when("10-01", "09:30"), "dave",
           "Welcome {@acme.priya} and {@acme.tom}! This is our shared channel for the Acme POC. "
           "{@alice} is your solutions engineer and will run the technical side.")
    b.post(ch, when("10-01", "09:41"), "acme.priya",
           "Thanks Dave! Our success criteria are in {link:https://docs.google.com/document/d/1acmePOC|Acme POC "
           "criteria}. Looking forward to it.")
    b.post(ch, when("10-06", "14:02"), "acme.priya",
           "Staging cluster is up & the agent is running on 12 hosts. Traces are flowing.", label="acme-staging")
    b.post(ch, when("10-06", "14:20"), "alice",
           "Great progress! I can see 1.2M spans from your staging cluster already.", parent="acme-staging")

    # The SAML doc: promised for Friday Oct 16, delivered (late) on Wednesday Oct 21.
    b.post(ch, when("10-14", "10:05"), "acme.tom",
           "{@alice} our IdP team is asking how SAML group claims map to Example Co roles. Is there a doc?",
           label="acme-saml-ask")
    b.post(ch, when("10-14", "10:31"), "alice",
           "Yes, I'll send the SAML group-mapping doc by Friday, with the Okta attribute statements filled in "
           "for your groups.", parent="acme-saml-ask", label="acme-saml-commit")
    b.post(ch, when("10-16", "16:40"), "acme.tom", "Any luck with the SAML doc?", parent="acme-saml-ask")
    b.post("proj-acme-sso", when("10-19", "09:50"), "alice",
           "{@hank} do we have an updated SAML group-mapping guide for Okta? Acme needs it and the public one "
           "is missing the groups attribute.", label="acme-sso-internal")
    b.post("proj-acme-sso", when("10-19", "15:12"), "hank",
           "Updated draft: {link:https://docs.example.com/sso/saml-okta-groups|SAML + Okta group mapping}. {@grace} reviewed it.",
           parent="acme-sso-internal")
    b.post(ch, when("10-21", "09:12"), "alice",
           "Here's the SAML group-mapping guide, sorry for the delay. Section 3 has the attribute statements "
           "for your `eng-*` groups.", parent="acme-saml-ask", label="acme-saml-done",
           files=("Example-Co-SAML-Group-Mapping.pdf",))
    b.post(ch, when("10-21", "09:40"), "acme.tom", "Perfect, thanks Alice!", parent="acme-saml-ask")

    # Asked Tuesday Oct 20, answered Friday Oct 23.
    b.post(ch, when("10-20", "11:20"), "acme.priya",
           "Question: how long do you retain raw traces on the Enterprise tier? Our compliance team needs "
           "30 days minimum.", label="acme-retention-q")
    b.post(ch, when("10-23", "09:05"), "alice",
           "Sorry for the slow reply! Enterprise keeps raw traces for 30 days by default and you can extend it "
           "to 90 days per project: {link:https://docs.example.com/retention|Data retention}",
           parent="acme-retention-q", label="acme-retention-a")
    b.post(ch, when("10-23", "09:30"), "acme.priya", "That works for us :+1:", parent="acme-retention-q")
    b.post(ch, when("10-27", "16:02"), "acme.priya", "SSO is live in staging with group mapping working :tada:",
           label="acme-sso-live")
    b.post(ch, when("10-27", "16:10"), "alice", ":raised_hands: great news", parent="acme-sso-live")

    # Never answered by the last day.
    b.post(ch, when("10-30", "14:05"), "acme.priya",
           "{@alice} one more for the POC: we use nested groups in Okta (eng > eng-platform > eng-platform-oncall). "
           "Does SCIM provisioning flatten nested groups, or do we have to assign every child group to the app?",
           label="acme-scim-q", edited_after=dt.timedelta(minutes=3))
    b.post("opp-acme-expansion", when("10-30", "15:30"), "dave",
           "{@alice} Acme's Monday review is with their VP Eng. Anything blocking on the technical side?",
           label="acme-dave-check")
    b.post("opp-acme-expansion", when("10-30", "15:48"), "alice",
           "SSO done, retention answered, EU residency confirmed in writing. Open: SCIM with nested groups and "
           "the latency numbers for the criteria doc.", parent="acme-dave-check")
    # The last day: a request and Alice's promise; a question the PM answers.
    b.post(ch, when("10-31", "10:02"), "acme.tom",
           "Hi {@alice}, for Monday's review can you send the updated POC success criteria with the p95 latency "
           "targets we agreed on Thursday's call? Our VP wants it in writing.", label="acme-criteria-ask")
    b.post(ch, when("10-31", "10:20"), "alice", "Yes, I'll send the updated criteria doc by Sunday evening.",
           parent="acme-criteria-ask", label="acme-criteria-commit")
    b.post(ch, when("10-31", "11:15"), "acme.priya",
           "Is OpenTelemetry Collector 0.110 supported with your exporter? We're upgrading next week.",
           label="acme-otel-q")
    b.post(ch, when("10-31", "11:48"), "grace",
           "Yes, 0.110 is supported with exporter v1.8 or later: {link:https://docs.example.com/changelog|changelog}",
           parent="acme-otel-q", label="acme-otel-a")
    b.post(ch, when("10-31", "12:02"), "alice", "Thanks Grace!", parent="acme-otel-q")
    b.post("opp-acme-expansion", when("10-31", "10:25"), "salesforce",
           "Opportunity updated: *Acme Corp - Platform Expansion*\nClose Date: 10/31/2026 → 11/20/2026\n"
           "Stage: Technical Validation · Owner: Dave Park", label="acme-sfdc-slip")

    sofia_q = b.mail("acme-eu-q", ("alice",), when("10-28", "08:47"), "acme.sofia", ("alice",),
                     "EU data residency for the add-on",
                     "Hi Alice,\n\nFor the EU add-on we need written confirmation that customer data (telemetry "
                     "and backups) stays in the EU region, and which sub-processors are involved. Can you "
                     "confirm?\n\nThanks,\nSofia", cc=("dave",), signature=False)
    b.reply("acme-eu-a", sofia_q, when("10-29", "13:30"), "alice",
            "Hi Sofia,\n\nConfirmed: for orgs created in our EU region (Frankfurt) all telemetry, indexes and "
            "backups stay in the EU, and support access from outside the EU is disabled by default. The "
            "sub-processors for the EU region are AWS (Frankfurt) and Zendesk (EU instance); the full list is at "
            "https://example.com/legal/subprocessors.\n\nOur data residency whitepaper is attached.",
            attachments=("Example-Co-EU-Data-Residency.pdf",))
    b.comment("acme-note-budget", "acme-expansion", when("10-13", "17:20"), "dave",
              "Tom confirmed budget for FY27 Q1 is approved.")
    b.comment("acme-note-criteria", "acme-expansion", when("10-22", "11:05"), "alice",
              "Success criteria status: SSO done, retention answered, latency still to measure at 600 hosts.")
    b.comment("acme-note-criteria-ack", "acme-expansion", when("10-22", "13:40"), "dave",
              "Thanks, that's what I'll share with Tom's VP.", discussion="acme-note-criteria")
    b.comment("acme-eu-note", "acme-eu", when("10-29", "16:00"), "alice",
              "Sofia confirmed the EU residency answer covers their requirement; next step is sizing.")

    b.expect("acme-scim", "alice", "acme", "technical_question",
             "Answer Priya: does SCIM provisioning flatten nested Okta groups?", "acme-scim-q", "open")
    b.expect("acme-criteria", "alice", "acme", "commitment",
             "Send Tom the updated POC success criteria with p95 latency targets before Monday",
             "acme-criteria-ask", "open", related=("acme-criteria-commit",))
    b.expect("acme-saml", "alice", "acme", "commitment", "Send the SAML group-mapping doc (promised for Friday)",
             "acme-saml-commit", "done", resolved_by="acme-saml-done", related=("acme-saml-ask",))
    b.expect("acme-retention", "alice", "acme", "customer_question", "Trace retention on the Enterprise tier",
             "acme-retention-q", "answered", resolved_by="acme-retention-a")
    b.expect("acme-eu", "alice", "acme", "legal_security_procurement",
             "Confirm EU data residency and sub-processors", "acme-eu-q", "answered", resolved_by="acme-eu-a")
    b.expect("acme-otel", "alice", "acme", "technical_question", "OpenTelemetry Collector 0.110 support",
             "acme-otel-q", "answered", resolved_by="acme-otel-a")
    b.expect("acme-close-slip", "alice", "acme", "opportunity_change", "Close date moved to Nov 20",
             "acme-sfdc-slip", "info")


def add_umbrella(b: StoryBuilder) -> None:
    ch = "ext-umbrella-health"
    b.post(ch, when("10-06", "08:55"), "umbrella.marcus",
           "Hi team, we're seeing gaps in our dashboards between 2 and 3am ET the last two nights. Is something "
           "wrong on your side?", label="umb-gaps-q")
    b.post(ch, when("10-07", "10:12"), "hank",
           "Hi Marcus, we had delayed ingestion on the us-east pipeline; it's fixed and the gap was backfilled. "
           "Details: {link:https://status.example.com/incidents/1042|Incident 1042}", parent="umb-gaps-q",
           label="umb-gaps-a")
    b.post(ch, when("10-07", "10:40"), "umbrella.marcus",
           "Ok. Would have been nice to hear about it from you rather than finding it ourselves.",
           parent="umb-gaps-q")
    b.post("opp-umbrella-enterprise", when("10-07", "10:45"), "zendesk",
           "Ticket #48213 (Umbrella Health): Dashboard data gaps 2-3am ET · Status: Solved · Assignee: Hank Moreno")

    baa = b.mail("umb-baa-q", ("alice",), when("10-13", "11:02"), "umbrella.olivia", ("alice",),
                 "BAA for the Enterprise expansion",
                 "Hi Alice,\n\nBefore we expand beyond the pilot we need a signed BAA covering the new teams. "
                 "Can you send your current template?\n\nRegards,\nOlivia", cc=("dave",), signature=False)
    b.reply("umb-baa-a", baa, when("10-14", "09:20"), "alice",
            "Hi Olivia,\n\nOur current BAA template is attached; Jules Bernard from our legal team is copied for "
            "any redlines.", attachments=("Example-Co-BAA-2026.pdf",), cc=("dave", "jules"))

    b.post(ch, when("10-20", "13:30"), "umbrella.marcus",
           "Can we schedule the HIPAA logging deep-dive? Thursday or Friday afternoon works for us.",
           label="umb-sched-q")
    b.post(ch, when("10-21", "16:55"), "alice",
           "Sorry for the delay Marcus! Friday 2pm ET works, sending an invite now.", parent="umb-sched-q",
           label="umb-sched-a")
    b.mail("umb-invite", ("alice",), when("10-21", "16:58"), "calendar", ("umbrella.marcus", "alice"),
           "Invitation: Umbrella Health HIPAA logging deep-dive @ Fri Oct 23, 2026 2pm - 3pm (EDT) "
           "(alice@example.com)",
           "Umbrella Health HIPAA logging deep-dive\nFri Oct 23, 2026 2pm - 3pm (Eastern Time - New York)\n"
           "Organizer: alice@example.com\nGuests: marcus@umbrellahealth.com, dave@example.com",
           automated=True, signature=False, category="Updates",
           calendar=(when("10-23", "14:00"), 60, "Umbrella Health HIPAA logging deep-dive"))

    # The pen-test letter: a holding reply on Oct 23, never followed up.
    b.post(ch, when("10-22", "15:30"), "umbrella.marcus",
           "For our vendor risk review: do you have a third-party penetration test from the last 12 months, "
           "and can we get the summary letter?", label="umb-pentest-q")
    b.post(ch, when("10-23", "17:45"), "alice",
           "Let me check with our security team on what we can share and get back to you.",
           parent="umb-pentest-q", label="umb-pentest-hold")
    b.post("dm-alice-ivy", when("10-23", "17:50"), "alice",
           "Hi Ivy, Umbrella Health is asking for the pen-test summary letter. Can we share the 2026 one?",
           label="umb-ivy-ask")
    b.post("dm-alice-ivy", when("10-26", "11:03"), "ivy",
           "Yes, under NDA. The letter is in the trust portal: {link:https://trust.example.com|Trust portal}. "
           "They have to request access there, or you can send the PDF once the NDA is signed.")
    b.post(ch, when("10-26", "09:15"), "umbrella.marcus", "Any update on the pen test letter?",
           parent="umb-pentest-q", label="umb-pentest-nudge")

    b.mail("umb-soc2-req", ("alice",), when("10-27", "09:10"), "umbrella.olivia", ("alice",),
                  "SOC 2 Type II report request",
                  "Hi Alice,\n\nOur security review has started. Please send your most recent SOC 2 Type II "
                  "report (and a bridge letter if the period ended more than three months ago) by Thursday. "
                  "Without it we can't move the Enterprise proposal to procurement.\n\nRegards,\nOlivia Grant\nCISO, "
                  "Umbrella Health", cc=("dave",), signature=False)
    b.mail("umb-zendesk-mail", ("alice",), when("10-29", "07:42"), "zendesk", ("alice",),
           "[Example Co Support] Ticket #48877: Alert notifications delayed (Umbrella Health)", "",
           html="<html><body><p>Hello Alice,</p><p>You are CC'd on ticket <b>#48877</b> "
                "&ldquo;Alert notifications delayed&rdquo; opened by Marcus Lee (Umbrella Health).</p>"
                "<table><tr><td>Status</td><td>Open</td></tr><tr><td>Priority</td><td>High</td></tr>"
                "<tr><td>Assignee</td><td>Hank Moreno</td></tr></table>"
                "<p><a href=\"https://exampleco.zendesk.com/agent/tickets/48877\">View the ticket</a></p>"
                "</body></html>", html_only=True, automated=True, signature=False, category="Updates")
    b.comment("umb-notion-reqs", "umbrella-enterprise", when("10-30", "15:10"), "dave",
              "Alice, can you fill in the Technical requirements section (HIPAA audit logging, BAA scope, SSO) "
              "before Tuesday's pricing call?")
    b.post(ch, when("10-31", "09:40"), "umbrella.marcus",
           "Honestly this is getting frustrating. We've been waiting over a week on the pen test letter and the "
           "SOC 2 report, and our security review is now blocked. If we can't get them by Tuesday we'll have to "
           "push the decision to next quarter.", label="umb-frustrated")
    b.post("dm-alice-dave", when("10-31", "10:05"), "dave",
           "Saw Marcus's message in {#ext-umbrella-health}. Can you get the SOC 2 report out today? This deal is "
           "at risk.", label="umb-dave-nudge")

    b.expect("umb-soc2", "alice", "umbrella", "legal_security_procurement",
             "Send Olivia the SOC 2 Type II report (and bridge letter)", "umb-soc2-req", "open",
             related=("umb-frustrated", "umb-dave-nudge"))
    b.expect("umb-pentest", "alice", "umbrella", "customer_question",
             "Send Marcus the pen-test summary letter (under NDA)", "umb-pentest-q", "open",
             related=("umb-pentest-hold", "umb-pentest-nudge", "umb-frustrated"))
    b.expect("umb-reqs", "alice", "umbrella", "action_item",
             "Fill in the Technical requirements on the Umbrella Health - Enterprise page before Tuesday",
             "umb-notion-reqs", "open")
    b.expect("umb-baa", "alice", "umbrella", "legal_security_procurement", "Send the BAA template",
             "umb-baa-q", "done", resolved_by="umb-baa-a")
    b.expect("umb-sched", "alice", "umbrella", "scheduling", "Schedule the HIPAA logging deep-dive",
             "umb-sched-q", "done", resolved_by="umb-sched-a")
    b.expect("umb-gaps", "alice", "umbrella", "technical_question", "Dashboard gaps 2-3am (support answered)",
             "umb-gaps-q", "answered", resolved_by="umb-gaps-a")
    b.expect("umb-tone", "alice", "umbrella", "negative_tone",
             "Marcus is frustrated: security review blocked, decision may slip a quarter", "umb-frustrated",
             "info")
    b.expect("umb-ticket", "alice", "umbrella", "automated", "Zendesk #48877 alert notifications delayed (open)",
             "umb-zendesk-mail", "info")
    b.signal("slow_response", "alice", "umbrella",
             "Umbrella Health waits days for answers (scheduling 1 day, pen test 9 days and counting)")


def add_globex(b: StoryBuilder) -> None:
    ch = "ext-globex-eval"
    b.post(ch, when("10-02", "10:10"), "globex.raj",
           "Can we ship logs through Kafka instead of the agent? We already run a Kafka pipeline.",
           label="glx-kafka-q")
    b.post(ch, when("10-02", "10:44"), "bob",
           "Yes: use the Kafka source in the collector and point it at your topic. "
           "{link:https://docs.example.com/logs/kafka|Kafka ingestion}", parent="glx-kafka-q", label="glx-kafka-a")
    b.post("opp-globex-rollout", when("10-14", "16:00"), "salesforce",
           "Opportunity updated: *Globex - Observability Rollout*\nStage: Proposal → Negotiation · Amount: $380,000 "
           "· Owner: Erin Walsh", label="glx-sfdc-stage")
    b.post(ch, when("10-20", "10:00"), "globex.raj",
           "What's the default log retention on the Pro tier vs Enterprise?", label="glx-retention-q")
    b.post(ch, when("10-21", "09:30"), "bob",
           "Pro keeps logs 15 days, Enterprise 30 days, and either can archive up to 400 days.",
           parent="glx-retention-q", label="glx-retention-a")

    # DPA redlines from the German entity, in ISO-8859-1.
    dpa = b.mail("glx-dpa-redlines", ("bob",), when("10-22", "04:12"), "globex.jurgen", ("bob",),
                 "DPA redlines from Globex GmbH (Datenschutz)",
                 "Hallo Bob,\n\nanbei unsere Änderungen zum Auftragsverarbeitungsvertrag (DPA). Die wichtigsten "
                 "Punkte:\n\n1. §7 Unterauftragsverarbeiter: 30 Tage Vorankündigung statt 14.\n2. §9 "
                 "Drittlandübermittlung: bitte Bezug auf die EU-Standardvertragsklauseln (2021/914) ergänzen.\n"
                 "3. Löschfrist nach Vertragsende: 30 Tage.\n\nKönnten Sie das bitte mit Ihrer Rechtsabteilung "
                 "prüfen?\n\nMit freundlichen Grüßen\nJürgen Müller\nDatenschutzbeauftragter, Globex GmbH",
                 charset="iso-8859-1", attachments=("Globex_DPA_redlines_v3.docx",), signature=False,
                 cc=("erin",))
    b.comment("glx-note-dpa", "globex-rollout", when("10-28", "10:30"), "erin",
              "DPA: legal's response sent to Jürgen on Oct 28. Waiting on Globex GmbH.")
    mp = "mpdm-bob--erin--jules-1"
    b.post(mp, when("10-22", "09:15"), "bob",
           "{@jules} Globex GmbH sent DPA redlines. Asks: 30-day sub-processor notice, SCC reference, 30-day "
           "deletion after termination. Can you review?", label="glx-dpa-internal")
    b.post(mp, when("10-27", "17:20"), "jules",
           "Reviewed: we accept the SCC reference and 30-day deletion, and can give EU customers 30 days' notice "
           "of sub-processor changes. Our redlined version is attached.",
           files=("Globex_DPA_ExampleCo_response.docx",), label="glx-dpa-legal")
    dpa_done = b.reply("glx-dpa-done", dpa, when("10-28", "10:02"), "bob",
                       "Hallo Jürgen,\n\nthanks for your patience. Our legal team accepted points 2 and 3 and "
                       "agreed to 30 days' notice of sub-processor changes for EU customers. Our redlined version "
                       "is attached.", attachments=("Globex_DPA_ExampleCo_response.docx",))
    b.reply("glx-dpa-ack", dpa_done, when("10-29", "03:55"), "globex.jurgen",
            "Vielen Dank, Bob! Wir prüfen das intern und melden uns bis Ende nächster Woche.\n\nGrüße\nJürgen",
            charset="iso-8859-1", signature=False)

    # The security questionnaire: promised for Nov 3, still open.
    sig = b.mail("glx-sig-req", ("bob",), when("10-26", "11:30"), "globex.laura", ("bob",),
                 "Globex vendor onboarding: security questionnaire (SIG Lite)",
                 "Hi Bob,\n\nAs part of vendor onboarding please complete the attached SIG Lite questionnaire. "
                 "We need it back by Wednesday, November 4 to stay on track for a November 30 signature.\n\n"
                 "Best regards,\nLaura Gómez\nProcurement Manager | Globex", cc=("erin",),
                 attachments=("Globex_SIG_Lite_2026.xlsx",), signature=False)
    b.reply("glx-sig-commit", sig, when("10-26", "12:05"), "bob",
            "Hi Laura,\n\nReceived. I'll work through it with our security team and get it back to you by "
            "Tuesday, Nov 3.")
    b.post("dm-bob-ivy", when("10-28", "14:00"), "bob",
           "Starting on the Globex SIG Lite. Can I reuse answers from the Hooli questionnaire?")
    b.post("dm-bob-ivy", when("10-28", "14:31"), "ivy",
           "Mostly yes. Sections G (access control) and H (BCP) changed this year, send those to me.")

    # Pricing pushback: Erin handles the discount, Bob owes the host sizing.
    proposal = b.mail("glx-proposal", ("bob",), when("10-23", "15:00"), "erin", ("globex.hannah",),
                      "Globex - Observability Rollout proposal",
                      "Hi Hannah,\n\nAttached is our proposal for the company-wide rollout (600 hosts, logs and "
                      "APM, EU region for Globex GmbH). Happy to walk through it.",
                      cc=("bob",), attachments=("Globex_Proposal_FY27.pdf",))
    b.reply("glx-pricing", proposal, when("10-30", "16:20"), "globex.hannah",
            "Hi Erin, Bob,\n\nWe've reviewed the proposal. The per-host pricing comes in about 30% above our FY27 "
            "budget. Can you send a breakdown by product line and what a 3-year committed-use discount would look "
            "like? I'd also like to understand the cost if we move 40% of hosts to the infrastructure-only tier."
            "\n\nThanks,\nHannah", to=("erin", "bob"), cc=(), signature=False)
    b.post("dm-bob-erin", when("10-30", "16:45"), "erin",
           "Saw Hannah's email. I'll handle the discount; can you put together the host sizing for the "
           "infra-only split?", label="glx-erin-ask")
    b.post("dm-bob-erin", when("10-30", "16:52"), "bob", "Yes, on it.", label="glx-bob-yes")
    b.post("opp-globex-rollout", when("10-30", "18:10"), "momentum",
           "Deal risk on *Globex - Observability Rollout*: pricing objection on the 10/30 call (\"30% over "
           "budget\"). Next step owner: Erin Walsh.", label="glx-momentum")
    b.post(ch, when("10-31", "11:30"), "globex.raj",
           "{@bob} our DPO asked: does the EU region also cover backups and support access? i.e. can anyone in "
           "the US access our data?", label="glx-eu-q", edited_after=dt.timedelta(minutes=2))

    b.expect("glx-sig", "bob", "globex", "legal_security_procurement",
             "Return the SIG Lite security questionnaire to Laura (promised by Nov 3)", "glx-sig-req", "open",
             related=("glx-sig-commit",))
    b.expect("glx-pricing", "bob", "globex", "customer_question",
             "Host sizing for Hannah's 40% infrastructure-only split (pricing pushback)", "glx-pricing", "open",
             related=("glx-erin-ask", "glx-bob-yes"))
    b.expect("glx-eu", "bob", "globex", "technical_question",
             "Answer Raj: does the EU region cover backups and support access?", "glx-eu-q", "open")
    b.expect("glx-dpa", "bob", "globex", "legal_security_procurement", "Respond to Globex GmbH DPA redlines",
             "glx-dpa-redlines", "done", resolved_by="glx-dpa-done")
    b.expect("glx-kafka", "bob", "globex", "technical_question", "Logs through Kafka", "glx-kafka-q",
             "answered", resolved_by="glx-kafka-a")
    b.expect("glx-retention", "bob", "globex", "customer_question", "Log retention Pro vs Enterprise",
             "glx-retention-q", "answered", resolved_by="glx-retention-a")
    b.expect("glx-risk", "bob", "globex", "automated", "Momentum: pricing objection, deal risk", "glx-momentum",
             "info")


def add_hooli(b: StoryBuilder) -> None:
    ch = "ext-hooli-onboarding"
    b.post(ch, when("10-05", "11:00"), "hooli.denise",
           "Legal signed on our side. Sending the countersigned order form today.")
    b.post(ch, when("10-05", "11:12"), "erin", "Fantastic news, thank you Denise!")
    b.post("opp-hooli-enterprise", when("10-09", "15:30"), "salesforce",
           "Opportunity *Hooli - Enterprise Agreement* moved to *Closed Won* · Amount: $520,000 · Owner: Erin Walsh",
           label="hooli-won")
    b.post("sales", when("10-09", "15:42"), "erin",
           "Hooli closed! :tada: $520k. Huge thanks to {@bob} for the technical win.", label="hooli-win-cheer")
    b.comment("hooli-note-kickoff", "hooli-ea", when("10-12", "09:45"), "kim",
              "Handoff done. Onboarding kickoff planned for the week of Nov 2.")
    b.post(ch, when("10-12", "09:30"), "bob",
           "Welcoming {@kim}: Kim is your Customer Success Manager and will lead onboarding from here.")
    b.post(ch, when("10-20", "13:00"), "hooli.ron", "How do we rotate ingest API keys without downtime?",
           label="hooli-keys-q")
    b.post(ch, when("10-20", "13:40"), "hank",
           "Create the new key, roll it out, then revoke the old one; both work in parallel. "
           "{link:https://docs.example.com/keys/rotation|Key rotation}", parent="hooli-keys-q", label="hooli-keys-a")
    b.post(ch, when("10-30", "10:10"), "hooli.denise", "Who should we contact about the onboarding kickoff agenda?",
           label="hooli-contact-q")
    b.post(ch, when("10-30", "10:25"), "kim", "That's me! I'll send the agenda Monday.", parent="hooli-contact-q",
           label="hooli-contact-a")
    b.post(ch, when("10-31", "09:05"), "hooli.ron",
           "Thanks for all the help during the eval {@bob}, dashboards roll out to all teams next week.",
           label="hooli-thanks")
    b.post(ch, when("10-31", "09:20"), "bob", "Great to hear, Ron! Kim and team will take great care of you.",
           parent="hooli-thanks")
    b.post(ch, when("10-31", "09:31"), "hooli.ron",
           "{@bob} quick one: could we get a copy of the architecture diagram you showed in the eval?",
           label="hooli-diagram-q")

    b.expect("hooli-diagram", "bob", "hooli", "customer_question",
             "Architecture diagram request (Hooli is Closed Won; onboarding is with CS)", "hooli-diagram-q",
             "terminal")
    b.expect("hooli-contact", "bob", "hooli", "customer_question", "Onboarding contact (the CSM answered)",
             "hooli-contact-q", "terminal", resolved_by="hooli-contact-a")
    b.expect("hooli-keys", "bob", "hooli", "technical_question", "API key rotation (support answered)",
             "hooli-keys-q", "terminal", resolved_by="hooli-keys-a")


def add_piedpiper(b: StoryBuilder) -> None:
    b.post("sales", when("10-29", "14:10"), "erin",
           "Inbound from Pied Piper (compression startup, ~200 engineers), they want a demo. {@bob} can you take it?",
           label="pp-inbound")
    b.post("sales", when("10-29", "14:22"), "bob", "Sure, loop me in.", parent="pp-inbound")
    b.mail("pp-demo-req", ("bob",), when("10-30", "13:47"), "piedpiper.richard", ("bob",), "Demo next week?",
           "Hi Bob,\n\nErin said you're the right person for a technical demo. We're evaluating observability "
           "tools for our compression pipeline (about 400 hosts on Kubernetes). Could we get 30 minutes next "
           "week? Tuesday or Wednesday afternoon Pacific works best.\n\nRichard", cc=("erin",), signature=False)
    b.post("dm-bob-erin", when("10-31", "10:30"), "erin",
           "Did you get Richard's email? Let's get the Pied Piper demo on the calendar.", label="pp-erin-nudge")
    b.expect("pp-demo", "bob", "piedpiper", "scheduling",
             "Reply to Richard with demo times (Tue/Wed afternoon Pacific)", "pp-demo-req", "open",
             related=("pp-erin-nudge",))
    b.signal("new_customer", "bob", "piedpiper", "Pied Piper: inbound demo request, no opportunity yet")


def add_initech(b: StoryBuilder) -> None:
    ch = "ext-initech-trial"
    b.post(ch, when("10-08", "10:00"), "frank",
           "Welcome {@initech.peter} and {@initech.samir}! {@carmen} will guide you through the trial.")
    b.post(ch, when("10-08", "10:20"), "carmen",
           "Hi both! Quick start: {link:https://docs.example.com/quickstart|Quick start}. Your trial org is `initech-trial` and the API "
           "key is in your invite email.")
    sec = b.mail("ini-sec-q", ("carmen",), when("10-15", "14:00"), "initech.bill", ("carmen",),
                 "Security overview",
                 "Carmen,\n\nYeah, before the team sends any data I'm going to need a security overview. If you "
                 "could go ahead and send that over, that'd be great.\n\nBill", cc=("frank",), signature=False)
    b.reply("ini-sec-a", sec, when("10-16", "09:10"), "carmen",
            "Hi Bill,\n\nOur security whitepaper is attached (encryption, access controls, SOC 2 scope).",
            attachments=("Example-Co-Security-Whitepaper.pdf",))
    b.post(ch, when("10-20", "11:00"), "carmen",
           "Hi {@initech.peter}, checking in: were you able to install the agent?", label="ini-checkin")
    b.post(ch, when("10-21", "15:30"), "initech.peter", "Not yet, got pulled into a release. This week hopefully.",
           parent="ini-checkin")
    b.post(ch, when("10-29", "13:10"), "initech.peter",
           "We finally tried installing the agent but it fails behind our egress proxy: "
           "`x509: certificate signed by unknown authority` on connect. We use a TLS-intercepting proxy "
           "(Zscaler). Any pointers?", label="ini-proxy-q")
    b.post(ch, when("10-30", "10:05"), "carmen",
           "Thanks Peter, that's the proxy re-signing TLS. I'll send you the proxy config steps (custom CA bundle "
           "+ HTTPS_PROXY) tomorrow morning.", parent="ini-proxy-q", label="ini-proxy-commit")
    b.post("opp-initech-poc", when("10-30", "10:30"), "zendesk",
           "Ticket #48901 (Initech): Agent install fails behind TLS proxy · Status: Pending · Assignee: Hank Moreno")
    b.comment("ini-notion-criteria", "initech-trial", when("10-30", "11:45"), "frank",
              "Carmen, can you update the POC success criteria on this page before Wednesday's check-in? Bill wants "
              "sign-off criteria in writing.")
    b.post("dm-carmen-frank", when("10-31", "09:15"), "frank",
           "Any update for Initech on the proxy issue? Their trial clock is ticking and there's no data in yet.",
           label="ini-frank-nudge")
    b.mail("ini-resched", ("carmen",), when("10-31", "10:40"), "initech.samir", ("carmen",),
           "Move Monday's check-in?",
           "Hi Carmen,\n\nCould we move Monday's trial check-in to Tuesday at 2pm ET? Bill wants to join and he's "
           "out Monday.\n\nThanks,\nSamir", cc=("frank",), signature=False)

    b.expect("ini-proxy", "carmen", "initech", "commitment",
             "Send Peter the proxy config steps (custom CA bundle + HTTPS_PROXY), promised for Saturday morning",
             "ini-proxy-q", "open", related=("ini-proxy-commit", "ini-frank-nudge"))
    b.expect("ini-criteria", "carmen", "initech", "action_item",
             "Update the POC success criteria on the Initech - Trial page before Wednesday", "ini-notion-criteria",
             "open")
    b.expect("ini-resched", "carmen", "initech", "scheduling", "Reply to Samir: move check-in to Tuesday 2pm ET",
             "ini-resched", "open")
    b.expect("ini-sec", "carmen", "initech", "legal_security_procurement", "Security overview for Bill",
             "ini-sec-q", "done", resolved_by="ini-sec-a")
    b.signal("trial_not_started", "carmen", "initech",
             "Initech - Trial is in Technical Validation but has no usage: the agent install is blocked")


def add_vandelay(b: StoryBuilder) -> None:
    ch = "ext-vandelay-apm"
    b.post(ch, when("10-07", "10:30"), "vandelay.lena", "What CPU overhead should we expect from the Java agent?",
           label="vdl-overhead-q")
    b.post(ch, when("10-07", "11:02"), "carmen",
           "Typically 1-3% CPU with default sampling; the profiler adds about 1% more.",
           parent="vdl-overhead-q", label="vdl-overhead-a")
    lost = b.mail("vdl-lost", ("carmen",), when("10-27", "12:15"), "vandelay.art", ("frank", "carmen"), "Decision",
                  "Hi Frank, Carmen,\n\nThank you for the time your team invested. After a lot of discussion we've "
                  "decided to go with Datadog, mainly because we already use it for logs. It was a close call.\n\n"
                  "Art", signature=False)
    b.reply("vdl-lost-reply", lost, when("10-27", "13:05"), "carmen",
            "Thanks Art, I appreciate you telling us directly. If anything changes, we're here.",
            to=("vandelay.art",), cc=("frank",))
    b.post("opp-vandelay-apm", when("10-27", "15:00"), "salesforce",
           "Opportunity *Vandelay Industries - APM* moved to *Closed Lost* · Reason: Competitor (Datadog)",
           label="vdl-sfdc-lost")
    b.post(ch, when("10-29", "10:00"), "vandelay.lena",
           "Could you send an export of the dashboards we built during the trial? We'd like to keep them.",
           label="vdl-export-q")
    b.post(ch, when("10-29", "10:45"), "carmen", "Sure, here's the JSON export of all 14 dashboards.",
           parent="vdl-export-q", label="vdl-export-a", files=("vandelay-dashboards.json",))
    b.comment("vdl-note-loss", "vandelay-apm", when("10-27", "15:05"), "frank",
              "Loss reason: Datadog is already their logs vendor; price was not the issue.")
    b.expect("vdl-lost", "carmen", "vandelay", "competitor_mention", "Lost to Datadog", "vdl-lost", "terminal")
    b.expect("vdl-export", "carmen", "vandelay", "customer_question", "Dashboard export", "vdl-export-q",
             "terminal", resolved_by="vdl-export-a")


def add_soylent(b: StoryBuilder) -> None:
    ch = "ext-soylent-platform"
    b.post(ch, when("10-05", "10:00"), "frank",
           "Heads-up: Soylent is moving to our partner-led team. {@leo} will be your SE going forward; {@carmen} "
           "stays in the channel through the handoff.")
    b.post("sales", when("10-06", "10:00"), "salesforce",
           "Opportunity *Soylent - Platform* · Stage: Technical Validation → Transferred · Owner: Partner Sales")
    b.post(ch, when("10-28", "13:00"), "soylent.quinn", "{@carmen} {@leo} how is log retention priced on the "
           "partner plan?", label="soy-pricing-q")
    b.post(ch, when("10-28", "13:40"), "leo",
           "Hi Quinn, the partner plan bundles 30 days; longer retention is $0.10/GB/month.",
           parent="soy-pricing-q", label="soy-pricing-a")
    b.post(ch, when("10-30", "11:20"), "soylent.quinn",
           "{@carmen} do you still have the load test results from September?", label="soy-loadtest-q")
    b.expect("soy-loadtest", "carmen", "soylent", "customer_question",
             "Load test results request (opportunity transferred to Leo)", "soy-loadtest-q", "terminal")
    b.expect("soy-pricing", "carmen", "soylent", "customer_question", "Partner plan retention pricing",
             "soy-pricing-q", "terminal", resolved_by="soy-pricing-a")


def add_company_and_personal(b: StoryBuilder) -> None:
    b.post("general", when("10-30", "09:00"), "maya",
           "Reminder: FY26 closes tomorrow (Sat Oct 31). Deal desk is open all day & SEs are on call for "
           "customer questions. Thanks everyone!", label="fy-reminder")
    b.post("random", when("10-30", "12:30"), "alice",
           "Pumpkin carving contest entries close at 5! Mine is a very scary flame graph :jack_o_lantern:",
           label="random-pumpkin")
    b.post("random", when("10-31", "12:45"), "bob", "Who else is eating Halloween candy at their desk today?",
           label="random-candy")
    b.mail("alice-dentist", ("alice",), when("10-29", "18:02"), "dentist", ("alice",),
           "Appointment reminder: Tue Nov 3 at 8:30 AM",
           "Hi Alice,\n\nThis is a reminder of your cleaning appointment on Tuesday, November 3 at 8:30 AM with "
           "Dr. Patel. Reply C to confirm or call us to reschedule.\n\nBrightsmile Dental",
           automated=True, signature=False, category="Personal")
    b.mail("carmen-flight", ("carmen",), when("10-30", "07:15"), "travel", ("carmen",),
           "Check-in is open: New York (JFK) to Madrid (MAD), Nov 6",
           "Hola Carmen,\n\nOnline check-in is now open for your flight IB6252 on November 6. Seat 23A.\n\n"
           "TravelDesk", automated=True, signature=False, category="Personal")
    b.expect("alice-dentist", "alice", None, "personal", "Dentist appointment reminder", "alice-dentist",
             "personal")
    b.expect("carmen-flight", "carmen", None, "personal", "Flight check-in", "carmen-flight", "personal")
    b.expect("random-pumpkin", "alice", None, "personal", "Pumpkin carving contest in #random", "random-pumpkin",
             "personal")
    b.expect("random-candy", "bob", None, "personal", "Halloween candy in #random", "random-candy", "personal")


def add_story(b: StoryBuilder) -> None:
    """Every scripted event of October 2026 (the cast must be added first)."""
    add_channels(b)
    add_opportunities(b)
    for part in (add_acme, add_umbrella, add_globex, add_hooli, add_piedpiper, add_initech, add_vandelay,
                 add_soylent, add_company_and_personal):
        part(b)


# How each story customer's usage looks (see routine.add_usage); absent = no usage rows.
USAGE_PROFILES = {
    "acme": "growing",
    "umbrella": "drop",
    "globex": "steady",
    "hooli": "growing",
    "soylent": "steady",
}


def story_accounts() -> list[Account]:
    """Routine activity for the story's customers, only in October and only where it fits the story
    (Umbrella gets no quick answers: it is the slow-response account; Initech has not started)."""
    d = dt.date
    oct1, end = d(2026, 10, 1), PERIOD_END
    return [
        Account("acme", "alice", "ext-acme-poc", "opp-acme-expansion", "alice", oct1, end, 3),
        Account("umbrella", "alice", None, "opp-umbrella-enterprise", "alice", oct1, end, 0),
        Account("globex", "bob", "ext-globex-eval", "opp-globex-rollout", "bob", oct1, end, 1),
        Account("hooli", "bob", "ext-hooli-onboarding", "opp-hooli-enterprise", "bob", oct1, d(2026, 10, 9), 2),
        Account("initech", "carmen", None, "opp-initech-poc", "carmen", d(2026, 10, 12), end, 0),
        Account("vandelay", "carmen", "ext-vandelay-apm", "opp-vandelay-apm", "carmen", oct1, d(2026, 10, 23), 4),
        Account("soylent", "carmen", "ext-soylent-platform", None, "leo", d(2026, 10, 6), end, -1),
    ]
