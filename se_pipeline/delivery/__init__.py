"""Delivering digests (daily) and coaching reports (weekly) where the SE reads: off unless they opt in.

    sales_engineers: [{id: alice, …, deliver: {slack_dm: true, email: true}, manager: {name: …, email: …}}]

Each opted-in SE gets their own digest as a Slack DM (the sources.slack bot to their slack_user_id)
and/or an email from their own mailbox to their own address; a weekly coaching report goes the same
way, and to their manager too when a score is Critical (seed 001: manager review). Exactly once: the
`deliveries` log keys each recipient's copy by its content, so a re-run sends nothing unless the
content changed, and then sends it marked "Updated". One recipient failing does not stop the others;
the failures are returned for the asset to fail on, and the digest itself stays in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb

from se_pipeline.config import SalesEngineer, Settings
from se_pipeline.delivery.email import GmailSender, compose
from se_pipeline.delivery.log import UPDATED, content_hash, record, status_for
from se_pipeline.delivery.slack_dm import SlackDm, slack_messages
from se_pipeline.errors import SePipelineError
from se_pipeline.render import load_items, render_html
from se_pipeline.warehouse import ensure_tables

__all__ = ["DeliveryReport", "Piece", "deliver_coaching", "deliver_digests", "recipients"]

SLACK_DM, EMAIL = "slack_dm", "email"
DIGEST, COACHING = "digest", "coaching"


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)  # "alice: slack_dm to U01ALICE (updated)"
    unchanged: int = 0  # copies that had gone already
    failures: list[str] = field(default_factory=list)

    def as_metadata(self) -> dict[str, object]:
        return {"delivered": len(self.sent), "already_delivered": self.unchanged, "failed": len(self.failures),
                "deliveries": "\n".join(self.sent) or "none"}


@dataclass(frozen=True)
class Piece:
    """One thing to deliver: whose, which day, its Markdown, and how it reads in a subject and a notification."""

    kind: str
    se: SalesEngineer
    day: dt.date
    markdown: str
    subject: str
    summary: str
    page: str | None = None  # the HTML form, when there is one


def recipients(se: SalesEngineer, person: object | None = None) -> list[tuple[str, str]]:
    """(channel, address) pairs the SE opted into, for themselves or (`person`: their manager) someone else."""
    who: Any = person or se  # an SE or their manager: both may have slack_user_id and email
    found = []
    if se.deliver.slack_dm and getattr(who, "slack_user_id", None):
        found.append((SLACK_DM, who.slack_user_id))
    if se.deliver.email and getattr(who, "email", None):
        found.append((EMAIL, who.email))
    return found


def deliver_digests(con: duckdb.DuckDBPyConnection, day: dt.date, settings: Settings) -> DeliveryReport:
    """Send each opted-in SE their digest of `day` (the digests asset has written it)."""
    ensure_tables(con)
    report = DeliveryReport()
    for se in settings.sales_engineers:
        to = recipients(se)
        if not to:
            continue
        row = con.execute("SELECT markdown, customers, todo_items FROM digests WHERE se_id = ? AND digest_date = ?",
                          [se.id, day]).fetchone()
        if row is None:
            report.failures.append(f"{se.id}: no digest for {day} to deliver")
            continue
        markdown, customers, todo = row
        page = render_html(load_items(con, se.id, day.isoformat()), se.name, day)
        piece = Piece(DIGEST, se, day, markdown, f"Your digest for {day:%a %-d %b %Y}",
                      f"Your digest for {day:%a %-d %b}: {customers or 0} customers, {todo or 0} to do", page)
        _deliver(con, report, settings, piece, to)
    return report


def deliver_coaching(con: duckdb.DuckDBPyConnection, week: dt.date, settings: Settings) -> DeliveryReport:
    """Send each opted-in rep their coaching report for the week of `week`, and their manager a copy
    when it is marked for manager review."""
    ensure_tables(con)
    report = DeliveryReport()
    for se in settings.sales_engineers:
        to = recipients(se)
        row = con.execute(
            "SELECT markdown, needs_manager_review FROM coaching_reports WHERE week_start = ? AND se_id = ?", [week, se.id]
        ).fetchone() if to else None
        if row is None:
            continue  # nobody to send to, or no calls to report on that week
        markdown, review = row
        title = f"Your coaching report for the week of {week:%-d %b %Y}"
        _deliver(con, report, settings, Piece(COACHING, se, week, markdown, title, title), to)
        if review and se.manager:
            note = (f"# Manager review: {se.name}, week of {week:%-d %b %Y}\n\nA skill scored Critical (below 40), "
                    "which the coaching guidelines ask a manager to review. The report follows.\n\n")
            subject = f"Manager review: {se.name}'s coaching report for the week of {week:%-d %b %Y}"
            _deliver(con, report, settings, Piece(COACHING, se, week, note + markdown, subject, subject),
                     recipients(se, se.manager))
    return report


def _deliver(con: duckdb.DuckDBPyConnection, report: DeliveryReport, settings: Settings, piece: Piece,
             to: list[tuple[str, str]]) -> None:
    digest_hash = content_hash(piece.markdown)
    for channel, address in to:
        status = status_for(con, piece.kind, piece.se.id, piece.day, channel, address, digest_hash)
        if status is None:
            report.unchanged += 1
            continue
        what = f"the {piece.kind} of {piece.se.id} for {piece.day}"
        try:
            ids = _send(settings, piece, channel, address, status == UPDATED, what)
        except SePipelineError as exc:
            report.failures.append(f"{piece.se.id}: {channel} to {address}: {exc}")
            continue
        record(con, piece.kind, piece.se.id, piece.day, channel, address, digest_hash, status, ids)
        report.sent.append(f"{piece.se.id}: {piece.kind} {piece.day} by {channel} to {address}" +
                           (" (updated)" if status == UPDATED else ""))


def _send(settings: Settings, piece: Piece, channel: str, address: str, updated: bool, what: str) -> list[str]:
    if channel == SLACK_DM:
        note = "Updated: this replaces the version sent earlier." if updated else None
        return SlackDm(settings).send(address, slack_messages(piece.markdown, piece.summary, note), what)
    subject = ("Updated: " if updated else "") + piece.subject
    message = compose(piece.se, address, subject, piece.markdown, piece.page)
    return [GmailSender(settings, piece.se).send(message, {address}, what)]
