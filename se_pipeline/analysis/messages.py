"""Signals one activity row raises on its own (questions, asks, promises, tone, topics).

A person's message is read sentence by sentence (list items and sentences, see sentences.py), and
each ask in it is a candidate of its own: a message with three asks can owe the SE two of them.

Policy:
  * A tool's message (Gong, Salesforce, calendars, …) is read by tools.py instead.
  * Whom an ask is for (addressing.py): the names it opens or closes with; else the list item's or
    line's; else the greeting's ("Dear Ana,"), the mail's To:, or nobody. An ask for a colleague
    ("Jo, could you…", "@Jo that one's for you") owes the SE nothing.
  * A customer's ask for the SE, or for nobody in particular in the customer's channel, mail or a
    DM, is owed: a request is an `action_item`, a question a `customer_question`, a technical
    complaint with no ask a blocker (`technical_question`). A statement that opens by @mentioning
    the SE in a message that hands out work ("@Ana section D is the technical part") is an
    `action_item` too.
  * A colleague's ask owes the SE something when it names them, is in a DM or a mail to them, or
    sits in the customer's internal opp-/proj- channel (requests; technical questions only).
  * The SE's own first-person promise is a `commitment`; "on it", "will do" are not promises of
    their own (the ask they answer stays open).
  * Facts: legal/security/procurement terms, scheduling asks, competitor names, changed dates or
    criteria in a customer's message, and, for a customer's message in an external place only,
    negative tone or a threat to the deal.
  * Relevance: no customer and an ordinary channel with nobody addressed is surely unrelated (dropped);
    no customer otherwise (DMs, personal-looking mail) or no SE is 'uncertain'.
"""

from __future__ import annotations

from dataclasses import dataclass

from se_pipeline.analysis import intent, summaries, text
from se_pipeline.analysis.addressing import Addressing, address, greeted
from se_pipeline.analysis.context import Maker, RuleContext, SalesEngineerRef, competitor_signals
from se_pipeline.analysis.sentences import Unit, language, units
from se_pipeline.analysis.signal import Signal
from se_pipeline.analysis.tools import tool_signals
from se_pipeline.analysis.rows import ActivityRow

__all__ = ["RuleContext", "SalesEngineerRef", "message_signals"]

# Internal places about one deal: a colleague's technical question or request there is for the deal's SE.
_OWNED_CHANNELS = ("opp", "proj", "dm", "notion")
OTHERS = "(others)"  # an addressee key for "people other than the SE" (a mail to someone else)


@dataclass
class Ask:
    """Consecutive asking sentences of one list item or line, for the same people."""

    units: list[Unit]
    kind: str  # question | request | assignment
    to: set[str] | None
    first: int  # index of its first unit in the message
    context: str | None  # the sentence before, when the ask leans on it ("Do we?", "send it over")

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.units)


def message_signals(row: ActivityRow, ctx: RuleContext) -> list[Signal]:
    """Every signal `row` (an activity row) raises by itself; resolution comes later."""
    from_tool = tool_signals(row, ctx)
    if from_tool is not None:
        return from_tool
    body = row.text or ""
    said_units = units(body)
    addressing = address(said_units, ctx.people, _default_addressees(row, said_units, ctx))
    asks = _asks(said_units, addressing, row)
    owners = [_owner(ask, row, ctx) for ask in asks]
    if row.customer is None and row.channel_kind == "channel" and not any(owners):
        return []  # off-topic chatter in an ordinary channel: surely unrelated

    make = Maker(row, ctx)
    external = bool(row.author_is_external)
    said = [u.text for u in said_units if not (u.greeting or u.sign_off)]
    out: list[Signal] = []
    for ask, owner in zip(asks, owners, strict=True):
        if owner:
            out.append(_owed(make, ask, owner, row, external))
    author_se = ctx.se_of_author(row)
    if author_se and row.author_is_se:
        out.extend(_promises(make, said_units))
    elif external and not any(owners) and not asks and not any(text.is_nudge(s) for s in said):
        blocker = next((s for s in said if text.is_blocker(s)), None)
        if blocker:
            out.append(make.technical_question(blocker, blocker=True))
    out.extend(_facts(make, row, ctx, said, external, asks, owners))
    return out


