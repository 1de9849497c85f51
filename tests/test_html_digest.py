"""The HTML digest: a complete, self-contained page a person can open anywhere, in which message text
stays text. The last test opens it in headless Chromium and keeps a screenshot."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from se_pipeline.render import DigestItem, render_html, render_markdown
from se_pipeline.render.html import IndexEntry, render_index
from se_pipeline.render.links import safe_href

DAY = dt.date(2026, 3, 4)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
HOSTILE = ('<script>document.body.setAttribute("data-pwned", "script")</script> '
           '<img src=x onerror="document.body.setAttribute(\'data-pwned\', \'img\')"> is the SSO doc ready?')


def item(section: str, text: str, customer: str | None = "Northwind Labs", position: int = 0, **fields) -> DigestItem:
    defaults = dict(se_id="sam", digest_date=DAY, customer=customer, customer_status="Evaluation",
                    customer_rank=0 if customer == "Northwind Labs" else 1, section=section, position=position,
                    shown=True, text=text, link="https://chat.example.slack.com/archives/C1/p1")
    return DigestItem(**{**defaults, **fields})


def digest() -> list[DigestItem]:
    return [
        item("tldr", "Answer Northwind on SSO", link=None),
        item("know", "Pilot usage doubled this week", position=0),
        item("todo", HOSTILE + " (open 3 days)", position=0, age_days=3),
        item("todo", "Send the sizing sheet (due Thu 5 Mar; open 1 day)", position=1, age_days=1,
             link="javascript:alert(document.cookie)"),
        item("todo", "Reply about the renewal", position=2, shown=False),
        item("know", "Security review booked", customer="Blue Harbor", link="mailto:sec@blueharbor.example"),
        item("not_included", "Email from a dentist: appointment", customer=None, link="https://mail.google.com/x"),
    ]


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's parser sees them."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_a_complete_self_contained_page():
    page = render_html(digest(), "Sam Roe", DAY)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and "<style>" in page
    tags = Elements(page).tags
    assert not [t for t, a in tags if t in ("script", "link", "iframe", "object", "embed")]
    assert not [a for t, a in tags if "src" in a]  # nothing fetched from anywhere


def test_customers_are_cards_with_owed_items_first_with_age_and_the_overflow_line():
    page = render_html(digest(), "Sam Roe", DAY)
    northwind = page.split('<section class="card">')[1]
    assert northwind.index("You owe") < northwind.index("Things to know")
    assert "(open 3 days)" in northwind and "(due Thu 5 Mar; open 1 day)" in northwind
    assert "…and 1 more:" in northwind and "se-pipeline query" in northwind and "section = &#39;todo&#39;" in northwind
    assert page.count('<section class="card">') == 3  # two customers and the not-included part
    assert "Not included" in page.split('<section class="card">')[3]


def test_every_citation_of_a_line_is_a_link():
    line = item("todo", "Send the bridge letter (open 2 days)", age_days=2,
                links=["https://mail.google.com/mail/u/0/#search/rfc822msgid%3Ax1"])
    anchors = [a["href"] for t, a in Elements(render_html([line], "Sam Roe", DAY)).tags if t == "a"]
    assert anchors == ["https://chat.example.slack.com/archives/C1/p1", "https://mail.google.com/mail/u/0/#search/rfc822msgid%3Ax1"]


def test_links_are_http_or_mailto_and_message_text_is_inert():
    page = render_html(digest(), "Sam Roe", DAY)
    parsed = Elements(page)
    hrefs = [a["href"] for t, a in parsed.tags if t == "a"]
    assert hrefs and all(re.match(r"(https?:|mailto:)", h) for h in hrefs)
    assert not any(a.get("onerror") for _, a in parsed.tags)
    assert "<script>" in "".join(parsed.text)  # shown as text, never as an element
    assert safe_href(" JavaScript:alert(1)") is None and safe_href("data:text/html,x") is None


def test_an_empty_day_says_nothing_needs_you_and_markdown_is_unchanged():
    assert "Nothing needs you today." in render_html([], "Sam Roe", DAY)
    markdown = render_markdown(digest(), "Sam Roe", "sam", DAY)
    assert markdown.startswith("# Digest for Sam Roe: 2026-03-04") and "<script>" not in markdown


def test_the_day_index_lists_every_se():
    page = render_index(DAY, [IndexEntry("sam", "Sam Roe", "sam.html", 3, 2, 2), IndexEntry("lee", "Lee <Ng>", "lee.html", 0, 1, 1)])
    links = [a["href"] for t, a in Elements(page).tags if t == "a"]
    assert links == ["sam.html", "lee.html"] and "Lee &lt;Ng&gt;" in page


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


# The flags this machine needs (no sandbox as root, no network beyond the page, a fresh profile).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_the_page_renders_in_headless_chromium_with_message_text_inert(tmp_path):
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs Debian's chromium (.ci/run) for this test")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    page = tmp_path / "sam.html"
    page.write_text(render_html(digest(), "Sam Roe", DAY), encoding="utf-8")
    run = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*run, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = Elements(dom.stdout)
    body = next(a for t, a in rendered.tags if t == "body")
    assert "data-pwned" not in body  # neither the <script> nor the onerror= ran
    assert not [t for t, _ in rendered.tags if t in ("script", "img")]
    assert all(re.match(r"(https?:|mailto:)", a["href"]) for t, a in rendered.tags if t == "a")
    assert "Nothing" not in dom.stdout and "Northwind Labs" in "".join(rendered.text)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "digest.png"
    shot.unlink(missing_ok=True)
    taken = subprocess.run([*run, f"--screenshot={shot}", "--window-size=1000,1200", page.as_uri()],
                           capture_output=True, text=True, timeout=120)
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


HOSTILE_LINKS = ["javascript:alert(8)//www.notion.so/p1", "https://calls.example/c1)[Slack](javascript:alert(1)",
           "file:///srv/usage.csv#account=northwind&from=2026-03-01&to=2026-03-04"]


def test_a_link_from_source_data_is_live_only_when_http_or_mailto_in_markdown():
    line = item("know", "Stage moved to Proposal", link=HOSTILE_LINKS[0], links=HOSTILE_LINKS[1:])
    markdown = render_markdown([line], "Sam Roe", "sam", DAY)
    bullet = next(b for b in markdown.splitlines() if b.startswith("- Stage moved"))
    targets = re.findall(r"\]\(([^)]*)\)", bullet)
    # one live link: the http one, whose ")" can no longer end it early and smuggle a second link in
    assert targets == ["https://calls.example/c1%29[Slack]%28javascript:alert%281%29"]
    assert "Notion: javascript:alert(8)//www.notion.so/p1" in bullet  # shown as text
    assert "usage data: file:///srv/usage.csv#account=northwind" in bullet


def test_a_link_that_is_not_http_or_mailto_is_text_in_html():
    line = item("know", "Stage moved to Proposal", link=HOSTILE_LINKS[0], links=[HOSTILE_LINKS[2]])
    parsed = Elements(render_html([line], "Sam Roe", DAY))
    assert [a for t, a in parsed.tags if t == "a" and "javascript" in a.get("href", "")] == []
    text = "".join(parsed.text)
    assert "javascript:alert(8)//www.notion.so/p1" in text and "file:///srv/usage.csv" in text
