"""The opportunity database as proposals see it: each page with the property that holds each field
(detected as ingestion detects it), its values now, and which page a customer's news belongs to.

A customer often has several active opportunities (the main deal and an add-on). News belongs to
the one a record names ("Opportunity: Acme – EU Add-on"), else to the one whose own words (its name
without the customer's) the message uses most ("the trial", "the logs add-on"), else to the main
one: the furthest along, then the largest, then the last edited.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import duckdb

from se_pipeline.names import name_key
from se_pipeline.config import NotionApi, NotionExport, Settings
from se_pipeline.sources.notion import TEXT, PropertyMapping, map_properties
from se_pipeline.errors import SourceError
from se_pipeline.proposals import stages
from se_pipeline.proposals.stages import known_stages
from se_pipeline.proposals.values import normalised
from se_pipeline.warehouse import table_exists


@dataclass(frozen=True)
class Opportunity:
    page_id: str
    name: str
    customer: str | None
    se_id: str | None
    stage: str | None
    is_active: bool
    amount: float | None
    url: str | None
    values: dict[str, Any]  # property name -> flattened value
    types: dict[str, str]  # property name -> Notion type (TEXT for an export's columns)
    mapping: PropertyMapping

    def current(self, field_name: str) -> tuple[str, str | None] | None:
        """(property, normalised value) of a field, or None when the database has no property for it."""
        prop = self.mapping[field_name]
        return (prop, normalised(field_name, self.values.get(prop))) if prop else None


@dataclass
class OpportunityBook:
    """Every opportunity as last read, by page and by customer, and the stages the database uses."""

    pages: dict[str, Opportunity] = field(default_factory=dict)
    by_customer: dict[str, list[Opportunity]] = field(default_factory=lambda: defaultdict(list))
    stages: Counter[str] = field(default_factory=Counter)
    people: dict[str, str] = field(default_factory=dict)  # lower-case email or name -> Notion user id

    @property
    def mapping(self) -> PropertyMapping | None:
        """The database's mapping (every page shares its schema): that of the most recently read page."""
        return next(iter(self.pages.values())).mapping if self.pages else None

    def page_for(self, customer: str, se_id: str | None, said: str = "", record: str | None = None) -> Opportunity | None:
        """The active opportunity a customer's news is about (`said`: the message's words, `record`: an
        opportunity name a tool gave); None when the customer has none."""
        active = [o for o in self.by_customer.get(customer, []) if o.is_active]
        mine = [o for o in active if se_id and o.se_id == se_id] or active
        if len(mine) <= 1:
            return mine[0] if mine else None
        if record:
            named = [o for o in mine if name_key(o.name) and (name_key(record) in name_key(o.name) or name_key(o.name) in name_key(record))]
            if len(named) == 1:
                return named[0]
        words = set(re.findall(r"[a-z0-9]+", said.lower()))
        scored = sorted(((len(_own_words(o) & words), o.page_id) for o in mine), reverse=True)
        if scored[0][0] > 0 and scored[0][0] > scored[1][0]:
            return self.pages[scored[0][1]]
        return max(mine, key=lambda o: (stages.phase(o.stage) or 0, o.amount or 0, o.page_id))


def load_book(con: duckdb.DuckDBPyConnection, settings: Settings) -> OpportunityBook:
    book = OpportunityBook()
    if not (table_exists(con, "opportunities") and table_exists(con, "stg_opportunities")):
        return book
    rows = con.execute(
        """
        SELECT o.page_id, o.name, o.customer, o.se_id, o.stage, o.is_active, o.amount, o.url, o.properties, r.payload
        FROM opportunities o
        JOIN stg_opportunities r ON r.page_id = o.page_id AND r.partition_date = o.snapshot_date
        ORDER BY o.last_edited_time DESC NULLS LAST, o.page_id
        """
    ).fetchall()
    explicit = _explicit_properties(settings)
    for page_id, name, customer, se_id, stage, is_active, amount, url, properties, payload in rows:
        values = json.loads(properties) if properties else {}
        page = json.loads(payload) if payload else {}
        types = _types(values, page)
        title = next((p for p, kind in types.items() if kind == "title"), None) or next(
            (p for p, v in values.items() if v == name), None)
        try:
            mapping = map_properties(types, explicit, title=title)
        except SourceError:
            continue  # a property the settings name is missing: ingestion says so; nothing to propose
        opportunity = Opportunity(page_id, name or "", customer, se_id, stage, bool(is_active), amount, url, values, types,
                                  mapping)
        book.pages[page_id] = opportunity
        if customer:
            book.by_customer[customer].append(opportunity)
        book.people.update(_people(page))
    history = con.execute("SELECT stage FROM stg_opportunities").fetchall()
    book.stages = known_stages((s for (s,) in history), settings.terminal_stages)
    return book


def _explicit_properties(settings: Settings) -> dict[str, str | None]:
    notion = settings.sources.notion
    return notion.properties.model_dump() if isinstance(notion, (NotionApi, NotionExport)) else {}


def _types(values: dict[str, Any], page: dict[str, Any]) -> dict[str, str]:
    """Property types from the API's page object; an export's columns are all TEXT."""
    api = page.get("properties") if page.get("object") == "page" else None
    if isinstance(api, dict):
        return {name: (prop or {}).get("type", TEXT) for name, prop in api.items()}
    return {name: TEXT for name in values}


def _people(page: dict[str, Any]) -> dict[str, str]:
    """Notion users a page names (people properties), by lower-case email and name."""
    found = {}
    for prop in (page.get("properties") or {}).values() if page.get("object") == "page" else ():
        for user in (prop or {}).get("people") or [] if (prop or {}).get("type") == "people" else []:
            for key in (user.get("name"), (user.get("person") or {}).get("email")):
                if key and user.get("id"):
                    found[key.lower()] = user["id"]
    return found



_GENERIC = frozenset({"the", "and", "for", "with", "new", "inc", "corp", "ltd", "llc", "gmbh", "opportunity", "deal", "add",
                      "on", "of", "to", "in", "an", "fy"})


def _own_words(opportunity: Opportunity) -> set[str]:
    """The words of an opportunity's name that are not its customer's ('Acme – EU Region Add-on': eu, region, add, on)."""
    customer = set(re.findall(r"[a-z0-9]+", (opportunity.customer or "").lower()))
    return {w for w in re.findall(r"[a-z0-9]+", opportunity.name.lower()) if w not in customer and w not in _GENERIC and len(w) > 1}
