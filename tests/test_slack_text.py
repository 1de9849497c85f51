"""Slack markup and message shapes become readable rows (shared by the export and api modes)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from se_pipeline.sources.slack import BadMessage
from se_pipeline.sources.slack.records import Directory, conversation, message_row, permalink
from se_pipeline.window import Window

WINDOW = Window.for_day(dt.date(2026, 10, 2), ZoneInfo("America/New_York"))
USERS = [
    {"id": "U1", "name": "alice", "real_name": "Alice Chen",
     "profile": {"real_name": "Alice Chen", "email": "alice@example.com"}},
    {"id": "U2", "name": "carol", "profile": {"display_name": "carol.d"}},
]
CHANNEL = conversation({"id": "C1", "name": "ext-acme-eval", "is_channel": True, "is_ext_shared": True})


@pytest.fixture
def directory() -> Directory:
    d = Directory(USERS)
    d.add_conversation(CHANNEL)
    return d


@pytest.mark.parametrize(
    "raw, readable",
    [
        ("<@U1> can you look?", "@Alice Chen can you look?"),
        ("ping <@U2>", "ping @carol.d"),  # no real name: the display name
        ("ping <@U404|old.name>", "ping @old.name"),  # unknown user: the label Slack sent
        ("ping <@U404>", "ping @U404"),
        ("see <#C1|ext-acme-eval>", "see #ext-acme-eval"),
        ("see <#C1>", "see #ext-acme-eval"),  # no label: the channel's name
        ("read <https://docs.example.com/sso|the SSO guide>", "read the SSO guide (https://docs.example.com/sso)"),
        ("read <https://docs.example.com/sso>", "read https://docs.example.com/sso"),
        ("mail <mailto:pat@acme.com|pat@acme.com>", "mail pat@acme.com"),
        ("mail <mailto:pat@acme.com|Pat>", "mail Pat (pat@acme.com)"),
        ("<!here> <!channel> <!everyone>", "@here @channel @everyone"),
        ("<!subteam^S0SALES|@sales-eng> please", "@sales-eng please"),
        ("due <!date^1790949900^{date_short}|Oct 2, 2026>", "due Oct 2, 2026"),
        ("Q&amp;A: 1 &lt; 2 &gt; 0", "Q&A: 1 < 2 > 0"),
        ("&lt;@U1&gt; is literal text", "<@U1> is literal text"),  # escaped brackets are not a mention
        ("a &amp;lt; b", "a &lt; b"),  # decoded once
    ],
)
def test_markup_becomes_readable_text(directory, raw, readable):
    assert directory.text(raw) == readable


def _row(directory, message):
    return message_row(message, CHANNEL, directory, "acme-se", WINDOW)


def test_an_edited_message_keeps_its_latest_text_and_when_it_was_edited(directory):
    row = _row(directory, {"type": "message", "user": "U1", "ts": "1790953200.000400", "text": "v2 &amp; final",
                           "edited": {"user": "U1", "ts": "1790953500.000000"}})
    assert row["text"] == "v2 & final"
    assert row["edited_at"] == dt.datetime(2026, 10, 2, 15, 5, tzinfo=dt.timezone.utc)
    assert row["sent_at"] == dt.datetime(2026, 10, 2, 15, 0, 0, 400, tzinfo=dt.timezone.utc)
    assert row["partition_date"] == dt.date(2026, 10, 2)
    assert (row["user_name"], row["user_email"]) == ("Alice Chen", "alice@example.com")


def test_an_edit_event_is_read_as_the_current_message(directory):
    row = _row(directory, {"type": "message", "subtype": "message_changed", "ts": "1790953600.000001",
                           "message": {"type": "message", "user": "U1", "ts": "1790953200.000400", "text": "new",
                                       "edited": {"user": "U1", "ts": "1790953600.000001"}},
                           "previous_message": {"type": "message", "user": "U1", "ts": "1790953200.000400",
                                                "text": "old"}})
    assert (row["message_key"], row["text"]) == ("C1:1790953200.000400", "new")


def test_notices_and_deletion_events_are_not_messages(directory):
    for subtype in ("channel_join", "channel_leave", "channel_topic", "message_deleted", "pinned_item"):
        assert _row(directory, {"type": "message", "subtype": subtype, "ts": "1790953200.000400", "text": "x"}) is None


def test_a_deleted_parent_keeps_its_thread_but_loses_its_text(directory):
    row = _row(directory, {"type": "message", "subtype": "tombstone", "text": "This message was deleted.",
                           "ts": "1790951000.000100", "thread_ts": "1790951000.000100", "reply_count": 2,
                           "user": "USLACKBOT"})
    assert (row["subtype"], row["text"], row["reply_count"], row["is_reply"]) == ("tombstone", None, 2, False)


def test_bot_messages_are_named_and_their_attachments_read(directory):
    by_username = _row(directory, {"type": "message", "subtype": "bot_message", "bot_id": "B1", "username": "Gong",
                                   "ts": "1790960400.000600", "text": "",
                                   "attachments": [{"fallback": "Call recorded", "title": "Acme sync",
                                                    "text": "32 min"}]})
    assert (by_username["bot_name"], by_username["text"]) == ("Gong", "Acme sync\n32 min")
    by_profile = _row(directory, {"type": "message", "bot_id": "B2", "ts": "1790960401.000100",
                                  "text": "Case 42 opened", "bot_profile": {"id": "B2", "name": "Zendesk"}})
    assert (by_profile["bot_name"], by_profile["user_name"]) == ("Zendesk", "Zendesk")
    fallback_only = _row(directory, {"type": "message", "subtype": "bot_message", "bot_id": "B1", "username": "Gong",
                                     "ts": "1790960402.000100", "attachments": [{"fallback": "Call recorded"}]})
    assert fallback_only["text"] == "Call recorded"


def test_an_empty_text_bot_post_reads_its_attachment_fields_as_title_value_lines(directory):
    row = _row(directory, {"type": "message", "subtype": "bot_message", "bot_id": "B3", "username": "Salesforce",
                           "ts": "1790960403.000100", "text": "",
                           "attachments": [{"fallback": "Opportunity updated: Acme – Expansion",
                                            "pretext": "Opportunity updated", "title": "Acme – Expansion",
                                            "fields": [{"title": "Stage", "value": "Discovery → Validation"},
                                                       {"title": "Owner", "value": "<@U1>"},
                                                       {"title": "", "value": "no title"}]}]})
    assert row["text"] == "Opportunity updated\nAcme – Expansion\nStage: Discovery → Validation\nOwner: @Alice Chen\nno title"


def test_block_kit_headers_sections_fields_and_context_are_read_but_rich_text_is_not_repeated(directory):
    blocks = [
        {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "x"}]}]},
        {"type": "header", "text": {"type": "plain_text", "text": "Call recap: Acme sync"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*When*\nTue 4 PM · 30 min"},
                                       {"type": "mrkdwn", "text": "*Attendees*\n<@U1>, Olivia (Acme)"}]},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Next steps*\n• *Alice Chen* — send the guide\n• *Olivia* — book a slot"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*<https://t.example/FOO-1|FOO-1: Crash>*\n*Type:* Bug   *Priority:* Major"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Jira"}, {"type": "plain_text", "text": "project FOO"}]},
        {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Open"}}]},
        {"type": "divider"}, "not a block",
    ]
    row = _row(directory, {"type": "message", "subtype": "bot_message", "bot_id": "B4", "username": "Gong",
                           "ts": "1790960404.000100", "text": ":telephone_receiver: Call recap: Acme sync", "blocks": blocks})
    assert row["text"].split("\n") == [
        ":telephone_receiver: Call recap: Acme sync",  # the header repeats the text: once
        "When: Tue 4 PM · 30 min", "Attendees: @Alice Chen, Olivia (Acme)",
        "Next steps:", "• *Alice Chen* — send the guide", "• *Olivia* — book a slot",
        "*FOO-1: Crash (https://t.example/FOO-1)*", "Type: Bug", "Priority: Major",
        "Jira · project FOO",
    ]


def test_a_users_rich_text_blocks_leave_the_text_as_it_was(directory):
    row = _row(directory, {"type": "message", "user": "U1", "ts": "1790960405.000100", "text": "ship it *today*",
                           "blocks": [{"type": "rich_text", "elements": []}]})
    assert row["text"] == "ship it *today*"


def test_shared_files_are_listed_by_name(directory):
    row = _row(directory, {"type": "message", "subtype": "file_share", "user": "U2", "ts": "1790956800.000500",
                           "text": "filled in", "files": [{"id": "F1", "name": "questionnaire.xlsx"},
                                                          {"id": "F2", "title": "Screenshot"}]})
    assert row["files"] == ["questionnaire.xlsx", "Screenshot"]


def test_permalinks_point_at_the_message_and_at_the_thread_for_replies():
    assert permalink("acme-se", "C1", "1790949900.000300") == "https://acme-se.slack.com/archives/C1/p1790949900000300"
    assert permalink("acme-se", "C1", "1790949900.000300", "1789221600.000100") == (
        "https://acme-se.slack.com/archives/C1/p1790949900000300?thread_ts=1789221600.000100&cid=C1"
    )
    # a parent's thread_ts is its own ts: no thread query
    assert "?" not in permalink("acme-se", "C1", "1789221600.000100", "1789221600.000100")


def test_a_message_without_a_usable_ts_is_refused_with_a_reason(directory):
    with pytest.raises(BadMessage, match="no_ts"):
        _row(directory, {"type": "message", "user": "U1", "text": "hi"})
    with pytest.raises(BadMessage, match="bad_ts"):
        _row(directory, {"type": "message", "user": "U1", "text": "hi", "ts": "yesterday"})


def test_direct_messages_are_titled_by_the_other_person():
    d = Directory(USERS, own_user_ids=["U1"])
    dm = conversation({"id": "D1", "members": ["U1", "U2"]}, "im")
    api_dm = conversation({"id": "D2", "is_im": True, "user": "U1"})  # the API names only the other person
    assert (d.title(dm), d.title(api_dm), api_dm.kind) == ("carol.d", "Alice Chen", "im")
