"""The digest as Markdown, in the format DESIGN.md fixes:

    <customer> : <New | opportunity stage>
    TLDR: …   Todo: …   Things to know: …
and a closing part listing what was left out as uncertain. Empty sections are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from se_pipeline.render.items import DigestItem
from se_pipeline.render.links import markdown_target, safe_href, source_label

SECTION_TITLES = (("tldr", "TLDR"), ("todo", "Todo"), ("know", "Things to know"))
def _escape(text: str) -> str:
    # Message text must not turn into Markdown links, images or HTML when rendered.
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"([\\`\[\]<>])", r"\\\1", text)


def _citation(link: str) -> str:
    href = safe_href(link)
    if href is None:  # not http(s) or mailto: shown as text, never a live link
        return f"{source_label(link)}: {_escape(link)}"
    return f"[{source_label(href)}]({markdown_target(href)})"


def _bullet(item: DigestItem) -> str:
    line = f"- {_escape(item.text)}"
    if item.link and item.section != "tldr":
        line += " (" + ", ".join(_citation(link) for link in [item.link, *item.links]) + ")"
    return line


def overflow_query(hidden: list[DigestItem], se_id: str, day: dt.date) -> str:
    """The `se-pipeline query` command that lists a section's items left out of the digest."""
    first = hidden[0]
    customer = (first.customer or "").replace("'", "''")
    where = f"se_id = '{se_id}' AND digest_date = '{day}' AND section = '{first.section}'"
    if first.customer:
        where += f" AND customer = '{customer}'"
    return f'se-pipeline query "SELECT text, link FROM digest_items WHERE {where} ORDER BY position"'


def _overflow(items: list[DigestItem], se_id: str, day: dt.date) -> str | None:
    hidden = [i for i in items if not i.shown]
    if not hidden:
        return None
    return f"- …and {len(hidden)} more: `{overflow_query(hidden, se_id, day)}`"


def day_title(day: dt.date, as_of: dt.datetime | None) -> str:
    """'2026-10-29', or '2026-10-29, as of 14:05' for a day not over when its data was read."""
    return day.isoformat() + (f", as of {as_of:%H:%M}" if as_of else "")


def render_markdown(
    items: Iterable[DigestItem], se_name: str, se_id: str, day: dt.date, as_of: dt.datetime | None = None
) -> str:
    """`as_of`: the local time the day's data was read, when the day was not over (a "today so far" digest)."""
    items = list(items)
    lines = [f"# Digest for {se_name}: {day_title(day, as_of)}", ""]
    customers: dict[str, list[DigestItem]] = {}
    for item in sorted((i for i in items if i.customer), key=lambda i: (i.customer_rank, i.section, i.position)):
        customers.setdefault(item.customer or "", []).append(item)  # each has one: filtered above
    if not customers:
        lines += ["Nothing needs you today.", ""]
    for customer, own in customers.items():
        lines += [f"## {customer} : {own[0].customer_status}", ""]
        for section, title in SECTION_TITLES:
            section_items = [i for i in own if i.section == section]
            if not section_items:
                continue
            lines.append(f"{title}:")
            lines += [_bullet(i) for i in section_items if i.shown]
            more = _overflow(section_items, se_id, day)
            if more:
                lines.append(more)
            lines.append("")
    left_out = [i for i in items if i.section == "not_included"]
    if left_out:
        lines += ["## Not included (uncertain; look if you like)", ""]
        lines += [_bullet(i) for i in left_out if i.shown]
        more = _overflow(left_out, se_id, day)
        if more:
            lines.append(more)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
