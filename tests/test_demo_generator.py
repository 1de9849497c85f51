"""The demo workspace: deterministic, parseable in its export formats, and consistent with its ground truth."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import json
import mailbox
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from se_pipeline.demo import (
    GENERATOR_VERSION,
    DemoScale,
    DemoWorkspace,
    ensure_demo_settings,
    ensure_demo_workspace,
    generate,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoWorkspace:
    return generate(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def expected(demo: DemoWorkspace) -> dict:
    return json.loads(demo.expected_path.read_text(encoding="utf-8"))


def file_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def read_mbox(path: Path) -> list:
    box = mailbox.mbox(path, factory=lambda f: BytesParser(policy=policy.default).parse(f), create=False)
    try:
        return list(box)
    finally:
        box.close()


def slack_messages(demo: DemoWorkspace) -> dict[str, dict]:
    """'<channel_id>:<ts>' -> message, over every conversation's day files."""
    folders = {}
    for name in ("channels.json", "groups.json", "mpims.json", "dms.json"):
        for conv in json.loads((demo.slack_dir / name).read_text()):
            folders[conv.get("name", conv["id"])] = conv["id"]
    found = {}
    for folder, channel_id in folders.items():
        for day_file in sorted((demo.slack_dir / folder).glob("*.json")):
            for message in json.loads(day_file.read_text()):
                found[f"{channel_id}:{message['ts']}"] = message
    return found


def all_items(expected: dict):
    for se_id, se in expected["ses"].items():
        for customer, facts in se["customers"].items():
            for item in facts["owed"] + facts["not_owed"]:
                yield se_id, customer, item
        for item in se["personal"]:
            yield se_id, None, item


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path: Path, demo: DemoWorkspace):
    again = file_bytes(generate(tmp_path / "again").root)
    assert again == file_bytes(demo.root)
    other = file_bytes(generate(tmp_path / "other", seed=7).root)
    assert other != again


def test_slack_export_layout_and_message_shapes(demo: DemoWorkspace):
    users = {u["id"]: u for u in json.loads((demo.slack_dir / "users.json").read_text())}
    channels = json.loads((demo.slack_dir / "channels.json").read_text())
    assert {"general", "random", "sales", "ext-acme-poc"} <= {c["name"] for c in channels}
    shared = [c for c in channels if c["name"].startswith("ext-")]
    assert shared and all(c["is_ext_shared"] for c in shared)
    # Slack names DM folders by conversation id, everything else (group DMs: mpdm-…) by name.
    named = {c["name"] for f in ("channels.json", "groups.json", "mpims.json")
             for c in json.loads((demo.slack_dir / f).read_text())}
    dm_ids = {dm["id"] for dm in json.loads((demo.slack_dir / "dms.json").read_text())}
    folders = {p.name for p in demo.slack_dir.iterdir() if p.is_dir()}
    assert folders <= named | dm_ids and folders & dm_ids
    assert any(name.startswith("mpdm-") for name in folders & named)
    for day_file in demo.slack_dir.glob("*/*.json"):
        messages = json.loads(day_file.read_text())
        assert isinstance(messages, list) and messages, day_file
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\.json", day_file.name)
    messages = slack_messages(demo)
    assert 300 <= len(messages) <= 600
    for key, message in messages.items():
        assert message["type"] == "message"
        for mention in re.findall(r"<@(U\w+)>", message["text"]):
            assert mention in users, f"{key} mentions unknown user {mention}"
        if message.get("subtype") == "bot_message":
            assert message["bot_id"] and message["username"]
        else:
            assert message["user"] in users
    subtypes = {m.get("subtype") for m in messages.values()}
    assert {"bot_message", "channel_join"} <= subtypes
    assert any("&amp;" in m["text"] for m in messages.values())
    assert any(m.get("files") for m in messages.values()) and any(m.get("edited") for m in messages.values())


def test_slack_threads_agree_with_their_replies(demo: DemoWorkspace):
    messages = slack_messages(demo)
    for key, parent in messages.items():
        if parent.get("reply_count"):
            channel = key.split(":")[0]
            replies = [m for k, m in messages.items() if k.startswith(channel + ":")
                       and m.get("thread_ts") == parent["ts"] and m["ts"] != parent["ts"]]
            assert [r["ts"] for r in sorted(replies, key=lambda m: m["ts"])] == [r["ts"] for r in parent["replies"]]
            assert parent["latest_reply"] == parent["replies"][-1]["ts"]


