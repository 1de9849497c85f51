"""An API answer cut short, dropped mid-body or reset before it comes is retried like a 5xx, through
the real client libraries against the fake servers (tests/fakes/broken.py breaks the answers); one that
stays broken fails its source with one line, never a raw JSONDecodeError or IncompleteRead. A
revoked Gmail token fails that SE's mailbox only."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import duckdb
import pytest
from google.oauth2.credentials import Credentials

from se_pipeline.config import GmailApi, SalesEngineer, Settings, Sources
from se_pipeline.sources.gmail import GmailApiConnector, from_settings as gmail_from_settings
from se_pipeline.errors import SourceError
from se_pipeline.pages import Rows
from se_pipeline.warehouse import ensure_tables, load_records
from se_pipeline.window import Window
from tests.fakes.broken import CUT_JSON, DROPPED, KINDS, RESET
from tests.fakes.gmail_server import FakeGmailServer, sample_mailbox
from tests.fakes.notion_server import FakeNotion
from tests.fakes.slack_server import FakeSlack
from tests.test_gmail_api import TOKEN as GMAIL_TOKEN
from tests.test_notion_api import WINDOW as NOTION_WINDOW
from tests.test_notion_api import add_deals
from tests.test_notion_api import connector as notion_api
from tests.test_slack_api import EXPECTED_MESSAGES, fill, make_connector as slack_connector, run as slack_run

NY = ZoneInfo("America/New_York")
DAY = dt.date(2026, 10, 6)
GMAIL_WINDOW = Window.for_day(DAY, NY)


def rows_of(records) -> list[dict]:
    return [row for page in records if isinstance(page, Rows) for row in page.rows]


# ---- Slack ------------------------------------------------------------------------------------


@pytest.fixture
def slack():
    with FakeSlack() as server:
        fill(server)
        yield server


@pytest.mark.parametrize("kind", KINDS)
def test_a_broken_slack_answer_is_retried_and_the_rows_are_whole(slack, monkeypatch, kind):
    slack.fail_next("conversations.history", kind)
    connector = slack_connector(slack, monkeypatch)
    monkeypatch.setattr("time.sleep", lambda s: None)  # backoff waits are not what is tested
    messages, _, quarantined = slack_run(connector)
    assert len(messages) == EXPECTED_MESSAGES and quarantined == []
    assert slack.calls("conversations.history") == 3 + 1


def test_a_slack_answer_that_stays_broken_fails_the_source_in_one_line(slack, monkeypatch):
    slack.fail_next("users.list", CUT_JSON, times=5)
    monkeypatch.setattr("time.sleep", lambda s: None)
    with pytest.raises(SourceError) as error:
        slack_run(slack_connector(slack, monkeypatch, max_retries=2))
    message = str(error.value)
    assert "users.list" in message and "\n" not in message
    assert "JSONDecodeError" not in message and slack.calls("users.list") == 3


# ---- Gmail ------------------------------------------------------------------------------------


def token_file(tmp_path, name: str, token: str):
    path = tmp_path / f"{name}-token.json"
    path.write_text(json.dumps({"token": token, "refresh_token": "1//refresh", "client_id": "c.apps.googleusercontent.com",
                                "client_secret": "not-a-secret", "expiry": "2099-01-01T00:00:00Z"}))
    return path


def gmail(tmp_path, server: FakeGmailServer, tokens: dict[str, str]):
    settings = Settings(
        home=tmp_path / "home",
        timezone="America/New_York",
        sales_engineers=[SalesEngineer(id=se, name=se.title(), email=f"{se}@example.com") for se in tokens],
        sources=Sources(gmail=GmailApi(mode="api", token_files={se: token_file(tmp_path, se, t) for se, t in tokens.items()},
                                       root_url=server.url)),
    )
    connector = gmail_from_settings(settings)
    connector._sleep = lambda s: None
    return connector


@pytest.fixture
def mail():
    with FakeGmailServer({GMAIL_TOKEN: sample_mailbox(DAY, NY)}) as server:
        yield server


def clean_ids(tmp_path, mail) -> list[str]:
    return [r["message_id"] for r in rows_of(gmail(tmp_path, mail, {"alice": GMAIL_TOKEN}).extract(GMAIL_WINDOW))]


@pytest.mark.parametrize("operation,kind", [("list", CUT_JSON), ("list", DROPPED), ("labels", RESET),
                                            ("batch", DROPPED), ("batch", CUT_JSON), ("get", CUT_JSON)])
def test_a_broken_gmail_answer_or_batch_part_is_retried(tmp_path, mail, operation, kind):
    expected = clean_ids(tmp_path, mail)
    mail.fail(operation, kind)
    assert [r["message_id"] for r in rows_of(gmail(tmp_path, mail, {"alice": GMAIL_TOKEN}).extract(GMAIL_WINDOW))] == expected
    assert len(expected) == 5


def test_a_gmail_answer_that_stays_broken_fails_the_source_in_one_line(tmp_path, mail):
    mail.fail("list", CUT_JSON, times=10)
    with pytest.raises(SourceError) as error:
        list(gmail(tmp_path, mail, {"alice": GMAIL_TOKEN}).extract(GMAIL_WINDOW))
    assert "alice" in str(error.value) and "\n" not in str(error.value)


def revocable(server: FakeGmailServer, access: str, refresh: str) -> Credentials:
    """User credentials refreshed at the fake's token endpoint (a 401 makes google-auth refresh)."""
    return Credentials(token=access, refresh_token=refresh, token_uri=server.token_uri, client_id="c",
                       client_secret="not-a-secret", expiry=dt.datetime(2099, 1, 1))


