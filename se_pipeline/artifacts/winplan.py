"""win_plans: a technical win plan per active opportunity, drawn from the warehouse.

For each row of win_criteria (built first): the success criteria with a status read from each
criterion's own marks (✅ / [x] / met / done / passed: *met*; ❌ / failed / at risk / blocked /
missed: *at risk*; otherwise *open*), the decision framework, the timeline (POC dates, close date),
the next steps the SE owes (open owed signals, oldest first), and the top three technical risks.

Risk candidates and their weight (highest three kept, each with a mitigation and its sources):
    POC past its end date                      5
    no exit criteria documented                4
    scope grew since the POC started           2
    product gap raised by this customer        5 deal-breaker, 3 challenge, 1 nice-to-have
    open blocker (an owed item that says blocked / not working, or open for 3+ days)
                                               3, + 1 per week open
    negative tone or a slow reply (14 days)    3
    usage drop or trial not started (14 days)  3
    competitor pressure (mentioned, 30 days)   2, + 0.5 without a fresh battlecard, + 0.1 a mention (at most 1)
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field

import duckdb

from se_pipeline.analysis import text as analysis_text
from se_pipeline.names import name_key
from se_pipeline.warehouse import WHOLE_TABLE, ensure_tables, records, replace_slice, table_exists

TOP_RISKS = 3
RECENT_DAYS = 14
COMPETITOR_DAYS = 30
BLOCKER_AGE_DAYS = 3
_MET = re.compile(r"(?i)(?:✅|✔|☑|\[x\]|\b(?:met|done|passed|achieved|completed?|signed off)\b)")
_AT_RISK = re.compile(r"(?i)(?:❌|⚠|\b(?:failed|failing|at risk|blocked|missed|not met)\b)")
_OWED_KINDS = ("customer_question", "technical_question", "action_item", "commitment", "legal_security_procurement", "scheduling")
_GAP_WEIGHT = {"deal-breaker": 5.0, "challenge": 3.0, "nice-to-have": 1.0}


@dataclass
class Risk:
    kind: str
    risk: str
    mitigation: str
    links: list[str] = field(default_factory=list)
    weight: float = 0.0


def criterion_status(text: str) -> str:
    """met, at risk or open, from the criterion's own marks."""
    if _AT_RISK.search(text):
        return "at risk"
    if _MET.search(text):
        return "met"
    return "open"


