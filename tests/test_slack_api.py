"""The Slack api connector: slack_sdk's WebClient against a fake Slack server on 127.0.0.1."""

import datetime as dt
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from fakes.slack_server import FakeSlack, slack_message, slack_user

from se_pipeline.config import SalesEngineer, Settings, SlackApi, Sources
from se_pipeline.sources.slack import SlackApiConnector, from_settings
from se_pipeline.errors import SourceError, WriteRefusedError
from se_pipeline.warehouse import Quarantined, Rows, load_records
from se_pipeline.window import Window

TOKEN_ENV = "SE_TEST_SLACK_TOKEN"
WINDOW = Window.for_day(dt.date(2026, 10, 2), ZoneInfo("America/New_York"))  # 04:00Z Oct 2 .. 04:00Z Oct 3


def ts(moment: str, seq: int = 100) -> str:
    """A Slack ts for an ISO UTC time, e.g. ts('2026-10-02T14:05') -> '1790949900.000100'."""
    when = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.timezone.utc)
    return f"{int(when.timestamp())}.{seq:06d}"


OLD_PARENT = ts("2026-09-12T14:00")  # 20 days before the window
OLD_REPLY = ts("2026-09-12T15:00")
NEW_REPLY = ts("2026-10-02T14:05")
STALE_PARENT = ts("2026-09-20T10:00")  # its last reply is before the window: no replies call
TODAY_PARENT = ts("2026-10-02T15:00")
TODAY_REPLY = ts("2026-10-02T15:10")
BROADCAST = ts("2026-10-02T15:20")  # a reply also sent to the channel
TODAY = [ts(f"2026-10-02T{h:02d}:30") for h in (5, 9, 12, 18, 23)]


def fill(fake: FakeSlack) -> None:
    fake.add_user(slack_user("U01ALICE", "alice", "Alice Chen", "alice@example.com"))
    fake.add_user(slack_user("U02BOB", "bob", "Bob Park", "bob@example.com"))
    # a Slack Connect member of the customer's org: users.list leaves her out, users.info knows her
    fake.add_user(slack_user("U09CAROL", "carol", "Carol Diaz", "carol@acme.com", team_id="T09ACME"), listed=False)
    fake.add_user(slack_user("U04GONG", "gong", "Gong", is_bot=True))
    fake.add_channel("C01ACME", "ext-acme-eval", is_ext_shared=True, is_shared=True)
    fake.add_channel("C02GLOBEX", "opp-globex-renewal", is_private=True, is_channel=False, is_group=True)
    fake.add_channel("D01BOB", is_im=True, user="U02BOB")
    fake.add_channel("C08RANDOM", "random", is_member=False)
    acme = [
        slack_message(OLD_PARENT, "U09CAROL", "Does <https://acme.example/sso|SSO> work with Okta &amp; SCIM?",
                      thread_ts=OLD_PARENT),
        slack_message(OLD_REPLY, "U01ALICE", "Checking with <@U02BOB>", thread_ts=OLD_PARENT,
                      parent_user_id="U09CAROL"),
        slack_message(NEW_REPLY, "U01ALICE", "<@U09CAROL> yes, SCIM is GA", thread_ts=OLD_PARENT,
                      parent_user_id="U09CAROL"),
        slack_message(STALE_PARENT, "U02BOB", "Old question", thread_ts=STALE_PARENT),
        slack_message(ts("2026-09-21T10:00"), "U01ALICE", "Old answer", thread_ts=STALE_PARENT),
        slack_message(TODAY_PARENT, "U09CAROL", "Can we get the SOC 2 report?", thread_ts=TODAY_PARENT),
        slack_message(TODAY_REPLY, "U01ALICE", "Sending it now", thread_ts=TODAY_PARENT),
        slack_message(BROADCAST, "U01ALICE", "Sent!", thread_ts=TODAY_PARENT, subtype="thread_broadcast"),
        *[slack_message(t, "U09CAROL", f"note {i}") for i, t in enumerate(TODAY)],
        slack_message(ts("2026-10-02T16:00", 200), None, "<@U09CAROL> has joined the channel", subtype="channel_join"),
        slack_message(ts("2026-10-03T05:00"), "U09CAROL", "tomorrow"),  # after the window
    ]
    for message in acme:
        fake.add_message("C01ACME", message)
    fake.add_message("C02GLOBEX", slack_message(ts("2026-10-02T13:00"), "U02BOB", "Pricing approved"))
    fake.add_message("D01BOB", slack_message(ts("2026-10-02T13:30"), "U01ALICE", "Can you cover the Acme call?"))
    fake.add_message("C08RANDOM", slack_message(ts("2026-10-02T13:45"), "U02BOB", "lunch?"))


