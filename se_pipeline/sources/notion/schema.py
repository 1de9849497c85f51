"""Which property of the opportunity database holds each field: read from the database, not assumed.

Teams name their properties their own way ("Account", "Deal Stage", "Sales Engineer", "Primary
Domain", "Workspace ID"). `map_properties` picks one property per field from the names (and, in API
mode, the Notion types) a database has:

1. a property the settings name (`sources.notion.properties`) wins;
2. else the first of the field's usual names the database has (case, spaces and punctuation aside);
3. else a property whose name reads as the field (e.g. "Assigned Solutions Engineer"), the SE never
   in a property named for the account executive or the owner of the account or deal;
4. the SE falls back to a plain "Owner" only when nothing is named for a sales engineer, and in API
   mode the stage to the one `status` property.
A property of a type that cannot hold the field (a date for the customer) is passed over, and one
property serves one field. What no field uses is listed, so `doctor` can show the whole picture.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from se_pipeline.errors import SourceError

TEXT = "text"  # the type of every CSV column: a CSV says nothing about types

# The opportunity fields, in the order they claim properties (the SE before anything "owner"-like).
FIELDS = ("title", "customer", "se", "stage", "amount", "close_date", "domain", "workspace_id", "poc_end", "probability",
          "next_step")


@dataclass(frozen=True)
class FieldNames:
    """The usual property names of each field, most likely first (compared without case or punctuation)."""

    customer: tuple[str, ...] = (
        "Customer", "Account", "Account Name", "Company", "Company Name", "Customer Name", "Organization",
        "Organisation", "Client", "Client Name",
    )
    se: tuple[str, ...] = (
        "SE", "Sales Engineer", "Solutions Engineer", "Solution Engineer", "Solutions Consultant",
        "Solution Consultant", "Sales Consultant", "Presales", "Presales Engineer", "Presales Consultant",
        "Technical Owner", "Technical Lead", "Solutions Architect", "Solution Architect", "SE Owner", "Assigned SE",
    )
    stage: tuple[str, ...] = ("Stage", "Deal Stage", "Opportunity Stage", "Pipeline Stage", "Sales Stage", "Status", "Deal Status", "Phase")
    amount: tuple[str, ...] = (
        "Amount", "ARR", "ACV", "Deal Size", "Deal Value", "Value", "Annual Value", "Contract Value", "TCV", "Expected Revenue",
    )
    close_date: tuple[str, ...] = ("Close Date", "Expected Close Date", "Expected Close", "Closing Date", "Target Close Date", "Close")
    domain: tuple[str, ...] = ("Domain", "Primary Domain", "Company Domain", "Account Domain", "Website", "Company Website", "Email Domain", "URL")
    workspace_id: tuple[str, ...] = (
        "Workspace ID", "Workspace", "Account ID", "Tenant", "Tenant ID", "Org ID", "Organization ID", "Instance ID", "Trial Workspace",
    )
    poc_end: tuple[str, ...] = (
        "POC End", "POC End Date", "Trial End", "Trial End Date", "Pilot End", "Pilot End Date", "Evaluation End", "POC Deadline",
    )
    probability: tuple[str, ...] = ("Probability", "Win Probability", "Likelihood", "Confidence", "Close Probability")
    next_step: tuple[str, ...] = ("Next Step", "Next Steps", "Next Action", "Next Actions", "Action Items")


# A name that reads as the field when no usual name is present (matched on the normalised name).
_READS_AS = {
    "customer": re.compile(r"\b(account|customer|company|client|organi[sz]ation)\b"),
    "se": re.compile(r"\b(se|sales engineer|solutions? (engineer|consultant|architect)|pre ?sales|technical (owner|lead))\b"),
    "stage": re.compile(r"\bstage\b"),
    "amount": re.compile(r"\b(amount|arr|acv|tcv|deal (size|value))\b"),
    "close_date": re.compile(r"\bclose\b.*\bdate\b|\bclose date\b"),
    "domain": re.compile(r"\b(domain|website)\b"),
    "workspace_id": re.compile(r"\b(workspace|tenant)\b|\b(account|org|organi[sz]ation|instance) id\b"),
    "poc_end": re.compile(r"\b(poc|trial|pilot|evaluation)\b.*\b(end|ends|deadline)\b"),
    "probability": re.compile(r"\bprobability\b"),
    "next_step": re.compile(r"\bnext (step|action)s?\b"),
}
# Never the SE: the account executive and owners of the account or deal.
_NOT_SE = re.compile(r"\b(ae|account executive|account (owner|manager)|opportunity owner|deal owner|csm|sales rep)\b")
# Never the customer: other facts about the account ("Account ID", "Account Owner", "Customer Tier").
_NOT_CUSTOMER = re.compile(
    r"\b(id|owner|executive|manager|domain|website|url|email|type|tier|segment|status|stage|health|number|size|plan|"
    r"region|contact|success|since|ae|csm|rep)\b"
)
_SE_FALLBACK = ("Owner",)

# Notion types that can hold each field (CSV columns are TEXT and fit every field).
_TYPES = {
    "title": {"title"},
    "customer": {"rich_text", "select", "multi_select", "relation", "formula", "rollup"},
    "se": {"people", "rich_text", "select", "multi_select", "email", "formula", "rollup"},
    "stage": {"status", "select", "rich_text", "formula"},
    "amount": {"number", "rich_text", "formula", "rollup"},
    "close_date": {"date", "rich_text", "formula", "rollup"},
    "domain": {"url", "rich_text", "email", "formula", "rollup"},
    "workspace_id": {"rich_text", "select", "number", "formula", "rollup"},
    "poc_end": {"date", "rich_text", "formula", "rollup"},
    "probability": {"number", "rich_text", "select", "formula"},
    "next_step": {"rich_text"},
}


def normalised(name: str) -> str:
    """'Deal-Stage ' -> 'deal stage': how property names are compared."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split())


