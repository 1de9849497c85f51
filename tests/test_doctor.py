"""`se-pipeline doctor`: real files, and the real client libraries against the fake Slack, Notion,
Gmail and Gong servers on 127.0.0.1."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from se_pipeline.config import (
    CallsApi,
    CallsExport,
    GmailApi,
    GmailMbox,
    NotionApi,
    NotionExport,
    OffSource,
    SalesEngineer,
    Settings,
    SlackApi,
    SlackExport,
    Sources,
    UsageFile,
    UsageHex,
    load_settings,
)
from se_pipeline.demo import ensure_demo_settings, ensure_demo_workspace
from se_pipeline.doctor import Finding, format_findings, run_doctor
from se_pipeline.sources.feedback import FeedbackSettings
from tests.fakes.gmail_server import SAMPLE_LABELS, FakeGmailServer
from tests.fakes.gong_server import FakeGong
from tests.fakes.hex_server import FakeHex
from tests.fakes.notion_server import TOKEN as NOTION_TOKEN
from tests.fakes.notion_server import FakeNotion
from tests.fakes.slack_server import DEFAULT_TOKEN as SLACK_TOKEN
from tests.fakes.slack_server import FakeSlack

ALICE = SalesEngineer(id="alice", name="Alice Chen", email="alice@example.com", slack_user_id="U0ALICE")
GMAIL_TOKEN = "ya29.alice-doctor-token"
GONG_KEY, GONG_SECRET = "gong-access-key-1234", "gong-secret-abcdefgh"
OFF = {name: OffSource() for name in Sources.model_fields}


def settings_with(tmp_path: Path, ses: list[SalesEngineer] | None = None, **sources) -> Settings:
    """Only the given sources on, the warehouse in a fresh home."""
    return Settings(
        home=tmp_path / "home",
        sales_engineers=[ALICE] if ses is None else ses,
        sources=Sources(**{**OFF, **sources}),
    )


def of(findings: list[Finding], source: str) -> list[Finding]:
    return [f for f in findings if f.source == source]


def only(findings: list[Finding], source: str) -> Finding:
    (finding,) = of(findings, source)
    return finding


# ---- demo and files -----------------------------------------------------------------------------


def test_the_demo_settings_file_is_all_ok(tmp_path):
    findings = run_doctor(load_settings(ensure_demo_settings(tmp_path / "home")))

    assert {f.source for f in findings} == {
        "slack", "gmail", "notion", "usage", "calls", "feedback", "sales_engineers", "warehouse",
    }  # fmt: skip
    assert [f for f in findings if f.status != "ok"] == []
    assert str(tmp_path / "home" / "demo" / "slack") in only(findings, "slack").what
    assert format_findings(findings).splitlines()[-1] == f"0 failed, 0 warnings, {len(findings)} ok"


def test_export_modes_read_the_files_as_a_run_would(tmp_path):
    demo = ensure_demo_workspace(tmp_path / "home")
    settings = settings_with(
        tmp_path,
        ses=demo.sales_engineers,
        slack=SlackExport(mode="export", path=demo.slack_dir),
        gmail=GmailMbox(mode="mbox", paths={se.id: demo.gmail_dir / f"{se.id}.mbox" for se in demo.sales_engineers}),
        notion=NotionExport(mode="export", path=demo.notion_dir),
        usage=UsageFile(mode="file", path=str(demo.usage_path)),
        calls=CallsExport(mode="export", path=demo.calls_dir),
        feedback=FeedbackSettings.in_folder(demo.feedback_dir),
    )
    findings = run_doctor(settings)

    assert [f for f in findings if f.status != "ok"] == []
    assert len(of(findings, "gmail")) == len(demo.sales_engineers)  # one per mailbox
    users = json.loads((demo.slack_dir / "users.json").read_text())
    assert f"{len(users)} raw_slack_users" in only(findings, "slack").what


@pytest.mark.parametrize(
    "source, make_config",
    [
        ("slack", lambda p: SlackExport(mode="export", path=p)),
        ("notion", lambda p: NotionExport(mode="export", path=p)),
        ("usage", lambda p: UsageFile(mode="file", path=str(p / "*.csv"))),
        ("calls", lambda p: CallsExport(mode="export", path=p)),
        ("gmail", lambda p: GmailMbox(mode="mbox", paths={"alice": p / "alice.mbox"})),
    ],
)
def test_a_missing_export_path_fails_naming_the_path(tmp_path, source, make_config):
    missing = tmp_path / "not-there"
    findings = run_doctor(settings_with(tmp_path, **{source: make_config(missing)}))

    finding = only(findings, source)
    assert finding.status == "fail"
    assert str(missing) in finding.what
    assert finding.fix and f"sources.{source}" in finding.fix


def test_a_folder_without_users_json_is_not_a_slack_export(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "channels.json").write_text("[]")
    finding = only(run_doctor(settings_with(tmp_path, slack=SlackExport(mode="export", path=export))), "slack")

    assert finding.status == "fail" and "users.json" in finding.what


def test_a_usage_file_without_an_account_column_fails_naming_it(tmp_path):
    usage = tmp_path / "usage.csv"
    usage.write_text("who,date,metric,value\nAcme,2026-10-01,events,5\n")
    finding = only(run_doctor(settings_with(tmp_path, usage=UsageFile(mode="file", path=str(usage)))), "usage")

    assert finding.status == "fail"
    assert "no account column" in finding.what and "{customer: <your column>}" in finding.what
    assert "sources.usage.columns" in finding.fix


def test_an_exported_opportunity_database_shows_the_properties_it_maps(tmp_path):
    export = tmp_path / "opportunities.csv"
    export.write_text("Deal,Client,Opportunity Stage,Account Executive,Presales Lead,ARR\n"
                      "Foo | Pilot,Foo Inc.,Pilot,Ann Ode,Alice Chen,100\n")
    notion = NotionExport(mode="export", path=export, properties={"se": "Presales Lead", "customer": "Client"})
    mapping = of(run_doctor(settings_with(tmp_path, notion=notion)), "notion")[1]

    assert mapping.status == "ok"
    assert "customer ← Client, se ← Presales Lead, stage ← Opportunity Stage, amount ← ARR" in mapping.what
    assert "not used: Account Executive" in mapping.what


def test_an_empty_calls_folder_is_a_warning(tmp_path):
    folder = tmp_path / "calls"
    folder.mkdir()
    findings = of(run_doctor(settings_with(tmp_path, calls=CallsExport(mode="export", path=folder))), "calls")

    assert [f.status for f in findings] == ["ok", "warn"]
    assert "no .json files" in findings[1].what


def test_a_file_that_is_not_an_mbox_is_a_warning(tmp_path):
    not_mbox = tmp_path / "alice.mbox"
    not_mbox.write_text("Subject: hello\n\nthis is one email, not an mbox\n")
    finding = only(run_doctor(settings_with(tmp_path, gmail=GmailMbox(mode="mbox", paths={"alice": not_mbox}))), "gmail")

    assert finding.status == "warn" and "no messages" in finding.what and "Takeout" in finding.fix


# ---- Slack --------------------------------------------------------------------------------------


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        fake.add_channel("C1", "ext-acme")
        yield fake


def slack_settings(tmp_path: Path, slack: FakeSlack, **kwargs) -> Settings:
    config = SlackApi(mode="api", token_env="DOCTOR_SLACK_TOKEN", base_url=slack.base_url, max_retries=0, **kwargs)
    return settings_with(tmp_path, slack=config)


def test_slack_api_ok_with_one_cheap_read_each(tmp_path, slack, monkeypatch):
    monkeypatch.setenv("DOCTOR_SLACK_TOKEN", SLACK_TOKEN)
    finding = only(run_doctor(slack_settings(tmp_path, slack)), "slack")

    assert finding.status == "ok" and "DOCTOR_SLACK_TOKEN" in finding.what
    assert slack.methods() == ["auth.test", "conversations.list"]
    assert slack.requests[1][1]["limit"] == "1"


def test_slack_bad_token_fails_naming_the_variable_never_the_token(tmp_path, slack, monkeypatch):
    wrong = "xoxb-0000-wrong-token-value"
    monkeypatch.setenv("DOCTOR_SLACK_TOKEN", wrong)
    findings = run_doctor(slack_settings(tmp_path, slack))

    finding = only(findings, "slack")
    assert finding.status == "fail"
    assert "DOCTOR_SLACK_TOKEN" in finding.what and "invalid_auth" in finding.what
    assert "DOCTOR_SLACK_TOKEN" in finding.fix
    assert wrong not in format_findings(findings)


def test_slack_missing_scope_names_the_scope_to_add(tmp_path, slack, monkeypatch):
    monkeypatch.setenv("DOCTOR_SLACK_TOKEN", SLACK_TOKEN)
    slack.set_error("conversations.list", "missing_scope", needed="groups:read", provided="channels:read")
    finding = only(run_doctor(slack_settings(tmp_path, slack)), "slack")

    assert finding.status == "fail" and "conversations.list" in finding.what
    assert "groups:read" in finding.fix and "reinstall" in finding.fix


def test_slack_token_variable_unset_fails_naming_it_without_calling_slack(tmp_path, slack, monkeypatch):
    monkeypatch.delenv("DOCTOR_SLACK_TOKEN", raising=False)
    finding = only(run_doctor(slack_settings(tmp_path, slack)), "slack")

    assert finding.status == "fail" and "DOCTOR_SLACK_TOKEN" in finding.what
    assert slack.requests == []


def test_a_token_written_where_the_variable_name_belongs_is_not_echoed(tmp_path, slack):
    pasted = "xoxb-1234-5678-pasted-into-config"
    config = SlackApi(mode="api", token_env=pasted, base_url=slack.base_url)
    findings = run_doctor(settings_with(tmp_path, slack=config))

    finding = only(findings, "slack")
    assert finding.status == "fail" and "sources.slack.token_env" in finding.what
    assert pasted not in format_findings(findings)


# ---- Notion -------------------------------------------------------------------------------------


@pytest.fixture
def notion():
    with FakeNotion() as fake:
        yield fake


def notion_settings(tmp_path: Path, notion: FakeNotion, database_id: str) -> Settings:
    config = NotionApi(mode="api", token_env="DOCTOR_NOTION_TOKEN", database_id=database_id, base_url=notion.base_url, max_retries=0)
    return settings_with(tmp_path, notion=config)


OPPORTUNITY_SCHEMA = {"Deal": "title", "Client Account": "rich_text", "Pipeline Stage": "status", "AE Owner": "people",
                      "Solutions Engineer": "people", "Region": "select"}


def test_a_service_that_does_not_answer_says_where_it_was_looked_for(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCTOR_SLACK_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("DOCTOR_NOTION_TOKEN", NOTION_TOKEN)
    with FakeSlack() as slack, FakeNotion() as notion:
        database_id = notion.add_database("Opportunities", OPPORTUNITY_SCHEMA)
    # Both stopped: nothing answers at their addresses any more.
    findings = run_doctor(settings_with(
        tmp_path,
        slack=SlackApi(mode="api", token_env="DOCTOR_SLACK_TOKEN", base_url=slack.base_url, max_retries=0),
        notion=NotionApi(mode="api", token_env="DOCTOR_NOTION_TOKEN", database_id=database_id, base_url=notion.base_url,
                         max_retries=0),
    ))
    for source, service, address in (("slack", "Slack", slack.base_url), ("notion", "Notion", notion.base_url)):
        finding = only(findings, source)
        assert finding.status == "fail" and finding.what.startswith(f"cannot reach {service} at {address}"), finding
        assert finding.fix == f"check sources.{source}.base_url and the network (proxy, firewall)"


def test_notion_database_readable_and_the_properties_it_maps(tmp_path, notion, monkeypatch):
    monkeypatch.setenv("DOCTOR_NOTION_TOKEN", NOTION_TOKEN)
    database_id = notion.add_database("Opportunities", OPPORTUNITY_SCHEMA)
    finding = only(run_doctor(notion_settings(tmp_path, notion, database_id)), "notion")

    assert finding.status == "ok" and "'Opportunities'" in finding.what
    assert "title ← Deal, customer ← Client Account, se ← Solutions Engineer, stage ← Pipeline Stage" in finding.what
    assert "not used: AE Owner, Region" in finding.what
    source = notion.data_source_of(database_id)
    assert [(r.method, r.path) for r in notion.requests] == [("GET", f"/v1/databases/{database_id}"),
                                                              ("GET", f"/v1/data_sources/{source}")]


def test_notion_properties_it_cannot_recognise_are_a_warning_naming_the_setting(tmp_path, notion, monkeypatch):
    monkeypatch.setenv("DOCTOR_NOTION_TOKEN", NOTION_TOKEN)
    database_id = notion.add_database("Deals", {"Deal": "title", "Who": "people", "Where": "select"})
    finding = only(run_doctor(notion_settings(tmp_path, notion, database_id)), "notion")

    assert finding.status == "warn" and "customer: none" in finding.what
    assert "customer, se, stage" in finding.fix and "sources.notion.properties" in finding.fix


def test_notion_database_not_shared_says_to_share_it(tmp_path, notion, monkeypatch):
    monkeypatch.setenv("DOCTOR_NOTION_TOKEN", NOTION_TOKEN)
    finding = only(run_doctor(notion_settings(tmp_path, notion, str(uuid.uuid4()))), "notion")

    assert finding.status == "fail" and "404" in finding.what
    assert "share the database with the integration" in finding.fix


def test_notion_data_source_readable(tmp_path, notion, monkeypatch):
    monkeypatch.setenv("DOCTOR_NOTION_TOKEN", NOTION_TOKEN)
    source = notion.data_source_of(notion.add_database("Pipeline", OPPORTUNITY_SCHEMA))
    config = NotionApi(mode="api", token_env="DOCTOR_NOTION_TOKEN", data_source_id=source, base_url=notion.base_url, max_retries=0)
    finding = only(run_doctor(settings_with(tmp_path, notion=config)), "notion")

    assert finding.status == "ok" and "can read the data source 'Pipeline'" in finding.what
    assert "se ← Solutions Engineer" in finding.what
    assert [(r.method, r.path) for r in notion.requests] == [("GET", f"/v1/data_sources/{source}")]


def test_notion_data_source_not_shared_names_the_data_source_key(tmp_path, notion, monkeypatch):
    monkeypatch.setenv("DOCTOR_NOTION_TOKEN", NOTION_TOKEN)
    missing = str(uuid.uuid4())
    config = NotionApi(mode="api", token_env="DOCTOR_NOTION_TOKEN", data_source_id=missing, base_url=notion.base_url, max_retries=0)
    finding = only(run_doctor(settings_with(tmp_path, notion=config)), "notion")

    assert finding.status == "fail" and f"data source {missing}" in finding.what and "404" in finding.what
    assert "sources.notion.data_source_id" in finding.fix


def test_notion_refused_token_names_the_variable(tmp_path, notion, monkeypatch):
    monkeypatch.setenv("DOCTOR_NOTION_TOKEN", "secret_not-the-right-one")
    finding = only(run_doctor(notion_settings(tmp_path, notion, notion.add_database())), "notion")

    assert finding.status == "fail" and "401" in finding.what
    assert "DOCTOR_NOTION_TOKEN" in finding.fix


def test_notion_token_variable_unset_fails_naming_it(tmp_path, notion, monkeypatch):
    monkeypatch.delenv("DOCTOR_NOTION_TOKEN", raising=False)
    finding = only(run_doctor(notion_settings(tmp_path, notion, notion.add_database())), "notion")

    assert finding.status == "fail" and "DOCTOR_NOTION_TOKEN" in finding.what
    assert notion.requests == []


def test_a_secret_pasted_into_another_setting_is_redacted(tmp_path, notion, monkeypatch):
    monkeypatch.setenv("DOCTOR_NOTION_TOKEN", NOTION_TOKEN)
    findings = run_doctor(notion_settings(tmp_path, notion, NOTION_TOKEN))  # the token where the id belongs

    assert only(findings, "notion").status == "fail"
    assert NOTION_TOKEN not in format_findings(findings)
    assert "[redacted]" in only(findings, "notion").what


# ---- Gong ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gong_server():
    # One server for the module: stopping this fake takes half a second.
    with FakeGong([], {}, key=GONG_KEY, secret=GONG_SECRET) as fake:
        yield fake


@pytest.fixture
def gong(gong_server):
    gong_server.log.clear()
    return gong_server


def gong_settings(tmp_path: Path, gong: FakeGong) -> Settings:
    config = CallsApi(mode="api", base_url=gong.url, access_key_env="DOCTOR_GONG_KEY", secret_env="DOCTOR_GONG_SECRET", max_retries=0)
    return settings_with(tmp_path, calls=config)


def test_gong_one_day_read_is_ok(tmp_path, gong, monkeypatch):
    monkeypatch.setenv("DOCTOR_GONG_KEY", GONG_KEY)
    monkeypatch.setenv("DOCTOR_GONG_SECRET", GONG_SECRET)
    finding = only(run_doctor(gong_settings(tmp_path, gong)), "calls")

    assert finding.status == "ok" and "0 calls" in finding.what
    ((method, path, body),) = gong.log
    assert (method, path) == ("POST", "/v2/calls/extensive")
    assert set(body["filter"]) == {"fromDateTime", "toDateTime"}


def test_gong_bad_secret_says_to_check_key_and_secret(tmp_path, gong, monkeypatch):
    monkeypatch.setenv("DOCTOR_GONG_KEY", GONG_KEY)
    monkeypatch.setenv("DOCTOR_GONG_SECRET", "gong-wrong-secret-value")
    findings = run_doctor(gong_settings(tmp_path, gong))

    finding = only(findings, "calls")
    assert finding.status == "fail" and "401" in finding.what
    assert "DOCTOR_GONG_KEY" in finding.fix and "DOCTOR_GONG_SECRET" in finding.fix
    assert "gong-wrong-secret-value" not in format_findings(findings)


def test_gong_variables_unset_are_all_named(tmp_path, gong, monkeypatch):
    monkeypatch.delenv("DOCTOR_GONG_KEY", raising=False)
    monkeypatch.delenv("DOCTOR_GONG_SECRET", raising=False)
    finding = only(run_doctor(gong_settings(tmp_path, gong)), "calls")

    assert finding.status == "fail"
    assert "DOCTOR_GONG_KEY" in finding.what and "DOCTOR_GONG_SECRET" in finding.what
    assert gong.log == []


# ---- Hex ----------------------------------------------------------------------------------------

HEX_PROJECT, HEX_TOKEN = "5a8591dd-4039-49df-9202-96385ba3eff8", "hxtw_" + "0f" * 48


def hex_settings(tmp_path: Path, hex_api: FakeHex) -> Settings:
    config = UsageHex(mode="api", base_url=hex_api.url, project_id=HEX_PROJECT, token_env="DOCTOR_HEX_TOKEN",
                      path=str(hex_api.export_path), max_retries=0)
    return settings_with(tmp_path, usage=config)


def test_hex_checks_the_token_and_reads_the_last_export_without_starting_a_run(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCTOR_HEX_TOKEN", HEX_TOKEN)
    with FakeHex(HEX_PROJECT, tmp_path / "usage.csv", "", token=HEX_TOKEN) as hex_api:
        missing = of(run_doctor(hex_settings(tmp_path, hex_api)), "usage")
        hex_api.export_path.write_text("customer,date,metric,value\nAcme,2026-10-01,events,3\n")
        found = of(run_doctor(hex_settings(tmp_path, hex_api)), "usage")

    assert [f.status for f in missing] == ["ok", "warn"] and "DOCTOR_HEX_TOKEN" in missing[0].what
    assert "first run writes the export" in missing[1].fix
    assert [f.status for f in found] == ["ok", "ok"] and str(hex_api.export_path) in found[1].what
    assert {method for method, _, _ in hex_api.log} == {"GET"} and hex_api.polls == {}  # no run was started


def test_hex_refused_or_unset_token_names_the_variable_only(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCTOR_HEX_TOKEN", HEX_TOKEN)
    with FakeHex(HEX_PROJECT, tmp_path / "usage.csv", "", token="another-token") as hex_api:
        refused = run_doctor(hex_settings(tmp_path, hex_api))
        monkeypatch.delenv("DOCTOR_HEX_TOKEN")
        unset = only(run_doctor(hex_settings(tmp_path, hex_api)), "usage")

    finding = only(refused, "usage")
    assert finding.status == "fail" and "HTTP 401" in finding.what and "DOCTOR_HEX_TOKEN" in finding.fix
    assert HEX_TOKEN not in format_findings(refused)
    assert unset.status == "fail" and "DOCTOR_HEX_TOKEN is not set" in unset.what


# ---- Gmail --------------------------------------------------------------------------------------


@pytest.fixture
def gmail():
    with FakeGmailServer({GMAIL_TOKEN: []}, labels={GMAIL_TOKEN: SAMPLE_LABELS}) as fake:
        yield fake


def token_file(tmp_path: Path, gmail: FakeGmailServer) -> Path:
    """An authorized-user token file whose access token is still valid (nothing is refreshed)."""
    path = tmp_path / "alice-token.json"
    info = {"token": GMAIL_TOKEN, "refresh_token": "1//refresh", "client_id": "client.apps.googleusercontent.com",
            "client_secret": "not-a-secret", "expiry": "2099-01-01T00:00:00Z", "token_uri": gmail.token_uri}  # fmt: skip
    path.write_text(json.dumps(info))
    return path


def gmail_settings(tmp_path: Path, gmail: FakeGmailServer, token_files: dict[str, Path], ses=None) -> Settings:
    config = GmailApi(mode="api", token_files=token_files, root_url=gmail.url, max_retries=0)
    return settings_with(tmp_path, ses=ses, gmail=config)


def test_gmail_mailbox_readable_with_one_labels_list(tmp_path, gmail):
    finding = only(run_doctor(gmail_settings(tmp_path, gmail, {"alice": token_file(tmp_path, gmail)})), "gmail")

    assert finding.status == "ok" and "alice" in finding.what and "3 labels" in finding.what
    assert gmail.operations() == ["labels"]


def test_gmail_missing_scope_says_what_to_grant(tmp_path, gmail):
    gmail.fail("labels", 403, reason="insufficientPermissions")
    finding = only(run_doctor(gmail_settings(tmp_path, gmail, {"alice": token_file(tmp_path, gmail)})), "gmail")

    assert finding.status == "fail" and "403" in finding.what
    assert "gmail.readonly" in finding.fix


def test_gmail_token_file_missing_fails_naming_it(tmp_path, gmail):
    missing = tmp_path / "nowhere" / "alice.json"
    finding = only(run_doctor(gmail_settings(tmp_path, gmail, {"alice": missing})), "gmail")

    assert finding.status == "fail" and str(missing) in finding.what
    assert gmail.requests == []


def test_gmail_se_without_a_token_file_is_warned_about(tmp_path, gmail):
    bob = SalesEngineer(id="bob", name="Bob Diaz", email="bob@example.com", slack_user_id="U0BOB")
    findings = of(run_doctor(gmail_settings(tmp_path, gmail, {"alice": token_file(tmp_path, gmail)}, ses=[ALICE, bob])), "gmail")

    assert [(f.status, "bob" in f.what) for f in findings] == [("ok", False), ("warn", True)]
    assert "sources.gmail.token_files.bob" in findings[1].fix


# ---- every API at once --------------------------------------------------------------------------


def test_only_reads_reach_the_servers_and_no_secret_is_shown(tmp_path, slack, notion, gong, gmail, monkeypatch):
    for name, value in {"DOCTOR_SLACK_TOKEN": SLACK_TOKEN, "DOCTOR_NOTION_TOKEN": NOTION_TOKEN,
                        "DOCTOR_GONG_KEY": GONG_KEY, "DOCTOR_GONG_SECRET": GONG_SECRET}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    settings = settings_with(
        tmp_path,
        slack=slack_settings(tmp_path, slack).sources.slack,
        notion=notion_settings(tmp_path, notion, notion.add_database(properties=OPPORTUNITY_SCHEMA)).sources.notion,
        calls=gong_settings(tmp_path, gong).sources.calls,
        gmail=gmail_settings(tmp_path, gmail, {"alice": token_file(tmp_path, gmail)}).sources.gmail,
    )
    findings = run_doctor(settings)
    output = format_findings(findings)

    assert [f for f in findings if f.status != "ok"] == []
    assert set(slack.methods()) == {"auth.test", "conversations.list"}
    assert {r.method for r in notion.requests} == {"GET"}
    assert {(method, path) for method, path, _ in gong.log} == {("POST", "/v2/calls/extensive")}
    assert set(gmail.operations()) == {"labels"}
    for secret in (SLACK_TOKEN, NOTION_TOKEN, GONG_KEY, GONG_SECRET, GMAIL_TOKEN):
        assert secret not in output


# ---- sales engineers and the warehouse ----------------------------------------------------------


def test_no_sales_engineers_fails(tmp_path):
    finding = only(run_doctor(settings_with(tmp_path, ses=[])), "sales_engineers")

    assert finding.status == "fail" and "sales_engineers" in finding.fix


def test_an_se_without_slack_user_id_is_warned_about_when_slack_is_read(tmp_path, slack, monkeypatch):
    monkeypatch.setenv("DOCTOR_SLACK_TOKEN", SLACK_TOKEN)
    bob = SalesEngineer(id="bob", name="Bob Diaz", email="bob@example.com")
    with_slack = slack_settings(tmp_path, slack)
    with_slack.sales_engineers = [ALICE, bob]
    warnings = [f for f in of(run_doctor(with_slack), "sales_engineers") if f.status == "warn"]
    without_slack = [f for f in of(run_doctor(settings_with(tmp_path, ses=[ALICE, bob])), "sales_engineers") if f.status != "ok"]

    assert len(warnings) == 1 and warnings[0].what.startswith("bob has no slack_user_id")
    assert without_slack == []


def test_motherduck_warehouse_needs_its_token_variable(tmp_path, monkeypatch):
    for name in ("motherduck_token", "MOTHERDUCK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = settings_with(tmp_path)
    settings.database = "md:se_pipeline"
    missing = only(run_doctor(settings), "warehouse")
    monkeypatch.setenv("motherduck_token", "md-token-value-123456")
    findings = run_doctor(settings)

    assert missing.status == "fail" and "motherduck_token" in missing.what
    assert only(findings, "warehouse").status == "ok"
    assert "md-token-value-123456" not in format_findings(findings)


def test_a_warehouse_under_a_file_cannot_be_created(tmp_path):
    (tmp_path / "plain-file").write_text("")
    settings = settings_with(tmp_path)
    settings.database = str(tmp_path / "plain-file" / "warehouse.duckdb")
    finding = only(run_doctor(settings), "warehouse")

    assert finding.status == "fail" and "is a file, not a folder" in finding.what and "database:" in finding.fix


def test_format_findings_puts_each_fix_under_its_finding(tmp_path):
    findings = [
        Finding(source="slack", status="fail", what="Slack refused the token", fix="put a valid token in X"),
        Finding(source="warehouse", status="ok", what="writable"),
    ]
    lines = format_findings(findings).splitlines()

    assert lines[0].startswith("FAIL  slack") and lines[1].strip() == "fix: put a valid token in X"
    assert lines[2].startswith("ok    warehouse")
    assert lines[-1] == "1 failed, 0 warnings, 1 ok"


# ---- hosts that never answer ---------------------------------------------------------------------


@pytest.fixture
def silent_host():
    """A TCP port on 127.0.0.1 that takes connections (the kernel's backlog) and never answers."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()


def test_silent_hosts_are_reported_by_the_deadline_and_other_results_come_first(tmp_path, monkeypatch, silent_host):
    monkeypatch.setenv("DOCTOR_SLACK_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("DOCTOR_NOTION_TOKEN", NOTION_TOKEN)
    settings = settings_with(
        tmp_path,
        slack=SlackApi(mode="api", token_env="DOCTOR_SLACK_TOKEN", base_url=silent_host + "/api/", max_retries=0),
        notion=NotionApi(mode="api", token_env="DOCTOR_NOTION_TOKEN", base_url=silent_host, database_id=str(uuid.uuid4())),
    )
    heard: list[tuple[str, str]] = []
    findings = run_doctor(settings, on_finding=lambda f: heard.append((f.source, f.status)), deadline=2)
    silent = {f.source: f for f in findings if "no answer within 2s" in f.what}
    assert set(silent) == {"slack", "notion"} and all(f.status == "fail" and "base_url" in f.fix for f in silent.values())
    assert heard.index(("warehouse", "ok")) < heard.index(("slack", "fail"))  # each result printed as it comes
    assert [f.source for f in findings] == ["slack", "notion", "sales_engineers", "warehouse"]  # returned in order