def signals_by_customer(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """name_key(customer) -> its signals, oldest first."""
    found: dict[str, list[dict]] = {}
    if table_exists(con, "signals"):
        for r in records(
            con,
            "SELECT customer, kind, owed, status, activity_date, summary, excerpt, link, due_date, relevance FROM signals "
            "WHERE customer IS NOT NULL ORDER BY raised_at, signal_id",
        ):
            found.setdefault(name_key(r["customer"]), []).append(r)
    return found


def next_steps(signals: list[dict], as_of: dt.date) -> list[dict]:
    """What the SE owes this customer, oldest first."""
    return [
        {"summary": s["summary"], "raised_on": s["activity_date"].isoformat(), "age_days": (as_of - s["activity_date"]).days,
         "due_date": s["due_date"].isoformat() if s["due_date"] else None, "link": s["link"]}
        for s in signals
        if s["owed"] and s["status"] == "open" and s["kind"] in _OWED_KINDS and s["relevance"] == "include"
        and s["activity_date"] <= as_of
    ]


def _signal_risks(signals: list[dict], as_of: dt.date) -> list[Risk]:
    risks: list[Risk] = []
    recent = [s for s in signals if 0 <= (as_of - s["activity_date"]).days <= RECENT_DAYS]
    for s in signals:
        if not (s["owed"] and s["status"] == "open" and s["kind"] in _OWED_KINDS and s["activity_date"] <= as_of):
            continue
        age = (as_of - s["activity_date"]).days
        if analysis_text.is_blocker(s["excerpt"] or s["summary"]) or age >= BLOCKER_AGE_DAYS:
            risks.append(Risk(
                "open_blocker", f"Open for {age} days: {s['summary']}",
                "Answer or deliver it, or agree a date with the customer and say who owns it.", [s["link"]] if s["link"] else [],
                3.0 + age // 7,
            ))
    for kind, kinds, what, mitigation in (
        ("negative_tone", ("negative_tone", "slow_response"), "Negative tone or slow replies",
         "Call the customer's lead to hear the concern directly and agree what would resolve it."),
        ("usage", ("usage_drop", "trial_not_started"), "Usage",
         "Offer a working session to unblock adoption, and check the evaluation plan still fits their team."),
    ):
        found = [s for s in recent if s["kind"] in kinds]
        if found:
            risks.append(Risk(kind, f"{what} ({len(found)} in the last {RECENT_DAYS} days): {found[-1]['summary']}",
                              mitigation, [s["link"] for s in found if s["link"]][-3:], 3.0))
    return risks


def _gap_risks(con: duckdb.DuckDBPyConnection, customer: str) -> list[Risk]:
    if not table_exists(con, "product_gaps"):
        return []
    risks = []
    for g in records(con, "SELECT * FROM product_gaps ORDER BY capability"):
        if name_key(g["customer"]) != name_key(customer):
            continue
        kind = g.get("gap_type") or "challenge"
        mitigation = (f"Walk them through the workaround: {g['workaround']}" if g["workaround"] else
                      "Ask Product for a dated answer; agree a workaround or take the criterion out of the POC scope.")
        risks.append(Risk("product_gap", f"Product gap ({kind}): {g['capability']}", mitigation, list(g["source_links"] or []),
                          _GAP_WEIGHT.get(kind, 3.0)))
    return risks


def _competitor_risks(con: duckdb.DuckDBPyConnection, customer: str, page_id: str, as_of: dt.date) -> list[Risk]:
    if not table_exists(con, "competitor_mentions"):
        return []
    since = as_of - dt.timedelta(days=COMPETITOR_DAYS)
    found: dict[str, dict] = {}
    for r in records(con, "SELECT * FROM competitor_mentions WHERE last_seen >= ? ORDER BY last_seen", [since]):
        if name_key(r["customer"]) == name_key(customer) and r["page_id"] in (page_id, None):
            seen = found.setdefault(r["competitor"], {"mentions": 0, "links": [], "card": r["battlecard"], "state": r["battlecard_freshness"]})
            seen["mentions"] += r["mentions"]
            seen["links"] += list(r["source_links"] or [])
    risks = []
    for competitor, seen in found.items():
        card = (f"Use the {seen['card']} ({seen['state']}{': refresh it first' if seen['state'] == 'stale' else ''})"
                if seen["card"] else f"There is no battlecard for {competitor}: ask Product Marketing for one")
        risks.append(Risk(
            "competitor",
            f"Competitor pressure: {competitor} ({seen['mentions']} mention{'s' if seen['mentions'] != 1 else ''} in {COMPETITOR_DAYS} days)",
            f"{card}, and tie the POC's success criteria to where we differ.", list(dict.fromkeys(seen["links"]))[:3],
            2.0 + 0.5 * (seen["state"] != "fresh") + min(1.0, seen["mentions"] / 10),
        ))
    return risks


def _criteria_risks(row: dict, as_of: dt.date) -> list[Risk]:
    risks = []
    link = [row["url"]] if row["url"] else []
    if row["past_end_date"]:
        risks.append(Risk("poc_overdue", f"The POC ended on {row['poc_end']} ({(as_of - row['poc_end']).days} days ago) without a decision",
                          "Book the decision meeting, or agree a new end date and what must be shown by then.", link, 5.0))
    if row["no_exit_criteria"]:
        risks.append(Risk("no_exit_criteria", "The POC has no documented success criteria",
                          "Write the success criteria with the customer's champion and get them agreed before more work.", link, 4.0))
    if row["scope_grew"]:
        risks.append(Risk("scope_grew", f"Scope grew from {row['criteria_at_start']} to {row['criteria_now']} criteria since the POC began",
                          "Renegotiate the timeline, or trade the new criteria for ones that matter less.", link, 2.0))
    return risks


def plan_for(
    con: duckdb.DuckDBPyConnection, row: dict, as_of: dt.date, close_date: dt.date | None, signals: list[dict]
) -> dict:
    """One opportunity's win plan: a win_criteria row, plus the customer's signals and what the
    warehouse knows of its gaps and competitors."""
    customer = row["customer"] or ""
    risks = (_criteria_risks(row, as_of) + _gap_risks(con, customer) + _signal_risks(signals, as_of)
             + _competitor_risks(con, customer, row["page_id"], as_of)) if customer else _criteria_risks(row, as_of)
    top = sorted(risks, key=lambda r: -r.weight)[:TOP_RISKS]
    timeline = list(row["timeline"] or [])
    if row["poc_start"] and row["poc_end"]:
        timeline.insert(0, f"POC: {row['poc_start']} to {row['poc_end']}")
    elif row["poc_start"] or row["poc_end"]:
        timeline.insert(0, f"POC starts {row['poc_start']}" if row["poc_start"] else f"POC ends {row['poc_end']}")
    if close_date:
        timeline.append(f"Close date: {close_date}")
    return {
        "page_id": row["page_id"], "customer": row["customer"], "opportunity": row["opportunity"], "stage": row["stage"],
        "se_id": row["se_id"], "amount": row["amount"], "close_date": close_date, "is_poc": row["is_poc"],
        "criteria": [{"criterion": c, "status": criterion_status(c)} for c in row["success_criteria"] or []],
        "decision_framework": list(row["decision_framework"] or []), "timeline": timeline,
        "risks": [{k: v for k, v in asdict(r).items() if k != "weight"} for r in top],
        "next_steps": next_steps(signals, as_of), "url": row["url"],
    }


COLUMNS = ("page_id", "customer", "opportunity", "stage", "se_id", "amount", "close_date", "is_poc", "criteria",
           "decision_framework", "timeline", "risks", "next_steps", "url", "computed_at")


def build_win_plans(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    """Rebuild win_plans from win_criteria (one row per active opportunity); returns the rows written."""
    ensure_tables(con)
    closes = {}
    if table_exists(con, "opportunities"):
        closes = dict(con.execute("SELECT page_id, close_date FROM opportunities").fetchall())
    by_customer = signals_by_customer(con)
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for row in records(con, "SELECT * FROM win_criteria ORDER BY customer, opportunity, page_id"):
        plan = plan_for(con, row, as_of, closes.get(row["page_id"]), by_customer.get(name_key(row["customer"]), []))
        rows.append({
            c: json.dumps(plan[c]) if c in ("criteria", "risks", "next_steps") else now if c == "computed_at" else plan[c]
            for c in COLUMNS
        })
    return replace_slice(con, "win_plans", rows, WHOLE_TABLE)