@dataclass(frozen=True)
class PropertyMapping:
    """field -> the property that holds it (None: the database has none); `unused`: the rest."""

    fields: dict[str, str | None]
    unused: tuple[str, ...] = field(default=())

    def __getitem__(self, name: str) -> str | None:
        return self.fields.get(name)

    def describe(self) -> str:
        """'customer ← Account, se ← Sales Engineer, …; not used: AE Owner, Region' (for doctor)."""
        mapped = ", ".join(f"{name} ← {prop}" if prop else f"{name}: none" for name, prop in self.fields.items())
        return f"{mapped}; not used: {', '.join(self.unused) or 'nothing'}"


def map_properties(
    types: Mapping[str, str],
    explicit: Mapping[str, str | None] | None = None,
    *,
    names: FieldNames = FieldNames(),
    title: str | None = None,
    setting: str = "sources.notion.properties",
) -> PropertyMapping:
    """Choose a property per field from `types` (property name -> Notion type, TEXT for CSV columns).

    `explicit`: field -> property name from the settings; a name the database lacks is a SourceError.
    `title`: the title property when the caller knows it (a CSV's first column).
    """
    by_key = {normalised(name): name for name in types}
    chosen: dict[str, str | None] = {}
    for name, wanted in (explicit or {}).items():
        if wanted is None:
            continue
        prop = by_key.get(normalised(wanted))
        if prop is None:
            raise SourceError(
                f"notion: {setting}.{name} names {wanted!r}, but the database has no such property "
                f"(it has: {', '.join(types)})"
            )
        chosen[name] = prop
    taken = set(chosen.values())

    def fits(name: str, prop: str) -> bool:
        return prop not in taken and (types[prop] == TEXT or types[prop] in _TYPES[name])

    def claim(name: str, prop: str | None) -> None:
        chosen[name] = prop
        if prop:
            taken.add(prop)

    for name in FIELDS:
        if name in chosen:
            continue
        if name == "title":
            claim(name, title or next((p for p, kind in types.items() if kind == "title"), None))
            continue
        usual = [by_key.get(normalised(n)) for n in getattr(names, name)]
        found = next((p for p in usual if p and fits(name, p)), None)
        if found is None:
            found = next((p for p in types if fits(name, p) and _reads_as(name, normalised(p))), None)
        claim(name, found)
    if chosen.get("se") is None:
        claim("se", next((by_key[k] for k in map(normalised, _SE_FALLBACK) if k in by_key and fits("se", by_key[k])), None))
    if chosen.get("stage") is None:
        statuses = [p for p, kind in types.items() if kind == "status" and p not in taken]
        claim("stage", statuses[0] if len(statuses) == 1 else None)
    ordered = {name: chosen.get(name) for name in FIELDS}
    return PropertyMapping(ordered, tuple(p for p in types if p not in taken))


def _reads_as(name: str, key: str) -> bool:
    if (name == "se" and _NOT_SE.search(key)) or (name == "customer" and _NOT_CUSTOMER.search(key)):
        return False
    return bool(_READS_AS[name].search(key))
