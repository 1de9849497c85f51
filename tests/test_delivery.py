"""Delivering digests and coaching reports where the SE reads: real slack_sdk and googleapiclient against
the fake Slack and Gmail servers. The right message to the right person, nothing to an SE who did not
opt in, nothing twice, "Updated" when the content changed, and a failure that fails delivery alone."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re

import duckdb
import pytest
from dagster import DagsterInstance, materialize
from fakes.gmail_server import FakeGmailServer
from fakes.slack_server import FakeSlack, slack_message, slack_user

from se_pipeline.analysis import refresh_signals
from se_pipeline.cli import main as cli
from se_pipeline.config import Delivery, GmailApi, Manager, SalesEngineer, Settings, SlackApi, Sources, load_settings
from se_pipeline.sources.slack import ReadOnlyWebClient
from se_pipeline.delivery import deliver_coaching, deliver_digests
from se_pipeline.delivery.email import GmailSender, compose
from se_pipeline.delivery.slack_dm import HEADER_CHARS, MAX_BLOCKS, SECTION_CHARS, slack_messages
from se_pipeline.errors import ConfigError, WriteRefusedError
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.readonly import WriteAllowance
from se_pipeline.render import publish_digests
from se_pipeline.warehouse import connect
from se_pipeline.window import Window
from se_pipeline_assets.delivery import DELIVER_TAG, delivery_assets
from se_pipeline_assets.partitions import partitions_for
from se_pipeline_assets.resources import WarehouseResource
from tests.test_proposals import CHANNELS, TUE, TZ, USERS, at, post

IVO_TOKEN = "ya29.ivo-test-token"
OCT = dt.date(2026, 10, 13)  # a day the code location's daily partitions have (they start with the default settings')


def token_file(tmp_path):
    """An authorized-user token whose access token is still valid, so nothing is refreshed."""
    path = tmp_path / "ivo-token.json"
    path.write_text(json.dumps({"token": IVO_TOKEN, "refresh_token": "1//r", "client_id": "c.apps.googleusercontent.com",
                                "client_secret": "not-a-secret", "expiry": "2099-01-01T00:00:00Z"}))
    return path


@pytest.fixture
def servers(monkeypatch):
    with FakeSlack() as slack, FakeGmailServer({IVO_TOKEN: []}) as gmail:
        monkeypatch.setenv("SLACK_BOT_TOKEN", slack.token)
        yield slack, gmail


@pytest.fixture
def settings(tmp_path, servers):
    slack, gmail = servers
    return Settings(
        home=tmp_path / "home", timezone="Europe/Vienna", company_domains=["ourco.io"],
        sales_engineers=[
            SalesEngineer(id="ivo", name="Ivo Petrov", email="ivo@ourco.io", slack_user_id="U1IVO",
                          deliver=Delivery(slack_dm=True, email=True),
                          manager=Manager(name="Mia Holt", email="mia@ourco.io", slack_user_id="U1MIA")),
            SalesEngineer(id="ana", name="Ana Lind", email="ana@ourco.io", slack_user_id="U1ANA"),
        ],
        sources=Sources(slack=SlackApi(mode="api", base_url=slack.base_url),
                        gmail=GmailApi(mode="api", token_files={"ivo": token_file(tmp_path)}, root_url=gmail.url)),
    )


def publish(settings: Settings, *messages: tuple, day: dt.date = TUE) -> None:
    """The day's digests, from these Slack messages through the real models and rules."""
    window = Window.for_day(day, TZ)
    with connect(settings.database_path) as con:
        prepare(con, settings)
        con.execute("DELETE FROM raw_slack_users; DELETE FROM raw_slack_channels; DELETE FROM raw_slack_messages")
        con.executemany("INSERT INTO raw_slack_users (user_id, real_name, email) VALUES (?, ?, ?)", USERS)
        con.executemany("INSERT INTO raw_slack_channels (channel_id, name, channel_type) VALUES (?, ?, 'public')", CHANNELS)
        for message in messages:
            post(con, *message)
        for model in discover_models().values():
            run_model(con, model, window)
        refresh_signals(con, window, settings)
        publish_digests(con, window, settings)


