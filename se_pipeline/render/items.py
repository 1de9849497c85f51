"""Choosing a day's digest items for one SE from the signals table.

As of day D (its end, in the configured time zone):
  Todo            owed signals raised up to D and not answered/done by then (open items persist,
                  with their age and due day), within analysis.lookback_days; one line per ask however many
                  messages carried it (merging.py); ranked by urgency (ranking.py)
  Things to know  facts of the last KNOW_DAYS days (risks, changed plans, legal, competitors, tool
                  updates, …) ranked by weight and freshness, and owed items raised and settled on D
  TLDR            the top Todo items' short forms, else the top facts'; at most 3, at most 10 words;
                  never something already answered or done
  Not included    uncertain items raised on D; counts for customers whose opportunities are all closed
                  and who have no activity on D, and for customers of SEs who are not configured
Customers are ordered by urgency; nothing about one customer is placed under another.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import duckdb
from pydantic import BaseModel

from se_pipeline.analysis import TLDR_WORDS, describe_due, plain
from se_pipeline.config import Settings
from se_pipeline.render import ranking
from se_pipeline.render.merging import merge_same_asks, same_fact
from se_pipeline.render.rows import DIGEST_SIGNAL_COLUMNS, DigestSignal, SignalOfDay

TLDR_MAX, TODO_MAX, KNOW_MAX = 3, 7, 7
KNOW_DAYS = 7  # a fact stays in Things to know this many days after its own
FACTS_PER_MESSAGE = 3  # a message yields at most this many facts (its most telling ones)
NOT_INCLUDED_MAX = 15


class DigestItem(BaseModel):
    se_id: str
    digest_date: dt.date
    customer: str | None
    customer_status: str | None
    customer_rank: int | None
    section: str  # tldr | todo | know | not_included
    position: int
    shown: bool
    text: str
    link: str | None
    signal_id: str | None = None
    kind: str | None = None
    age_days: int | None = None
    activity_ids: list[str] = []
    links: list[str] = []  # further citations beyond `link` (the same ask in other messages)


def _short(text: str, words: int = TLDR_WORDS) -> str:
    parts = text.split()
    return " ".join(parts[:words]) if len(parts) > words else text


def _section(signal: DigestSignal, day_end: dt.datetime) -> str:
    """Todo while owed and unsettled at the day's end; an uncertain one is not included; else a fact."""
    if signal.owed and (signal.resolved_at is None or signal.resolved_at >= day_end):
        return "todo"
    return "not_included" if signal.relevance == "uncertain" else "know"


def _signals_as_of(con: duckdb.DuckDBPyConnection, se_ids: list[str], day: dt.date,
                   settings: Settings) -> dict[str, list[tuple[str, DigestSignal]]]:
    """se_id -> (section, signal) of the signals its digest of `day` considers, in the order they were raised."""
    day_start = dt.datetime.combine(day, dt.time(), settings.tz)
    day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), settings.tz)
    rows = con.execute(
        f"""
        SELECT {", ".join(DIGEST_SIGNAL_COLUMNS)} FROM digest_signals
        WHERE list_contains($se_ids, se_id) AND raised_at < $day_end
          -- nothing of a later day (a silence counted up to then): the day's digest is the same
          -- whichever later days were loaded with it
          AND activity_date <= $day
          AND (
              activity_date = $day
              OR (owed AND relevance = 'include' AND activity_date >= $since AND (resolved_at IS NULL OR resolved_at >= $day_end))
              OR (NOT owed AND relevance = 'include' AND activity_date >= $know_since)
          )
        ORDER BY se_id, raised_at, signal_id
        """,
        {"se_ids": se_ids, "day": day, "day_end": day_end, "since": day - dt.timedelta(days=settings.analysis.lookback_days),
         "know_since": day - dt.timedelta(days=KNOW_DAYS)},
    )
    by_se: dict[str, list[tuple[str, DigestSignal]]] = defaultdict(list)
    for row in rows.fetchall():
        signal = DigestSignal(*row)
        section = _section(signal, day_end)
        # Settled on an earlier day: no longer news (only asks settled on the day itself are told).
        if signal.owed and section == "know" and signal.resolved_at is not None and signal.resolved_at < day_start:
            continue
        by_se[signal.se_id].append((section, signal))
    return by_se


