"""Markdown reports of the artefacts, under <home>/reports/se/:

    product_gaps/<customer>.md             that customer's gaps, typed, in their own words
    competitor_mentions/<customer>.md      that customer's competitors by month
    win_criteria/<customer>.md             that customer's active opportunities' criteria and flags
    win_plans/<customer>.md                technical win plan per active opportunity
    technical_qualification/<customer>.md  a New customer's asks, mapped; open questions; stakeholders
    product_gaps.md                        every gap with counts only: no customer named
    battlecards/<competitor>.md            internal: what customers said about one competitor

The per-customer files may reach the customer: each is built from that customer's rows only, any
other known customer's name in the text is replaced, and all text goes through `redact` (no
tokens, keys or internal links; a source whose link is internal is named by its kind and date).
Battlecards are for the team: they quote several customers, with links, secrets still redacted.
A re-run replaces the folder's files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from se_pipeline.artifacts.redact import redact
from se_pipeline.filenames import file_stems
from se_pipeline.warehouse import records, table_exists

KINDS = ("product_gaps", "competitor_mentions", "win_criteria", "win_plans", "technical_qualification")
INTERNAL_KINDS = ("battlecards",)
OTHER_CUSTOMER = "[another customer]"


class _Scrubber:
    """Redacts secrets and internal links, and other customers' names, from one customer's text."""

    def __init__(self, customer: str, all_customers: Iterable[str], internal_domains: Iterable[str]):
        others = sorted({c for c in all_customers if c and c.lower() != customer.lower()}, key=len, reverse=True)
        self._others = re.compile(r"(?i)\b(" + "|".join(re.escape(o) for o in others) + r")\b") if others else None
        self._domains = tuple(internal_domains)

    def __call__(self, text: object) -> str:
        out = redact(str(text) if text is not None else "", self._domains)
        out = self._others.sub(OTHER_CUSTOMER, out) if self._others else out
        return out.replace("|", "\\|").replace("\n", " ")


def _money(amount: float | None) -> str:
    return f"${amount or 0:,.0f}"


_SOURCE_KINDS = (("slack.com", "Slack message"), ("mail.google.com", "email"), ("notion.", "Notion page"),
                 ("gong.io", "call"), ("docs.google.com", "document"))


def _source(link: str | None, clean: _Scrubber, day: object = None) -> str:
    """A citation the reader can use: the link when it is public, else what it is (and when)."""
    if not link:
        return ""
    if clean(link) == link:
        return f"[source]({link})"
    kind = next((name for host, name in _SOURCE_KINDS if host in link), "internal source")
    return f"{kind}{f' of {day}' if day else ''}"


def _json(value: Any) -> list:
    return json.loads(value) if isinstance(value, str) else list(value or [])


def _gaps_report(rows: list[dict], clean: _Scrubber, customer: str) -> list[str]:
    lines = [f"# Product gaps: {clean(customer)}", ""]
    if not rows:
        return lines + ["No product gaps recorded.", ""]
    lines += ["| Capability | Type | Status | Workaround | First seen | Last seen |", "|---|---|---|---|---|---|"]
    answers = {"no": "not supported", "not_yet": "not yet", "roadmap": "on the roadmap", "noted": "noted"}
    for r in rows:
        lines.append(
            f"| {clean(r['capability'])} | {r['gap_type'] or r['severity']} | {answers.get(r['answer'], r['answer'])} | "
            f"{'yes' if r['workaround_available'] else 'no'} | {r['first_seen']} | {r['last_seen']} |"
        )
    lines.append("")
    for r in rows:
        if r["customer_words"]:
            lines += [f"**{clean(r['capability'])}**, in your words:", ""] + [f"> {clean(w)}" for w in r["customer_words"]] + [""]
        if r["workaround"]:
            lines += [f"**{clean(r['capability'])}**: workaround: {clean(r['workaround'])}", ""]
    return lines


def _mentions_report(rows: list[dict], clean: _Scrubber, customer: str) -> list[str]:
    lines = [f"# Competitive landscape: {clean(customer)}", ""]
    if not rows:
        return lines + ["No competitors mentioned.", ""]
    lines += ["| Competitor | Opportunity | Month | Mentions | Battlecard | Battlecard freshness |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {clean(r['competitor'])} | {clean(r['opportunity'] or '-')} | {r['month']:%Y-%m} | {r['mentions']} | "
            f"{clean(r['battlecard'] or '-')} | {r['battlecard_freshness']} |"
        )
    return lines + [""]


def _opportunity(r: dict, clean: _Scrubber) -> list[str]:
    return [f"## {clean(r['opportunity'] or r['page_id'])}", "", f"- Stage: {clean(r['stage'] or '-')}"]


def _section(title: str, items: list[str], empty: str = "- not documented") -> list[str]:
    return ["", f"### {title}", ""] + (items or [empty])


def _criteria_report(rows: list[dict], clean: _Scrubber, customer: str) -> list[str]:
    lines = [f"# Technical win criteria: {clean(customer)}", ""]
    if not rows:
        return lines + ["No active opportunity.", ""]
    for r in rows:
        lines += _opportunity(r, clean)
        if r["is_poc"]:
            lines.append(f"- POC: {r['poc_start'] or 'start not set'} to {r['poc_end'] or 'end not set'}")
        if r["flags"]:
            lines.append(f"- **Attention**: {', '.join(r['flags'])}")
        for title, key in (("Success criteria", "success_criteria"), ("Decision framework", "decision_framework"), ("Timeline", "timeline")):
            lines += _section(title, [f"- {clean(i)}" for i in r[key] or []])
        lines.append("")
    return lines


def _plans_report(rows: list[dict], clean: _Scrubber, customer: str) -> list[str]:
    lines = [f"# Technical win plan: {clean(customer)}", ""]
    if not rows:
        return lines + ["No active opportunity.", ""]
    for r in rows:
        lines += _opportunity(r, clean)
        lines += _section("Success criteria", [f"- [{c['status']}] {clean(c['criterion'])}" for c in _json(r["criteria"])],
                          "- not documented: agree them before more work")
        for title, key in (("Decision framework", "decision_framework"), ("Timeline", "timeline")):
            lines += _section(title, [f"- {clean(i)}" for i in r[key] or []])
        lines += ["", "### Top technical risks", ""]
        risks = _json(r["risks"])
        for i, risk in enumerate(risks, 1):
            sources = ", ".join(filter(None, (_source(link, clean) for link in risk["links"])))
            lines += [f"{i}. **{clean(risk['risk'])}**", f"   - Mitigation: {clean(risk['mitigation'])}"]
            if sources:
                lines.append(f"   - Sources: {sources}")
        if not risks:
            lines.append("No risk found in the warehouse.")
        lines += ["", "### Next steps owed", ""]
        steps = _json(r["next_steps"])
        for step in steps:
            due = f", due {step['due_date']}" if step["due_date"] else ""
            source = f"; {_source(step['link'], clean, step['raised_on'])}" if step["link"] else ""
            lines.append(f"- {clean(step['summary'])} (raised {step['raised_on']}{due}{source})")
        if not steps:
            lines.append("- nothing owed")
        lines.append("")
    return lines


def _qualification_report(rows: list[dict], clean: _Scrubber, customer: str) -> list[str]:
    lines = [f"# Technical qualification: {clean(customer)}", ""]
    for r in rows:
        lines += [f"New customer, first seen {r['first_seen']}, last seen {r['last_seen']}; no opportunity yet.", "", "## What they asked for", ""]
        asks = _json(r["asks"])
        lines += ["| Asked | By | Question | Capability | What we know |", "|---|---|---|---|---|"] if asks else ["No questions yet."]
        for a in asks:
            known = a["mapping"] + (f": {a['detail']}" if a["detail"] else "")
            lines.append(f"| {a['day']} | {clean(a['who'] or '-')} | {clean(a['question'])} | {clean(a['capability'] or '-')} | {clean(known)} |")
        lines += ["", "## Questions still open", ""]
        lines += [f"- {clean(q['question'])} ({q['day']})" for q in _json(r["open_questions"])] or ["- none"]
        lines += ["", "## Stakeholders seen", ""]
        people = _json(r["stakeholders"])
        lines += ["| Name | Role | Domain | Messages |", "|---|---|---|---|"] if people else ["None yet."]
        lines += [f"| {clean(p['name'] or p['email'] or '-')} | {clean(p['role'] or 'not stated')} | {clean(p['domain'] or '-')} | {p['messages']} |"
                  for p in people]
        lines.append("")
    return lines


_RENDER = {
    "product_gaps": (_gaps_report, "SELECT * FROM product_gaps ORDER BY customer, severity, capability"),
    "win_plans": (_plans_report, "SELECT * FROM win_plans WHERE customer IS NOT NULL ORDER BY customer, opportunity"),
    "technical_qualification": (_qualification_report, "SELECT * FROM technical_qualification ORDER BY customer"),
    "competitor_mentions": (_mentions_report, "SELECT * FROM competitor_mentions ORDER BY customer, competitor, month, page_id"),
    "win_criteria": (_criteria_report, "SELECT * FROM win_criteria WHERE customer IS NOT NULL ORDER BY customer, opportunity"),
}


def _gap_summary(con: duckdb.DuckDBPyConnection, domains: tuple[str, ...]) -> str:
    rows = records(
        con,
        """
        SELECT capability, any_value(severity) AS severity, max(customers_affected) AS customers,
               list_sort(list_distinct(list(gap_type))) AS types, max(total_revenue_share) AS revenue,
               bool_or(workaround_available) AS workaround, min(first_seen) AS first_seen, max(last_seen) AS last_seen
        FROM product_gaps GROUP BY gap_id, capability
        ORDER BY bool_or(gap_type = 'deal-breaker') DESC, revenue DESC NULLS LAST, customers DESC, capability
        """,
    )
    lines = ["# Product gaps (all customers, counts only)", ""]
    if not rows:
        return "\n".join(lines + ["No product gaps recorded.", ""])
    lines += ["Revenue at stake: each customer's active opportunities, split evenly across that customer's gaps.", ""]
    lines += ["| Capability | Type | Customers | Revenue at stake | Workaround | First seen | Last seen |", "|---|---|---|---|---|---|---|"]
    # Capabilities are the customers' words: they may name a customer, so every known name is scrubbed.
    customers = [r[0] for r in con.execute("SELECT DISTINCT customer FROM product_gaps").fetchall()]
    clean = _Scrubber("", customers, domains)
    for r in rows:
        types = ", ".join(t for t in r["types"] if t) or r["severity"]
        lines.append(
            f"| {clean(r['capability'])} | {types} | {r['customers']} | {_money(r['revenue'])} | "
            f"{'yes' if r['workaround'] else 'no'} | {r['first_seen']} | {r['last_seen']} |"
        )
    return "\n".join(lines + [""])


def _battlecard(row: dict, domains: tuple[str, ...]) -> str:
    def clean(text: object) -> str:
        return redact(str(text) if text is not None else "", domains).replace("|", "\\|").replace("\n", " ")

    competitor = clean(row["competitor"])
    lines = [f"# Battlecard from the field: {competitor}", "", "*Internal: quotes several customers. Do not share outside the team.*", ""]
    card = row["battlecard"]
    if card:
        state = row["battlecard_freshness"] + (f" ({row['stale_reason']})" if row["stale_reason"] else "")
        lines.append(f"- **Battlecard**: {clean(card)}, updated {row['battlecard_updated'] or 'never'}: **{state}**")
    else:
        lines.append("- **Battlecard**: none in the content inventory: ask Product Marketing for one")
    lines.append(f"- **Heard**: {row['mentions']} times from {row['first_seen']} to {row['last_seen']}, "
                 f"from {len(row['customers'] or [])} customers; deals: {row['won']} won, {row['lost']} lost, {row['open']} open")
    deals = _json(row["opportunities"])
    if deals:
        lines += ["", "## Where it was heard", "", "| Opportunity | Customer | Stage | Outcome |", "|---|---|---|---|"]
        lines += [f"| {clean(d['name'] or d['page_id'])} | {clean(d['customer'])} | {clean(d['stage'] or '-')} | {d['outcome']} |" for d in deals]
    quotes = _json(row["quotes"])
    for title, kind in (("Pricing claims", "pricing"), ("Objections", "objection"), ("Other mentions", "mention")):
        chosen = [q for q in quotes if q["kind"] == kind]
        if not chosen:
            continue
        lines += ["", f"## {title}", ""]
        for q in chosen:
            where = ", ".join(filter(None, [clean(q["customer"]), clean(q["opportunity"]) if q["opportunity"] else None,
                                            q["stage"] and clean(q["stage"]), q["outcome"]]))
            link = f" ([{q['source']}]({q['link']}))" if q["link"] else f" ({q['source']})"
            lines.append(f"- {q['day']}, {where}: “{clean(q['text'])}”{link}")
    return "\n".join(lines + [""])


def write_battlecards(con: duckdb.DuckDBPyConnection, home: Path, internal_domains: Iterable[str] = ()) -> list[Path]:
    """One internal battlecard per competitor under <home>/reports/se/battlecards/."""
    folder = Path(home) / "reports" / "se" / "battlecards"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        old.unlink()
    written = []
    rows = records(con, "SELECT * FROM battlecards ORDER BY competitor") if table_exists(con, "battlecards") else []
    stems = file_stems(row["competitor"] for row in rows)
    for row in rows:
        path = folder / f"{stems[row['competitor']]}.md"
        path.write_text(_battlecard(row, tuple(internal_domains)), encoding="utf-8")
        written.append(path)
    return written


def write_reports(con: duckdb.DuckDBPyConnection, home: Path, kind: str, internal_domains: Iterable[str] = ()) -> list[Path]:
    """Write `kind`'s per-customer reports (and the gap summary); returns the files written."""
    render, sql = _RENDER[kind]
    domains = tuple(internal_domains)
    rows = records(con, sql)
    customers = sorted({r["customer"] for r in rows})
    known = list(customers)
    if table_exists(con, "opportunities"):
        known += [r[0] for r in con.execute("SELECT DISTINCT customer FROM opportunities WHERE customer IS NOT NULL").fetchall()]
    folder = Path(home) / "reports" / "se" / kind
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        old.unlink()  # a customer with nothing left must not keep last run's report
    written = []
    stems = file_stems(customers)
    for customer in customers:
        mine = [r for r in rows if r["customer"] == customer]
        path = folder / f"{stems[customer]}.md"
        path.write_text("\n".join(render(mine, _Scrubber(customer, known, domains), customer)), encoding="utf-8")
        written.append(path)
    if kind == "product_gaps":
        summary = folder.parent / "product_gaps.md"
        summary.write_text(_gap_summary(con, domains), encoding="utf-8")
        written.append(summary)
    if kind == "competitor_mentions":
        written += write_battlecards(con, home, domains)
    return written

