"""Proposed changes to the opportunity database, read from a window's signals and activity.

    stage            the activity shows the deal has moved on: the customer's security review started
                     (a security document or step), the contract is under way (redlines, MSA, order
                     form, procurement), the POC ended; or a CRM update moved the stage to one this
                     database uses (stages.py says which moves count)
    close_date       a date the customer states for signing or their decision, or a CRM's new close date
    poc_end          a date the customer states for the end of the POC, trial or pilot
    amount           a budget or figure the customer states, or a CRM's new amount
    next_step        the next steps a call recap agreed (into the database's Next Step property)
    comment          the day's news about the opportunity, each line with its source
    new_opportunity  a New customer (activity, no opportunity): title, account, SE, first activity

Every proposal names its page and property, the value there now and the one proposed, why, and the
links that show it. Each moves a field only to a different value, and a stage only forward into a
stage the database already uses (stages.py). Nothing here writes to Notion.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import duckdb
import pandas as pd

from se_pipeline.analysis import OWED_KINDS, ActivityRow, dates, summaries, text
from se_pipeline.analysis.tools import ToolMessage, crm, mail_facts, recaps, tool_message
from se_pipeline.config import NotionApi, Settings
from se_pipeline.sources.notion import FieldError, parse_date
from se_pipeline.proposals import stages
from se_pipeline.proposals.proposal import COMMENT, CREATE, UPDATE, Proposal
from se_pipeline.proposals.targets import Opportunity, OpportunityBook
from se_pipeline.proposals.values import plain_number
from se_pipeline.render import FACT_WEIGHT
from se_pipeline.trials import TRIAL_WORDS
from se_pipeline.warehouse import table_exists
from se_pipeline.window import Window

COMMENT_LINES = 6
T = TypeVar("T")
_WRITABLE_TEXT = {"title", "rich_text", "select", "status", "text"}  # a new page's account property

# A legal-topic signal's term (rule:legal_term:<term>) says which phase began.
_SECURITY_TERM = re.compile(r"security|soc ?2|iso ?27001|pen(etration)? ?test|pentest|questionnaire|infosec|auditor|hipaa|gdpr", re.I)
_CONTRACT_TERM = re.compile(
    r"msa|master services|dpa|data processing|redline|nda|baa|order form|countersign|contract|purchase order|\bpos?\b|"
    r"procurement|vendor|supplier|registration|w-?9|liability|indemnif|legal", re.I)
_TRIAL = rf"(?:{TRIAL_WORDS}|evaluation)"
_ENDED = r"(ended|is over|was over|wrapped( up)?|completed|concluded|finished|is done|was done)"
_TRIAL_ENDED = re.compile(rf"\b{_TRIAL}\b[^.?!]{{0,40}}\b(has |have |is |was )?{_ENDED}\b|\b{_ENDED}\b[^.?!]{{0,30}}\b{_TRIAL}\b", re.I)
_NOT_YET = re.compile(r"\b(not|n't|yet|once|when|after|until|till|if|before|will|would|should|could)\b", re.I)
# What a customer's date is about: the end of their trial, or signing / deciding (the close date).
_TRIAL_END = re.compile(rf"\b{_TRIAL}\b.*\b(end|ends|ending|finish\w*|wrap\w*|complete\w*|conclude\w*|extend\w*|deadline|done|run\w* (until|through|till))\b|"
                        rf"\b(end|finish|extend|wrap up|complete)\w* (the |our )?{_TRIAL}\b", re.I)
_CLOSING = re.compile(r"\b(sign(ed|ing|ature)?|countersign\w*|close|closing|purchase order|PO|decision|award\w*)\b", re.I)
_OLD_DATE = re.compile(r"\b(instead of|from|rather than|not)\s*$", re.I)
# A figure the customer states for the deal (not a price they pay someone else).
_BUDGET = re.compile(r"\b(budget\w*|approved|sign[- ]?off|purchase order|PO|can (do|go (up )?to|commit)|counter[- ]?offer|"
                     r"our offer|willing to (pay|spend)|we'?ll pay)\b", re.I)
_MONEY = re.compile(
    r"(?<![\w.])(?:[$€£]\s?(?P<a>\d[\d,.]*)\s?(?P<ua>[kKmM])?\b|(?P<b>\d[\d,.]*)\s?(?P<ub>[kKmM])?\s?(?:USD|EUR|GBP|dollars|euros|pounds)\b)")
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")
# CRM field titles (crm.py reads them) -> the opportunity field.
_CRM_FIELDS = (
    ("stage", re.compile(r"stage", re.I)),
    ("close_date", re.compile(r"close", re.I)),
    ("amount", re.compile(r"amount|arr|acv|tcv|value", re.I)),
)


def find_proposals(con: duckdb.DuckDBPyConnection, window: Window, settings: Settings, book: OpportunityBook) -> list[Proposal]:
    """Every change the window's activity suggests, for opportunities the book knows (at most one per
    id: the same change found twice is one proposal, citing both)."""
    if book.mapping is None or not table_exists(con, "signals"):
        return []
    signals = _signals(con, window)
    activity = _activity(con, window)
    reader = _ToolReader(con, window)
    found = [
        *_crm_changes(signals, book, reader),
        *_stage_moves(signals, activity, book),
        *_stated_dates(activity, book),
        *_stated_amounts(activity, book),
        *_recap_next_steps(signals, book, reader),
        *_day_comments(signals, book, settings),
        *_new_opportunities(con, signals, book, settings),
    ]
    database = _database_id(settings)
    merged: dict[str, Proposal] = {}
    for proposal in found:
        proposal.database_id = database
        kept = merged.setdefault(proposal.proposal_id, proposal)
        if kept is not proposal:
            kept.links += [link for link in proposal.links if link not in kept.links]
            kept.signal_ids += [s for s in proposal.signal_ids if s not in kept.signal_ids]
            kept.proposed_on = min(kept.proposed_on, proposal.proposed_on)
    return list(merged.values())


# ---- reading the warehouse ------------------------------------------------------------------------


def _signals(con: duckdb.DuckDBPyConnection, window: Window) -> list[dict[str, Any]]:
    frame = con.execute(
        """
        SELECT * FROM signals
        WHERE activity_date BETWEEN ? AND ? AND relevance = 'include' AND customer IS NOT NULL
        ORDER BY activity_date, raised_at, signal_id
        """,
        [window.first_day, window.last_day],
    ).df()
    return frame.to_dict("records")


def _activity(con: duckdb.DuckDBPyConnection, window: Window) -> list[dict[str, Any]]:
    frame = con.execute(
        """
        SELECT activity_id, activity_date, sent_at, customer, se_id, author_name,
               coalesce(author_is_external, FALSE) AS author_is_external, coalesce(is_bot, FALSE) AS is_bot, text, link
        FROM activity
        WHERE activity_date BETWEEN ? AND ? AND customer IS NOT NULL
        ORDER BY sent_at, activity_id
        """,
        [window.first_day, window.last_day],
    ).df()
    return frame.to_dict("records")


class _ToolReader:
    """Tool messages re-read by the analysis' own parsers (CRM updates, call recaps), by activity id."""

    def __init__(self, con: duckdb.DuckDBPyConnection, window: Window):
        self.con = con
        self.mail = mail_facts(con, window.first_day)

    def parsed(self, signals: list[dict], rule: str, parse: Callable[[Any], T | None]) -> Iterator[tuple[dict, T]]:
        """(signal, what `parse` reads in its tool message) for the signals raised by `rule`."""
        for signal in signals:
            if str(signal["evidence"]).startswith(rule):
                message = self._message(signal["activity_ids"][0])
                found = parse(message) if message else None
                if found is not None:
                    yield signal, found

    def _message(self, activity_id: str) -> ToolMessage | None:
        result = self.con.execute("SELECT * FROM activity WHERE activity_id = ?", [activity_id])
        values = result.fetchone()
        if values is None:
            return None
        return tool_message(ActivityRow.of([c[0] for c in result.description], values), self.mail.get(activity_id))