def _unplaced_activity(con: duckdb.DuckDBPyConnection, se_ids: list[str], day: dt.date) -> dict[str, list[tuple]]:
    """se_id -> the SE's own email and DMs of the day with no customer and nothing notable: maybe personal, maybe not.

    Listed, not dropped, so the SE can look. (Channel chatter with no customer is surely unrelated.)
    """
    rows = con.execute(
        "SELECT se_id, activity_id, source, author_name, about, link FROM unplaced_activity "
        "WHERE list_contains(?, se_id) AND activity_date = ? ORDER BY se_id, sent_at, activity_id",
        [se_ids, day],
    ).fetchall()
    by_se: dict[str, list[tuple]] = defaultdict(list)
    for se_id, *rest in rows:
        by_se[se_id].append(tuple(rest))
    return by_se


class CustomerStatus(NamedTuple):
    header: str  # 'New', or the stage of the customer's active opportunity (else of its last edited one)
    closed: bool  # every opportunity is in a terminal stage
    active_today: bool  # the customer has activity on the digest's day
    handed_over: bool  # closed, and since then a colleague (not its SE, not a bot) has written to the customer
    owner: str | None  # the sales engineer its opportunity names when that is not a configured SE: not ours


def _customer_status(con: duckdb.DuckDBPyConnection, day: dt.date) -> dict[str, CustomerStatus]:
    """customer -> its header and what decides whether its section is shown (see _left_out)."""
    rows = con.execute(
        "SELECT c.customer, c.is_new, c.has_active_opportunity, c.stage, c.is_ours, c.opportunity_se_name, "
        "EXISTS (SELECT 1 FROM activity a WHERE a.customer = c.customer AND a.activity_date = $day), "
        "coalesce(h.handed_over_on <= $day, FALSE) "
        "FROM customers c LEFT JOIN customer_handovers h USING (customer)",
        {"day": day},
    ).fetchall()
    return {
        customer: CustomerStatus(
            "New" if is_new else stage or "Unknown stage",
            not is_new and not has_active,
            active_today,
            handed_over,
            None if is_ours else owner,
        )
        for customer, is_new, has_active, stage, is_ours, owner, active_today, handed_over in rows
    }


def _left_out(status: CustomerStatus | None) -> bool:
    """Another SE's customer is never shown. A closed one is shown on a day it has activity (a lost deal
    coming back is news; a won customer's routine usage is not), unless it has been handed over: a
    colleague (customer success, a partner) talks to it now."""
    if status is None:
        return False
    return status.owner is not None or (status.closed and (not status.active_today or status.handed_over))


def _age(raised_at: dt.datetime, day: dt.date, settings: Settings) -> int:
    return (day - raised_at.astimezone(settings.tz).date()).days


def _todo_text(item: SignalOfDay, day: dt.date) -> str:
    text = item.signal.summary
    if item.promise:
        text += f" You replied: “{plain(item.promise)}”"
    notes = []
    if item.due_date is not None:
        notes.append(describe_due(item.due_date, day))
    if item.chased_at is not None:
        notes.append("chased today" if item.chased_at.date() >= day else "chased")
    age = item.age
    if age >= 1:
        notes.append(f"open {age} day{'s' if age != 1 else ''}")
    return text + (f" ({'; '.join(notes)})" if notes else "")


def _know_text(signal: DigestSignal, day: dt.date) -> str:
    """A fact, dated when it is from an earlier day; an ask settled on the day says so, and by whom."""
    if signal.owed and signal.resolved_at is not None:
        if signal.resolved_by_author and signal.resolved_by_author == signal.asker_id:
            return f"{signal.summary} Delivered: {signal.resolved_by_name} confirmed."
        verb = "Answered" if signal.kind in ("customer_question", "technical_question") else "Done"
        who = f" by {signal.resolved_by_name}" if signal.resolved_by_name else ""
        return f"{signal.summary} {verb}{who}."
    if signal.activity_date < day:
        return f"{signal.activity_date:%b %-d}: {signal.summary}"
    return signal.summary