def _default_addressees(row: ActivityRow, said: list[Unit], ctx: RuleContext) -> set[str] | None:
    """Whom a sentence that names nobody speaks to: the greeting's names, else a mail's recipients."""
    named = greeted(said, ctx.people)
    if named:
        return named
    if row.source == "gmail":
        to = ctx.recipients.get(row.activity_id)
        if to is not None and row.se_id and not ctx.email_to_se(row.activity_id, row.se_id):
            return {OTHERS}  # the SE is only copied: the mail asks its recipients
    return None


def _classify(unit: Unit, said: list[Unit], at: int, row: ActivityRow) -> str | None:
    """question | request | None for one sentence of a message."""
    if unit.greeting or unit.sign_off or _asks_nothing_now(unit.text, said, at, row):
        return None
    kind = sentence_asks(unit.text)
    # "The go-live moved to 3 Nov, so we need the load done by Monday" announces a change; it is a
    # fact unless it also asks outright ("can you…", "please…").
    if kind == "request" and text.changes_the_deal(unit.text) and not text.asks_outright(unit.text):
        return None
    return kind


# The ask model speaks where the rules are silent only when it is sure: the rules are the precise part.
MODEL_ONLY_SCORE = 0.9


def sentence_asks(sentence: str) -> str | None:
    """"request", "question" or None: what one sentence asks of its reader, by the rules, and by the
    ask model (intent.py) when it is sure of an ask the rules do not recognise ("pls line them up", a
    question without "?"); courtesies, offers, promises and notices ask nothing."""
    if text.is_courtesy(sentence):
        return None
    if text.is_request(sentence):
        return "request"
    if text.is_question(sentence):
        return "question"
    if (intent.ask_score(sentence) >= MODEL_ONLY_SCORE and not text.is_offer(sentence)
            and not text.promises_without_doing(sentence) and not text.is_notice(sentence)):
        return "question" if text.questions_something(sentence) else "request"
    return None


def _asks(said: list[Unit], addressing: Addressing, row: ActivityRow) -> list[Ask]:
    kinds = [_classify(u, said, i, row) for i, u in enumerate(said)]
    asked = [addressing.to[i] for i, k in enumerate(kinds) if k == "request"]
    asks: list[Ask] = []
    for i, (unit, kind) in enumerate(zip(said, kinds, strict=True)):
        to = addressing.to[i]
        if kind is None and to and unit.text.startswith("@") and any(a and a != to for a in asked) and not text.is_offer(unit.text):
            kind = "assignment"  # "@Ana section D is the technical part" beside "@Bo please do A–C"
        if kind is None:
            continue
        last = asks[-1] if asks else None
        same_place = last is not None and last.first + len(last.units) == i and (last.units[-1].line, last.units[-1].item) == (unit.line, unit.item)
        if same_place and last is not None and last.to == to and last.kind == kind == "question":
            last.units.append(unit)
            continue
        if last is not None and last.first + len(last.units) == i and last.to == to and text.follows_up(unit.text):
            last.units.append(unit)  # "…complete the questionnaire. We need it back by Wednesday." is one ask
            continue
        asks.append(Ask([unit], kind, to, i, _context(said, kinds, i)))
    return asks


def _context(said: list[Unit], kinds: list[str | None], at: int) -> str | None:
    """The sentence before an ask when the ask leans on it: a statement just before it in the same
    line or list item ("The key-pair auth breaks after rotation. Please tell us when it's fixed."),
    or any sentence before a short ask or one pointing back ("Could you send it over?")."""
    if at == 0:
        return None
    before, unit = said[at - 1], said[at]
    if before.greeting or before.sign_off or kinds[at - 1] is not None:
        return None
    same_place = (before.line, before.item) == (unit.line, unit.item)
    leans = len(unit.text.split()) < summaries.SHORT_QUESTION_WORDS or summaries.points_back(unit.text)
    return before.text if same_place or leans else None


def _asks_nothing_now(sentence: str, said: list[Unit], at: int, row: ActivityRow) -> bool:
    """An open offer ("let me know if you have any questions"), a chaser, or a "let me know" that
    hands the turn back after the writer's own offer or as the closing line of a reply."""
    if text.is_courtesy(sentence) or text.is_nudge(sentence):
        return True
    if not text.hands_back(sentence):
        return False
    content = [i for i, u in enumerate(said) if not (u.greeting or u.sign_off)]
    closes_reply = bool(row.is_reply) and content and at == content[-1]
    return bool(closes_reply) or any(text.is_offer(said[i].text) for i in content if i <= at)


