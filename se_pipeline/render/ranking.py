"""What the 8am reader should see first.

Todo: blockers and incidents, then what is overdue or due soon, then asks from a customer whose tone
or usage puts the deal at risk, then age (older asks have waited longer), fresh asks not buried.
Things to know: risks and changed plans before routine updates, today's before earlier days'.
Customers: the one with the most urgent items first.
"""

from __future__ import annotations

import datetime as dt

from se_pipeline.render.rows import DigestSignal, SignalOfDay

# How much each fact adds to what the SE should know first.
FACT_WEIGHT = {
    "negative_tone": 6,
    "slow_response": 5,
    "usage_drop": 5,
    "deal_update": 5,
    "trial_not_started": 4,
    "opportunity_change": 4,
    "legal_security_procurement": 3,
    "competitor_mention": 4,
    "new_customer": 3,
    "scheduling": 2,
    "usage_growth": 2,
    "feature_adopted": 2,
    "automated": 1,
}
# Facts that still matter to a customer after their day; others are news only on the day.
RISK_KINDS = frozenset({"negative_tone", "slow_response", "usage_drop", "trial_not_started"})
# Facts raised again on every day they hold: only the newest is told.
DAILY_KINDS = frozenset({"slow_response", "trial_not_started", "usage_drop", "usage_growth"})


def _days(a: dt.date, b: dt.date) -> int:
    return (a - b).days


def todo_urgency(item: SignalOfDay, day: dt.date, risky_customer: bool) -> float:
    """Higher is more urgent: a blocker, a due day near or past, a chase, a customer at risk, the customer's own ask, age."""
    score = 0.0
    if item.signal.evidence == "rule:customer_blocker":
        score += 12
    due = item.due_date
    if due is not None:
        ahead = _days(due, day)
        score += 9 + min(-ahead, 5) if ahead < 0 else (7 if ahead <= 1 else 3 if ahead <= 3 else 0)
    if item.chased:
        score += 6
    if risky_customer:
        score += 3
    if item.signal.from_customer:
        score += 2
    age = item.age
    score += min(age, 7)
    if age == 0:
        score += 2  # a new ask must not sink under old ones
    return score


def fact_weight(signal: DigestSignal, day: dt.date) -> float:
    """How much a fact matters today: its kind's weight, less as it ages. An ask that was raised and
    settled on the day is the least of it."""
    if signal.owed:
        return 0.0
    age = max(0, _days(day, signal.activity_date))
    # The customer's own word outweighs our relay of it; a person's outweighs a tool's aside.
    voice = (1 if signal.from_customer else 0) - (1 if signal.from_tool and signal.kind != "automated" else 0)
    return FACT_WEIGHT.get(signal.kind, 1) + voice + (3 if age == 0 else 1.5 if age == 1 else 0) - 0.3 * age


def customer_urgency(todo: list[SignalOfDay], know: list[SignalOfDay], day: dt.date) -> float:
    owed = sum(3 + min(item.age, 10) for item in todo)
    risk = sum(FACT_WEIGHT.get(item.signal.kind, 0) for item in know
               if item.signal.kind in RISK_KINDS or item.signal.activity_date == day)
    return owed + risk
