"""How well the Gmail connector separates new text, quoted history and signatures.

Runs the connector's own parsing (se_pipeline.sources.gmail.connector) over mailgun/talon's real reply
fixtures in ../shared/data/email-reply-quote-talon-fixtures and prints how many come out right:

* quotes: standard_replies/*.eml (expected new text: <name>_reply_text, else "Hello"), the
  html_replies/*.html layouts (expected "Hi. I am fine. Thanks, Alex"), OLK_SRC_BODY_SECTION.html
  ("Reply"), reply-separated-by-hr.html ("Hi there Bob") and reply-quotations-share-block.eml
  (non-empty, no "From"). Compared ignoring whitespace; "new text" is body + signature, since
  talon's expectations keep the signature.
* clean body: the same fixtures, where the body alone must also drop the signature
  ("Hello", "Hi. I am fine.").
* signatures: signature/emails/stripped/<name>_body with <name>_signature (and _sender), and
  signature/emails/P/* whose signature lines are marked "#sig#" (quoted lines "#reply#").

Usage: python bench/email_stripping.py [--verbose] [--fixtures DIR]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from se_pipeline.sources.gmail.html_text import html_to_text
from se_pipeline.sources.gmail.mime import message_text, parse_message
from se_pipeline.sources.gmail.quotes import _sender_names as sender_names
from se_pipeline.sources.gmail.quotes import (
    split_email_text,
    split_quoted,
    split_signature,
)

DEFAULT_FIXTURES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "email-reply-quote-talon-fixtures"
_WS = re.compile(r"\s+")


def _same(a: str, b: str) -> bool:
    return _WS.sub("", a) == _WS.sub("", b)


def _reply_cases(root: Path) -> list[tuple[str, str, str, str | None]]:
    """(name, readable text, expected new text, expected clean body or None)."""
    cases = []
    for eml in sorted((root / "standard_replies").glob("*.eml")):
        expected_file = eml.with_name(eml.stem + "_reply_text")
        expected = expected_file.read_text(encoding="utf-8").strip() if expected_file.exists() else "Hello"
        text = message_text(parse_message(eml.read_bytes())).text
        cases.append((f"standard_replies/{eml.name}", text, expected, "Hello"))
    for html in sorted((root / "html_replies").glob("*.html")):
        text = html_to_text(html.read_text(encoding="utf-8"))
        cases.append(
            (
                f"html_replies/{html.name}",
                text,
                "Hi. I am fine.\n\nThanks,\nAlex",
                "Hi. I am fine.",
            )
        )
    olk = root / "OLK_SRC_BODY_SECTION.html"
    cases.append((olk.name, html_to_text(olk.read_text(encoding="utf-8")), "Reply", None))
    hr = root / "reply-separated-by-hr.html"
    cases.append((hr.name, html_to_text(hr.read_text(encoding="utf-8")), "Hi there Bob", None))
    return cases


def _signature_cases(root: Path) -> list[tuple[str, str, str, str]]:
    """(name, text, expected signature, sender)."""
    cases = []
    stripped = root / "signature" / "emails" / "stripped"
    for body in sorted(stripped.glob("*_body")):
        name = body.name[: -len("_body")]
        expected = (stripped / f"{name}_signature").read_text(encoding="utf-8")
        sender = (stripped / f"{name}_sender").read_text(encoding="utf-8").strip()
        text = body.read_text(encoding="utf-8").replace("#sig#", "")
        cases.append((f"stripped/{name}", text, expected.replace("#sig#", ""), sender))
    positives = root / "signature" / "emails" / "P"
    for path in sorted(positives.iterdir()):
        if path.name.endswith("_sender"):
            continue
        raw = path.read_text(encoding="utf-8")
        if "#sig#" not in raw:
            continue  # unmarked: nothing to compare with
        sender_file = positives / f"{path.name.removesuffix('_body')}_sender"
        sender = sender_file.read_text(encoding="utf-8").strip() if sender_file.exists() else ""
        if path.name == "102682_R_S":  # a news post with its own headers: sender from its From line
            sender = "John Doe"
            raw = raw.split("\n\n", 1)[1]
        signature = "\n".join(l[len("#sig#") :] for l in raw.splitlines() if l.startswith("#sig#"))
        text = raw.replace("#sig#", "").replace("#reply#", "")
        cases.append((f"P/{path.name}", text, signature, sender))
    return cases


def _sender_parts(sender: str) -> tuple[str | None, str | None]:
    return (None, sender) if "@" in sender else (sender or None, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--verbose", action="store_true", help="show each failure")
    args = parser.parse_args()
    root = args.fixtures.resolve()

    quote_ok = clean_ok = clean_total = 0
    replies = _reply_cases(root)
    for name, text, expected, expected_body in replies:
        split = split_email_text(text)
        new_text = (split.body + "\n" + split.signature).strip()
        if _same(new_text, expected):
            quote_ok += 1
        elif args.verbose:
            print(f"QUOTE MISS {name}:\n  got      {new_text!r}\n  expected {expected!r}")
        if expected_body is not None:
            clean_total += 1
            if _same(split.body, expected_body):
                clean_ok += 1
            elif args.verbose:
                print(f"BODY MISS {name}:\n  got      {split.body!r}\n  expected {expected_body!r}")

    share = root / "reply-quotations-share-block.eml"
    share_text = split_quoted(message_text(parse_message(share.read_bytes())).text)[0]
    share_ok = bool(share_text.strip()) and "From" not in share_text
    if not share_ok and args.verbose:
        print(f"QUOTE MISS {share.name}: {share_text!r}")

    sig_ok = 0
    signatures = _signature_cases(root)
    for name, text, expected, sender in signatures:
        new_text, _ = split_quoted(text)
        _, signature = split_signature(new_text, sender_names(*_sender_parts(sender)))
        if _same(signature, expected):
            sig_ok += 1
        elif args.verbose:
            print(f"SIGNATURE MISS {name}:\n  got      {signature!r}\n  expected {expected!r}")

    total_quotes = len(replies) + 1
    print(f"quoted history separated correctly: {quote_ok + share_ok}/{total_quotes}")
    print(f"clean body (signature also removed): {clean_ok}/{clean_total}")
    print(f"signature extracted exactly:         {sig_ok}/{len(signatures)}")
    overall = quote_ok + share_ok + sig_ok
    print(f"overall:                             {overall}/{total_quotes + len(signatures)}")


if __name__ == "__main__":
    main()
