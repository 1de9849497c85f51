"""Signals one activity row raises on its own (questions, asks, promises, tone, topics).

Policy, in order:
  * A tool's message (Gong, Salesforce, …) is `automated`, summarised; an unknown bot's message with
    no customer (a newsletter) raises nothing.
  * A customer's message: a request is an `action_item`; else a real question is a
    `customer_question`; else a technical blocker is a `technical_question`. All owed by the SE.
  * A colleague's message owes the SE something only when it is addressed to them (an @mention, a
    DM, an email To: them) or sits in the customer's internal opp-/proj- channel: a request is an
    `action_item`, a technical question a `technical_question`. Other internal chatter owes nothing.
  * The SE's own first-person promise is a `commitment`.
  * Facts: legal/security/procurement terms, scheduling asks, competitor names, and — for a
    customer's message in an external channel only — negative tone.
  * Relevance: no customer and an ordinary channel with nobody addressed is surely unrelated (dropped);
    no customer otherwise (DMs, personal-looking mail) or no SE is 'uncertain'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from se_pipeline.analysis import summaries, text
from se_pipeline.analysis.signal import ANSWER, DELIVER, Signal, truthy

KNOWN_TOOLS = re.compile(
    r"\b(gong|salesforce|sfdc|momentum|zendesk|hubspot|outreach|salesloft|clari|chorus|gainsight|intercom|"
    r"jira|pagerduty|calendly|docusign|ironclad|freshdesk)\b",
    re.I,
)
# Internal places about one deal: a colleague's technical question or request there is for the deal's SE.
_OWNED_CHANNELS = ("opp", "proj", "dm", "notion")


@dataclass(frozen=True)
class SalesEngineerRef:
    id: str
    name: str
    email: str
    slack_user_id: str | None


# "Alice, can you…", "Hi Alice -", "Thanks Alice:" at the start: the message speaks to that person.
# (mentioned_ses puts a NUL where the first name was, so one pattern serves every SE.)
_VOCATIVE = re.compile(r"^\s*(?:(?:hi|hey|hello|thanks|thank you|ok|okay)[ ,]+)?\0\s*[,:!\-\u2014]")


@dataclass
class RuleContext:
    """What the rules need beyond the row: who the SEs are, competitors, and raw-only facts."""

    sales_engineers: list[SalesEngineerRef]
    competitors: re.Pattern[str]
    files: dict[str, list[str]] = field(default_factory=dict)  # activity_id -> attachments / shared files
    recipients: dict[str, list[str]] = field(default_factory=dict)  # email activity_id -> To: addresses

    def mentioned_ses(self, body: str) -> list[str]:
        lowered = body.lower()
        return [
            se.id for se in self.sales_engineers
            if f"@{se.name.lower()}" in lowered
            or (se.slack_user_id and f"<@{se.slack_user_id.lower()}>" in lowered)
            or _VOCATIVE.match(lowered.replace(se.name.split()[0].lower(), "\0", 1)) is not None
        ]

    def se_of_author(self, row: dict[str, Any]) -> str | None:
        author, email = row.get("author_id"), (row.get("author_email") or "").lower()
        for se in self.sales_engineers:
            if (se.slack_user_id and se.slack_user_id == author) or (email and se.email.lower() == email):
                return se.id
        return None

    def email_to_se(self, activity_id: str, se_id: str | None) -> bool:
        to = self.recipients.get(activity_id)
        if to is None or se_id is None:
            return True  # no header facts: mail in the SE's mailbox is addressed to them
        emails = {se.email.lower() for se in self.sales_engineers if se.id == se_id}
        return bool(emails & {t.lower() for t in to})



def message_signals(row: dict[str, Any], ctx: RuleContext) -> list[Signal]:
    """Every signal `row` (an activity row) raises by itself; resolution comes later."""
    body = row.get("text") or ""
    if truthy(row.get("is_bot")):
        return _bot_signals(row, ctx, body)

    external = truthy(row.get("author_is_external"))
    kind_of_channel = row.get("channel_kind")
    author_se = ctx.se_of_author(row)
    mentioned = [se for se in ctx.mentioned_ses(body) if se != author_se]
    # An SE asking another SE by name is a colleague asking, not the SE talking to a customer.
    is_se = truthy(row.get("author_is_se")) and not mentioned
    addressed = bool(mentioned) or kind_of_channel == "dm" or (
        row.get("source") == "gmail" and ctx.email_to_se(row["activity_id"], row.get("se_id"))
    )
    if row.get("customer") is None and kind_of_channel == "channel" and not mentioned:
        return []  # off-topic chatter in an ordinary channel: surely unrelated

    said = text.sentences(body)
    asks = [s for s in said if not _asks_nothing_now(s, said, row)]
    requests = [s for s in asks if text.is_request(s)]
    scheduling = [s for s in said if text.is_scheduling(s) and (text.is_question(s) or re.match(r"(let'?s|can we|could we)\b", s, re.I))]
    questions = [s for s in asks if text.is_question(s) and s not in requests and s not in scheduling]
    out: list[Signal] = []
    make = _Maker(row, ctx)

    if external:
        if requests:
            out.append(make.action_item(requests[0], said, external=True))
        if questions:
            out.append(make.customer_question(summaries.with_context(questions[0], _before(said, questions[0]))))
        elif not requests:
            blockers = [s for s in said if text.is_blocker(s)]
            if blockers:
                out.append(make.technical_question(blockers[0], blocker=True))
    elif not is_se:
        owned = addressed or kind_of_channel in _OWNED_CHANNELS
        target = mentioned[0] if mentioned else None
        if requests and owned:
            out.append(make.action_item(requests[0], said, external=False, se_id=target))
        elif questions and text.is_technical(body) and (addressed or (owned and text.is_technical(questions[0]))):
            question = summaries.with_context(questions[0], _before(said, questions[0]))
            out.append(make.technical_question(question, blocker=False, se_id=target))
    else:
        promises = [s for s in said if text.commitment_verb(s)]
        if promises:
            out.append(make.commitment(promises[0]))

    if scheduling and row.get("customer"):
        out.append(make.fact("scheduling", "wants to meet", scheduling[0], "rule:scheduling_request"))
    topic = text.legal_topic(body)
    if topic and (external or not truthy(row.get("is_reply"))):
        sentence = next((s for s in said if text.legal_topic(s)), body)
        out.append(make.fact("legal_security_procurement", f"{topic} update", sentence, f"rule:legal_term:{topic}"))
    if external and truthy(row.get("is_external_channel")):
        phrase = text.frustration_phrase(body)
        score = text.tone(body)
        if phrase or score <= text.NEGATIVE_COMPOUND:
            sentence = next((s for s in said if text.frustration_phrase(s)), said[0] if said else body)
            why = f"phrase:{phrase}" if phrase else f"vader:{score:.2f}"
            out.append(make.fact("negative_tone", "sounds frustrated", sentence, f"rule:negative_tone:{why}"))
    out.extend(_competitor(make, ctx, body, said))
    return out


def _asks_nothing_now(sentence: str, said: list[str], row: dict[str, Any]) -> bool:
    """An open offer ("let me know if you have any questions"), or a "let me know" that hands the turn
    back after the writer's own offer or as the closing line of a reply: nothing is owed for it."""
    if text.is_courtesy(sentence):
        return True
    if not text.hands_back(sentence):
        return False
    at = said.index(sentence)
    closes_reply = truthy(row.get("is_reply")) and at == len(said) - 1 and at > 0
    return closes_reply or any(text.is_offer(s) for s in said[:at + 1])