# In the window: TODAY (5), the old thread's new reply, today's parent, its reply and broadcast, Globex, DM.
EXPECTED_MESSAGES = 5 + 1 + 3 + 1 + 1
# users.list + conversations.list + history of the 3 member channels + replies of the 2 active threads
# + users.info once for the customer's author users.list does not return
NEEDED_CALLS = 1 + 1 + 3 + 2 + 1


@pytest.fixture
def fake():
    with FakeSlack() as server:
        fill(server)
        yield server


def make_connector(fake: FakeSlack, monkeypatch, token: str | None = None, **options) -> SlackApiConnector:
    monkeypatch.setenv(TOKEN_ENV, token or fake.token)
    config = {"mode": "api", "token_env": TOKEN_ENV, "base_url": fake.base_url, "workspace": "acme-se",
              "thread_lookback_days": 30, "max_retries": 2, **options}
    settings = Settings(
        sources=Sources(slack=SlackApi(**config)),
        sales_engineers=[SalesEngineer(id="alice", name="Alice Chen", email="alice@example.com",
                                       slack_user_id="U01ALICE")],
    )
    connector = from_settings(settings)
    assert isinstance(connector, SlackApiConnector)
    return connector


def settings_file(fake: FakeSlack, monkeypatch, tmp_path) -> Path:
    """A settings file reading only Slack, through the API of `fake`."""
    monkeypatch.setenv(TOKEN_ENV, fake.token)
    config = tmp_path / "se-pipeline.yaml"
    config.write_text(
        f"home: {tmp_path / 'home'}\ntimezone: America/New_York\nstart_date: 2026-09-01\n"
        "sales_engineers: [{id: alice, name: Alice Chen, email: alice@example.com, slack_user_id: U01ALICE}]\n"
        f"sources:\n  slack: {{mode: api, token_env: {TOKEN_ENV}, base_url: '{fake.base_url}', workspace: acme-se}}\n"
    )
    return config


def run(connector: SlackApiConnector):
    records = list(connector.extract(WINDOW))
    for record in records:
        if isinstance(record, Rows):
            assert len(record.rows) <= 1000
    rows = {}
    for record in records:
        if isinstance(record, Rows):
            rows.setdefault(record.table, []).extend(record.rows)
    messages = {r["message_key"]: r for r in rows.get("raw_slack_messages", [])}
    return messages, rows, [r for r in records if isinstance(r, Quarantined)]


def test_the_windows_messages_arrive_with_the_calls_the_data_needs(fake, monkeypatch):
    connector = make_connector(fake, monkeypatch)
    messages, rows, quarantined = run(connector)
    assert quarantined == []
    assert len(messages) == EXPECTED_MESSAGES
    assert all(r["partition_date"] == WINDOW.first_day for r in messages.values())
    assert connector.calls == fake.calls() == NEEDED_CALLS
    assert fake.calls("conversations.replies") == 2  # the stale thread costs nothing
    assert fake.calls("users.info") == 1  # Carol wrote eight of them: looked up once
    assert not any(p.get("channel") == "C08RANDOM" for _, p in fake.requests)  # not a member: not read
    assert connector.channels_not_member == 1
    assert {r["channel_id"] for r in rows["raw_slack_channels"]} == {"C01ACME", "C02GLOBEX", "D01BOB", "C08RANDOM"}
    users = {u["user_id"]: u for u in rows["raw_slack_users"]}
    assert users["U09CAROL"]["is_external"] and not users["U01ALICE"]["is_external"]
    assert messages[f"C01ACME:{TODAY[0]}"]["user_name"] == "Carol Diaz"
    dm = messages[f"D01BOB:{ts('2026-10-02T13:30')}"]
    assert (dm["channel_type"], dm["channel_name"], dm["user_name"]) == ("im", "Bob Park", "Alice Chen")
    assert messages[f"C02GLOBEX:{ts('2026-10-02T13:00')}"]["channel_type"] == "private"