def test_a_revoked_token_fails_that_mailbox_only_and_keeps_what_it_stored(tmp_path):
    with FakeGmailServer({GMAIL_TOKEN: sample_mailbox(DAY, NY)}) as server:
        server.revoked_refresh_tokens.add("1//bob-revoked")
        mailboxes = {"bob": revocable(server, "ya29.bob-expired", "1//bob-revoked"),
                     "alice": revocable(server, GMAIL_TOKEN, "1//alice")}
        con = duckdb.connect()
        ensure_tables(con)
        con.execute("INSERT INTO raw_gmail_messages (message_key, partition_date, se_id, message_id, sent_at, permalink) "
                    "VALUES ('bob:<old@x>', ?, 'bob', '<old@x>', ?, 'https://mail.google.com/')",
                    [DAY, GMAIL_WINDOW.start])
        connector = GmailApiConnector(mailboxes, root_url=server.url, sleep=lambda s: None)
        report = load_records(con, "gmail", connector.tables, GMAIL_WINDOW, connector.extract(GMAIL_WINDOW), tmp_path)
    stored = dict(con.execute("SELECT se_id, count(*) FROM raw_gmail_messages GROUP BY se_id").fetchall())
    assert stored == {"alice": 5, "bob": 1}  # bob's earlier mail is not wiped by a run that could not read it
    [(key, reason)] = con.execute("SELECT record_key, reason FROM quarantine").fetchall()
    assert report.quarantined == 1 and key == "mailbox:bob" and reason.startswith("refused: gmail: the credentials for bob")
    assert "ya29" not in reason and "1//" not in reason


def test_when_every_mailbox_is_refused_the_source_fails(tmp_path):
    with FakeGmailServer({GMAIL_TOKEN: sample_mailbox(DAY, NY)}) as server:
        server.revoked_refresh_tokens.add("1//bob-revoked")
        connector = GmailApiConnector({"bob": revocable(server, "ya29.bob-expired", "1//bob-revoked")},
                                      root_url=server.url, sleep=lambda s: None)
        with pytest.raises(SourceError, match="credentials for bob were refused"):
            list(connector.extract(GMAIL_WINDOW))


# ---- Notion -----------------------------------------------------------------------------------


def notion_rows(fake: FakeNotion, database_id: str) -> list[dict]:
    rows = rows_of(notion_api(fake, database_id, sleeps=[]).extract(NOTION_WINDOW))
    return sorted(({k: v for k, v in r.items() if k != "payload"} for r in rows), key=lambda r: str(sorted(r.items())))


@pytest.mark.parametrize("kind", KINDS)
def test_a_broken_notion_answer_is_retried(kind):
    with FakeNotion() as fake:
        database = fake.add_database()
        add_deals(fake, database, 3)
        expected = notion_rows(fake, database)
        fake.break_next("POST", r"/v1/data_sources/[^/]+/query", kind)
        assert notion_rows(fake, database) == expected and len(expected) >= 3


def test_a_notion_answer_that_stays_broken_fails_the_source_in_one_line():
    with FakeNotion() as fake:
        database = fake.add_database()
        add_deals(fake, database, 3)
        fake.break_next("POST", r"/v1/data_sources/[^/]+/query", CUT_JSON, times=20)
        with pytest.raises(SourceError, match="cut short") as error:
            list(notion_api(fake, database, sleeps=[]).extract(NOTION_WINDOW))
    assert "\n" not in str(error.value)