def _before(said: list[str], sentence: str) -> str | None:
    at = said.index(sentence)
    return said[at - 1] if at > 0 else None


def _bot_signals(row: dict[str, Any], ctx: RuleContext, body: str) -> list[Signal]:
    tool_name = row.get("bot_name") or row.get("author_name") or "Bot"
    known = KNOWN_TOOLS.search(" ".join(str(row.get(k) or "") for k in ("bot_name", "author_name", "author_email")))
    if not known and row.get("customer") is None:
        return []  # a newsletter or notification about nobody we work with
    make = _Maker(row, ctx)
    tldr, summary = summaries.automated(tool_name, row.get("customer"), body)
    out = [make.signal("automated", tldr, summary, body, f"rule:automated:{tool_name.lower()}")]
    out.extend(_competitor(make, ctx, body, text.sentences(body)))
    return out


def _competitor(make: "_Maker", ctx: RuleContext, body: str, said: list[str]) -> list[Signal]:
    match = ctx.competitors.search(body)
    if not match:
        return []
    sentence = next((s for s in said if ctx.competitors.search(s)), body)
    name = match.group(0)
    return [make.fact("competitor_mention", f"mentioned {name}", sentence, f"rule:competitor:{name.lower()}")]


class _Maker:
    """Builds signals that carry the row's identity: customer, SE, time, citation, relevance."""

    def __init__(self, row: dict[str, Any], ctx: RuleContext):
        self.row = row
        self.ctx = ctx

    def signal(self, kind: str, tldr: str, summary: str, excerpt: str, evidence: str, *,
               owed: bool = False, se_id: str | None = None, resolve_rule: str | None = None) -> Signal:
        row = self.row
        se = se_id or row.get("se_id")
        customer = row.get("customer")
        relevance = "include" if customer is not None and se is not None else "uncertain"
        return Signal(
            kind=kind, se_id=se, customer=customer, raised_at=row["sent_at"], activity_date=row["activity_date"],
            activity_ids=[row["activity_id"]], link=row.get("link"), summary=summary, tldr=tldr, evidence=evidence,
            relevance=relevance, owed=owed, excerpt=excerpt, thread_key=row.get("thread_key"), channel=row.get("channel"),
            asker_id=row.get("author_id") if owed else None, asker_name=row.get("author_name") if owed else None,
            resolve_rule=resolve_rule,
        )

    def customer_question(self, sentence: str) -> Signal:
        tldr, summary = summaries.customer_question(self.row.get("customer"), self.row.get("author_name"), sentence)
        return self.signal("customer_question", tldr, summary, sentence, "rule:customer_question",
                           owed=True, resolve_rule=ANSWER)

    def technical_question(self, sentence: str, blocker: bool, se_id: str | None = None) -> Signal:
        place = summaries.where(self.row.get("channel_kind"), self.row.get("channel"))
        tldr, summary = summaries.technical_question(
            self.row.get("customer"), self.row.get("author_name"), sentence, blocker, place
        )
        evidence = "rule:customer_blocker" if blocker else "rule:technical_question_to_se"
        return self.signal("technical_question", tldr, summary, sentence, evidence, owed=True, se_id=se_id,
                           resolve_rule=ANSWER)

    def action_item(self, sentence: str, said: list[str], external: bool, se_id: str | None = None) -> Signal:
        tldr, summary = summaries.action_item(
            self.row.get("customer"), self.row.get("author_name"), sentence, external, _before(said, sentence)
        )
        signal = self.signal("action_item", tldr, summary, sentence, "rule:request", owed=True, se_id=se_id,
                             resolve_rule=DELIVER)
        signal.due_date = text.due_date(sentence, self.row["activity_date"])
        return signal

    def commitment(self, sentence: str) -> Signal:
        verb = text.commitment_verb(sentence) or ""
        tldr, summary = summaries.commitment(self.row.get("customer"), sentence)
        rule = ANSWER if text.is_answer_commitment(verb) else DELIVER
        signal = self.signal("commitment", tldr, summary, sentence, f"rule:commitment:{verb}", owed=True, resolve_rule=rule)
        signal.asker_id = None  # the SE promised; anyone on our side may settle it
        signal.due_date = text.due_date(sentence, self.row["activity_date"])
        return signal

    def fact(self, kind: str, label: str, sentence: str, evidence: str) -> Signal:
        external = truthy(self.row.get("author_is_external"))
        tldr, summary = summaries.fact(label, self.row.get("customer"), self.row.get("author_name"), sentence, external)
        return self.signal(kind, tldr, summary, sentence, evidence)
