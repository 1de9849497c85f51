"""Whether later activity settled an open item, and by which message.

  answer   a later message from our side in the same thread, from someone other than the asker, that
           says something ("on it", "will check", "let me get back to you" do not), or the customer
           saying they sorted it out themselves ("never mind, found it").
  deliver  a later message from our side in the thread that hands something over (a file, a link,
           "here's the…", "attached", "done", "added"), or one to the same customer elsewhere that
           does so and is about the same thing (two shared content words); an ask for an answer
           ("confirm that…") is delivered by a substantive message about the same thing. The asker
           acknowledging receipt ("got the plan, thanks") settles it too. "Let us know as soon as
           there's a fix" is settled only by our telling them it is there ("fixed", "released", …).
  follow_up  (a call's next step to confirm or check something) a later substantive message from our
           side, in the thread or to the same customer in a shared place, about the same thing
           (two content words in common by their stems, "confirm" ~ "confirmed").
When one message carried several asks, a reply settles only those it is about: it shares a content
word with the ask ("Pen test summary attached" settles the pen-test ask, not the call in the same
message). Where Slack people reply outside the thread, a top-level reply counts when it is in a DM
(the other person, within 3 days) or @mentions the asker and is about the ask.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict


from se_pipeline.analysis import summaries, text
from se_pipeline.analysis.signal import ANSWER, DELIVER, FOLLOW_UP, SignalRow
from se_pipeline.analysis.rows import ActivityRow

_DM_REPLY_WINDOW = dt.timedelta(days=3)
_MIN_SHARED_WORDS = 2
# Asks for an answer rather than a thing ("confirm support for X", "let us know if…").
_ANSWER_LIKE = re.compile(r"\b(confirm|clarify|explain|check|tell|advise|answer|let (me|us) know|find out|verify)\b", re.I)
# "Let us know as soon as there's a fix": owed until our side tells them it is there, not by any reply.
_WHEN_READY = re.compile(r"\blet (me|us|them) know (as soon as|when|once|the moment|if and when)\b", re.I)
_READY = re.compile(r"\b(fixed|released|shipped|deployed|available|ready|resolved|live|merged|done|works now|is out)\b", re.I)
# The asker saying it arrived: "got the plan", "received the deck", "thanks for the runbook".
_RECEIPT = re.compile(r"\b(got|received|thanks for|thank you for)\b", re.I)


class ActivityIndex:
    """Later activity (`rows`, in (sent_at, activity_id) order), looked up by thread, Slack channel and customer."""

    def __init__(self, rows: list[ActivityRow], files: dict[str, list[str]]):
        self.files = files
        self.by_thread: dict[str | None, list[ActivityRow]] = defaultdict(list)
        self.top_level_by_channel: dict[str, list[ActivityRow]] = defaultdict(list)
        self.by_customer: dict[str, list[ActivityRow]] = defaultdict(list)
        for row in rows:
            self.by_thread[row.thread_key].append(row)
            if row.source == "slack" and not row.is_reply:
                self.top_level_by_channel[_slack_channel(row)].append(row)
            if row.customer is not None:
                self.by_customer[row.customer].append(row)

    def delivering(self, row: ActivityRow) -> list[str]:
        """The sentences of `row` that hand something over (not promises); all of it for a shared file."""
        said = text.sentences(row.text)
        if self.files.get(row.activity_id):
            return said or [""]
        return [s for s in said if text.shows_delivery(s) and not text.promises_without_doing(s)]


def _slack_channel(row: ActivityRow) -> str:
    return str(row.thread_key).split(":", 1)[0]


def _ours(row: ActivityRow) -> bool:
    return not row.author_is_external and not row.is_bot


def resolve(signal: SignalRow, index: ActivityIndex, shared_origin: bool = False) -> tuple[str, dt.datetime | None, str | None]:
    """(status, resolved_at, resolved_by) for an open item as of all activity in `index`.
    `shared_origin`: its message raised other asks too, so a reply must be about this one."""
    rule = signal.resolve_rule
    settled_status = "done" if signal.kind in ("action_item", "commitment") else "answered"
    if not rule:
        return ("open" if signal.owed else "info"), None, None
    for row in _candidates(signal, index):
        if _settles(signal, row, index, shared_origin):
            return settled_status, row.sent_at, row.activity_id
    return "open", None, None


def _candidates(signal: SignalRow, index: ActivityIndex) -> list[ActivityRow]:
    after = signal.raised_at
    own = set(signal.activity_ids)
    found: dict[str, ActivityRow] = {}

    def add(rows: list[ActivityRow]) -> None:
        for row in rows:
            if row.sent_at > after and row.activity_id not in own:
                found[row.activity_id] = row

    thread = signal.thread_key
    add(index.by_thread.get(thread, []))
    origin = next((r for r in index.by_thread.get(thread, []) if r.activity_id in own), None)
    if origin is not None and origin.source == "slack":
        add(_slack_top_level_replies(signal, origin, index))
    if signal.resolve_rule in (DELIVER, FOLLOW_UP) and signal.customer is not None:
        add([r for r in index.by_customer[signal.customer] if r.is_external_channel])
    return sorted(found.values(), key=lambda r: (r.sent_at, r.activity_id))


def _slack_top_level_replies(signal: SignalRow, origin: ActivityRow, index: ActivityIndex) -> list[ActivityRow]:
    later = [r for r in index.top_level_by_channel[_slack_channel(origin)] if r.sent_at > origin.sent_at]
    if origin.channel_kind == "dm":
        return [r for r in later if r.author_id != origin.author_id
                and r.sent_at - origin.sent_at <= _DM_REPLY_WINDOW][:1]
    asker = (signal.asker_name or "").lower()
    if not asker:
        return []
    # A reply naming the asker answers their latest question, so stop at their next message.
    replies = []
    for r in later:
        if r.author_id == origin.author_id:
            break
        if f"@{asker}" in (r.text or "").lower() and _about(signal, r.text):
            replies.append(r)
    return replies


def _about(signal: SignalRow, said: str | None, words: int = 1) -> bool:
    """`said` shares at least `words` content words with the ask (or the sentence it leans on)."""
    asked = " ".join(filter(None, [signal.excerpt, summaries.context_of(signal.summary)]))
    return len(text.keywords(asked) & text.keywords(said)) >= words


def _settles(signal: SignalRow, row: ActivityRow, index: ActivityIndex, shared_origin: bool) -> bool:
    rule = signal.resolve_rule
    same_thread = row.thread_key == signal.thread_key
    by_asker = row.author_id is not None and row.author_id == signal.asker_id
    if by_asker and not _ours(row):
        if same_thread and text.is_self_resolved(row.text):
            return True
        return rule == DELIVER and _acknowledges_receipt(signal, row)
    if not _ours(row) or by_asker:
        return False
    if rule == ANSWER:
        answers = [s for s in text.sentences(row.text) if not text.promises_without_doing(s)]
        substantive = text.is_substantive_reply(row.text) or bool(index.delivering(row))
        return substantive and (not shared_origin or _about(signal, " ".join(answers)))
    if rule == DELIVER and _WHEN_READY.search(signal.excerpt or ""):
        return bool(_READY.search(row.text or "")) and _about(signal, row.text)
    if rule == DELIVER:
        delivered = index.delivering(row)
        if delivered and (same_thread or row.channel_kind == "dm"):
            return not shared_origin or _about(signal, " ".join(delivered)) or _about(signal, row.text, 2)
        if delivered and _about(signal, row.text, _MIN_SHARED_WORDS):
            return True
        # "Confirm support for X" is done by a substantive message about X.
        return bool(_ANSWER_LIKE.search(signal.excerpt or "")) and _says_it(signal, row, same_thread)
    if rule == FOLLOW_UP:
        return _says_it(signal, row, same_thread)
    return False


def _says_it(signal: SignalRow, row: ActivityRow, same_thread: bool) -> bool:
    """Our side tells the customer about the ask's subject: a substantive message in the thread, or
    elsewhere with two content words in common by their stems ("confirm support" ~ "confirmed … supported")."""
    if not text.is_substantive_reply(row.text):
        return False
    stems = {w[:5] for w in text.keywords(signal.excerpt)} & {w[:5] for w in text.keywords(row.text)}
    return same_thread or len(stems) >= _MIN_SHARED_WORDS


def _acknowledges_receipt(signal: SignalRow, row: ActivityRow) -> bool:
    """The asker says the thing arrived ("Thanks, got the plan.")."""
    said = row.text or ""
    return bool(_RECEIPT.search(said)) and _about(signal, said) and len(said.split()) <= 25