def _owner(ask: Ask, row: ActivityRow, ctx: RuleContext) -> str | None:
    """The SE who owes `ask`, or None (it is someone else's, or nobody's)."""
    author_se = ctx.se_of_author(row)
    if ask.to:
        named = sorted(se for se in (ctx.people.se_of(k) for k in ask.to) if se and se != author_se)
        if row.se_id in named:
            return row.se_id
        return named[0] if named else None
    if author_se:
        return None  # the SE's own question to the customer or a colleague
    channel = row.channel_kind
    if row.author_is_external:
        return row.se_id if channel != "channel" or row.customer else None
    # A colleague: requests in the deal's own places; technical questions there too.
    in_owned_place = channel in _OWNED_CHANNELS or row.source == "gmail"
    if not in_owned_place:
        return None
    if ask.kind == "question" and not (text.is_technical(ask.text) or channel in ("dm",) or row.source == "gmail"):
        return None
    return row.se_id


def _owed(make: Maker, ask: Ask, owner: str, row: ActivityRow, external: bool) -> Signal:
    key = f"ask:{ask.first}"
    said_text = ask.text
    if ask.kind in ("request", "assignment"):
        return make.action_item(said_text, [], external, se_id=owner, key=key, context=ask.context,
                                assigned=ask.kind == "assignment")
    if external:
        return make.customer_question(said_text, se_id=owner, key=key, context=ask.context)
    return make.technical_question(said_text, blocker=False, se_id=owner, key=key, context=ask.context)


def _promises(make: Maker, said: list[Unit]) -> list[Signal]:
    out = []
    for i, unit in enumerate(said):
        if unit.greeting or unit.sign_off or not text.commitment_verb(unit.text) or text.is_ack_only(unit.text):
            continue
        out.append(make.commitment(unit.text, key=f"promise:{i}"))
    return out


def _facts(make: Maker, row: ActivityRow, ctx: RuleContext, said: list[str], external: bool,
           asks: list[Ask], owners: list[str | None]) -> list[Signal]:
    out: list[Signal] = []
    body = row.text or ""
    customer = row.customer
    # A meeting asked of the SE is already a Todo line; one proposed or announced is a fact.
    owed_asks = {ask.text for ask, owner in zip(asks, owners, strict=True) if owner}
    scheduling = [s for s in said if text.is_scheduling(s) and (text.is_question(s) or text.proposes_meeting(s))
                  and not any(s in a for a in owed_asks)]
    if scheduling and customer:
        out.append(make.fact("scheduling", "wants to meet", summaries.around(said, scheduling[0]), "rule:scheduling_request"))
    # A colleague's word on legal matters is news when it names a document or step ("the MSA redlines
    # went out"), not when it only grumbles about the process.
    find_topic = text.legal_topic if external else text.legal_document
    # A sentence that is itself an ask of the SE is told by its Todo line.
    legal = [s for s in said if find_topic(s) and not any(s in a for a in owed_asks)]
    if legal and (external or not row.is_reply):
        topic = find_topic(legal[0])
        out.append(make.fact("legal_security_procurement", f"{topic} update", summaries.around(said, legal[0]),
                             f"rule:legal_term:{topic}"))
    if external and customer:
        change = next((s for s in said if text.changes_the_deal(s)), None)
        if change:
            out.append(make.fact("deal_update", "changed plans", summaries.around(said, change), "rule:deal_change"))
    if external and row.is_external_channel:
        phrase = text.frustration_phrase(body) or text.deal_threat(body)
        score = text.tone(body) if language(body) == "en" else 0.0  # the sentiment lexicon is English
        if phrase or score <= text.NEGATIVE_COMPOUND:
            # The threat itself says most ("we'll have to pause the evaluation"), then the complaint.
            sentence = next((s for s in said if text.deal_threat(s)), None) or next(
                (s for s in said if text.frustration_phrase(s)), said[0] if said else body)
            why = f"phrase:{phrase}" if phrase else f"vader:{score:.2f}"
            out.append(make.fact("negative_tone", "puts the deal at risk" if text.deal_threat(body) else "sounds frustrated",
                                 summaries.around(said, sentence), f"rule:negative_tone:{why}"))
    out.extend(competitor_signals(make, ctx, body, said))
    return out