def _fold_promises(todo: list[SignalOfDay]) -> list[SignalOfDay]:
    """The SE's "I'll send it" in the thread of an open ask is that ask's answer-to-come, not a second item."""
    asks: dict[str, SignalOfDay] = {}
    kept = []
    for item in todo:
        signal = item.signal
        ask = asks.get(signal.thread_key) if signal.thread_key else None
        if signal.kind == "commitment" and ask is not None:
            ask.promise = signal.excerpt or signal.summary
            ask.activity_ids += item.activity_ids
            continue
        if signal.kind != "commitment" and signal.thread_key:
            asks.setdefault(signal.thread_key, item)
        kept.append(item)
    return kept


def _telling_facts(know: list[SignalOfDay], day: dt.date) -> list[SignalOfDay]:
    """Facts ranked by what matters today, at most FACTS_PER_MESSAGE from one message and one per
    kind from it (a mail's legal line and its scheduling line may both count; two legal lines not)."""
    # A rival named by a person says more than a tool's topic list naming it too.
    said_by_people = {i.signal.evidence for i in know if i.signal.kind == "competitor_mention" and not i.signal.from_tool}
    know = [i for i in know
            if not (i.signal.kind == "competitor_mention" and i.signal.from_tool and i.signal.evidence in said_by_people)]
    ranked = sorted(know, key=lambda i: (-ranking.fact_weight(i.signal, day), -i.signal.raised_at.timestamp(), i.signal.signal_id))
    kept: list[SignalOfDay] = []
    per_message: defaultdict[str, int] = defaultdict(int)
    seen: set = set()
    for item in ranked:
        signal = item.signal
        if signal.kind in ranking.DAILY_KINDS or signal.kind == "competitor_mention":
            # Raised anew each day it holds (today's says it), or the same rival named again: once.
            topic = (signal.kind, signal.evidence if signal.kind == "competitor_mention" else "")
            if topic in seen:
                continue
            seen.add(topic)
        first = (item.activity_ids or [signal.signal_id])[0]
        if (first, signal.kind) in seen or per_message[first] >= FACTS_PER_MESSAGE:
            continue
        twin = next((k for k in kept if same_fact(k.signal, signal)), None)
        if twin is not None:  # the same news by another channel: one line, both cited
            if signal.link and signal.link not in twin.links:
                twin.links.append(signal.link)
            twin.activity_ids += item.activity_ids
            continue
        seen.add((first, signal.kind))
        per_message[first] += 1
        kept.append(item)
    return kept


def _prepare(placed: list[SignalOfDay], day: dt.date, settings: Settings) -> tuple[list[SignalOfDay], list[SignalOfDay]]:
    """(Todo, Things to know) of one customer's `placed` items, merged and ranked."""
    todo = [i for i in placed if i.section == "todo"]
    todo = _fold_promises(sorted(todo, key=lambda i: (i.signal.raised_at, i.signal.signal_id)))
    todo = merge_same_asks(todo)
    know = _telling_facts([i for i in placed if i.section == "know"], day)
    risky = any(i.signal.kind in ranking.RISK_KINDS for i in know)
    for item in todo:
        item.age = _age(item.signal.raised_at, day, settings)
    todo.sort(key=lambda i: (-ranking.todo_urgency(i, day, risky), i.signal.raised_at, i.signal.signal_id))
    return todo, know


@dataclass(frozen=True)
class DayInputs:
    """What the digests of one day read from the warehouse, fetched once for all SEs (a query per day, not per SE)."""

    statuses: dict[str, CustomerStatus]
    signals: dict[str, list[tuple[str, DigestSignal]]]  # se_id -> (section, signal) as of the day
    unplaced: dict[str, list[tuple]]  # se_id -> the day's uncustomered mail and DMs


def day_inputs(con: duckdb.DuckDBPyConnection, day: dt.date, settings: Settings, se_ids: list[str]) -> DayInputs:
    return DayInputs(_customer_status(con, day), _signals_as_of(con, se_ids, day, settings), _unplaced_activity(con, se_ids, day))


