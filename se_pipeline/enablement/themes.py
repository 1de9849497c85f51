"""feedback_themes: the current and previous quarter's feedback items clustered into themes.

For each theme: a readable label, members this quarter and last (a theme with both *repeats*),
regions and segments (a theme from a single segment or a single region is flagged), customers and the linked active
opportunities' revenue, competitors, proof points and customer stories from win/loss notes, and a
suggested content format by rule:

    battlecard   at least 30% of the members name a competitor
    snippet      at least half the members are questions
    short deck   members from 2+ segments and at least 6 of them
    one-pager    otherwise

priority = members this quarter + 2 x customers + revenue at stake / 100,000 + 2 if it repeats.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import duckdb

from se_pipeline.competitors import alias_names, find_competitors
from se_pipeline.enablement.clustering import cluster_texts
from se_pipeline.enablement.items import Item
from se_pipeline.names import name_key
from se_pipeline.warehouse import replace_slice, table_exists

BATTLECARD_SHARE = 0.3
_QUESTION = re.compile(r"\?\s*$|^\s*(can|could|does|do|is|are|how|what|why|when|where|which|will)\b", re.IGNORECASE)


def quarter_of(day: dt.date) -> tuple[dt.date, str]:
    """(first day, name) of the quarter holding `day`: (2026-10-01, '2026-Q4')."""
    index = (day.month - 1) // 3
    return dt.date(day.year, 3 * index + 1, 1), f"{day.year}-Q{index + 1}"


def previous_quarter_start(day: dt.date) -> dt.date:
    start, _ = quarter_of(day)
    return quarter_of(start - dt.timedelta(days=1))[0]


@dataclass
class Theme:
    theme: str
    top_terms: list[str]
    items: list[Item]
    current: list[Item]
    previous: list[Item]
    opportunity_ids: list[str] = field(default_factory=list)
    revenue_at_stake: float = 0.0
    competitors: list[str] = field(default_factory=list)
    proof_points: list[str] = field(default_factory=list)
    customer_stories: list[str] = field(default_factory=list)
    suggested_format: str = "one-pager"
    priority: float = 0.0
    rank: int = 0

    @property
    def repeats(self) -> bool:
        return bool(self.current and self.previous)

    def _distinct(self, attr: str) -> list[str]:
        return sorted({getattr(i, attr) for i in self.items if getattr(i, attr)})

    @property
    def regions(self) -> list[str]:
        return self._distinct("region")

    @property
    def segments(self) -> list[str]:
        return self._distinct("segment")

    @property
    def customers(self) -> list[str]:
        return self._distinct("customer")

    @property
    def origins(self) -> list[str]:
        return self._distinct("origin")

    @property
    def main_competitors(self) -> list[str]:
        """Competitors named by at least BATTLECARD_SHARE of the members: the ones the theme is about."""
        counts = Counter(c for i in self.items for c in i.competitors)
        return [c for c in self.competitors if counts[c] >= BATTLECARD_SHARE * len(self.items)]

    @property
    def single_segment(self) -> bool:
        return len(self.segments) == 1

    @property
    def single_region(self) -> bool:
        return len(self.regions) == 1

    def examples(self, n: int = 3) -> list[str]:
        # This quarter's first, then last quarter's, each most typical of the theme first; no text twice.
        seen: list[str] = []
        for item in self.current + self.previous:
            if item.text not in seen:
                seen.append(item.text)
        return seen[:n]


def suggest_format(items: list[Item], segments: list[str]) -> str:
    if not items:
        return "one-pager"
    if sum(1 for i in items if i.competitors) >= BATTLECARD_SHARE * len(items):
        return "battlecard"
    if sum(1 for i in items if _QUESTION.search(i.text)) >= 0.5 * len(items):
        return "snippet"
    if len(segments) >= 2 and len(items) >= 6:
        return "short deck"
    return "one-pager"


def _opportunities(con: duckdb.DuckDBPyConnection) -> list[dict]:
    if not table_exists(con, "opportunities"):
        return []
    cursor = con.execute("SELECT page_id, name, customer, amount FROM opportunities WHERE is_active")
    return [dict(zip(("page_id", "name", "customer", "amount"), row, strict=True)) for row in cursor.fetchall()]


def _link_opportunities(item: Item, opportunities: list[dict]) -> list[dict]:
    """The item's own opportunity (by page id or name), else its customer's active opportunities."""
    if item.opportunity:
        wanted = item.opportunity.strip().lower()
        named = [o for o in opportunities if wanted in (o["page_id"].lower(), (o["name"] or "").lower())]
        if named:
            return named
    key = name_key(item.customer)
    return [o for o in opportunities if key and name_key(o["customer"]) == key]


def _win_loss_notes(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    if not table_exists(con, "stg_win_loss"):
        return {}
    cursor = con.execute("SELECT note_id, customer, outcome, decided_on, competitors, proof_points, summary FROM stg_win_loss")
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def build_themes(
    con: duckdb.DuckDBPyConnection,
    items: list[Item],
    as_of: dt.date,
    competitor_list: tuple[str, ...] = (),
    aliases: tuple[tuple[str, str], ...] = (),
) -> list[Theme]:
    """Cluster `items` (current and previous quarter) into ranked themes; a competitor named by another
    spelling (`aliases`) counts under its name."""
    if not items:
        return []
    quarter_start, _ = quarter_of(as_of)
    spelled = alias_names(competitor_list, aliases)
    for item in items:
        # Competitors named in the text count as much as a competitor column.
        named = [spelled.get(c.lower(), c) for c in item.competitors]
        item.competitors = list(dict.fromkeys(named + find_competitors(item.text, competitor_list, aliases)))
    clustering = cluster_texts([i.text for i in items])
    opportunities = _opportunities(con)
    notes = _win_loss_notes(con)
    themes: list[Theme] = []
    for cluster, label in enumerate(clustering.names):
        # Most typical first, so the quotes the board shows are the theme's own.
        ranked = sorted(zip(items, clustering.labels, clustering.strength, strict=True), key=lambda x: -x[2])
        members = [item for item, c, _ in ranked if c == cluster]
        if not members:
            continue
        theme = Theme(
            theme=label,
            top_terms=clustering.terms[cluster],
            items=members,
            current=[i for i in members if i.day >= quarter_start],
            previous=[i for i in members if i.day < quarter_start],
        )
        linked = {o["page_id"]: o for i in members for o in _link_opportunities(i, opportunities)}
        theme.opportunity_ids = sorted(linked)
        theme.revenue_at_stake = float(sum(o["amount"] or 0 for o in linked.values()))
        theme_notes = [notes[i.note_id] for i in members if i.note_id in notes]
        # The items' own mentions first, then the competitors of the deals their objections came from.
        counts = Counter(c for i in members for c in i.competitors)
        deal_competitors = (spelled.get(c.lower(), c) for n in theme_notes for c in (n["competitors"] or []))
        counts.update(c for c in deal_competitors if c not in counts)
        theme.competitors = [name for name, _ in counts.most_common()]
        theme.proof_points = list(dict.fromkeys(p for n in theme_notes for p in (n["proof_points"] or [])))
        theme.customer_stories = list(
            dict.fromkeys(
                f"{n['customer']} (won {n['decided_on']:%Y-%m-%d})" + (f": {n['summary']}" if n["summary"] else "")
                for n in theme_notes
                if n["outcome"] == "won"
            )
        )
        theme.suggested_format = suggest_format(members, theme.segments)
        theme.priority = (
            len(theme.current) + 2 * len(theme.customers) + theme.revenue_at_stake / 100_000 + (2 if theme.repeats else 0)
        )
        themes.append(theme)
    _unique_labels(themes)
    themes.sort(key=lambda t: (-t.priority, t.theme))
    for rank, theme in enumerate(themes, start=1):
        theme.rank = rank
    return themes


def _unique_labels(themes: list[Theme]) -> None:
    # Labels key the refresh plan; two themes with the same words get numbered.
    counts = Counter(t.theme for t in themes)
    seen: Counter = Counter()
    for theme in themes:
        if counts[theme.theme] > 1:
            seen[theme.theme] += 1
            theme.theme = f"{theme.theme} ({seen[theme.theme]})"


THEME_COLUMNS = (
    "initiative", "theme", "theme_rank", "quarter", "top_terms", "member_count", "current_quarter_count",
    "previous_quarter_count", "repeats_from_previous_quarter", "regions", "segments", "single_segment", "single_region",
    "customers", "opportunity_ids", "revenue_at_stake", "competitors", "proof_points", "customer_stories", "origins",
    "suggested_format", "priority", "examples", "item_ids", "computed_at",
)


def write_themes(
    con: duckdb.DuckDBPyConnection, initiative: str, themes: list[Theme], as_of: dt.date
) -> int:
    """Replace the initiative's rows of feedback_themes with `themes` (one transaction)."""
    _, quarter = quarter_of(as_of)
    now = dt.datetime.now(dt.timezone.utc)
    rows = [
        dict(zip(THEME_COLUMNS, (
            initiative, t.theme, t.rank, quarter, t.top_terms, len(t.items), len(t.current), len(t.previous),
            t.repeats, t.regions, t.segments, t.single_segment, t.single_region, t.customers, t.opportunity_ids,
            t.revenue_at_stake, t.competitors, t.proof_points, t.customer_stories, t.origins,
            t.suggested_format, t.priority, t.examples(), [i.item_id for i in t.items], now,
        ), strict=True))
        for t in themes
    ]
    return replace_slice(con, "feedback_themes", rows, {"initiative": initiative})
