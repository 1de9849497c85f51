"""Competitors: their names, from data only, and finding them in text (the one matcher the signal
rules, the artefacts and enablement use).

The names are the configured ones (`analysis.competitors`, `sources.feedback.competitors`) plus
every value of a competition property in the opportunity database (Competitor, Competitors,
Competition; a multi-select, or text separated by commas or semicolons) and of the competitor
columns of field feedback and win/loss notes. There is no built-in list: what counts as a
competitor is what the team wrote down. A competitor may go by other spellings
(`analysis.competitor_aliases`): a mention by one is reported under the competitor's name.
Matching is whole words, case-insensitive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import duckdb

from se_pipeline.warehouse import records, table_exists

__all__ = [
    "COMPETITION_PROPERTY",
    "alias_names",
    "competition_values",
    "competitor_pattern",
    "configured_aliases",
    "configured_competitors",
    "find_competitors",
    "known_competitors",
    "split_names",
]

COMPETITION_PROPERTY = re.compile(r"(?i)^\s*(?:competitors?|competition|competing vendors?|incumbents?)\s*$")
# Cells that say there is no competitor.
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")
_NONE = {"", "none", "n/a", "na", "-", "—", "null", "unknown", "tbd", "no competition"}


def split_names(value: object) -> list[str]:
    """A property or cell as names: a list's items, or text split at commas, semicolons and new
    lines, a trailing "(qualifier)" dropped; empty cells and 'None' / 'n/a' give no name."""
    if value is None:
        return []
    parts = value if isinstance(value, list) else re.split(r"[,;\n]", str(value))
    names = []
    for part in parts:
        text = str(part.get("name") if isinstance(part, dict) else part).strip(" \t-•*")
        # "Airbyte (self-hosted)": the qualifier says how they would run it; the competitor is Airbyte.
        text = _QUALIFIER.sub("", text).strip()
        if text.lower() not in _NONE and text not in names:
            names.append(text)
    return names


def competition_values(properties: dict) -> list[str]:
    """The names in an opportunity's competition property (empty when it has none)."""
    return [name for key, value in properties.items() if COMPETITION_PROPERTY.match(key) for name in split_names(value)]


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return tuple(seen.values())


def configured_competitors(settings: Any) -> tuple[str, ...]:
    """`analysis.competitors`, `sources.feedback.competitors` and the names `analysis.competitor_aliases`
    gives spellings for, without repeats."""
    # A feedback source that is off, or the demo's, names none.
    return _unique([
        *settings.analysis.competitors,
        *getattr(settings.sources.feedback, "competitors", []),
        *settings.analysis.competitor_aliases,
    ])


def configured_aliases(settings: Any) -> tuple[tuple[str, str], ...]:
    """`analysis.competitor_aliases` as (spelling, competitor's name) pairs: hashable, so a pattern
    built from them is cached."""
    return tuple(
        (spelling.strip(), name.strip())
        for name, spellings in settings.analysis.competitor_aliases.items()
        for spelling in spellings if spelling.strip()
    )


def alias_names(names: tuple[str, ...], aliases: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each other spelling (lower case) of one of `names` -> that competitor's name as `names` spells
    it (not a spelling that is the competitor's own name)."""
    canonical = {name.lower(): name for name in names}
    return {
        spelling.lower(): canonical[name.lower()]
        for spelling, name in aliases
        if name.lower() in canonical and spelling.lower() != name.lower()
    }


def known_competitors(
    con: duckdb.DuckDBPyConnection, configured: Iterable[str] = (), aliases: tuple[tuple[str, str], ...] = ()
) -> tuple[str, ...]:
    """The configured names, then those the warehouse's data names (opportunities' competition
    property, feedback's competitor column, win/loss notes' competitors), without repeats; a name
    the data spells by an alias of another is that other (a Competition cell "DDog" is Datadog)."""
    found = list(configured)
    found += [name for properties in _opportunity_properties(con) for name in competition_values(properties)]
    if table_exists(con, "stg_feedback"):
        found += [n for r in records(con, "SELECT competitor FROM stg_feedback") for n in split_names(r["competitor"])]
    if table_exists(con, "stg_win_loss"):
        found += [n for r in records(con, "SELECT competitors FROM stg_win_loss") for n in split_names(r["competitors"])]
    names = _unique(found)
    spelled = alias_names(names, aliases)
    return tuple(name for name in names if name.lower() not in spelled)


def _opportunity_properties(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Each opportunity's properties (a dict), in page order."""
    if not table_exists(con, "opportunities") or not con.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'opportunities' AND column_name = 'properties'"
    ).fetchall():
        return []
    found = []
    for (properties,) in con.execute("SELECT properties FROM opportunities ORDER BY page_id").fetchall():
        if isinstance(properties, str):
            try:
                properties = json.loads(properties)
            except ValueError:
                properties = {}
        found.append(properties if isinstance(properties, dict) else {})
    return found


@lru_cache(maxsize=32)
def competitor_pattern(names: tuple[str, ...], aliases: tuple[tuple[str, str], ...] = ()) -> re.Pattern[str]:
    """Any of `names`, or another spelling of one (`aliases`), as a whole word or phrase,
    case-insensitive, the longest first (so "Grafana Cloud" wins over "Grafana"); not inside a host
    name ("docs.datadog"). With no names it finds nothing."""
    if not names:
        return re.compile(r"(?!x)x")
    spellings = [*(name.lower() for name in names), *alias_names(names, aliases)]
    alternatives = sorted(dict.fromkeys(spellings), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w])", re.IGNORECASE)


def find_competitors(text: str | None, names: tuple[str, ...], aliases: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Which of `names` `text` names, by name or another spelling (`aliases`), each once, in order of
    first mention."""
    names = _unique(names)
    if not text or not names:
        return []
    canonical = {name.lower(): name for name in names} | alias_names(names, aliases)
    found: list[str] = []
    for match in competitor_pattern(names, aliases).finditer(text):
        name = canonical[match.group(1).lower()]
        if name not in found:
            found.append(name)
    return found
