"""Whether later activity settled an open item, and by which message.

  answer          a later message from our side in the same thread that says something (not just
                  "thanks!" or "let me check"), from someone other than the asker; or the customer
                  saying they sorted it out themselves ("never mind, found it").
  deliver         a later message from our side in the thread that hands something over (a file, a
                  link, "here's the…", "attached", "configured"), or one to the same customer
                  elsewhere that does so and is about the same thing (two shared content words).
  customer_reply  the customer writes again (any channel): ends a slow-response spell.
  follow_up       (a call's next step to confirm or check something) a later message from our side,
                  in the thread or to the same customer in a shared place, that says something
                  about the same thing (two content words in common, "confirm" ~ "confirmed").
Where Slack people reply outside the thread, a top-level reply counts when it is in a DM (the other
person, within 3 days) or @mentions the asker.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd

from se_pipeline.analysis import text
from se_pipeline.analysis.signal import ANSWER, CUSTOMER_REPLY, DELIVER, FOLLOW_UP, truthy

_DM_REPLY_WINDOW = dt.timedelta(days=3)
_MIN_SHARED_WORDS = 2


class ActivityIndex:
    """Later activity, looked up by thread, Slack channel and customer."""

    def __init__(self, activity: pd.DataFrame, files: dict[str, list[str]]):
        self.files = files
        rows = activity.sort_values(["sent_at", "activity_id"]).to_dict("records")
        self.by_thread: dict[str, list[dict]] = defaultdict(list)
        self.top_level_by_channel: dict[str, list[dict]] = defaultdict(list)
        self.by_customer: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            self.by_thread[row["thread_key"]].append(row)
            if row["source"] == "slack" and not truthy(row.get("is_reply")):
                self.top_level_by_channel[_slack_channel(row)].append(row)
            if row.get("customer") is not None:
                self.by_customer[row["customer"]].append(row)

    def delivered(self, row: dict) -> bool:
        """Hands something over: a file, or a sentence (not a promise) with a link or delivery words."""
        if self.files.get(row["activity_id"]):
            return True
        return any(text.shows_delivery(s) and not text.commitment_verb(s) for s in text.sentences(row.get("text")))



def _slack_channel(row: dict) -> str:
    return str(row["thread_key"]).split(":", 1)[0]


def _ours(row: dict) -> bool:
    return not truthy(row.get("author_is_external")) and not truthy(row.get("is_bot"))


def resolve(signal: dict, index: ActivityIndex) -> tuple[str, dt.datetime | None, str | None]:
    """(status, resolved_at, resolved_by) for an open item as of all activity in `index`."""
    rule = signal["resolve_rule"]
    settled_status = "done" if signal["kind"] in ("action_item", "commitment") else "answered"
    if not rule:
        return ("open" if signal["owed"] else "info"), None, None
    for row in _candidates(signal, index):
        if _settles(signal, row, index):
            status = "info" if rule == CUSTOMER_REPLY else settled_status
            return status, row["sent_at"], row["activity_id"]
    return ("info" if rule == CUSTOMER_REPLY else "open"), None, None


def _candidates(signal: dict, index: ActivityIndex) -> list[dict]:
    after = signal["raised_at"]
    own = set(signal["activity_ids"])
    rule = signal["resolve_rule"]
    found: dict[str, dict] = {}

    def add(rows: list[dict]) -> None:
        for row in rows:
            if row["sent_at"] > after and row["activity_id"] not in own:
                found[row["activity_id"]] = row

    if rule == CUSTOMER_REPLY:
        add([r for r in index.by_customer.get(signal["customer"], []) if truthy(r.get("author_is_external"))])
    else:
        thread = signal.get("thread_key")
        add(index.by_thread.get(thread, []))
        origin = next((r for r in index.by_thread.get(thread, []) if r["activity_id"] in own), None)
        if origin is not None and origin["source"] == "slack":
            add(_slack_top_level_replies(signal, origin, index))
        if rule in (DELIVER, FOLLOW_UP) and signal.get("customer") is not None:
            add([r for r in index.by_customer[signal["customer"]] if truthy(r.get("is_external_channel"))])
    return sorted(found.values(), key=lambda r: (r["sent_at"], r["activity_id"]))


def _slack_top_level_replies(signal: dict, origin: dict, index: ActivityIndex) -> list[dict]:
    later = [r for r in index.top_level_by_channel[_slack_channel(origin)] if r["sent_at"] > origin["sent_at"]]
    if origin.get("channel_kind") == "dm":
        return [r for r in later if r.get("author_id") != origin.get("author_id")
                and r["sent_at"] - origin["sent_at"] <= _DM_REPLY_WINDOW][:1]
    asker = (signal.get("asker_name") or "").lower()
    if not asker:
        return []
    # A reply naming the asker answers their latest question, so stop at their next message.
    replies = []
    for r in later:
        if r.get("author_id") == origin.get("author_id"):
            break
        if f"@{asker}" in (r.get("text") or "").lower():
            replies.append(r)
    return replies


def _settles(signal: dict, row: dict, index: ActivityIndex) -> bool:
    rule = signal["resolve_rule"]
    same_thread = row["thread_key"] == signal.get("thread_key")
    if rule == CUSTOMER_REPLY:
        return not truthy(row.get("is_bot"))
    if rule == ANSWER:
        if _ours(row) and row.get("author_id") != signal.get("asker_id"):
            return text.is_substantive_reply(row.get("text")) or index.delivered(row)
        return same_thread and not _ours(row) and text.is_self_resolved(row.get("text"))
    if rule == DELIVER:
        if not _ours(row) or not index.delivered(row):
            return False
        if same_thread or row.get("channel_kind") == "dm":
            return True
        shared = text.keywords(signal.get("excerpt")) & text.keywords(row.get("text"))
        return len(shared) >= _MIN_SHARED_WORDS
    if rule == FOLLOW_UP:
        if not _ours(row) or not (text.is_substantive_reply(row.get("text")) or index.delivered(row)):
            return False
        return same_thread or _shared_stems(signal.get("excerpt"), row.get("text")) >= _MIN_SHARED_WORDS
    return False


def _shared_stems(said: str | None, reply: str | None) -> int:
    """Content words in common, by their first five letters ("confirm support" ~ "confirmed … supported")."""
    return len({w[:5] for w in text.keywords(said)} & {w[:5] for w in text.keywords(reply)})