HELLO = ("C1", at(TUE, 8), "U1IVO", "Morning Ed, your trial workspace is ready.")
QUESTION = ("C1", at(TUE, 9), "U2ED", "Hi Ivo, does the agent support <!channel> auth & NTLM?")
SECOND = ("C1", at(TUE, 11), "U2ED", "Ivo, can you also send the sizing guide by Friday?")


def posts(slack: FakeSlack) -> list[dict]:
    return [params for method, params in slack.requests if method == "chat.postMessage"]


def mails(gmail: FakeGmailServer) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(raw, policy=email.policy.default) for _, raw in gmail.sent]


def deliver(settings: Settings, day: dt.date = TUE):
    with connect(settings.database_path) as con:
        return deliver_digests(con, day, settings)


def test_the_opted_in_se_gets_their_digest_by_dm_and_mail_and_the_other_se_nothing(settings, servers):
    slack, gmail = servers
    publish(settings, HELLO, QUESTION)
    report = deliver(settings)
    [dm] = posts(slack)
    assert dm["channel"] == "U1IVO" and report.failures == []
    blocks = dm["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Digest for Ivo Petrov: 2026-03-10"}}
    section = next(b["text"]["text"] for b in blocks if b["type"] == "section" and "Bramble" in b["text"]["text"])
    assert section.startswith("*Bramble : New*")
    # The customer's words stay text (no @channel, no link of theirs); the source is a Slack link.
    assert "&lt;!channel&gt; auth &amp; NTLM" in section and "<!channel>" not in section
    assert re.search(r"<https://x\.slack\.com/archives/C1/p\d+\|Slack>", section)
    assert "Ivo Petrov" in dm["text"] or "digest" in dm["text"].lower()
    [mail] = mails(gmail)
    assert gmail.sent[0][0] == IVO_TOKEN  # sent from Ivo's own mailbox
    assert (mail["From"], mail["To"]) == ("Ivo Petrov <ivo@ourco.io>", "ivo@ourco.io")
    assert mail["Subject"] == "Your digest for Tue 10 Mar 2026"
    plain, page = mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()
    assert plain.startswith("# Digest for Ivo Petrov: 2026-03-10") and "Bramble" in page
    assert "<!channel>" not in page and "&lt;!channel&gt;" in page  # the HTML escapes message text
    assert not [p for p in posts(slack) if p["channel"] == "U1ANA"] and len(gmail.sent) == 1
    assert sorted(report.sent) == ["ivo: digest 2026-03-10 by email to ivo@ourco.io",
                                   "ivo: digest 2026-03-10 by slack_dm to U1IVO"]


def test_a_rerun_sends_nothing_new_and_a_changed_digest_is_sent_as_updated(settings, servers):
    slack, gmail = servers
    publish(settings, HELLO, QUESTION)
    deliver(settings)
    again = deliver(settings)
    assert (len(posts(slack)), len(gmail.sent), again.sent, again.unchanged) == (1, 1, [], 2)
    publish(settings, HELLO, QUESTION, SECOND)
    updated = deliver(settings)
    assert len(posts(slack)) == 2 and len(gmail.sent) == 2
    assert posts(slack)[1]["blocks"][1] == {"type": "context", "elements": [
        {"type": "mrkdwn", "text": "Updated: this replaces the version sent earlier."}]}
    assert mails(gmail)[1]["Subject"] == "Updated: Your digest for Tue 10 Mar 2026"
    assert all(line.endswith("(updated)") for line in updated.sent)
    with duckdb.connect(settings.database_path, read_only=True) as con:
        rows = con.execute("SELECT channel, status FROM deliveries ORDER BY sent_at, channel").fetchall()
    assert sorted(rows) == [("email", "sent"), ("email", "updated"), ("slack_dm", "sent"), ("slack_dm", "updated")]


def test_a_failed_dm_is_reported_the_mail_still_goes_and_the_dm_goes_on_the_next_run(settings, servers):
    slack, gmail = servers
    publish(settings, HELLO, QUESTION)
    slack.set_error("chat.postMessage", "channel_not_found")
    report = deliver(settings)
    assert report.failures == ["ivo: slack_dm to U1IVO: slack: the DM to U1IVO was not sent: channel_not_found"]
    assert len(gmail.sent) == 1
    slack._errors.clear()
    report = deliver(settings)
    assert report.sent == ["ivo: digest 2026-03-10 by slack_dm to U1IVO"] and len(gmail.sent) == 1


