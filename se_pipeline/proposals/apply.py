"""Applying one proposal to the opportunity database, only after the user confirms the exact change.

    apply_proposal(settings, proposal_id, confirm)

1. The proposal must be open (not applied, dismissed, stale or superseded).
2. Notion is read again (read-only guard): the page, and the property's value now. A value that is no
   longer the one the proposal was made from makes it stale: it is marked so and nothing is written.
   (A new opportunity: a page for the customer that exists now does the same.)
3. The exact request is planned from what Notion holds (the property's type, the database's schema)
   and shown; `confirm(change)` decides. Declined: nothing is written.
4. Confirmed: a second client is made whose guard allows that one request and nothing else:
   `PATCH /v1/pages/{id}` with the proposed property only, `POST /v1/pages` into the configured
   database only, or `POST /v1/comments` on the proposal's page only. It is sent once (a failed
   write is not retried: it could have happened), and recorded in `proposal_changes` (who, when,
   before, after, the request and the id Notion answered with).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from se_pipeline.config import NotionApi, Settings
from se_pipeline.connectors import check_env_name
from se_pipeline.sources.notion import NOTION_READS, NotionDatabase, flatten_property
from se_pipeline.errors import SePipelineError, SourceError
from se_pipeline.proposals import store
from se_pipeline.proposals.proposal import APPLIED, COMMENT, CREATE, STALE, Proposal
from se_pipeline.proposals.values import Unwritable, normalised, property_value, rich_text
from se_pipeline.readonly import WriteAllowance
from se_pipeline.warehouse import connect, read_only_connection, transaction


class Stale(SePipelineError):
    """The page no longer holds what the proposal was made from."""


@dataclass(frozen=True)
class Change:
    """The exact request a proposal makes, planned from Notion as it is just before writing."""

    method: str  # PATCH | POST
    path: str  # under /v1: pages/<id>, pages, comments
    body: dict[str, Any]
    before: str | None
    after: str | None
    lines: list[str] = field(default_factory=list)  # what the user is shown


@dataclass(frozen=True)
class Applied:
    proposal: Proposal
    change: Change
    response_id: str | None


def apply_proposal(settings: Settings, proposal_id: str, confirm: Callable[[Change], bool]) -> Applied | None:
    """Apply an open proposal if `confirm` accepts its change; None when declined (nothing written)."""
    with read_only_connection(settings.database_path) as con:
        proposal = store.find(con, proposal_id)
    store.require_open(proposal)
    session = NotionSession(settings)
    try:
        change = session.plan(proposal)
    except Stale as exc:
        with connect(settings.database_path) as con:
            store.set_status(con, proposal.proposal_id, STALE, str(exc), None, _now())
        raise Stale(f"proposal {proposal.proposal_id} is stale: {exc}; nothing was written (it is marked stale)") from None
    if not confirm(change):
        return None
    response_id = session.write(proposal, change)
    applied_at, user = _now(), store.current_user()
    with connect(settings.database_path) as con, transaction(con):
        con.execute(
            "INSERT INTO proposal_changes BY NAME SELECT ? AS proposal_id, ? AS applied_at, ? AS applied_by, ? AS method, "
            "? AS path, ? AS page_id, ? AS property, ? AS before, ? AS after, ? AS request, ? AS response_id",
            [proposal.proposal_id, applied_at, user, change.method, f"/v1/{change.path}",
             response_id if proposal.action == CREATE else proposal.page_id, proposal.property, change.before,
             change.after, json.dumps(change.body, ensure_ascii=False), response_id],
        )
        store.set_status(con, proposal.proposal_id, APPLIED, None, user, applied_at)
    return Applied(proposal, change, response_id)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class NotionSession:
    """The configured opportunity database, read to plan a change and written once to make it."""

    def __init__(self, settings: Settings):
        notion = settings.sources.notion
        if not isinstance(notion, NotionApi):
            raise SePipelineError(
                "applying a proposal writes through the Notion API, and sources.notion is not in mode api: "
                "set mode: api with the database_id and a token_env whose integration may update content and insert comments"
            )
        check_env_name("sources.notion.token_env", notion.token_env)
        token = os.environ.get(notion.token_env)
        if not token:
            raise SourceError(f"notion: the environment variable {notion.token_env} is not set; put the integration's secret in it")
        self.config = notion
        self.token = token
        self.reader = self._database()

    def _database(self, writes: tuple[WriteAllowance, ...] = ()) -> NotionDatabase:
        notion = self.config
        return NotionDatabase(
            token=self.token, database_id=notion.database_id, data_source_id=notion.data_source_id,
            base_url=notion.base_url, token_env=notion.token_env,
            # A write is sent once: after a failure it may or may not have happened.
            max_retries=0 if writes else notion.max_retries, reads=() if writes else NOTION_READS,
            writes=writes,
        )

    # ---- planning ------------------------------------------------------------------------------

    def plan(self, proposal: Proposal) -> Change:
        if proposal.action == CREATE:
            return self._plan_create(proposal)
        page_id = proposal.page_id
        assert page_id is not None  # only a create has no page yet
        page = self._call(f"reading page {page_id}", lambda: self.reader.client.pages.retrieve(page_id))
        if page.get("archived") or page.get("in_trash"):
            raise Stale("the page is in Notion's trash")
        if proposal.action == COMMENT:
            return self._plan_comment(proposal)
        return self._plan_update(proposal, page)

    def _plan_update(self, proposal: Proposal, page: dict[str, Any]) -> Change:
        prop = (page.get("properties") or {}).get(proposal.property or "")
        if prop is None:
            raise Stale(f"the page has no property {proposal.property!r} now")
        field_name = proposal.changes[0]["field"]
        now = normalised(field_name, flatten_property(prop))
        if now != proposal.current_value:
            raise Stale(f"{proposal.property} is {now or 'empty'} in Notion now, not {proposal.current_value or 'empty'}")
        try:
            value = property_value(prop.get("type", ""), proposal.proposed_value)
        except Unwritable as exc:
            raise SePipelineError(f"proposal {proposal.proposal_id}: {proposal.property}: {exc}") from None
        lines = [f"{proposal.opportunity} ({proposal.page_url or proposal.page_id})",
                 f"  {proposal.property}: {proposal.current_value or '(empty)'} → {proposal.proposed_value}",
                 *_why(proposal), f"  request: PATCH /v1/pages/{proposal.page_id} (this property only)"]
        return Change("PATCH", f"pages/{proposal.page_id}", {"properties": {proposal.property: value}},
                      proposal.current_value, proposal.proposed_value, lines)

    def _plan_comment(self, proposal: Proposal) -> Change:
        spec = proposal.changes[0]
        items = rich_text(spec["heading"] + "\n")
        for line in spec["lines"]:
            items += rich_text(f"• {line['text']} ")
            if line.get("link"):
                items += rich_text("(source)", line["link"])
            items += rich_text("\n")
        if spec.get("more"):
            items += rich_text(f"…and {spec['more']} more in the digest")
        lines = [f"Comment on {proposal.opportunity} ({proposal.page_url or proposal.page_id}):",
                 *(f"  {line}" for line in proposal.proposed_value.splitlines()), *_why(proposal),
                 "  request: POST /v1/comments (on this page only)"]
        return Change("POST", "comments", {"parent": {"page_id": proposal.page_id}, "rich_text": items},
                      None, proposal.proposed_value, lines)

    def _plan_create(self, proposal: Proposal) -> Change:
        schema = self._call("reading the database's schema", self.reader.retrieve)
        types = self._call("reading the database's properties", lambda: self.reader.property_types(schema))
        parent = self._parent(schema)
        title = next((c["property"] for c in proposal.changes if c.get("field") == "title"), None)
        if title is None or title not in types:
            raise Stale(f"the database has no property {title!r} for the title now")
        if self._existing(parent, title, proposal.customer):
            raise Stale(f"a page whose title names {proposal.customer} is in the database now")
        properties, shown, left_out, children = {}, [], [], []
        for change in proposal.changes:
            if change.get("field") == "first_activity":
                children.append({"object": "block", "type": "paragraph", "paragraph": {"rich_text": [
                    *rich_text(f"First activity: {change['after']} "), *rich_text("(source)", change.get("link"))]}})
                shown.append(f"  page text: First activity: {change['after']} ({change.get('link')})")
                continue
            prop = change["property"]
            try:
                if prop not in types:
                    raise Unwritable("the database has no such property now")
                properties[prop] = property_value(types[prop], change["after"], user_id=change.get("user_id"))
                shown.append(f"  {prop}: {change['after']}")
            except Unwritable as exc:
                left_out.append(f"  left out: {prop} ({exc})")
        lines = [f"New page in the opportunity database {self.reader.id}:", *shown, *left_out, *_why(proposal),
                 "  request: POST /v1/pages (into this database only)"]
        body = {"parent": parent, "properties": properties, **({"children": children} if children else {})}
        return Change("POST", "pages", body, None, proposal.proposed_value, lines)

    def _parent(self, schema: dict[str, Any]) -> dict[str, str]:
        """Where a new page goes: the configured data source, the database's first one, or (an older
        Notion-Version) the database itself."""
        if self.reader.is_data_source:
            return {"type": "data_source_id", "data_source_id": self.reader.id}
        sources = schema.get("data_sources")
        if sources:
            return {"type": "data_source_id", "data_source_id": sources[0]["id"]}
        return {"type": "database_id", "database_id": self.reader.id}

    def _existing(self, parent: dict[str, str], title: str, customer: str) -> bool:
        query = {"filter": {"property": title, "title": {"contains": customer}}, "page_size": 1}
        if parent["type"] == "data_source_id":
            answer = self._call("looking for the customer's page", lambda: self.reader.client.data_sources.query(
                parent["data_source_id"], **query))
        else:
            answer = self._call("looking for the customer's page", lambda: self.reader.client.request(
                path=f"databases/{self.reader.id}/query", method="POST", body=query))
        return bool(answer.get("results"))

    # ---- writing -------------------------------------------------------------------------------

    def write(self, proposal: Proposal, change: Change) -> str | None:
        """Send the confirmed change, once, through a guard that allows it alone; Notion's id for the result."""
        writer = self._database((self._allowance(proposal, change),))
        answer = self._call(
            f"writing proposal {proposal.proposal_id} (it may or may not have been made: look at the page before trying again)",
            lambda: writer.client.request(path=change.path, method=change.method, body=change.body),
        )
        return answer.get("id")

    def _allowance(self, proposal: Proposal, change: Change) -> WriteAllowance:
        # The configured database, or the data source of it that planning read.
        databases = {_bare(self.reader.id), _parent_id(change.body.get("parent"))} - {""}

        def exactly(body: Any) -> str | None:
            if not isinstance(body, dict):
                return "the request has no JSON body"
            if proposal.action == CREATE:
                if _parent_id(body.get("parent")) not in databases:
                    return "a new page may only go into the configured opportunity database"
            elif proposal.action == COMMENT:
                if (body.get("parent") or {}).get("page_id") != proposal.page_id:
                    return "a comment may only go on the proposal's page"
            elif set(body) != {"properties"} or set(body["properties"]) != {proposal.property}:
                return f"only the property {proposal.property!r} may change"
            return None if body == change.body else "the request is not the change that was confirmed"

        # The operation comes from the proposal, never from the planned request.
        operation = {CREATE: "POST /pages", COMMENT: "POST /comments"}.get(proposal.action, f"PATCH /pages/{proposal.page_id}")
        return WriteAllowance(operation, exactly, f"proposal {proposal.proposal_id}")

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except HTTPResponseError as exc:
            code = getattr(exc.code, "value", exc.code)
            hint = {
                "unauthorized": f"the token in ${self.config.token_env} was refused",
                "restricted_resource": "the integration lacks a capability: give it update content and insert comments",
                "object_not_found": "Notion cannot find it: it was deleted, or is not shared with the integration",
            }.get(code, f"Notion answered {exc.status} {code}: {exc}")
            raise SourceError(f"notion: {what}: {hint}") from None
        except (RequestTimeoutError, httpx.TransportError) as exc:
            raise SourceError(f"notion: {what}: no answer from the API ({exc})") from None


def _why(proposal: Proposal) -> list[str]:
    return [f"  why: {proposal.reason}", *(f"  source: {link}" for link in proposal.links[:5])]


def _bare(notion_id: str) -> str:
    return notion_id.replace("-", "").lower()


def _parent_id(parent: Any) -> str:
    parent = parent if isinstance(parent, dict) else {}
    return _bare(parent.get("data_source_id") or parent.get("database_id") or "")