def test_a_reply_today_to_a_20_day_old_question_arrives_and_the_parent_stays_in_its_day(fake, monkeypatch):
    connector = make_connector(fake, monkeypatch)
    messages, _, _ = run(connector)
    reply = messages[f"C01ACME:{NEW_REPLY}"]
    assert reply["is_reply"] and reply["thread_ts"] == OLD_PARENT
    assert reply["text"] == "@Carol Diaz yes, SCIM is GA"
    assert reply["permalink"] == (
        f"https://acme-se.slack.com/archives/C01ACME/p{NEW_REPLY.replace('.', '')}?thread_ts={OLD_PARENT}&cid=C01ACME"
    )
    assert f"C01ACME:{OLD_PARENT}" not in messages and f"C01ACME:{OLD_REPLY}" not in messages
    parent = messages[f"C01ACME:{TODAY_PARENT}"]
    assert (parent["is_reply"], parent["reply_count"], parent["latest_reply"]) == (False, 2, BROADCAST)
    assert messages[f"C01ACME:{BROADCAST}"]["is_reply"]
    # thread completeness: both active threads came back whole
    assert (connector.thread_parents, connector.replies_expected, connector.replies_fetched) == (2, 4, 4)


def test_a_reply_older_than_the_lookback_is_not_searched_for(fake, monkeypatch):
    connector = make_connector(fake, monkeypatch, thread_lookback_days=14)
    messages, _, _ = run(connector)
    assert f"C01ACME:{NEW_REPLY}" not in messages  # its parent is 20 days old: outside a 14-day lookback
    history = [p for m, p in fake.requests if m == "conversations.history"]
    assert {p["oldest"] for p in history} == {"1789704000.000000"}  # 2026-09-18T04:00Z, 14 days before


def test_many_pages_of_history_users_and_channels_are_all_read(fake, monkeypatch):
    everything, _, _ = run(make_connector(fake, monkeypatch))
    fake.requests.clear()
    fake.max_limit = 2  # like Slack's per-call cap for apps outside the Marketplace
    connector = make_connector(fake, monkeypatch)
    messages, rows, _ = run(connector)
    assert messages == everything
    assert len(rows["raw_slack_users"]) == 4 and len(rows["raw_slack_channels"]) == 4
    history = [p for m, p in fake.requests if m == "conversations.history" and p["channel"] == "C01ACME"]
    # 10 top-level messages from 30 days before to the window's end, newest first, 2 a page
    assert len(history) == 5 and "cursor" not in history[0] and all(p.get("cursor") for p in history[1:])
    assert connector.calls == fake.calls() == 2 + 2 + 5 + 1 + 1 + 2 + 1


def test_a_429_waits_for_retry_after_and_then_succeeds(fake, monkeypatch):
    fake.fail_next("conversations.history", 429, retry_after=1)
    connector = make_connector(fake, monkeypatch)
    messages, _, _ = run(connector)
    assert len(messages) == EXPECTED_MESSAGES
    assert fake.calls("conversations.history") == 3 + 1  # one retried
    assert connector.calls == NEEDED_CALLS  # a retry is not another call


def test_a_500_is_retried_with_backoff(fake, monkeypatch):
    fake.fail_next("users.list", 500)
    connector = make_connector(fake, monkeypatch)
    messages, rows, _ = run(connector)
    assert len(rows["raw_slack_users"]) == 4 and len(messages) == EXPECTED_MESSAGES
    assert fake.calls("users.list") == 2


def test_server_errors_beyond_max_retries_are_a_source_error(fake, monkeypatch):
    fake.fail_next("users.list", 500, times=3)
    with pytest.raises(SourceError, match=r"users\.list failed \(HTTP 500\)"):
        run(make_connector(fake, monkeypatch, max_retries=1))
    assert fake.calls("users.list") == 2