def _database_id(settings: Settings) -> str | None:
    notion = settings.sources.notion
    return (notion.data_source_id or notion.database_id) if isinstance(notion, NotionApi) else None


def _day(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def _words(signal: dict) -> str:
    """What a signal says, for telling which of a customer's opportunities it is about."""
    return f"{signal.get('summary') or ''} {signal.get('excerpt') or ''}"


def _links(*links: Any) -> list[str]:
    return [link for link in links if isinstance(link, str) and link]


def _update(opportunity: Opportunity, field_name: str, value: str, *, kind: str, day: dt.date, se_id: str | None,
            reason: str, links: list[str], signal_ids: Iterable[str] = ()) -> Proposal | None:
    """A proposal to set a field of `opportunity` to `value`; None when it has no such property or holds it already."""
    current = opportunity.current(field_name)
    if current is None or current[1] == value:
        return None
    prop, before = current
    return Proposal(
        proposed_on=day, se_id=se_id or opportunity.se_id, customer=opportunity.customer or "", kind=kind, action=UPDATE,
        opportunity=opportunity.name, proposed_value=value, reason=reason, links=links, page_id=opportunity.page_id,
        page_url=opportunity.url, property=prop, current_value=before, signal_ids=list(signal_ids),
        changes=[{"field": field_name, "property": prop, "before": before, "after": value}],
    )


# ---- CRM updates ------------------------------------------------------------------------------------


def _crm_changes(signals: list[dict], book: OpportunityBook, reader: _ToolReader) -> Iterator[Proposal]:
    """A CRM says a field changed: the same change for this database, where it differs."""
    for signal, update in reader.parsed(signals, "rule:crm_update:", crm.parse):
        opportunity = book.page_for(signal["customer"], signal["se_id"], record=update.record)
        if opportunity is None:
            continue
        day = _day(signal["activity_date"])
        for change in update.changes:
            field_name = next((name for name, pattern in _CRM_FIELDS if pattern.search(change.key)), None)
            value = _crm_value(field_name, change.after or "", day, book)
            if value is None or field_name is None:  # no value without a field
                continue
            was = f"{change.before} → " if change.before else ""
            reason = f"{update.tool} changed {change.title.lower()}: {was}{change.after}" + (
                f" ({update.record})" if update.record else "")
            proposal = _update(opportunity, field_name, value, kind=field_name, day=day, se_id=signal["se_id"],
                               reason=reason, links=_links(signal["link"]), signal_ids=[signal["signal_id"]])
            if proposal:
                yield proposal


def _crm_value(field_name: str | None, after: str, day: dt.date, book: OpportunityBook) -> str | None:
    after = after.strip()
    if not after or field_name is None:
        return None
    if field_name == "stage":
        # Only a stage this database uses: its own spelling.
        return next((s for s in book.stages if s.strip().lower() == after.lower()), None)
    if field_name == "close_date":
        found = dates.dates_in(after, day)
        if found:
            return found[0][1].isoformat()
        try:
            return parse_date(after).isoformat()
        except FieldError:
            return None
    return _money(after)


# ---- stages from activity ------------------------------------------------------------------------


def _stage_moves(signals: list[dict], activity: list[dict], book: OpportunityBook) -> Iterator[Proposal]:
    for signal in signals:
        if signal["kind"] != "legal_security_procurement":
            continue
        term = str(signal["evidence"]).removeprefix("rule:legal_term:")
        wanted = stages.SECURITY if _SECURITY_TERM.search(term) else stages.CONTRACT if _CONTRACT_TERM.search(term) else None
        opportunity = book.page_for(signal["customer"], signal["se_id"], _words(signal))
        if wanted is None or opportunity is None:
            continue
        target = stages.stage_for(wanted, opportunity.stage, book.stages)
        if target:
            what = "The security review has started" if wanted == stages.SECURITY else "The contract is under way"
            proposal = _update(opportunity, "stage", target, kind="stage", day=_day(signal["activity_date"]),
                               se_id=signal["se_id"], reason=f"{what} ({term}): {signal['summary']}",
                               links=_links(signal["link"]), signal_ids=[signal["signal_id"]])
            if proposal:
                yield proposal
    for row in activity:
        sentence = next((s for s in text.sentences(row["text"]) if _trial_ended(s)), None)
        opportunity = book.page_for(row["customer"], row["se_id"], row["text"] or "") if sentence else None
        if opportunity is None or sentence is None:
            continue
        target = stages.stage_after(stages.TRIAL, opportunity.stage, book.stages)
        if target:
            proposal = _update(opportunity, "stage", target, kind="stage", day=_day(row["activity_date"]),
                               se_id=row["se_id"], reason=f"The {opportunity.stage} has ended: {_said(row, sentence)}",
                               links=_links(row["link"]))
            if proposal:
                yield proposal


def _trial_ended(sentence: str) -> bool:
    match = _TRIAL_ENDED.search(sentence)
    return match is not None and not text.is_question(sentence) and not _NOT_YET.search(sentence[: match.end()])


def _said(row: dict, sentence: str) -> str:
    who = row.get("author_name") or "someone"
    return f"{who} wrote “{summaries.clip(sentence.strip(), 30)}”"


# ---- what the customer states ------------------------------------------------------------------------


def _customer_statements(activity: list[dict]) -> Iterator[tuple[dict, str]]:
    """(row, sentence) for every statement a person at the customer made (not a question, not a tool)."""
    for row in activity:
        if not row["author_is_external"] or row["is_bot"]:
            continue
        for sentence in text.sentences(row["text"]):
            if not text.is_question(sentence):
                yield row, sentence


def _stated_dates(activity: list[dict], book: OpportunityBook) -> Iterator[Proposal]:
    for row, sentence in _customer_statements(activity):
        about = _TRIAL_END.search(sentence) or _CLOSING.search(sentence)
        field_name = "poc_end" if about and about.re is _TRIAL_END else "close_date" if about else None
        day = _day(row["activity_date"])
        stated = _new_date(sentence, day, about.start()) if about else None
        opportunity = book.page_for(row["customer"], row["se_id"], row["text"] or "") if stated else None
        if opportunity is None or stated is None or field_name is None or stated < day:  # a date goes with a field
            continue
        what = "the end of the POC" if field_name == "poc_end" else "signing or the decision"
        proposal = _update(opportunity, field_name, stated.isoformat(), kind=field_name, day=day, se_id=row["se_id"],
                           reason=f"The customer gives {stated:%-d %b %Y} for {what}: {_said(row, sentence)}",
                           links=_links(row["link"]))
        if proposal:
            yield proposal


def _new_date(sentence: str, day: dt.date, near: int) -> dt.date | None:
    """The date a sentence gives for what is at `near`: of the dates it does not move away from ("3 Nov
    instead of 6 Nov", "from 6 Nov to 3 Nov"), the one written closest to it."""
    found = [(at, d) for at, d in dates.dates_in(sentence, day) if not _OLD_DATE.search(sentence[:at])]
    return min(found, key=lambda item: abs(item[0] - near))[1] if found else None


def _stated_amounts(activity: list[dict], book: OpportunityBook) -> Iterator[Proposal]:
    for row, sentence in _customer_statements(activity):
        if not _BUDGET.search(sentence):
            continue
        amounts = {amount for m in _MONEY.finditer(sentence) if (amount := _money(m.group(0))) is not None}
        opportunity = book.page_for(row["customer"], row["se_id"], row["text"] or "") if len(amounts) == 1 else None
        if opportunity is None:
            continue
        amount = amounts.pop()
        proposal = _update(opportunity, "amount", amount, kind="amount", day=_day(row["activity_date"]), se_id=row["se_id"],
                           reason=f"The customer states the figure: {_said(row, sentence)}", links=_links(row["link"]))
        if proposal:
            yield proposal


def _money(written: str) -> str | None:
    """'$150,000' -> '150000', '€96.000' -> '96000', '120k' -> '120000', '1.2M' -> '1200000'."""
    match = _MONEY.search(written) or re.fullmatch(r"\s*(?P<a>\d[\d,.]*)\s?(?P<ua>[kKmM])?\s*", written)
    if not match:
        return None
    number, unit = (match.group("a"), match.group("ua")) if match.group("a") else (match.group("b"), match.group("ub"))
    if _GROUPED.match(number):
        value = float(re.sub(r"[.,]", "", number))
    else:
        try:
            value = float(number.replace(",", "."))
        except ValueError:
            return None
    value *= {"k": 1e3, "m": 1e6}.get((unit or "").lower(), 1)
    return plain_number(round(value, 2)) if value > 0 else None


# ---- call recaps -------------------------------------------------------------------------------------


def _recap_next_steps(signals: list[dict], book: OpportunityBook, reader: _ToolReader) -> Iterator[Proposal]:
    """The next steps a call agreed, for the opportunity's Next Step property (when it has one)."""
    for signal, recap in reader.parsed(signals, "rule:call_recap:", recaps.parse):
        opportunity = book.page_for(signal["customer"], signal["se_id"], _words(signal)) if recap.next_steps else None
        if opportunity is None:
            continue
        steps = "; ".join(f"{s.owner}: {s.step}" if s.owner else s.step for s in recap.next_steps)
        proposal = _update(opportunity, "next_step", steps, kind="next_step", day=_day(signal["activity_date"]),
                           se_id=signal["se_id"], reason=f"Next steps agreed on the {recap.tool} call “{recap.title}” "
                           f"of {recap.call_day:%-d %b}", links=_links(signal["link"]), signal_ids=[signal["signal_id"]])
        if proposal:
            yield proposal


# ---- the day's comment -------------------------------------------------------------------------------


def _day_comments(signals: list[dict], book: OpportunityBook, settings: Settings) -> Iterator[Proposal]:
    """One comment per opportunity per day with news: its most telling signals, each with its source."""
    engineers = {se.id: se.name for se in settings.sales_engineers}
    by_day: dict[tuple, list[dict]] = defaultdict(list)
    for signal in signals:
        opportunity = book.page_for(signal["customer"], signal["se_id"], _words(signal))
        if opportunity is not None and signal["kind"] != "new_customer":
            by_day[(opportunity.page_id, _day(signal["activity_date"]))].append(signal)
    for (page_id, day), found in by_day.items():
        opportunity = book.pages[page_id]
        found.sort(key=lambda s: (-(10 if s["kind"] in OWED_KINDS else FACT_WEIGHT.get(s["kind"], 1)), s["raised_at"]))
        lines = [{"text": _for_others(s["summary"], engineers.get(s["se_id"])), "link": s["link"]} for s in found[:COMMENT_LINES]]
        more = len(found) - len(lines)
        heading = f"se-pipeline, {day:%a %-d %b %Y}: what the day brought for {opportunity.name}"
        plain = "\n".join([heading, *(f"• {line['text']}" + (f" ({line['link']})" if line["link"] else "") for line in lines)]
                          + ([f"…and {more} more in the digest"] if more > 0 else []))
        yield Proposal(
            proposed_on=day, se_id=found[0]["se_id"], customer=opportunity.customer or "", kind="comment", action=COMMENT,
            opportunity=opportunity.name, proposed_value=plain, page_id=page_id, page_url=opportunity.url,
            reason=f"{len(found)} thing{'s' if len(found) != 1 else ''} happened on this opportunity that day",
            links=_links(*(line["link"] for line in lines)), signal_ids=[s["signal_id"] for s in found],
            changes=[{"heading": heading, "lines": lines, "more": max(more, 0)}],
        )


def _for_others(summary: str, se_name: str | None) -> str:
    """A digest line as the team reads it on the page: 'You promised …' names the SE."""
    if not se_name:
        return summary
    summary = re.sub(r"^You\b", se_name, summary)
    return re.sub(r"^([^“:]*?\basked) you\b", rf"\1 {se_name}", summary)


# ---- New customers -----------------------------------------------------------------------------------


def _new_opportunities(con: duckdb.DuckDBPyConnection, signals: list[dict], book: OpportunityBook,
                       settings: Settings) -> Iterator[Proposal]:
    mapping = book.mapping
    if mapping is None:  # no page read: no schema to fill in
        return
    new = {c for (c,) in con.execute("SELECT customer FROM customers WHERE is_new").fetchall()} if table_exists(con, "customers") else set()
    domains = dict(con.execute("SELECT customer, domains FROM customers").fetchall()) if new else {}
    sample = next(iter(book.pages.values()))
    engineers = {se.id: se for se in settings.sales_engineers}
    for signal in signals:
        se = engineers.get(signal["se_id"])
        if signal["kind"] != "new_customer" or signal["customer"] not in new or se is None or not mapping["title"]:
            continue
        customer, day = signal["customer"], _day(signal["activity_date"])
        changes = [{"field": "title", "property": mapping["title"], "after": customer}]
        if mapping["customer"] and sample.types.get(mapping["customer"] or "") in _WRITABLE_TEXT:
            changes.append({"field": "customer", "property": mapping["customer"], "after": customer})
        if mapping["se"]:
            user = book.people.get(se.email.lower()) or book.people.get(se.name.lower())
            changes.append({"field": "se", "property": mapping["se"], "after": se.name, "user_id": user})
        known_domains = list(domains.get(customer) or [])
        if mapping["domain"] and known_domains:
            changes.append({"field": "domain", "property": mapping["domain"], "after": known_domains[0]})
        changes.append({"field": "first_activity", "after": day.isoformat(), "link": signal["link"]})
        yield Proposal(
            proposed_on=day, se_id=se.id, customer=customer, kind="new_opportunity", action=CREATE, opportunity=customer,
            proposed_value=customer, reason=f"{customer} wrote to {se.name} on {day:%-d %b} and has no opportunity yet",
            links=_links(signal["link"]), signal_ids=[signal["signal_id"]], changes=changes,
        )
