"""The Gmail API connector against a fake Gmail server, through the real googleapiclient."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from google.oauth2.credentials import Credentials

from se_pipeline.config import GmailApi, GmailMbox, SalesEngineer, Settings, Sources
from se_pipeline.sources.gmail import GmailApiConnector, GmailMboxConnector, from_settings
from se_pipeline.errors import SourceError, WriteRefusedError
from se_pipeline.pages import Quarantined, Rows
from se_pipeline.window import Window
from tests.fakes.gmail_server import (
    SAMPLE_LABELS,
    FakeGmailServer,
    FakeMessage,
    build_email,
    sample_mailbox,
    write_mbox,
)

NY = ZoneInfo("America/New_York")
DAY = dt.date(2026, 10, 6)
WINDOW = Window.for_day(DAY, NY)
TOKEN = "ya29.alice-test-token"


def token_file(tmp_path):
    """An authorized-user token file whose access token is still valid, so nothing is refreshed.

    (google-auth always refreshes such files at Google's token endpoint, whatever token_uri says.)"""
    path = tmp_path / "alice-token.json"
    info = {"token": TOKEN, "refresh_token": "1//refresh", "client_id": "client.apps.googleusercontent.com",
            "client_secret": "not-a-secret", "expiry": "2099-01-01T00:00:00Z"}  # fmt: skip
    path.write_text(json.dumps(info))
    return path


def settings_for(tmp_path, server: FakeGmailServer) -> Settings:
    return Settings(
        home=tmp_path / "home",
        timezone="America/New_York",
        sales_engineers=[SalesEngineer(id="alice", name="Alice Chen", email="alice@example.com")],
        sources=Sources(
            gmail=GmailApi(
                mode="api",
                token_files={"alice": token_file(tmp_path)},
                root_url=server.url,
            )
        ),
    )


def api_connector(tmp_path, server: FakeGmailServer, sleeps: list[float] | None = None) -> GmailApiConnector:
    connector = from_settings(settings_for(tmp_path, server))
    assert isinstance(connector, GmailApiConnector)
    if sleeps is not None:  # record waits instead of sleeping
        connector._sleep = sleeps.append
    return connector


def rows_of(records) -> list[dict]:
    return [row for page in records if isinstance(page, Rows) for row in page.rows]


@pytest.fixture
def server():
    with FakeGmailServer({TOKEN: sample_mailbox(DAY, NY)}, labels={TOKEN: SAMPLE_LABELS}, max_page_size=2) as fake:
        yield fake


def test_lists_every_page_and_fetches_raw_messages_oldest_first(tmp_path, server):
    connector = api_connector(tmp_path, server)
    rows = rows_of(connector.extract(WINDOW))

    # m5/m6 are outside the day, m7 is spam; m8's Date is on the day although Gmail got it after midnight.
    assert [r["message_id"] for r in rows] == [
        "<q1@acme.com>",
        "<a1@example.com>",
        "<gong-1@gong.io>",
        "<att@acme.com>",
        "<late@acme.com>",
    ]
    lists = [r for r in server.requests if r.operation == "list"]
    start, end = (
        int(WINDOW.start.timestamp()) - 3600,
        int(WINDOW.end.timestamp()) + 3600,
    )
    assert {r.query["q"][0] for r in lists} == {f"after:{start} before:{end}"}
    assert all(r.query["includeSpamTrash"] == ["false"] for r in lists)
    assert [r.query.get("pageToken", [None])[0] for r in lists] == [
        None,
        "2",
        "4",
        "6",
    ]  # 7 listed, 2 a page
    gets = [r for r in server.requests if r.operation == "get"]
    assert all(r.in_batch and r.query["format"] == ["raw"] for r in gets) and len(gets) == 7
    assert server.operations(in_batch=False) == [
        "labels",
        "list",
        "list",
        "list",
        "list",
        "batch",
    ]
    assert connector.calls == 6


def test_rows_keep_gmail_ids_threads_and_labels(tmp_path, server):
    rows = {r["message_id"]: r for r in rows_of(api_connector(tmp_path, server).extract(WINDOW))}
    question, answer = rows["<q1@acme.com>"], rows["<a1@example.com>"]
    assert question["gmail_id"] == "m1" and question["thread_id"] == answer["thread_id"] == "18b2f3c4d5e6f7a8"
    assert question["labels"] == [
        "Customers/Acme",
        "INBOX",
        "UNREAD",
    ]  # user label id resolved to its name
    assert answer["body_text"] == "Hi Bob,\n\nHere it is: https://docs.example.com/sso"
    assert answer["signature"] == "Best,\nAlice" and "> Can you send" in answer["quoted_text"]
    assert rows["<gong-1@gong.io>"]["is_automated"] is True
    assert rows["<gong-1@gong.io>"]["body_text"] == "Your call with Acme was recorded.\n\nNext steps: send pricing."
    assert rows["<att@acme.com>"]["attachments"] == ["questionnaire.xlsx"]
    assert all(r["partition_date"] == DAY for r in rows.values())


def test_batches_hold_at_most_50_gets(tmp_path):
    start = dt.datetime(2026, 10, 6, 8, 0, tzinfo=NY)
    mailbox = [
        FakeMessage(
            f"id{i:03d}",
            f"{0x1000 + i:x}",
            build_email(message_id=f"<n{i}@acme.com>", sent_at=start + dt.timedelta(minutes=i)),
            start + dt.timedelta(minutes=i),
        )
        for i in range(120)
    ]
    with FakeGmailServer({TOKEN: mailbox}) as fake:
        connector = api_connector(tmp_path, fake)
        rows = rows_of(connector.extract(WINDOW))
    assert [r["message_id"] for r in rows] == [f"<n{i}@acme.com>" for i in range(120)]  # oldest first
    sizes: list[int] = []
    for op in fake.operations():
        if op == "batch":
            sizes.append(0)
        elif op == "get":
            sizes[-1] += 1
    assert sizes == [50, 50, 20]
    assert connector.calls == 1 + 1 + 3  # labels, one list page (500 max), three batches


def test_rate_limit_429_is_retried_after_retry_after(tmp_path, server):
    server.fail("list", 429, retry_after=7)
    sleeps: list[float] = []
    rows = rows_of(api_connector(tmp_path, server, sleeps).extract(WINDOW))
    assert len(rows) == 5 and sleeps == [7.0]
    assert server.operations(in_batch=False).count("list") == 5  # the refused first page, then four


def test_rate_limited_parts_of_a_batch_are_retried_alone(tmp_path, server):
    server.fail("get", 403, reason="userRateLimitExceeded", retry_after=3, times=2)
    sleeps: list[float] = []
    rows = rows_of(api_connector(tmp_path, server, sleeps).extract(WINDOW))
    assert len(rows) == 5 and sleeps == [3.0]
    ops = server.operations()
    second_batch = ops[ops.index("batch", ops.index("batch") + 1) + 1 :]
    assert second_batch == ["get", "get"]  # only the two refused gets went again


def test_server_error_then_success_backs_off(tmp_path, server):
    server.fail("list", 500)
    sleeps: list[float] = []
    assert len(rows_of(api_connector(tmp_path, server, sleeps).extract(WINDOW))) == 5
    assert sleeps == [1.0]


def test_persistent_rate_limit_becomes_a_source_error(tmp_path, server):
    server.fail("list", 429, retry_after=1, times=10)
    connector = api_connector(tmp_path, server, sleeps=[])
    with pytest.raises(SourceError, match="gmail: alice: HTTP 429"):
        list(connector.extract(WINDOW))


def test_a_forbidden_mailbox_says_what_to_fix(tmp_path, server):
    server.fail("labels", 403, reason="insufficientPermissions")
    with pytest.raises(SourceError, match="gmail.readonly"):
        list(api_connector(tmp_path, server, sleeps=[]).extract(WINDOW))


def test_writes_are_refused_before_they_reach_the_server(tmp_path, server):
    service = api_connector(tmp_path, server).service_for("alice")
    messages = service.users().messages()
    with pytest.raises(WriteRefusedError, match="read-only"):
        messages.send(userId="me", body={"raw": "U3ViamVjdDogaGk="}).execute()
    with pytest.raises(WriteRefusedError):
        messages.trash(userId="me", id="m1").execute()
    with pytest.raises(WriteRefusedError):
        messages.modify(userId="me", id="m1", body={"removeLabelIds": ["UNREAD"]}).execute()
    batch = service.new_batch_http_request()
    batch.add(messages.get(userId="me", id="m1", format="raw"))
    batch.add(messages.trash(userId="me", id="m2"))
    with pytest.raises(WriteRefusedError):
        batch.execute()
    assert server.requests == []  # nothing arrived, not even the read in the refused batch


def test_expired_token_is_refreshed_before_the_first_call(server):
    expired = Credentials(
        token="ya29.expired", refresh_token="1//refresh", client_id="client", client_secret="not-a-secret",
        token_uri=server.token_uri, expiry=dt.datetime(2020, 1, 1),
    )  # fmt: skip
    connector = GmailApiConnector({"alice": expired}, root_url=server.url)
    assert len(rows_of(connector.extract(WINDOW))) == 5
    assert server.operations()[0] == "token"


def test_mbox_and_api_give_the_same_rows_for_the_same_mail(tmp_path, server):
    mbox = tmp_path / "alice.mbox"
    write_mbox(mbox, server.mailboxes[TOKEN], label_names={"Label_7": "Customers/Acme"})
    from_api = rows_of(api_connector(tmp_path, server).extract(WINDOW))
    from_mbox = rows_of(GmailMboxConnector({"alice": mbox}).extract(WINDOW))

    def comparable(row: dict) -> dict:
        return {k: v for k, v in row.items() if k != "gmail_id"}

    assert [comparable(r) for r in from_mbox] == [comparable(r) for r in from_api]
    assert all(r["gmail_id"] is None for r in from_mbox)


def test_settings_name_mistakes(tmp_path, server):
    settings = settings_for(tmp_path, server)
    settings.sources.gmail.token_files["bob"] = tmp_path / "bob.json"
    with pytest.raises(Exception, match="unknown sales engineer 'bob'"):
        from_settings(settings)
    del settings.sources.gmail.token_files["bob"]
    settings.sources.gmail.token_files["alice"] = tmp_path / "missing.json"
    with pytest.raises(Exception, match="sources.gmail.token_files.alice: token file not found"):
        from_settings(settings)
    settings.sources.gmail = GmailMbox(mode="mbox", paths={"alice": tmp_path / "alice.mbox"})
    assert isinstance(from_settings(settings), GmailMboxConnector)


def test_quarantine_for_unreadable_api_message(tmp_path):
    sent = dt.datetime(2026, 10, 6, 9, 0, tzinfo=NY)
    no_id = b"Date: Tue, 06 Oct 2026 09:00:00 -0400\r\nFrom: bob@acme.com\r\n\r\nno message id\r\n"
    mailbox = [
        FakeMessage("bad1", "abc", no_id, sent),
        FakeMessage("ok1", "abd", build_email(message_id="<ok@x>", sent_at=sent), sent),
    ]
    with FakeGmailServer({TOKEN: mailbox}) as fake:
        records = list(api_connector(tmp_path, fake).extract(WINDOW))
    quarantined = [r for r in records if isinstance(r, Quarantined)]
    assert [(q.key, q.reason.split(":")[0], q.partition_date) for q in quarantined] == [
        ("api:alice:bad1", "no_message_id", DAY)
    ]
    assert [r["message_id"] for r in rows_of(records)] == ["<ok@x>"]


def test_service_account_acts_as_each_se(tmp_path, server, monkeypatch):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps({
        "type": "service_account", "project_id": "p", "private_key_id": "k1", "private_key": pem,
        "client_email": "reader@p.iam.gserviceaccount.com", "client_id": "1", "token_uri": server.token_uri,
    }))  # fmt: skip
    monkeypatch.setenv("GMAIL_SA_KEY_FILE", str(key_file))  # the environment, not a client object
    settings = settings_for(tmp_path, server)
    settings.sources.gmail = GmailApi(mode="api", service_account_file_env="GMAIL_SA_KEY_FILE", root_url=server.url)
    connector = from_settings(settings)
    assert len(rows_of(connector.extract(WINDOW))) == 5
    grant = server.token_requests[0]
    assert grant["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert grant["claims"]["sub"] == "alice@example.com"  # domain-wide delegation to the SE's mailbox
    assert grant["claims"]["scope"] == "https://www.googleapis.com/auth/gmail.readonly"