def test_every_mbox_message_parses_with_id_and_date(demo: DemoWorkspace):
    messages = [m for se in demo.sales_engineers for m in read_mbox(demo.gmail_dir / f"{se.id}.mbox")]
    assert 80 <= len(messages) <= 150
    ids = {m["Message-ID"] for m in messages}
    for message in messages:
        assert message["Message-ID"] and message["Date"].datetime.tzinfo is not None
        assert message["X-Gmail-Labels"] and message["X-GM-THRID"]
        if message["In-Reply-To"]:
            assert message["In-Reply-To"] in ids
    content_types = {m.get_content_type() for m in messages}
    assert {"multipart/alternative", "text/html", "text/plain", "multipart/mixed"} <= content_types
    latin1 = [m for m in messages if m.get_content_charset() == "iso-8859-1"]
    assert latin1 and "Grüße" in latin1[0].get_content()
    replies = [m for m in messages if m["In-Reply-To"]]
    assert any("wrote:\n\n> " in m.get_body(("plain",)).get_content() for m in replies)


def test_mbox_from_lines_are_takeout_style(demo: DemoWorkspace):
    lines = [line for line in (demo.gmail_dir / "alice.mbox").read_text(encoding="utf-8", errors="replace")
             .splitlines() if line.startswith("From ")]
    assert lines and all(re.fullmatch(r"From \d+@xxx \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \+0000 2026", x)
                         for x in lines)


def test_notion_export_csv_pages_and_comments(demo: DemoWorkspace):
    (csv_path,) = demo.notion_dir.glob("Opportunities *.csv")
    raw = csv_path.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Notion writes a BOM
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == ["Name", "Customer", "Stage", "SE", "Amount", "Close Date", "Tags", "Competitors",
                             "POC End", "Success Criteria", "Created time", "Last edited time"]
    assert len(rows) == 12
    assert {"Discovery", "Technical Validation", "Proposal", "Negotiation", "WIN", "Lost", "Transferred"} <= {
        r["Stage"] for r in rows}
    for row in rows:
        dt.datetime.strptime(row["Close Date"], "%B %d, %Y")
        pages = list((demo.notion_dir / csv_path.stem).glob(f"{row['Name']} " + "[0-9a-f]" * 32 + ".md"))
        assert len(pages) == 1 and pages[0].read_text().startswith(f"# {row['Name']}\n")
    page_ids = {p.stem[-32:] for p in (demo.notion_dir / csv_path.stem).glob("*.md")}
    comments = json.loads((demo.notion_dir / "comments.json").read_text())
    for comment in comments:
        assert comment["object"] == "comment" and comment["parent"]["type"] == "page_id"
        assert comment["parent"]["page_id"].replace("-", "") in page_ids
        assert comment["rich_text"][0]["plain_text"] and comment["created_by_name"]
        assert comment["created_time"].endswith(".000Z")


def test_usage_shows_a_drop_and_a_trial_that_never_started(demo: DemoWorkspace, expected: dict):
    rows = list(csv.DictReader(demo.usage_path.read_text().splitlines()))
    assert list(rows[0]) == ["customer", "date", "metric", "value"]
    customers = {r["customer"] for r in rows}
    assert "Initech" not in customers and expected["trial_not_started"] == ["Initech"]

    def week(first: str, last: str) -> float:
        return sum(float(r["value"]) for r in rows if r["customer"] == "Umbrella Health"
                   and r["metric"] == "events" and first <= r["date"] <= last)

    assert week("2026-10-25", "2026-10-31") < 0.7 * week("2026-10-18", "2026-10-24")
    assert expected["usage_drop"] == ["Umbrella Health"]


def test_expected_references_exist_in_the_files(demo: DemoWorkspace, expected: dict):
    slack = slack_messages(demo)
    mail_ids = {se.id: {m["Message-ID"] for m in read_mbox(demo.gmail_dir / f"{se.id}.mbox")}
                for se in demo.sales_engineers}
    comment_ids = {c["id"] for c in json.loads((demo.notion_dir / "comments.json").read_text())}
    refs = 0
    for se_id, _, item in all_items(expected):
        for ref in [item] + item.get("related", []) + ([item["resolved_by"]] if "resolved_by" in item else []):
            refs += 1
            if ref["source"] == "slack":
                assert ref["key"] in slack, ref
            elif ref["source"] == "gmail":
                assert ref["key"] in mail_ids[se_id], ref
            else:
                assert ref["key"] in comment_ids, ref
            assert ref["activity_id"] == f"{ref['source']}:{ref['key']}"
    assert refs > 40


