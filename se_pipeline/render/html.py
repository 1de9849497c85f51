"""The digest as HTML, for mail clients. Every piece of message text is escaped."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable

from se_pipeline.render.items import DigestItem
from se_pipeline.render.markdown import SECTION_TITLES, source_label


def _li(item: DigestItem) -> str:
    text = html.escape(item.text)
    if item.link and item.section != "tldr":
        anchors = [f'<a href="{html.escape(link, quote=True)}">{source_label(link)}</a>' for link in [item.link, *item.links]]
        text += f" ({', '.join(anchors)})"
    return f"<li>{text}</li>"


def render_html(items: Iterable[DigestItem], se_name: str, day: dt.date) -> str:
    items = [i for i in items if i.shown]
    parts = [f"<h1>Digest for {html.escape(se_name)}: {day.isoformat()}</h1>"]
    customers: dict[str, list[DigestItem]] = {}
    for item in sorted((i for i in items if i.customer), key=lambda i: (i.customer_rank, i.position)):
        customers.setdefault(item.customer, []).append(item)
    for customer, own in customers.items():
        parts.append(f"<h2>{html.escape(customer)} : {html.escape(own[0].customer_status or '')}</h2>")
        for section, title in SECTION_TITLES:
            lis = [_li(i) for i in own if i.section == section]
            if lis:
                parts.append(f"<h3>{title}</h3><ul>{''.join(lis)}</ul>")
    left_out = [_li(i) for i in items if i.section == "not_included"]
    if left_out:
        parts.append(f"<h2>Not included (uncertain)</h2><ul>{''.join(left_out)}</ul>")
    return "\n".join(parts) + "\n"
