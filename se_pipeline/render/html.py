"""The digest as a self-contained HTML page (and a day's index of every SE's page).

Rendered from Jinja2 templates (render/templates/) with autoescaping, so message text can never
become markup; links are kept only when they are http(s) or mailto. Items are read by field name,
so fields the digest gains (a due date) show without changes here. No external asset: the CSS is
inline and there are no scripts, so a page opens the same from a mail client, a file or a server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from jinja2 import Environment, PackageLoader, Undefined, select_autoescape

from se_pipeline.render.items import DigestItem
from se_pipeline.render.links import safe_href, source_label
from se_pipeline.render.markdown import day_title, overflow_query

# Owed things first: what the SE must do, then what they should know; the TLDR heads the card.
CARD_SECTIONS = (("todo", "You owe"), ("know", "Things to know"))


@dataclass
class Section:
    key: str
    title: str
    items: list[DigestItem]
    hidden: int = 0
    query: str | None = None  # lists the hidden items


@dataclass
class Card:
    customer: str
    status: str
    tldr: list[DigestItem] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def _section(key: str, title: str, items: list[DigestItem], se_id: str, day: dt.date) -> Section | None:
    if not items:
        return None
    hidden = [i for i in items if not i.shown]
    query = overflow_query(hidden, se_id, day) if hidden else None
    return Section(key, title, [i for i in items if i.shown], len(hidden), query)


def _cards(items: list[DigestItem], se_id: str, day: dt.date) -> list[Card]:
    by_customer: dict[str, list[DigestItem]] = {}
    for item in sorted((i for i in items if i.customer), key=lambda i: (i.customer_rank or 0, i.section, i.position)):
        by_customer.setdefault(item.customer or "", []).append(item)  # each has one: filtered above
    cards = []
    for customer, own in by_customer.items():
        card = Card(customer, own[0].customer_status or "", tldr=[i for i in own if i.section == "tldr" and i.shown])
        for key, title in CARD_SECTIONS:
            section = _section(key, title, [i for i in own if i.section == key], se_id, day)
            if section:
                card.sections.append(section)
        cards.append(card)
    return cards


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("se_pipeline.render", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=Undefined,  # a field a digest item does not have (yet) is simply absent
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_href"] = safe_href
    env.filters["source_label"] = source_label
    return env


def render_html(items: Iterable[DigestItem], se_name: str, day: dt.date, as_of: dt.datetime | None = None) -> str:
    """`as_of` as for render_markdown."""
    items = list(items)
    se_id = items[0].se_id if items else ""
    left_out = _section("not_included", "Not included (uncertain; look if you like)",
                        [i for i in items if i.section == "not_included"], se_id, day)
    return _environment().get_template("digest.html.j2").render(
        se_name=se_name, day=day.isoformat(), title=day_title(day, as_of), cards=_cards(items, se_id, day), left_out=left_out
    )


@dataclass
class IndexEntry:
    se_id: str
    se_name: str
    href: str  # the SE's page, relative to the index
    todo: int
    know: int
    customers: int


def render_index(day: dt.date, entries: list[IndexEntry]) -> str:
    """The day's page listing every SE's digest."""
    return _environment().get_template("index.html.j2").render(day=day.isoformat(), entries=entries)
