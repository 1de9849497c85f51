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
from typing import Any

from se_pipeline.analysis import summaries, text
from se_pipeline.analysis.context import Maker, RuleContext, SalesEngineerRef, competitor_signals, previous_sentence
from se_pipeline.analysis.signal import Signal, truthy
from se_pipeline.analysis.tools import tool_signals

__all__ = ["RuleContext", "SalesEngineerRef", "message_signals"]

# Internal places about one deal: a colleague's technical question or request there is for the deal's SE.
_OWNED_CHANNELS = ("opp", "proj", "dm", "notion")


def message_signals(row: dict[str, Any], ctx: RuleContext) -> list[Signal]:
    """Every signal `row` (an activity row) raises by itself; resolution comes later."""
    from_tool = tool_signals(row, ctx)
    if from_tool is not None:
        return from_tool
    body = row.get("text") or ""

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
    make = Maker(row, ctx)

    if external:
        if requests:
            out.append(make.action_item(requests[0], said, external=True))
        if questions:
            out.append(make.customer_question(summaries.with_context(questions[0], previous_sentence(said, questions[0]))))
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
            question = summaries.with_context(questions[0], previous_sentence(said, questions[0]))
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
    out.extend(competitor_signals(make, ctx, body, said))
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