def test_the_delivery_asset_fails_alone_leaves_the_digest_and_a_backfill_sends_nothing(settings, servers, tmp_path):
    slack, gmail = servers
    publish(settings, *[(c, dt.datetime.combine(OCT, when.timetz()), u, t) for c, when, u, t in (HELLO, QUESTION)], day=OCT)
    config = tmp_path / "se-pipeline.yaml"
    config.write_text(
        f"home: {settings.home}\ntimezone: Europe/Vienna\nstart_date: 2026-03-01\ncompany_domains: [ourco.io]\n"
        "sales_engineers:\n  - {id: ivo, name: Ivo Petrov, email: ivo@ourco.io, slack_user_id: U1IVO, deliver: {slack_dm: true}}\n"
        f"sources:\n  slack: {{mode: api, base_url: '{slack.base_url}'}}\n"
    )
    configured = load_settings(config)
    resources = {"settings": configured, "warehouse": WarehouseResource(database=settings.database_path)}
    digest_delivery = delivery_assets(partitions_for(configured))[0]

    def run(**kwargs):
        return materialize([digest_delivery], partition_key=OCT.isoformat(), resources=resources,
                           instance=DagsterInstance.ephemeral(), raise_on_error=False, **kwargs)

    assert run(tags={DELIVER_TAG: "false"}).success and posts(slack) == []
    slack.set_error("chat.postMessage", "not_in_channel")
    failed = run()
    assert not failed.success and (settings.home / "digests" / OCT.isoformat() / "ivo.md").exists()
    slack._errors.clear()
    assert run().success and len([p for p in posts(slack) if "blocks" in p]) == 2  # the failed try, then the DM
    assert run().success and len(posts(slack)) == 2


def test_coaching_reports_go_to_the_rep_and_a_critical_one_to_their_manager(settings, servers):
    slack, gmail = servers
    with connect(settings.database_path) as con:
        prepare(con, settings)
        week = dt.date(2026, 3, 2)
        for se_id, review in (("ivo", True), ("ana", False)):
            con.execute("INSERT INTO coaching_reports (week_start, se_id, needs_manager_review, markdown, quick_card) "
                        "VALUES (?, ?, ?, ?, '')", [week, se_id, review, f"# Coaching: {se_id}\n\n- **Discovery**: 35 (Critical)"])
        first = deliver_coaching(con, week, settings)
        second = deliver_coaching(con, week, settings)
    assert sorted(p["channel"] for p in posts(slack)) == ["U1IVO", "U1MIA"]
    to_manager = next(p for p in posts(slack) if p["channel"] == "U1MIA")
    assert to_manager["blocks"][0]["text"]["text"] == "Manager review: Ivo Petrov, week of 2 Mar 2026"
    assert any("*Discovery*: 35 (Critical)" in b["text"]["text"] for b in to_manager["blocks"] if b["type"] == "section")
    assert sorted(m["To"] for m in mails(gmail)) == ["ivo@ourco.io", "mia@ourco.io"]
    assert all(m["From"] == "Ivo Petrov <ivo@ourco.io>" for m in mails(gmail))
    assert not any("Coaching: ana" in json.dumps(p["blocks"]) for p in posts(slack))
    assert len(first.sent) == 4 and second.sent == [] and second.unchanged == 4


def test_the_delivery_guards_refuse_anyone_but_the_allowed_recipient(settings, servers):
    slack, gmail = servers
    only_ivo = WriteAllowance("chat.postMessage", lambda body: None if body.get("channel") == "U1IVO" else "not Ivo", "test",
                              times=None)
    client = ReadOnlyWebClient(slack.token, slack.base_url, writes=[only_ivo])
    with pytest.raises(WriteRefusedError, match="not Ivo"):
        client.chat_postMessage(channel="C1", text="to a channel")
    with pytest.raises(WriteRefusedError, match="read-only"):
        client.chat_delete(channel="U1IVO", ts="1.0")
    ivo = settings.sales_engineers[0]
    stray = compose(ivo, "someone@elsewhere.example", "hello", "text")
    with pytest.raises(WriteRefusedError, match="a mail may only go to ivo@ourco.io"):
        GmailSender(settings, ivo).send(stray, {"ivo@ourco.io"}, "test")
    assert posts(slack) == [] and gmail.sent == []