def test_ground_truth_tells_the_story(expected: dict):
    owed = {(se, customer, item["id"]) for se, customer, item in all_items(expected) if item["status"] == "open"}
    assert ("alice", "Umbrella Health", "umb-soc2") in owed
    assert ("bob", "Pied Piper", "pp-demo") in owed
    assert ("carmen", "Initech", "ini-proxy") in owed
    # Closed deals owe nothing; answered and delivered items are not owed.
    for se, customer, item in all_items(expected):
        if customer in ("Hooli", "Vandelay Industries", "Soylent"):
            assert item["status"] == "terminal"
        if item["status"] in ("answered", "done"):
            assert item["resolved_by"]["date"] >= item["date"]
    statuses = {c: f["status"] for s in expected["ses"].values() for c, f in s["customers"].items()}
    assert statuses["Pied Piper"] == "New" and expected["new_customers"] == ["Pied Piper"]
    # The last day alone gives every SE something owed.
    last_day = {se for se, _, item in all_items(expected) if item["status"] == "open" and item["date"] == "2026-10-31"}
    assert last_day == {"alice", "bob", "carmen"}


def test_scale_adds_ses_customers_and_days(tmp_path: Path, demo: DemoWorkspace):
    bigger = generate(tmp_path / "big", DemoScale(ses=5, customers=12, days=45))
    assert len(bigger.sales_engineers) == 5 and len(bigger.customers) == 12
    assert bigger.period_start == dt.date(2026, 9, 17) and bigger.period_end == demo.period_end
    assert (bigger.gmail_dir / "se005.mbox").is_file()
    assert len(slack_messages(bigger)) > len(slack_messages(demo))
    expected = json.loads(bigger.expected_path.read_text())
    generated = [item for se, customer, item in all_items(expected) if item["id"].startswith("open-")]
    assert len(generated) == 4
    with pytest.raises(ValueError, match="at least"):
        DemoScale(days=7)


def test_ensure_demo_workspace_reuses_and_rebuilds(tmp_path: Path):
    first = ensure_demo_workspace(tmp_path)
    facts = first.root / "workspace.json"
    stamp = facts.stat().st_mtime_ns
    assert ensure_demo_workspace(tmp_path) == first and facts.stat().st_mtime_ns == stamp
    data = json.loads(facts.read_text())
    data["generator_version"] = GENERATOR_VERSION - 1
    facts.write_text(json.dumps(data))
    (first.slack_dir / "users.json").unlink()
    rebuilt = ensure_demo_workspace(tmp_path)
    assert json.loads(facts.read_text())["generator_version"] == GENERATOR_VERSION
    assert (rebuilt.slack_dir / "users.json").is_file()


def test_the_demo_settings_file_is_ordinary_export_settings_of_the_workspace(tmp_path: Path, monkeypatch):
    from se_pipeline.config import load_settings
    from se_pipeline.runtime import cold_start_first_day, default_day

    monkeypatch.chdir(tmp_path)  # the file's paths are relative to its folder, wherever the command runs
    path = ensure_demo_settings(Path("home"))
    workspace = ensure_demo_workspace(Path("home"))
    settings = load_settings(path)
    assert settings.home == tmp_path / "home"
    assert {getattr(settings.sources, s).mode for s in settings.enabled_sources()} == {"export"}
    assert len(settings.enabled_sources()) == 6
    assert settings.sources.slack.path == tmp_path / "home" / "demo" / "slack"
    assert settings.sales_engineers == workspace.sales_engineers and settings.customers == workspace.customers
    # A command without --date means the export's last day, and a first run loads the whole period.
    assert default_day(settings) == workspace.period_end
    assert cold_start_first_day(settings, workspace.period_end) == workspace.period_start
    stamp = path.stat().st_mtime_ns
    assert ensure_demo_settings(Path("home")) == path and path.stat().st_mtime_ns == stamp  # not rewritten



def _imported(module: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_only_the_cli_reaches_the_demo_generator():
    """The product reads the demo as it reads any export; the CLI alone writes it for a first `se-pipeline run`."""
    package = Path(__file__).resolve().parents[1]
    importers = [
        module.relative_to(package).as_posix()
        for module in [*package.glob("se_pipeline/**/*.py"), *package.glob("assets/**/*.py")]
        if module.relative_to(package).parts[:2] != ("se_pipeline", "demo") and module.name != "cli.py"
        and any(name == "se_pipeline.demo" or name.startswith("se_pipeline.demo.") for name in _imported(module))
    ]
    assert importers == []
