"""Sensors: real Dagster sensor evaluations, cursors carried from tick to tick, against the fake Slack,
Gmail and Notion servers, export files and landed Slack events. New activity between two ticks asks
for exactly one run of its day, with only its source's raw asset and what depends on it; no change
is a skip with its reason."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from dagster import DagsterInstance, DagsterRunStatus, build_sensor_context, materialize
from dagster._core.test_utils import create_run_for_test
from fakes.gmail_server import FakeGmailServer, FakeMessage, build_email
from fakes.notion_server import TOKEN as NOTION_TOKEN, FakeNotion, rich_text_property, status_property, title_property
from fakes.slack_server import FakeSlack, slack_message, slack_user

from se_pipeline.events import EventStore, landing_path
from se_pipeline.config import load_settings
from se_pipeline_assets.definitions import build_definitions
from se_pipeline_assets.partitions import partitions_for
from se_pipeline_assets.raw import parts_tag, raw_assets
from se_pipeline_assets.resources import WarehouseResource
from se_pipeline_assets.sensors import PARTITION_TAG, SOURCES_TAG

TZ = ZoneInfo("America/New_York")  # the code location's partitions are days in this zone
SLACK_ENV, NOTION_ENV = "SE_TEST_SENSOR_SLACK", "SE_TEST_SENSOR_NOTION"
GMAIL_TOKEN = "ya29.sensor-test-token"


def today() -> dt.date:
    return dt.datetime.now(TZ).date()


def slack_ts(moment: dt.datetime) -> str:
    return f"{moment.timestamp():.6f}"


class Ticks:
    """One sensor of the code location built on `config`, evaluated tick after tick on one instance, each
    tick starting from the cursor the previous one left."""

    def __init__(self, config: Path, sensor: str, instance: DagsterInstance | None = None):
        self.settings = load_settings(config)
        self.defs = build_definitions(self.settings)
        self.sensor = self.defs.get_repository_def().get_sensor_def(sensor)
        self.instance = instance or DagsterInstance.ephemeral()
        self.cursor: str | None = None

    def __call__(self, cursor: str | None = None):
        with build_sensor_context(instance=self.instance, cursor=cursor or self.cursor, definitions=self.defs,
                                  resources={"settings": self.settings}) as context:
            result = self.sensor.evaluate_tick(context)
        self.cursor = result.cursor
        return result


def write_config(tmp_path: Path, sources: str) -> Path:
    path = tmp_path / "se-pipeline.yaml"
    path.write_text(
        f"home: {tmp_path / 'home'}\ntimezone: America/New_York\nstart_date: {today() - dt.timedelta(days=40)}\n"
        "company_domains: [ours.example]\n"
        "sales_engineers: [{id: sam, name: Sam Roe, email: sam@ours.example, slack_user_id: U01SAM}]\n"
        f"sources:\n{sources}"
    )
    return path


def asked(result) -> list[str]:
    return [r.partition_key for r in result.run_requests]


def selected(request) -> set[str]:
    return {key.to_user_string() for key in request.asset_selection}


# ---- Slack -------------------------------------------------------------------------------------


@pytest.fixture
def slack(monkeypatch):
    with FakeSlack() as fake:
        monkeypatch.setenv(SLACK_ENV, fake.token)
        fake.add_user(slack_user("U01SAM", "sam", "Sam Roe", "sam@ours.example"))
        fake.add_user(slack_user("U07ANA", "ana", "Ana Diaz", "ana@client.example"))
        fake.add_channel("C01CLIENT", "ext-client-pilot")
        fake.add_channel("C02QUIET", "opp-client-renewal")
        fake.add_channel("C09OTHER", "random", is_member=False)
        yield fake


def slack_ticks(tmp_path, fake: FakeSlack) -> Ticks:
    return Ticks(write_config(tmp_path, f"  slack: {{mode: api, token_env: {SLACK_ENV}, base_url: '{fake.base_url}'}}\n"),
                 "slack_activity")


def test_slack_a_new_message_between_two_ticks_asks_for_one_run_of_its_day(tmp_path, slack):
    tick = slack_ticks(tmp_path, slack)
    first = tick()
    assert not first.run_requests and "first look: watching 2 channels" in first.skip_message
    assert "nothing new" in tick().skip_message
    slack.add_message("C01CLIENT", slack_message(slack_ts(dt.datetime.now(dt.timezone.utc)), "U07ANA", "Is SSO in the pilot?"))
    found = tick()
    assert asked(found) == [today().isoformat()]
    request = found.run_requests[0]
    assert {"raw_slack_messages", "activity", "signals", "digests"} <= selected(request)
    assert not {"raw_gmail_messages", "raw_notion_opportunities", "raw_usage"} & selected(request)
    assert request.tags[SOURCES_TAG] == "slack" and request.tags[parts_tag("slack")] == "C01CLIENT"
    again = tick()
    assert not again.run_requests and "nothing new" in again.skip_message
    # One look: one history call per channel the bot is in (the channel list is read every 15 minutes).
    looks = [m for m in slack.methods() if m != "conversations.list"]
    assert looks == ["conversations.history"] * 2 * 3 and slack.calls("conversations.list") == 1


def test_slack_a_reply_to_an_older_thread_and_an_edit_are_news_of_the_day_they_happen(tmp_path, slack):
    now = dt.datetime.now(dt.timezone.utc)
    parent, earlier = slack_ts(now - dt.timedelta(days=3)), slack_ts(now - dt.timedelta(days=3) + dt.timedelta(hours=1))
    slack.add_message("C02QUIET", slack_message(parent, "U07ANA", "Can we extend the trial?", thread_ts=parent))
    slack.add_message("C02QUIET", slack_message(earlier, "U01SAM", "Checking", thread_ts=parent))
    old = slack_ts(now - dt.timedelta(days=2))
    slack.add_message("C01CLIENT", slack_message(old, "U07ANA", "Kickoff moved"))
    tick = slack_ticks(tmp_path, slack)
    tick()
    assert "nothing new" in tick().skip_message
    slack.add_message("C02QUIET", slack_message(slack_ts(dt.datetime.now(dt.timezone.utc)), "U01SAM", "Yes, two weeks",
                                                thread_ts=parent))
    assert asked(tick()) == [today().isoformat()]
    # An edit of the two-day-old message changes that day's rows.
    edited = slack.messages["C01CLIENT"][0]
    edited["edited"] = {"user": "U07ANA", "ts": slack_ts(dt.datetime.now(dt.timezone.utc))}
    assert asked(tick()) == [(now - dt.timedelta(days=2)).astimezone(TZ).date().isoformat()]


def test_slack_one_change_never_starts_two_runs_and_a_queued_run_of_the_day_takes_it(tmp_path, slack):
    tick = slack_ticks(tmp_path, slack)
    tick()
    before = tick.cursor
    slack.add_message("C01CLIENT", slack_message(slack_ts(dt.datetime.now(dt.timezone.utc)), "U07ANA", "Pricing?"))
    first, again = tick(before), tick(before)  # the same change seen from the same cursor (a tick retried)
    assert [r.run_key for r in first.run_requests] == [r.run_key for r in again.run_requests] and first.run_requests
    # A run of the day waiting to start that re-reads another channel only does not read this change …
    create_run_for_test(tick.instance, job_name="daily_digest", status=DagsterRunStatus.NOT_STARTED,
                        tags={PARTITION_TAG: today().isoformat(), SOURCES_TAG: "slack", parts_tag("slack"): "C02QUIET"})
    assert asked(tick(before)) == [today().isoformat()]
    # … one that re-reads all of Slack does.
    create_run_for_test(tick.instance, job_name="daily_digest", status=DagsterRunStatus.NOT_STARTED,
                        tags={PARTITION_TAG: today().isoformat(), SOURCES_TAG: "gmail,slack"})
    slack.add_message("C01CLIENT", slack_message(slack_ts(dt.datetime.now(dt.timezone.utc)), "U07ANA", "And a quote?"))
    waiting = tick(before)
    assert not waiting.run_requests and "which a queued run will read" in waiting.skip_message


def test_a_run_for_the_channels_with_news_rereads_only_them_and_keeps_the_others_rows(tmp_path, slack):
    now = dt.datetime.now(dt.timezone.utc)
    slack.add_message("C01CLIENT", slack_message(slack_ts(now - dt.timedelta(seconds=30)), "U07ANA", "Morning!"))
    slack.add_message("C02QUIET", slack_message(slack_ts(now - dt.timedelta(seconds=20)), "U01SAM", "Renewal call at 3"))
    config = write_config(tmp_path, f"  slack: {{mode: api, token_env: {SLACK_ENV}, base_url: '{slack.base_url}'}}\n")
    settings = load_settings(config)
    resources = {"settings": settings, "warehouse": WarehouseResource(database=settings.database_path)}
    raw_slack = next(a for a in raw_assets(partitions_for(settings).daily) if a.node_def.name == "raw_slack")

    def load(tags: dict[str, str] | None = None) -> list[tuple[str, str]]:
        done = materialize([raw_slack], partition_key=today().isoformat(), resources=resources, tags=tags,
                           instance=DagsterInstance.ephemeral())
        assert done.success
        with duckdb.connect(settings.database_path, read_only=True) as con:
            return con.execute("SELECT channel_id, text FROM raw_slack_messages ORDER BY ts").fetchall()

    assert load() == [("C01CLIENT", "Morning!"), ("C02QUIET", "Renewal call at 3")]
    slack.add_message("C01CLIENT", slack_message(slack_ts(dt.datetime.now(dt.timezone.utc)), "U07ANA", "Is SSO in?"))
    slack.requests.clear()
    parts = {SOURCES_TAG: "slack", parts_tag("slack"): "C01CLIENT"}
    assert load(parts) == [("C01CLIENT", "Morning!"), ("C02QUIET", "Renewal call at 3"), ("C01CLIENT", "Is SSO in?")]
    assert [p["channel"] for m, p in slack.requests if m == "conversations.history"] == ["C01CLIENT"]
    assert len(load(parts)) == 3  # re-running the same part replaces it


def test_slack_a_revoked_token_skips_the_tick_in_one_line_and_keeps_the_cursor(tmp_path, slack, monkeypatch):
    tick = slack_ticks(tmp_path, slack)
    tick()
    kept = tick.cursor
    monkeypatch.setenv(SLACK_ENV, "xoxb-revoked")
    refused = tick(kept)
    assert "could not look" in refused.skip_message and SLACK_ENV in refused.skip_message
    assert "xoxb-revoked" not in refused.skip_message and refused.cursor in (None, kept)


def test_a_sensor_whose_source_is_not_read_through_the_api_says_so(tmp_path):
    result = Ticks(write_config(tmp_path, "  gmail: {mode: mbox, paths: {}}\n"), "gmail_activity")()
    assert not result.run_requests and "not read through the API" in result.skip_message


# ---- Gmail -------------------------------------------------------------------------------------


def mail(message_id: str, labels: tuple[str, ...] = ("INBOX",)) -> FakeMessage:
    now = dt.datetime.now(dt.timezone.utc)
    raw = build_email(message_id=f"<{message_id}@client.example>", sent_at=now, sender="Ana Diaz <ana@client.example>",
                      to="Sam Roe <sam@ours.example>", text="Could you send the security pack?")
    return FakeMessage(message_id, f"t-{message_id}", raw, now, list(labels))


@pytest.fixture
def gmail():
    with FakeGmailServer({GMAIL_TOKEN: []}) as fake:
        yield fake


def gmail_ticks(tmp_path, fake: FakeGmailServer) -> Ticks:
    token = tmp_path / "sam-token.json"
    token.write_text(json.dumps({"token": GMAIL_TOKEN, "refresh_token": "1//r", "client_id": "c.apps.googleusercontent.com",
                                 "client_secret": "not-a-secret", "expiry": "2099-01-01T00:00:00Z"}))
    return Ticks(write_config(tmp_path, f"  gmail: {{mode: api, token_files: {{sam: {token}}}, root_url: '{fake.url}'}}\n"),
                 "gmail_activity")


def mail_days() -> list[str]:
    """New mail is dated from an hour before the previous look (Gmail files by receipt, rows by Date) to now."""
    now = dt.datetime.now(TZ)
    return sorted({(now - dt.timedelta(hours=1)).date().isoformat(), now.date().isoformat()})


def test_gmail_new_mail_from_the_history_asks_for_its_day_and_drafts_do_not(tmp_path, gmail):
    tick = gmail_ticks(tmp_path, gmail)
    assert "first look" in tick().skip_message and gmail.operations() == ["profile"]
    assert "nothing new" in tick().skip_message
    gmail.deliver(GMAIL_TOKEN, mail("draft-1", ("DRAFT",)))
    assert "nothing new" in tick().skip_message
    gmail.deliver(GMAIL_TOKEN, mail("m-1"))
    found = tick()
    assert asked(found) == mail_days()
    assert {"raw_gmail_messages", "activity", "digests"} <= selected(found.run_requests[0])
    assert "raw_slack_messages" not in selected(found.run_requests[0])
    assert "nothing new" in tick().skip_message
    assert gmail.operations() == ["profile"] + ["history"] * 4  # one call per look, no message fetched


def test_gmail_an_expired_history_id_falls_back_to_a_search_and_says_so(tmp_path, gmail, capfd):
    tick = gmail_ticks(tmp_path, gmail)
    tick()
    gmail.deliver(GMAIL_TOKEN, mail("m-2"))
    gmail.expire_history()
    capfd.readouterr()
    found = tick()
    assert asked(found) == mail_days()
    log = capfd.readouterr().err  # the sensor's log (the tick's log in the UI)
    assert "Gmail no longer has history" in log and "searched the mail received since" in log
    assert gmail.operations()[1:] == ["history", "profile", "list"]
    assert "nothing new" in tick().skip_message  # the fresh historyId from the profile is the new cursor


# ---- Notion ------------------------------------------------------------------------------------


def test_notion_an_edited_page_and_a_comment_on_an_active_deal_ask_for_their_day(tmp_path, monkeypatch):
    with FakeNotion() as notion:
        monkeypatch.setenv(NOTION_ENV, NOTION_TOKEN)
        database = notion.add_database()
        deal = notion.add_page(database, {"Name": title_property("Client pilot"), "Stage": status_property("Discovery"),
                                          "Customer": rich_text_property("Client")})
        config = write_config(tmp_path, f"  notion: {{mode: api, token_env: {NOTION_ENV}, database_id: {database}, "
                                        f"base_url: '{notion.base_url}'}}\n")
        # The warehouse holds the deal as active (a first run made it so).
        settings = load_settings(config)
        settings.home.mkdir(parents=True)
        with duckdb.connect(settings.database_path) as con:
            con.execute("CREATE TABLE opportunities AS SELECT ? AS page_id, true AS is_active", [deal])
        tick = Ticks(config, "notion_activity")
        tick()
        assert "nothing new" in tick().skip_message
        notion.edit_page(deal, {"Stage": status_property("Technical Validation")})
        edited = tick()
        assert asked(edited) == [today().isoformat()]
        assert {"raw_notion_opportunities", "opportunities", "digests"} <= selected(edited.run_requests[0])
        assert "nothing new" in tick().skip_message  # the same edit, seen again in the overlap minute, is not news
        user = notion.add_user("Ana Diaz", "ana@client.example")
        notion.add_comment(deal, "Security review is booked", dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
                           .replace("+00:00", "Z"), user["id"])
        assert asked(tick()) == [today().isoformat()]
        edits = notion.logged("POST", r"/v1/data_sources/[^/]+/query")
        assert edits and all(r.body["filter"]["timestamp"] == "last_edited_time" for r in edits)


# ---- files -------------------------------------------------------------------------------------


def test_files_a_new_slack_day_file_asks_for_that_day_and_a_grown_mbox_for_the_last_24_hours(tmp_path):
    export, mbox, usage = tmp_path / "slack", tmp_path / "sam.mbox", tmp_path / "usage.csv"
    (export / "ext-client-pilot").mkdir(parents=True)
    (export / "channels.json").write_text("[]")
    mbox.write_bytes(b"")
    usage.write_text("customer,date,metric,value\n")
    tick = Ticks(write_config(tmp_path, f"  slack: {{mode: export, path: {export}}}\n  gmail: {{mode: mbox, paths: {{sam: {mbox}}}}}\n"
                                        f"  usage: {{mode: file, path: '{tmp_path}/*.csv'}}\n"), "files_changed")
    assert "first look: watching 3 files of gmail, slack, usage" in tick().skip_message
    assert "nothing new" in tick().skip_message
    day = today() - dt.timedelta(days=5)
    (export / "ext-client-pilot" / f"{day}.json").write_text(json.dumps([{"type": "message", "ts": "1", "text": "hi"}]))
    found = tick()
    assert asked(found) == [day.isoformat()] and found.run_requests[0].tags[SOURCES_TAG] == "slack"
    with mbox.open("ab") as out:
        out.write(b"From x@y Thu Jan  1 00:00:00 2026\r\nSubject: hi\r\n\r\nhello\r\n")
    grown = tick()
    now = dt.datetime.now(TZ)
    assert asked(grown) == [(now - dt.timedelta(days=1)).date().isoformat(), now.date().isoformat()]
    assert all(r.tags[SOURCES_TAG] == "gmail" for r in grown.run_requests)
    assert "nothing new" in tick().skip_message


# ---- landed Slack events -----------------------------------------------------------------------


def test_events_landed_by_the_receiver_become_one_run_per_day(tmp_path):
    config = write_config(tmp_path, "  slack: {mode: api, token_env: SE_UNUSED_TOKEN}\n")
    store = EventStore(landing_path(load_settings(config)))
    now = dt.datetime.now(dt.timezone.utc)
    earlier = now - dt.timedelta(days=2)

    def land(event_id: str, moment: dt.datetime, channel: str = "C01CLIENT", kind: str = "message") -> None:
        store.land({"type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
                    "event": {"type": kind, "channel": channel, "ts": slack_ts(moment), "text": "hi"}}, now)

    tick = Ticks(config, "slack_events")
    assert "nothing new" in tick().skip_message
    land("Ev1", now)
    land("Ev2", now, channel="C02QUIET")
    land("Ev3", earlier)
    land("Ev4", earlier - dt.timedelta(days=3), kind="reaction_added")  # lands, but changes no row
    found = tick()
    by_day = {r.partition_key: r.tags[parts_tag("slack")] for r in found.run_requests}
    assert by_day == {today().isoformat(): "C01CLIENT,C02QUIET", earlier.astimezone(TZ).date().isoformat(): "C01CLIENT"}
    assert all(r.tags[SOURCES_TAG] == "slack" for r in found.run_requests)
    assert "nothing new" in tick().skip_message