def build_digest_items(
    con: duckdb.DuckDBPyConnection,
    se_id: str,
    day: dt.date,
    settings: Settings,
    inputs: DayInputs | None = None,
) -> list[DigestItem]:
    """All items of `se_id`'s digest for `day`, ranked; `shown` marks what fits the section limits.

    `inputs`: the day's day_inputs() when building several SEs' digests; read here when not given.
    """
    inputs = inputs or day_inputs(con, day, settings, [se_id])
    statuses = inputs.statuses
    by_customer: dict[str, list[SignalOfDay]] = defaultdict(list)
    not_included: list[DigestSignal] = []
    left_out_counts: dict[str, int] = defaultdict(int)

    for section, signal in inputs.signals.get(se_id, []):
        customer = signal.customer
        if customer is None or section == "not_included":
            not_included.append(signal)
        elif _left_out(statuses.get(customer)):
            left_out_counts[customer] += 1
        else:
            # Built afresh for each digest: merging and ranking add to it, never to the shared row.
            by_customer[customer].append(SignalOfDay.of(signal, section))

    prepared = {customer: _prepare(placed, day, settings) for customer, placed in by_customer.items()}

    def urgency(customer: str) -> tuple:
        todo, know = prepared[customer]
        return (-ranking.customer_urgency(todo, know, day), customer)

    items: list[DigestItem] = []
    for rank, customer in enumerate(sorted(prepared, key=urgency), start=1):
        status = statuses.get(customer, ("New", False))[0]
        todo, know = prepared[customer]

        # add() runs only within this iteration, so it sees this customer's rank and status (B023).
        def add(section: str, position: int, shown: bool, text: str, item: SignalOfDay, age: int | None = None) -> None:
            items.append(
                DigestItem(
                    se_id=se_id, digest_date=day, customer=customer, customer_status=status,  # noqa: B023
                    customer_rank=rank, section=section, position=position, shown=shown, text=text,  # noqa: B023
                    link=item.links[0] if item.links else None, links=item.links[1:], signal_id=item.signal.signal_id,
                    kind=item.signal.kind, age_days=age, activity_ids=list(item.activity_ids),
                )
            )

        for i, item in enumerate(todo):
            add("todo", i, i < TODO_MAX, _todo_text(item, day), item, item.age)
        for i, item in enumerate(know):
            add("know", i, i < KNOW_MAX, _know_text(item.signal, day), item)
        # The TLDR leads with what is owed; facts only when nothing is, and never a settled ask.
        headline = todo or [i for i in know if not i.signal.owed]
        for i, item in enumerate(headline[:TLDR_MAX]):
            add("tldr", i, True, _short(plain(item.signal.tldr)), item)

    position = 0
    for signal in not_included:
        items.append(
            DigestItem(
                se_id=se_id, digest_date=day, customer=None, customer_status=None, customer_rank=None,
                section="not_included", position=position, shown=position < NOT_INCLUDED_MAX,
                text=signal.summary + (f" ({signal.customer})" if signal.customer else ""),
                link=signal.link, signal_id=signal.signal_id, kind=signal.kind,
                activity_ids=list(signal.activity_ids or []),
            )
        )
        position += 1
    for activity_id, source, author, about, link in inputs.unplaced.get(se_id, []):
        where = "Email" if source == "gmail" else "Message"
        about = " ".join((about or "").split())
        items.append(
            DigestItem(
                se_id=se_id, digest_date=day, customer=None, customer_status=None, customer_rank=None,
                section="not_included", position=position, shown=position < NOT_INCLUDED_MAX,
                text=f"{where} from {author}: {_short(about, 12)}", link=link, activity_ids=[activity_id],
            )
        )
        position += 1
    for customer, count in sorted(left_out_counts.items()):
        standing = statuses[customer]
        why = (f"its opportunity belongs to {standing.owner}" if standing.owner
               else "its opportunities are closed and a colleague has taken it over" if standing.handed_over and standing.active_today
               else "its opportunities are closed")
        items.append(
            DigestItem(
                se_id=se_id, digest_date=day, customer=None, customer_status=None, customer_rank=None,
                section="not_included", position=position, shown=position < NOT_INCLUDED_MAX,
                text=f"{customer} ({standing.header}): {count} item{'s' if count != 1 else ''} left out, {why}",
                link=None,
            )
        )
        position += 1
    return items
