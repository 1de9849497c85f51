"""The `proposals` table: a run's proposals written, earlier ones checked against the database as it
is now, and the user's decisions (applied, dismissed) kept.

A run replaces the undecided proposals of its days (so a re-run never duplicates one) and never
touches a decided one. Then every open proposal is checked against the latest read of the
opportunity database: one whose current value has changed since it was made is `stale` (it is
never applied), and of two open proposals for the same property the older is `superseded`.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

import duckdb
import pandas as pd

from se_pipeline.names import name_key
from se_pipeline.config import Settings
from se_pipeline.errors import SePipelineError
from se_pipeline.proposals.detect import find_proposals
from se_pipeline.proposals.proposal import COMMENT, CREATE, DISMISSED, OPEN, STALE, SUPERSEDED, UPDATE, Proposal
from se_pipeline.proposals.targets import OpportunityBook, load_book
from se_pipeline.proposals.values import normalised
from se_pipeline.warehouse import AnyOf, Between, ensure_tables, replace_slice, table_exists, transaction
from se_pipeline.window import Window


@dataclass(frozen=True)
class ProposalReport:
    found: int  # proposals the window's activity suggests
    new: int  # of which not proposed before
    open: int  # open proposals after the run, all days
    stale: int  # proposals found stale by this run

    def as_metadata(self) -> dict[str, int]:
        return {"proposals_found": self.found, "proposals_new": self.new, "proposals_open": self.open,
                "proposals_stale": self.stale}


def refresh_proposals(con: duckdb.DuckDBPyConnection, window: Window, settings: Settings) -> ProposalReport:
    ensure_tables(con)
    book = load_book(con, settings)
    found = find_proposals(con, window, settings, book)
    now = dt.datetime.now(dt.timezone.utc)
    undecided = {"proposed_on": Between(window.first_day, window.last_day), "status": AnyOf((OPEN, STALE, SUPERSEDED))}
    with transaction(con):
        replace_slice(con, "proposals", [], undecided)  # what is left is decided, or another window's
        kept = {pid for (pid,) in con.execute("SELECT proposal_id FROM proposals").fetchall()}
        new = [p for p in found if p.proposal_id not in kept]
        for proposal in new:
            proposal.created_at = now
        replace_slice(con, "proposals", pd.DataFrame([p.row() for p in new]), undecided)
        stale = mark_stale(con, book, now)
        _supersede(con, now)
        still_open = con.execute("SELECT count(*) FROM proposals WHERE status = ?", [OPEN]).fetchall()[0][0]
    return ProposalReport(len(found), len(new), still_open, stale)


def mark_stale(con: duckdb.DuckDBPyConnection, book: OpportunityBook, now: dt.datetime) -> int:
    """Mark every open proposal whose page or value has changed since it was made; return how many."""
    new_customers = (
        {c for (c,) in con.execute("SELECT customer FROM customers WHERE is_new").fetchall()}
        if table_exists(con, "customers") else set()
    )
    changed = 0
    for proposal in load(con, "status = ?", [OPEN]):
        why = staleness(proposal, book, new_customers)
        if why:
            set_status(con, proposal.proposal_id, STALE, why, None, now)
            changed += 1
    return changed


def staleness(proposal: Proposal, book: OpportunityBook, new_customers: set[str]) -> str | None:
    """Why `proposal` no longer fits the database as last read, or None when it still does."""
    if proposal.action == CREATE:
        return None if proposal.customer in new_customers else f"{proposal.customer} has an opportunity now"
    page = book.pages.get(proposal.page_id or "")
    if page is None:
        return "the page is no longer in the opportunity database"
    if proposal.action == COMMENT:
        return None
    if not page.is_active:
        return f"the opportunity is closed ({page.stage})"
    now = normalised(proposal.changes[0]["field"], page.values.get(proposal.property or ""))
    return None if now == proposal.current_value else f"{proposal.property} is now {now or 'empty'}"


def _supersede(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> None:
    """Of open updates to the same property, and of a page's day comments, only the latest day's stays open."""
    con.execute(
        """
        UPDATE proposals SET status = ?, status_reason = 'a later day''s proposal replaces it', decided_at = ?
        WHERE proposal_id IN (
            SELECT proposal_id FROM (
                SELECT proposal_id, rank() OVER (PARTITION BY action, page_id, property ORDER BY proposed_on DESC) AS newest
                FROM proposals WHERE status = ? AND action IN (?, ?)
            ) WHERE newest > 1
        )
        """,
        [SUPERSEDED, now, OPEN, UPDATE, COMMENT],
    )


# ---- reading and deciding ----------------------------------------------------------------------------


def load(con: duckdb.DuckDBPyConnection, where: str = "TRUE", params: list | None = None) -> list[Proposal]:
    if not table_exists(con, "proposals"):
        return []
    cursor = con.execute(f"SELECT * FROM proposals WHERE {where} ORDER BY proposed_on, customer, proposal_id", params or [])
    columns = [c[0] for c in cursor.description]
    return [Proposal.from_row(dict(zip(columns, row, strict=True))) for row in cursor.fetchall()]


def open_proposals(con: duckdb.DuckDBPyConnection, se_id: str | None = None,
                   customers: list[str] | None = None) -> list[Proposal]:
    """Open proposals, an SE's only or some customers' only ('acme' finds 'Acme Corp')."""
    found = [p for p in load(con, "status = ?", [OPEN]) if se_id is None or p.se_id == se_id]
    if customers:
        wanted = [name_key(c) for c in customers]
        found = [p for p in found if any(name_key(p.customer).startswith(w) for w in wanted)]
    return found


def find(con: duckdb.DuckDBPyConnection, proposal_id: str) -> Proposal:
    """The proposal with this id (or unique id prefix); a one-line error naming what to do otherwise."""
    wanted = proposal_id.strip().lower()
    matches = load(con, "starts_with(proposal_id, ?)", [wanted]) if wanted else []
    if not matches:
        raise SePipelineError(f"no proposal {proposal_id!r}: list the open ones with `se-pipeline proposals`")
    if len(matches) > 1:
        raise SePipelineError(f"{proposal_id!r} starts {len(matches)} proposals' ids: give more of it")
    return matches[0]


def require_open(proposal: Proposal) -> None:
    if proposal.status == OPEN:
        return
    when = f" on {proposal.decided_at:%Y-%m-%d %H:%M}" if proposal.decided_at else ""
    who = f" by {proposal.decided_by}" if proposal.decided_by else ""
    why = f" ({proposal.status_reason})" if proposal.status_reason else ""
    raise SePipelineError(f"proposal {proposal.proposal_id} is {proposal.status}{who}{when}{why}: nothing to do")


def set_status(con: duckdb.DuckDBPyConnection, proposal_id: str, status: str, reason: str | None,
               by: str | None, at: dt.datetime) -> None:
    con.execute(
        "UPDATE proposals SET status = ?, status_reason = ?, decided_by = ?, decided_at = ? WHERE proposal_id = ?",
        [status, reason, by, at, proposal_id],
    )


def dismiss(con: duckdb.DuckDBPyConnection, proposal_id: str) -> Proposal:
    """Drop an open proposal; it is kept as dismissed, so the same change is not proposed again."""
    proposal = find(con, proposal_id)
    require_open(proposal)
    set_status(con, proposal.proposal_id, DISMISSED, None, current_user(), dt.datetime.now(dt.timezone.utc))
    return proposal


def current_user() -> str:
    """Who confirms at this terminal: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

