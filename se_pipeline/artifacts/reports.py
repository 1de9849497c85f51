"""Customer-facing Markdown reports of the artefacts, under <home>/reports/se/:

    product_gaps/<customer>.md          that customer's gaps
    competitor_mentions/<customer>.md   that customer's competitors by month
    win_criteria/<customer>.md          that customer's active opportunities' criteria and flags
    product_gaps.md                     every gap with counts only: no customer named

One file per customer so no customer's details reach another's report: each file is built from
that customer's rows only, and any other known customer's name in the text is replaced. All text
goes through `redact` (no tokens, keys or internal links). A re-run replaces the folder's files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import duckdb

from se_pipeline.artifacts.redact import redact
from se_pipeline.enablement.items import records
from se_pipeline.filenames import file_stems
from se_pipeline.warehouse.schema import table_exists

KINDS = ("product_gaps", "competitor_mentions", "win_criteria")
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


def _gaps_report(rows: list[dict], clean: _Scrubber, customer: str) -> list[str]:
    lines = [f"# Product gaps: {clean(customer)}", ""]
    if not rows:
        return lines + ["No product gaps recorded.", ""]
    lines += ["| Capability | Severity | Status | Workaround | First seen | Last seen |", "|---|---|---|---|---|---|"]
    answers = {"no": "not supported", "not_yet": "not yet", "roadmap": "on the roadmap", "noted": "noted"}
    for r in rows:
        lines.append(
            f"| {clean(r['capability'])} | {r['severity']} | {answers.get(r['answer'], r['answer'])} | "
            f"{'yes' if r['workaround_available'] else 'no'} | {r['first_seen']} | {r['last_seen']} |"
        )
    lines.append("")
    for r in rows:
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


def _criteria_report(rows: list[dict], clean: _Scrubber, customer: str) -> list[str]:
    lines = [f"# Technical win criteria: {clean(customer)}", ""]
    if not rows:
        return lines + ["No active opportunity.", ""]
    for r in rows:
        lines += [f"## {clean(r['opportunity'] or r['page_id'])}", "", f"- Stage: {clean(r['stage'] or '-')}"]
        if r["is_poc"]:
            lines.append(f"- POC: {r['poc_start'] or 'start not set'} to {r['poc_end'] or 'end not set'}")
        if r["flags"]:
            lines.append(f"- **Attention**: {', '.join(r['flags'])}")
        for title, key in (("Success criteria", "success_criteria"), ("Decision framework", "decision_framework"), ("Timeline", "timeline")):
            items = r[key] or []
            lines += ["", f"### {title}", ""] + ([f"- {clean(i)}" for i in items] or ["- not documented"])
        lines.append("")
    return lines


_RENDER = {
    "product_gaps": (_gaps_report, "SELECT * FROM product_gaps ORDER BY customer, severity, capability"),
    "competitor_mentions": (_mentions_report, "SELECT * FROM competitor_mentions ORDER BY customer, competitor, month, page_id"),
    "win_criteria": (_criteria_report, "SELECT * FROM win_criteria WHERE customer IS NOT NULL ORDER BY customer, opportunity"),
}


def _gap_summary(con: duckdb.DuckDBPyConnection, domains: tuple[str, ...]) -> str:
    rows = records(
        con,
        """
        SELECT capability, any_value(severity) AS severity, max(customers_affected) AS customers,
               max(total_revenue_at_stake) AS revenue, bool_or(workaround_available) AS workaround,
               min(first_seen) AS first_seen, max(last_seen) AS last_seen
        FROM product_gaps GROUP BY gap_id, capability
        ORDER BY list_position(['blocker', 'high', 'medium', 'low'], any_value(severity)), customers DESC, capability
        """,
    )
    lines = ["# Product gaps (all customers, counts only)", ""]
    if not rows:
        return "\n".join(lines + ["No product gaps recorded.", ""])
    lines += ["| Capability | Severity | Customers | Revenue at stake | Workaround | First seen | Last seen |", "|---|---|---|---|---|---|---|"]
    # Capabilities are the customers' words: they may name a customer, so every known name is scrubbed.
    customers = [r[0] for r in con.execute("SELECT DISTINCT customer FROM product_gaps").fetchall()]
    clean = _Scrubber("", customers, domains)
    for r in rows:
        lines.append(
            f"| {clean(r['capability'])} | {r['severity']} | {r['customers']} | {_money(r['revenue'])} | "
            f"{'yes' if r['workaround'] else 'no'} | {r['first_seen']} | {r['last_seen']} |"
        )
    return "\n".join(lines + [""])


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
    return written

