"""A customer chasing an earlier ask ("Any update on the buffer question?", "+1, this blocks us").

The chaser asks nothing new, but it says the earlier ask still waits, whatever our side replied
("will check" is not an answer). It raises the earlier ask again, raised now and citing both
messages; the digest folds it into the earlier ask's line when that is still open.
"""

from __future__ import annotations

from collections import defaultdict


from se_pipeline.analysis import summaries, text
from se_pipeline.analysis.context import Maker, RuleContext
from se_pipeline.analysis.messages import message_signals
from se_pipeline.analysis.signal import Signal
from se_pipeline.analysis.summaries import first_name
from se_pipeline.analysis.rows import ActivityRow


def _is_chaser(row: ActivityRow) -> bool:
    if not row.author_is_external or row.is_bot:
        return False
    return any(text.is_nudge(s) for s in text.sentences(row.text))


def chase_signals(window_rows: list[ActivityRow], recent: list[ActivityRow], ctx: RuleContext) -> list[Signal]:
    """A signal per chaser in `window_rows` whose thread (in `recent`, in (sent_at, activity_id) order)
    holds an earlier customer ask."""
    chasers = [r for r in window_rows if _is_chaser(r)]
    if not chasers:
        return []
    threads: dict[str | None, list[ActivityRow]] = defaultdict(list)
    wanted = {r.thread_key for r in chasers}
    for row in recent:
        if row.thread_key in wanted:
            threads[row.thread_key].append(row)
    out = []
    for chaser in chasers:
        earlier = [r for r in threads[chaser.thread_key] if r.sent_at < chaser.sent_at
                   and r.author_is_external and r.activity_id != chaser.activity_id]
        for original in reversed(earlier):
            asks = [s for s in message_signals(original, ctx) if s.owed]
            if asks:
                out.append(_chase(chaser, original, _closest(asks, chaser), ctx))
                break
    return out


def _closest(asks: list[Signal], chaser: ActivityRow) -> Signal:
    """The earlier ask the chaser names ("the buffer question"), else the first."""
    words = text.keywords(chaser.text)
    return max(asks, key=lambda s: len(words & text.keywords(s.excerpt)))


def _chase(chaser: ActivityRow, original: ActivityRow, ask: Signal, ctx: RuleContext) -> Signal:
    make = Maker(chaser, ctx)
    what = "question" if ask.kind in ("customer_question", "technical_question") else "ask"
    who = first_name(chaser.author_name)
    asker = "their" if original.author_id == chaser.author_id else f"{first_name(original.author_name)}'s"
    summary = f"{who} chased {asker} {what} of {original.activity_date:%b %-d}: {summaries.quote(ask.excerpt or '')}"
    signal = make.signal(ask.kind, ask.tldr, summary, ask.excerpt or "", "rule:chase", owed=True, se_id=ask.se_id,
                         resolve_rule=ask.resolve_rule, key=f"chase:{ask.signal_id}")
    signal.activity_ids = [chaser.activity_id, original.activity_id]
    signal.due_date = ask.due_date
    follow_up = [s for s in text.sentences(chaser.text) if not text.is_nudge(s)]
    if follow_up:
        signal.summary += f" Now: {summaries.quote(' '.join(follow_up), 25)}"
    return signal
