"""A digest line's citations: which are live links, and what each is called.

Links come from source data (a Notion page's url, a call's url), so a hostile or broken one must
never become a live link: only http(s) and mailto are; anything else (javascript:, data:, file:, a
usage citation's file URI) is shown as text, in Markdown and HTML alike.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

SAFE_SCHEMES = ("http", "https", "mailto")
_LINK_LABEL = {
    "slack.com": "Slack",
    "mail.google.com": "email",
    "notion.so": "Notion",
    "notion.site": "Notion",
    "gong.io": "call",
    "file://": "usage data",  # usage facts cite the usage file (analysis/usage_facts.py usage_link)
}
# Characters that would end or break a Markdown link's target, percent-encoded in a live one; the
# rest (reserved characters, existing %-escapes) stay as they are.
_KEPT_IN_TARGET = ":/?#[]@!$&'*+,;=%~"


def source_label(link: str) -> str:
    """What a citation is called: Slack, email, Notion, call, usage data, else source."""
    for host, label in _LINK_LABEL.items():
        if host in link:
            return label
    return "source"


def safe_href(link: object) -> str | None:
    """The link if a browser would open it as a page or a mail (never javascript:, data:, …), else None."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        scheme = urlsplit(link.strip()).scheme.lower()
    except ValueError:
        return None
    return link.strip() if scheme in SAFE_SCHEMES else None


def markdown_target(href: str) -> str:
    """A live link's target as a Markdown link may hold it: no space, parenthesis or angle bracket that
    would end it early (and let the rest of the URL become a second link)."""
    return quote(href, safe=_KEPT_IN_TARGET)
