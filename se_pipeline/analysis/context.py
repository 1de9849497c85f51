"""What every rule needs beyond one activity row: who the SEs are, competitors, raw-only facts,
and the Maker that builds signals carrying the row's identity (customer, SE, time, citation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from se_pipeline.analysis import summaries, text
from se_pipeline.analysis.addressing import People
from se_pipeline.analysis.signal import ANSWER, DELIVER, Signal
from se_pipeline.analysis.rows import ActivityRow

if TYPE_CHECKING:
    from se_pipeline.analysis.tools import MailFacts


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
    mail: dict[str, MailFacts] = field(default_factory=dict)  # automated email activity_id -> header facts
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))  # the settings' zone: how times are shown
    aliases: dict[str, str] = field(default_factory=dict)  # a competitor's other spelling (lower case) -> its name
    # Everyone whose name may address a sentence; None is replaced by the SEs in __post_init__.
    people: People = None  # type: ignore[assignment]  # the dataclass default that __post_init__ replaces

    def __post_init__(self) -> None:
        if self.people is None:
            self.people = People.of([(se.id, se.name) for se in self.sales_engineers], [])

    def mentioned_ses(self, body: str) -> list[str]:
        lowered = body.lower()
        return [
            se.id for se in self.sales_engineers
            if f"@{se.name.lower()}" in lowered
            or (se.slack_user_id and f"<@{se.slack_user_id.lower()}>" in lowered)
            or _VOCATIVE.match(lowered.replace(se.name.split()[0].lower(), "\0", 1)) is not None
        ]

    def se_of_author(self, row: ActivityRow) -> str | None:
        author, email = row.author_id, (row.author_email or "").lower()
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


def competitor_signals(make: Maker, ctx: RuleContext, body: str, said: list[str]) -> list[Signal]:
    match = ctx.competitors.search(body)
    if not match:
        return []
    sentence = next((s for s in said if ctx.competitors.search(s)), body)
    # An alias is reported by the competitor's name; a name as the message spells it.
    name = ctx.aliases.get(match.group(0).lower(), match.group(0))
    return [make.fact("competitor_mention", f"mentioned {name}", sentence, f"rule:competitor:{name.lower()}")]


class Maker:
    """Builds signals that carry the row's identity: customer, SE, time, citation, relevance."""

    def __init__(self, row: ActivityRow, ctx: RuleContext):
        self.row = row
        self.ctx = ctx

    def signal(self, kind: str, tldr: str, summary: str, excerpt: str, evidence: str, *,
               owed: bool = False, se_id: str | None = None, resolve_rule: str | None = None, key: str = "") -> Signal:
        row = self.row
        se = se_id or row.se_id
        customer = row.customer
        relevance = "include" if customer is not None and se is not None else "uncertain"
        return Signal(
            kind=kind, se_id=se, customer=customer, raised_at=row.sent_at, activity_date=row.activity_date,
            activity_ids=[row.activity_id], link=row.link, summary=summary, tldr=tldr, evidence=evidence,
            relevance=relevance, owed=owed, excerpt=excerpt, thread_key=row.thread_key, channel=row.channel,
            asker_id=row.author_id if owed else None, asker_name=row.author_name if owed else None,
            resolve_rule=resolve_rule, key=key,
        )

    def customer_question(self, sentence: str, se_id: str | None = None, key: str = "", context: str | None = None) -> Signal:
        tldr, summary = summaries.customer_question(self.row.customer, self.row.author_name, sentence, context)
        signal = self.signal("customer_question", tldr, summary, sentence, "rule:customer_question",
                             owed=True, se_id=se_id, resolve_rule=ANSWER, key=key)
        signal.due_date = text.due_date(sentence, self.row.activity_date)
        return signal

    def technical_question(self, sentence: str, blocker: bool, se_id: str | None = None, key: str = "",
                           context: str | None = None) -> Signal:
        place = summaries.where(self.row.channel_kind, self.row.channel)
        tldr, summary = summaries.technical_question(
            self.row.customer, self.row.author_name, sentence, blocker, place, context
        )
        evidence = "rule:customer_blocker" if blocker else "rule:technical_question_to_se"
        return self.signal("technical_question", tldr, summary, sentence, evidence, owed=True, se_id=se_id,
                           resolve_rule=ANSWER, key=key)

    def action_item(self, sentence: str, said: list[str], external: bool, se_id: str | None = None, *,
                    key: str = "", context: str | None = None, assigned: bool = False) -> Signal:
        """An ask to do something; `context` is the sentence before it when the ask points back to it
        (`said` serves callers that pass the message's sentences instead)."""
        if context is None and sentence in said:
            context = previous_sentence(said, sentence)
        tldr, summary = summaries.action_item(
            self.row.customer, self.row.author_name, sentence, external, context, assigned=assigned
        )
        signal = self.signal("action_item", tldr, summary, sentence, "rule:request", owed=True, se_id=se_id,
                             resolve_rule=DELIVER, key=key)
        signal.due_date = text.due_date(sentence, self.row.activity_date)
        return signal

    def commitment(self, sentence: str, key: str = "") -> Signal:
        verb = text.commitment_verb(sentence) or ""
        tldr, summary = summaries.commitment(self.row.customer, sentence)
        rule = ANSWER if text.is_answer_commitment(verb) else DELIVER
        signal = self.signal("commitment", tldr, summary, sentence, f"rule:commitment:{verb}", owed=True,
                             resolve_rule=rule, key=key)
        signal.asker_id = None  # the SE promised; anyone on our side may settle it
        signal.due_date = text.due_date(sentence, self.row.activity_date)
        return signal

    def fact(self, kind: str, label: str, sentence: str, evidence: str) -> Signal:
        external = bool(self.row.author_is_external)
        tldr, summary = summaries.fact(label, self.row.customer, self.row.author_name, sentence, external)
        return self.signal(kind, tldr, summary, sentence, evidence)


def previous_sentence(said: list[str], sentence: str) -> str | None:
    at = said.index(sentence)
    return said[at - 1] if at > 0 else None