def test_a_rejected_token_is_an_error_naming_the_variable_never_the_token(fake, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "xoxb-revoked-0000-secret"
    with pytest.raises(SourceError, match=TOKEN_ENV) as error:
        run(make_connector(fake, monkeypatch, token=secret))
    assert "invalid_auth" in str(error.value)
    assert secret not in str(error.value) and secret not in caplog.text
    assert fake.calls() == 1  # the first refusal stops the run


def test_ok_false_is_an_error_not_an_empty_page_and_missing_scope_names_the_scope(fake, monkeypatch):
    fake.set_error("conversations.history", "missing_scope", needed="groups:history", provided="channels:history")
    with pytest.raises(SourceError, match="groups:history"):
        run(make_connector(fake, monkeypatch))


def test_a_channel_the_bot_cannot_read_is_skipped_and_reported(fake, monkeypatch):
    fake.set_error("conversations.history", "not_in_channel", channel="C02GLOBEX")
    connector = make_connector(fake, monkeypatch)
    messages, _, quarantined = run(connector)
    assert connector.skipped_channels == {"C02GLOBEX": "not_in_channel"}
    assert [(q.key, q.reason) for q in quarantined] == [
        ("channel:C02GLOBEX", "skipped_channel: not_in_channel (opp-globex-renewal)")
    ]
    assert len(messages) == EXPECTED_MESSAGES - 1  # everything else loaded


def test_a_write_is_refused_before_it_reaches_slack(fake, monkeypatch):
    connector = make_connector(fake, monkeypatch)
    with pytest.raises(WriteRefusedError, match="chat.postMessage"):
        connector.client.chat_postMessage(channel="C01ACME", text="hello from the pipeline")
    with pytest.raises(WriteRefusedError, match="conversations.join"):
        connector.client.conversations_join(channel="C08RANDOM")
    assert fake.requests == [] and connector.calls == 0


def test_a_missing_token_variable_is_named(fake, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    settings = Settings(sources=Sources(slack=SlackApi(mode="api", token_env=TOKEN_ENV, base_url=fake.base_url)))
    with pytest.raises(SourceError, match=TOKEN_ENV):
        from_settings(settings)


def test_an_unreachable_server_is_a_source_error(monkeypatch):
    with FakeSlack() as gone:
        url = gone.base_url
    monkeypatch.setenv(TOKEN_ENV, "xoxb-x")
    settings = Settings(sources=Sources(slack=SlackApi(mode="api", token_env=TOKEN_ENV, base_url=url, max_retries=0)))
    with pytest.raises(SourceError, match="cannot reach Slack"):
        run(from_settings(settings))


def test_loading_the_same_window_twice_leaves_the_same_rows(fake, monkeypatch, tmp_path):
    fake.set_error("conversations.history", "channel_not_found", channel="D01BOB")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    counts = []
    for _ in range(2):
        connector = make_connector(fake, monkeypatch)
        load_records(con, "slack", connector.tables, WINDOW, connector.extract(WINDOW))
        counts.append(
            {t: con.execute(f"select count(*) from {t}").fetchone()[0]
             for t in ("raw_slack_messages", "raw_slack_users", "raw_slack_channels", "quarantine")}
        )
    assert counts[0] == counts[1]
    assert counts[0] == {"raw_slack_messages": EXPECTED_MESSAGES - 1, "raw_slack_users": 4,  # Carol too
                         "raw_slack_channels": 4, "quarantine": 1}
    name, is_ext, text = con.execute(
        f"select user_name, is_ext_shared, text from raw_slack_messages where ts = '{TODAY[0]}'"
    ).fetchone()
    assert (name, is_ext, text) == ("Carol Diaz", True, "note 0")


def load_day(fake: FakeSlack, monkeypatch, con, window: Window, **options) -> SlackApiConnector:
    """One daily run as the raw asset makes it: recall what the warehouse holds, extract, commit."""
    connector = make_connector(fake, monkeypatch, **options)
    connector.recall(con, window)
    load_records(con, "slack", connector.tables, window, connector.extract(window))
    return connector


def day_window(day: str) -> Window:
    return Window.for_day(dt.date.fromisoformat(day), ZoneInfo("America/New_York"))


def test_the_user_list_is_read_from_the_warehouse_until_it_is_a_week_old(fake, monkeypatch, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    load_day(fake, monkeypatch, con, WINDOW)
    assert fake.calls("users.list") == 1 and fake.calls("users.info") == 1  # Carol, from the customer's org
    fake.add_user(slack_user("U05DAN", "dan", "Dan Ortiz", "dan@example.com"))  # joined since the listing
    fake.add_message("C02GLOBEX", slack_message(ts("2026-10-03T13:00"), "U05DAN", "Hi, I'm new"))
    fake.requests.clear()
    later = load_day(fake, monkeypatch, con, day_window("2026-10-03"))
    assert fake.calls("users.list") == 0  # the cache is a day old
    assert [p["user"] for m, p in fake.requests if m == "users.info"] == ["U05DAN"]  # Carol is cached too
    assert later.calls_by_method == {"conversations.history": 3, "conversations.list": 1, "users.info": 1}
    name = con.execute(f"SELECT user_name FROM raw_slack_messages WHERE ts = '{ts('2026-10-03T13:00')}'").fetchone()
    assert name == ("Dan Ortiz",)
    assert con.execute("SELECT count(*) FROM raw_slack_users").fetchone() == (5,)
    fake.requests.clear()
    load_day(fake, monkeypatch, con, day_window("2026-10-09"))
    assert fake.calls("users.list") == 1  # a week after the listing: listed again
    listed = con.execute("SELECT user_id FROM raw_slack_users WHERE listed_at = '2026-10-10 04:00:00+00'").fetchall()
    assert sorted(u for (u,) in listed) == ["U01ALICE", "U02BOB", "U04GONG", "U05DAN"]  # Carol: users.info's


def test_a_reply_weeks_after_its_parent_arrives_when_the_thread_is_in_the_warehouse(fake, monkeypatch, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    fake.now = ts("2026-09-13T10:00")  # the parent's day is loaded the next morning
    load_day(fake, monkeypatch, con, day_window("2026-09-12"), thread_lookback_days=14)
    assert con.execute("SELECT count(*) FROM raw_slack_messages WHERE thread_ts = ?", [OLD_PARENT]).fetchone() == (2,)
    fake.now = None
    fake.requests.clear()
    connector = load_day(fake, monkeypatch, con, WINDOW, thread_lookback_days=14)
    # 20 days later, beyond the 14-day lookback: the scan reaches back to the watched thread's parent
    history = {p["channel"]: p["oldest"] for m, p in fake.requests if m == "conversations.history"}
    assert history["C01ACME"] == OLD_PARENT and history["C02GLOBEX"] == "1789704000.000000"
    asked = {p["ts"]: p.get("oldest") for m, p in fake.requests if m == "conversations.replies"}
    assert asked == {OLD_PARENT: "1790913600.000000", TODAY_PARENT: None}  # the old thread: from the window start
    reply = con.execute("SELECT partition_date, text FROM raw_slack_messages WHERE ts = ?", [NEW_REPLY]).fetchone()
    assert reply == (WINDOW.first_day, "@Carol Diaz yes, SCIM is GA")
    # the stored reply is not asked again, and the completeness check counts only what was asked for
    assert (connector.replies_expected, connector.replies_fetched, connector.threads_watched) == (1 + 2, 1 + 2, 1)


def test_a_thread_quiet_longer_than_the_watch_is_no_longer_scanned_for(fake, monkeypatch, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    fake.now = ts("2026-09-13T10:00")
    load_day(fake, monkeypatch, con, day_window("2026-09-12"), thread_lookback_days=14)
    fake.now = None
    fake.requests.clear()
    connector = load_day(fake, monkeypatch, con, WINDOW, thread_lookback_days=14, thread_watch_days=10)
    history = {p["channel"]: p["oldest"] for m, p in fake.requests if m == "conversations.history"}
    assert history["C01ACME"] == "1789704000.000000" and connector.threads_watched == 0
    assert con.execute("SELECT count(*) FROM raw_slack_messages WHERE ts = ?", [NEW_REPLY]).fetchone() == (0,)


def test_a_warehouse_from_before_the_user_cache_gains_its_column_and_lists_users(fake, monkeypatch, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE raw_slack_users (user_id VARCHAR PRIMARY KEY, team_id VARCHAR, name VARCHAR, "
                "real_name VARCHAR, display_name VARCHAR, email VARCHAR, is_bot BOOLEAN, is_external BOOLEAN, "
                "payload JSON)")
    con.execute("INSERT INTO raw_slack_users (user_id, real_name) VALUES ('U01ALICE', 'Alice Chen')")
    load_day(fake, monkeypatch, con, WINDOW)
    assert fake.calls("users.list") == 1
    listed = con.execute("SELECT count(*) FROM raw_slack_users WHERE listed_at IS NOT NULL").fetchone()
    assert listed == (3,)  # Carol came from users.info


def test_the_raw_asset_reports_its_calls_per_method_and_the_second_day_lists_no_users(fake, monkeypatch, tmp_path):
    from dagster import DagsterInstance, materialize

    from se_pipeline.config import load_settings
    from se_pipeline_assets.partitions import partitions_for
    from se_pipeline_assets.raw import raw_assets
    from se_pipeline_assets.resources import WarehouseResource

    config = settings_file(fake, monkeypatch, tmp_path)
    settings = load_settings(config)
    resources = {"settings": settings, "warehouse": WarehouseResource(database=settings.database_path)}
    raw_slack = next(a for a in raw_assets(partitions_for(settings).daily) if a.node_def.name == "raw_slack")

    def calls_by_method(day: str) -> dict[str, int]:
        done = materialize([raw_slack], partition_key=day, resources=resources, instance=DagsterInstance.ephemeral())
        assert done.success
        metadata = {m.asset_key.to_user_string(): m.metadata for m in done.asset_materializations_for_node("raw_slack")}
        return metadata["raw_slack_messages"]["api_calls_by_method"].data

    first = calls_by_method("2026-10-02")
    assert first == {m: fake.calls(m) for m in set(fake.methods())} and first["users.list"] == 1
    fake.requests.clear()
    assert calls_by_method("2026-10-03") == {"conversations.history": 3, "conversations.list": 1}


def test_a_watched_thread_behind_many_pages_of_history_is_asked_alone(fake, monkeypatch, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    fake.now = ts("2026-09-13T10:00")
    load_day(fake, monkeypatch, con, day_window("2026-09-12"), thread_lookback_days=14)
    busy = [ts(f"2026-09-{d}T{h}:00") for d in (14, 15, 16) for h in (10, 11)]  # before the 14-day lookback
    for i, moment in enumerate(busy):
        fake.add_message("C01ACME", slack_message(moment, "U02BOB", f"status {i}"))
    fake.now = ts("2026-09-17T10:00")
    load_day(fake, monkeypatch, con, Window(dt.date(2026, 9, 13), dt.date(2026, 9, 16), WINDOW.tz))
    fake.now = None
    fake.requests.clear()
    connector = make_connector(fake, monkeypatch, thread_lookback_days=14)
    connector.history_limit = 2  # reaching back would cost 3 pages for one watched thread
    connector.recall(con, WINDOW)
    load_records(con, "slack", connector.tables, WINDOW, connector.extract(WINDOW))
    history = {p["channel"]: p["oldest"] for m, p in fake.requests if m == "conversations.history"}
    assert history["C01ACME"] == "1789704000.000000"  # the lookback only
    asked = {p["ts"]: p.get("oldest") for m, p in fake.requests if m == "conversations.replies"}
    assert asked == {OLD_PARENT: "1790913600.000000", TODAY_PARENT: None}
    assert con.execute("SELECT partition_date FROM raw_slack_messages WHERE ts = ?", [NEW_REPLY]).fetchone() == (
        WINDOW.first_day,)
    assert (connector.replies_expected, connector.replies_fetched) == (1 + 2, 1 + 2)
    # The watched thread is deleted from Slack: the next day's run goes on without it.
    fake.messages["C01ACME"] = [m for m in fake.messages["C01ACME"] if OLD_PARENT not in (m["ts"], m.get("thread_ts"))]
    fake.requests.clear()
    connector = make_connector(fake, monkeypatch, thread_lookback_days=14)
    connector.history_limit = 2
    connector.recall(con, WINDOW)
    load_records(con, "slack", connector.tables, WINDOW, connector.extract(WINDOW))
    assert [p["ts"] for m, p in fake.requests if m == "conversations.replies"] == [TODAY_PARENT, OLD_PARENT]
    stored = con.execute("SELECT count(*) FROM raw_slack_messages WHERE partition_date = ?", [WINDOW.first_day]).fetchone()
    assert stored == (EXPECTED_MESSAGES - 1,)  # all but the deleted thread's reply


def test_a_backfill_range_reads_the_user_cache_like_a_daily_run(fake, monkeypatch, tmp_path):
    from contextlib import nullcontext

    from se_pipeline.config import load_settings
    from se_pipeline.history import load_history

    config = settings_file(fake, monkeypatch, tmp_path)
    settings = load_settings(config)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    load_history(settings, WINDOW, lambda: nullcontext(con), lambda line: None)
    assert fake.calls("users.list") == 1
    fake.requests.clear()
    load_history(settings, day_window("2026-10-03"), lambda: nullcontext(con), lambda line: None)
    assert fake.calls("users.list") == 0 and fake.calls("conversations.history") == 3