def test_slack_messages_keep_slacks_limits():
    customers = "\n".join(f"## Customer {i} : POC\n\nTodo:\n- {'word ' * 800}([Slack](https://x.slack.com/a/{i}))\n"
                          for i in range(60))
    messages = slack_messages(f"# {'Digest ' * 40}\n\n{customers}", "summary")
    assert len(messages) > 1 and all(len(m.blocks) <= MAX_BLOCKS for m in messages)
    sections = [b["text"]["text"] for m in messages for b in m.blocks if b["type"] == "section"]
    assert all(len(text) <= SECTION_CHARS for text in sections)
    assert len(messages[0].blocks[0]["text"]["text"]) <= HEADER_CHARS
    assert sum(text.count("*Customer ") for text in sections) == 60  # every customer, in order, none lost


def test_a_delivery_the_settings_cannot_make_is_named_with_its_key(tmp_path):
    config = tmp_path / "se-pipeline.yaml"
    config.write_text("sales_engineers:\n  - {id: ivo, name: Ivo, email: ivo@ourco.io, deliver: {slack_dm: true, email: true}}\n")
    with pytest.raises(ConfigError) as error:
        load_settings(config)
    lines = str(error.value).splitlines()
    assert lines[0].startswith(f"{config}:2:") and "sales_engineers.0.deliver.slack_dm: a Slack DM needs" in lines[0]
    assert "sales_engineers.0.deliver.email: an email needs sources.gmail in mode api" in lines[1]


def test_run_writes_the_digest_when_delivery_fails_says_so_and_delivers_once_when_run_again(tmp_path, servers, monkeypatch,
                                                                                          capsys, cli_log_level):
    """`se-pipeline run` on the fake Slack: the DM fails (exit 2, the digest is written), then goes, once."""
    slack, _ = servers
    monkeypatch.setenv("SE_PIPELINE_CONFIG", "")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    slack.add_user(slack_user("U1IVO", "ivo", "Ivo Petrov", "ivo@ourco.io"))
    slack.add_user(slack_user("U2ED", "ed", "Ed Park", "ed@bramble.example"))
    slack.add_channel("C1", "ext-bramble", is_ext_shared=True, is_shared=True)
    noon = dt.datetime.combine(OCT, dt.time(12), dt.timezone.utc).timestamp()
    slack.add_message("C1", slack_message(f"{noon:.0f}.000100", "U1IVO", "Morning Ed, your trial workspace is ready."))
    slack.add_message("C1", slack_message(f"{noon + 600:.0f}.000100", "U2ED", "Ivo, can you send the sizing guide?"))
    config = tmp_path / "se-pipeline.yaml"
    config.write_text(
        f"home: {tmp_path / 'home'}\ntimezone: UTC\nstart_date: {OCT}\ncompany_domains: [ourco.io]\n"
        "sales_engineers:\n  - {id: ivo, name: Ivo Petrov, email: ivo@ourco.io, slack_user_id: U1IVO, deliver: {slack_dm: true}}\n"
        f"sources:\n  slack: {{mode: api, base_url: '{slack.base_url}'}}\n"
    )
    slack.set_error("chat.postMessage", "not_in_channel")
    assert cli(["--config", str(config), "run", "-q", "--date", OCT.isoformat()]) == 2
    out, err = capsys.readouterr()
    assert "digest for ivo" in out and "the digests are written, but delivering them failed" in err
    assert "the DM to U1IVO was not sent: not_in_channel" in err and "Traceback" not in err
    digest = tmp_path / "home" / "digests" / OCT.isoformat() / "ivo.md"
    assert digest.exists() and "sizing guide" in digest.read_text()
    # A backfill delivers nothing, so the refusing Slack does not fail it.
    assert cli(["--config", str(config), "backfill", "-q", "--start", OCT.isoformat(), "--end", OCT.isoformat()]) == 0
    slack._errors.clear()
    assert cli(["--config", str(config), "run", "-q", "--date", OCT.isoformat()]) == 0
    assert cli(["--config", str(config), "run", "-q", "--date", OCT.isoformat()]) == 0
    delivered = [p for p in posts(slack) if p["channel"] == "U1IVO"]
    assert len(delivered) == 2  # the refused try, then one DM: the third run sent nothing
    assert "sizing guide" in json.dumps(delivered[-1]["blocks"])
