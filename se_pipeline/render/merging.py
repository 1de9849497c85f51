"""One line per ask, however many messages carry it.

The same ask reaches the SE more than once: a call recap by mail and in Slack, a customer's ask and a
colleague relaying it, a customer chasing it a week later. Such items become one Todo line citing
every message, aged from the first; asks of one message stay apart (the rules separated them).
"""

from __future__ import annotations

import re

from se_pipeline.analysis import summaries, text
from se_pipeline.render.rows import DigestSignal, SignalOfDay

MERGE_MIN_SHARED = 3  # content words two asks of one customer share to be one ask (and a good part
MERGE_MIN_OVERLAP = 0.35  # of the shorter one's words: two questions on one product are not one ask)…
MERGE_MIN_SHARED_ACROSS = 2  # …or two when they came by different channels (a mail echoed in Slack)




_MENTION = re.compile(r"@[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?")
# Words text.keywords drops as filler that still tell two asks apart ("the call", "the invite").
_TELLING = re.compile(r"\b(call|meeting|invite|document|update|pricing|quote)\b", re.I)


def _words(signal: DigestSignal, with_context: bool = True) -> set[str]:
    """What the ask is about: its words (and its context's), less @mentions and the customer's name."""
    parts = [signal.excerpt, summaries.context_of(signal.summary) if with_context else None]
    said = _MENTION.sub(" ", " ".join(filter(None, parts)))
    words = text.keywords(said) | {w.lower() for w in _TELLING.findall(said)}
    return words - text.keywords(signal.customer)


def same_ask(a: SignalOfDay, b: SignalOfDay) -> bool:
    ids_a, ids_b = set(a.activity_ids), set(b.activity_ids)
    if b.signal.evidence == "rule:chase":
        return bool(ids_a & ids_b)  # the chased ask's message is cited by the chase
    if a.signal.evidence == "rule:chase" or a.activity_ids[:1] == b.activity_ids[:1]:  # asks of one message stay apart
        return False
    words_a, words_b = _words(a.signal), _words(b.signal)
    # Shared words count when one side's ask itself says them: two asks whose only common ground is
    # the situation around them ("the steering committee") are two asks.
    shared = len((_words(a.signal, False) & words_b) | (words_a & _words(b.signal, False)))
    across = (a.signal.link or "").split("/")[2:3] != (b.signal.link or "").split("/")[2:3]
    if across:
        return shared >= MERGE_MIN_SHARED_ACROSS
    return shared >= MERGE_MIN_SHARED and shared >= MERGE_MIN_OVERLAP * min(len(words_a), len(words_b))


def merge_same_asks(todo: list[SignalOfDay]) -> list[SignalOfDay]:
    """`todo`: open items of one customer, oldest first. The first of each ask keeps its words; the
    later ones add their citations (a chase also marks the line as chased)."""
    kept: list[SignalOfDay] = []
    for item in todo:
        into = next((k for k in kept if same_ask(k, item)), None)
        if into is None:
            kept.append(item)
            continue
        into.activity_ids = list(dict.fromkeys(into.activity_ids + item.activity_ids))
        link = item.signal.link
        if link and link not in into.links:
            into.links.append(link)
        if item.signal.evidence == "rule:chase":
            into.chased_at = item.signal.raised_at
        if item.due_date and (into.due_date is None or item.due_date < into.due_date):
            into.due_date = item.due_date
    return kept


def same_fact(a: DigestSignal, b: DigestSignal) -> bool:
    """Two facts of one kind telling the same news (a tool's Slack post and its mail)."""
    if a.kind != b.kind or a.activity_date != b.activity_date:
        return False
    words_a, words_b = text.keywords(a.summary), text.keywords(b.summary)
    smaller = min(len(words_a), len(words_b))
    return smaller > 0 and len(words_a & words_b) >= max(2, 0.6 * smaller)
