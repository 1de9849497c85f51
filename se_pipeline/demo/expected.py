"""expected.json: the ground truth the story implies, with every reference resolved to a source key.

Keys are the ones the connectors store: Slack '<channel_id>:<ts>', Gmail Message-ID (with angle
brackets), Notion comment id; `activity_id` is the `activity` table's id for the same record.
"""

from __future__ import annotations

from collections import defaultdict

from se_pipeline.demo.mbox import message_id
from se_pipeline.demo.model import TERMINAL_STAGES as TERMINAL
from se_pipeline.demo.model import TZ, Expectation, Story
from se_pipeline.demo.notion_export import comment_id
from se_pipeline.demo.slack_export import message_key


def source_index(story: Story) -> dict[str, dict]:
    """label -> {source, key, activity_id, date} for every labelled message, email and comment."""
    index: dict[str, dict] = {}

    def add(label: str, source: str, key: str, moment) -> None:
        if label in index:
            raise ValueError(f"demo story label {label!r} is used twice")
        index[label] = {"source": source, "key": key, "activity_id": f"{source}:{key}",
                        "date": moment.astimezone(TZ).date().isoformat()}

    for post in story.posts:
        if post.label:
            add(post.label, "slack", message_key(story, post), post.at)
    for mail in story.mails:
        add(mail.label, "gmail", message_id(story, mail), mail.at)
    for comment in story.comments:
        add(comment.label, "notion", comment_id(comment), comment.at)
    return index


def expected_document(story: Story) -> dict:
    index = source_index(story)
    ses: dict[str, dict] = {se: {"customers": {}, "personal": []} for se in story.ses}
    for customer in story.customers.values():
        ses[customer.se]["customers"][customer.name] = {
            "status": customer_status(story, customer.key),
            "opportunities": [{"name": o.title, "stage": o.stage, "is_active": o.stage not in TERMINAL}
                              for o in story.opportunities if o.customer == customer.key],
            "owed": [], "not_owed": [], "signals": [],
        }
    for expectation in story.expectations:
        item = _item(expectation, index)
        if expectation.status == "personal":
            ses[expectation.se]["personal"].append(item)
            continue
        assert expectation.customer is not None  # only personal items have none
        name = story.customers[expectation.customer].name
        bucket = "owed" if expectation.owed else "not_owed"
        ses[expectation.se]["customers"][name][bucket].append(item)
    for signal in story.signals:
        name = story.customers[signal["customer"]].name
        facts = {k: v for k, v in signal.items() if k not in ("se", "customer")}
        ses[signal["se"]]["customers"][name]["signals"].append(facts)
    terminal = [{"name": o.title, "customer": story.customers[o.customer].name, "stage": o.stage,
                 "se_id": o.se} for o in story.opportunities if o.stage in TERMINAL]
    by_kind = defaultdict(list)
    for signal in story.signals:
        by_kind[signal["kind"]].append(story.customers[signal["customer"]].name)
    return {
        "as_of": story.period_end.isoformat(),
        "ses": ses,
        "new_customers": sorted(by_kind["new_customer"]),
        "trial_not_started": sorted(by_kind["trial_not_started"]),
        "usage_drop": sorted(by_kind["usage_drop"]),
        "feature_adopted": sorted(by_kind["feature_adopted"]),
        "terminal_opportunities": terminal,
    }


def customer_status(story: Story, customer: str) -> str:
    """'New' without an opportunity; else the stage of its largest active one, else of its latest."""
    opportunities = [o for o in story.opportunities if o.customer == customer]
    if not opportunities:
        return "New"
    active = [o for o in opportunities if o.stage not in TERMINAL]
    if active:
        return max(active, key=lambda o: o.amount).stage
    return max(opportunities, key=lambda o: o.close_date).stage


def _item(expectation: Expectation, index: dict[str, dict]) -> dict:
    item = {"id": expectation.id, "kind": expectation.kind, "description": expectation.description,
            "status": expectation.status, **index[expectation.ref]}
    if expectation.resolved_by:
        item["resolved_by"] = index[expectation.resolved_by]
    if expectation.related:
        item["related"] = [index[label] for label in expectation.related]
    return item
