"""The demo's settings file: the export connector reads the generated demo workspace like a real export."""

import json

from se_pipeline.config import load_settings
from se_pipeline.sources.slack import SlackExportConnector, from_settings
from se_pipeline.demo import ensure_demo_settings, ensure_demo_workspace
from se_pipeline.warehouse import Quarantined, Rows
from se_pipeline.window import Window


def _slack_references(node):
    if isinstance(node, dict):
        if node.get("source") == "slack" and "key" in node:
            yield node
        for value in node.values():
            yield from _slack_references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _slack_references(value)


def test_every_slack_message_the_demo_story_cites_lands_on_its_day(tmp_path):
    settings = load_settings(ensure_demo_settings(tmp_path))
    connector = from_settings(settings)
    demo = ensure_demo_workspace(tmp_path)
    assert isinstance(connector, SlackExportConnector) and connector.path == demo.slack_dir
    window = Window(demo.period_start, demo.period_end, settings.tz)
    records = list(connector.extract(window))
    assert not [r for r in records if isinstance(r, Quarantined)]
    messages = {row["message_key"]: row for r in records
                if isinstance(r, Rows) and r.table == "raw_slack_messages" for row in r.rows}
    cited = list(_slack_references(json.loads((demo.root / "expected.json").read_text())))
    assert cited
    for ref in cited:
        row = messages[ref["key"]]
        assert row["partition_date"].isoformat() == ref["date"]
        assert row["permalink"].startswith(f"https://{demo.slack_workspace}.slack.com/archives/")
    assert all(row["user_name"] for row in messages.values())
