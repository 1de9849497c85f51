"""Applying proposals to the opportunity database: real notion_client against the fake Notion server,
on proposals the real pipeline made from an invented day. Only a confirmed, still valid proposal
writes, exactly its change, once; ingestion can never write."""

from __future__ import annotations

import io
import json

import duckdb
import pytest
from fakes.notion_server import TOKEN, FakeNotion, date_property, people_property, rich_text_property, status_property, title_property

from se_pipeline.analysis import refresh_signals
from se_pipeline.cli import main as cli
from se_pipeline.config import NotionApi, NotionExport, SalesEngineer, Settings, Sources
from se_pipeline.sources.notion import NotionApiConnector, from_settings
from se_pipeline.errors import SePipelineError, WriteRefusedError
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.proposals import apply_proposal, open_proposals, refresh_proposals
from se_pipeline.proposals.apply import NotionSession, Stale
from se_pipeline.warehouse import connect, load_records
from se_pipeline.window import Window
from tests.test_proposals import CHANNELS, TUE, TZ, USERS, at, post

SCHEMA = {"Name": "title", "Customer": "rich_text", "Stage": "status", "SE": "people", "Close Date": "date",
          "Next Step": "rich_text"}
SE = SalesEngineer(id="ivo", name="Ivo Petrov", email="ivo@ourco.io", slack_user_id="U1IVO")


@pytest.fixture
def notion(tmp_path, monkeypatch):
    """A fake Notion workspace, settings that read it through the API, and the warehouse of one day."""
    monkeypatch.setenv("NOTION_TOKEN", TOKEN)
    with FakeNotion() as fake:
        database = fake.add_database(properties=SCHEMA)
        ivo = fake.add_user("Ivo Petrov", "ivo@ourco.io")
        pages = {}
        for name, customer, stage in [("Bramble | Platform", "Bramble Cargo GmbH", "Technical Evaluation"),
                                      ("Larkspur – Rollout", "Larkspur Foods", "Security Review"),
                                      ("Heron – Renewal", "Heron Air", "Negotiation")]:
            pages[customer] = fake.add_page(database, {
                "Name": title_property(name), "Customer": rich_text_property(customer, "c%3Ax"),
                "Stage": status_property(stage), "SE": people_property([ivo]),
                "Close Date": date_property("2026-04-30"), "Next Step": rich_text_property("Kickoff done", "n%3Ax"),
            })
        settings = Settings(
            home=tmp_path / "home", timezone="Europe/Vienna", company_domains=["ourco.io"], sales_engineers=[SE],
            sources=Sources(notion=NotionApi(mode="api", database_id=database, base_url=fake.base_url)),
        )
        build_warehouse(settings, tmp_path)
        fake.requests.clear()  # what ingestion read is not what these tests look at
        yield fake, settings, pages


def build_warehouse(settings: Settings, tmp_path) -> None:
    window = Window.for_day(TUE, TZ)
    with connect(settings.database_path) as con:
        prepare(con, settings)
        notion = settings.sources.notion
        connector = NotionApiConnector(token=TOKEN, database_id=notion.database_id, base_url=notion.base_url,
                                       terminal_stages=settings.terminal_stages, requests_per_second=None)
        load_records(con, "notion", connector.tables, window, connector.extract(window), staging_dir=tmp_path)
        con.executemany("INSERT INTO raw_slack_users (user_id, real_name, email) VALUES (?, ?, ?)", USERS)
        con.executemany("INSERT INTO raw_slack_channels (channel_id, name, channel_type) VALUES (?, ?, 'public')", CHANNELS)
        post(con, "C1", at(TUE, 9), "U2ED", "Hi Ivo, our security team sent over the vendor security questionnaire today.")
        post(con, "C3", at(TUE, 10), "U2JO", "Hello Ivo, could you show us how the connector handles schema changes?")
        post(con, "C3", at(TUE, 12), "U1IVO", "Hi Jo, happy to walk you through it on Thursday.")
        for model in discover_models().values():
            run_model(con, model, window)
        refresh_signals(con, window, settings)
        refresh_proposals(con, window, settings)


def proposal(settings: Settings, kind: str):
    with duckdb.connect(settings.database_path, read_only=True) as con:
        return next(p for p in open_proposals(con) if p.kind == kind)


def status(settings: Settings, proposal_id: str) -> tuple:
    with duckdb.connect(settings.database_path, read_only=True) as con:
        return con.execute("SELECT status, status_reason FROM proposals WHERE proposal_id = ?", [proposal_id]).fetchone()


def changes(settings: Settings) -> list[tuple]:
    with duckdb.connect(settings.database_path, read_only=True) as con:
        return con.execute("SELECT proposal_id, applied_by, method, path, before, after, request, response_id "
                           "FROM proposal_changes").fetchall()


def test_a_confirmed_stage_change_writes_exactly_that_property_once_and_is_recorded(notion):
    fake, settings, pages = notion
    stage = proposal(settings, "stage")
    shown = []
    applied = apply_proposal(settings, stage.proposal_id, lambda change: shown.append(change) or True)
    [write] = fake.writes()
    page = pages["Bramble Cargo GmbH"]
    assert (write.method, write.path) == ("PATCH", f"/v1/pages/{page}")
    assert write.body == {"properties": {"Stage": {"status": {"name": "Security Review"}}}}
    assert fake.pages[page]["properties"]["Stage"]["status"]["name"] == "Security Review"
    assert "  Stage: Technical Evaluation → Security Review" in shown[0].lines
    assert fake.logged("GET", f"/v1/pages/{page}")[0] is fake.requests[0]  # the page was read again first
    assert status(settings, stage.proposal_id) == ("applied", None)
    [(pid, who, method, path, before, after, request, response_id)] = changes(settings)
    assert (pid, method, path, before, after, response_id) == (
        stage.proposal_id, "PATCH", f"/v1/pages/{page}", "Technical Evaluation", "Security Review", page)
    assert who and json.loads(request) == write.body and applied.response_id == page


def test_declined_unknown_applied_and_stale_proposals_write_nothing(notion):
    fake, settings, pages = notion
    stage = proposal(settings, "stage")
    assert apply_proposal(settings, stage.proposal_id, lambda change: False) is None
    assert status(settings, stage.proposal_id) == ("open", None)
    with pytest.raises(SePipelineError, match="no proposal 'ffff0000'"):
        apply_proposal(settings, "ffff0000", lambda change: True)
    fake.edit(pages["Bramble Cargo GmbH"], "Stage", status_property("Negotiation"))  # someone moved it by hand
    with pytest.raises(Stale, match="Stage is Negotiation in Notion now, not Technical Evaluation"):
        apply_proposal(settings, stage.proposal_id, lambda change: True)
    assert status(settings, stage.proposal_id)[0] == "stale"
    with pytest.raises(SePipelineError, match="is stale"):
        apply_proposal(settings, stage.proposal_id, lambda change: True)
    assert fake.writes() == [] and changes(settings) == []


def test_an_applied_proposal_is_not_applied_twice(notion):
    fake, settings, _ = notion
    stage = proposal(settings, "stage")
    apply_proposal(settings, stage.proposal_id, lambda change: True)
    with pytest.raises(SePipelineError, match=f"proposal {stage.proposal_id} is applied by "):
        apply_proposal(settings, stage.proposal_id[:6], lambda change: True)
    assert len(fake.writes()) == 1


def test_the_days_comment_goes_on_its_page_with_its_sources(notion):
    fake, settings, pages = notion
    comment = proposal(settings, "comment")
    apply_proposal(settings, comment.proposal_id, lambda change: True)
    [write] = fake.writes()
    page = pages["Bramble Cargo GmbH"]
    assert (write.method, write.path, write.body["parent"]) == ("POST", "/v1/comments", {"page_id": page})
    links = [item["text"]["link"]["url"] for item in write.body["rich_text"] if item["text"]["link"]]
    assert links == comment.links and links[0].startswith("https://x.slack.com/archives/C1/")
    [posted] = fake.comments[page]
    assert "questionnaire" in "".join(t["plain_text"] for t in posted["rich_text"])


def test_a_new_opportunity_is_created_in_the_configured_database_with_its_se(notion):
    fake, settings, _ = notion
    new = proposal(settings, "new_opportunity")
    applied = apply_proposal(settings, new.proposal_id, lambda change: True)
    [write] = fake.writes()
    assert (write.method, write.path) == ("POST", "/v1/pages")
    source = next(iter(fake.databases.values()))["data_source_id"]
    assert write.body["parent"] == {"type": "data_source_id", "data_source_id": source}
    assert set(write.body["properties"]) == {"Name", "Customer", "SE"}
    created = fake.pages[applied.response_id]["properties"]
    assert created["Name"]["title"][0]["plain_text"] == "Wren"
    assert created["SE"]["people"] == [{"object": "user", "id": next(iter(fake.users))}]
    [block] = fake.children[applied.response_id]
    assert block["paragraph"]["rich_text"][0]["plain_text"].startswith("First activity: 2026-03-10")
    # Made again, it would find the customer's page and refuse rather than create a second one.
    with duckdb.connect(settings.database_path) as con:
        con.execute("UPDATE proposals SET status = 'open' WHERE proposal_id = ?", [new.proposal_id])
    with pytest.raises(Stale, match="a page whose title names Wren"):
        apply_proposal(settings, new.proposal_id, lambda change: True)
    assert len(fake.writes()) == 1


def test_the_write_guard_allows_the_confirmed_change_only(notion):
    fake, settings, pages = notion
    stage = proposal(settings, "stage")
    session = NotionSession(settings)
    change = session.plan(stage)
    widened = type(change)(change.method, change.path, {"properties": {**change.body["properties"],
                           "Close Date": {"date": {"start": "2027-01-01"}}}}, change.before, change.after)
    with pytest.raises(WriteRefusedError, match="only the property 'Stage' may change"):
        session.write(stage, widened)
    other = type(change)("PATCH", f"pages/{pages['Heron Air']}", change.body, change.before, change.after)
    with pytest.raises(WriteRefusedError, match="refused 'PATCH /pages/"):
        session.write(stage, other)
    assert fake.writes() == []


def test_ingestion_calling_the_same_endpoints_is_refused(notion):
    fake, settings, pages = notion
    connector = from_settings(settings)
    page = pages["Bramble Cargo GmbH"]
    with pytest.raises(WriteRefusedError, match="ingestion is read-only"):
        connector.client.pages.update(page, properties={"Stage": {"status": {"name": "Security Review"}}})
    with pytest.raises(WriteRefusedError, match="ingestion is read-only"):
        connector.client.comments.create(parent={"page_id": page}, rich_text=[{"text": {"content": "hi"}}])
    assert fake.writes() == []


def test_the_cli_shows_the_change_and_applies_it_only_after_yes(notion, monkeypatch, capsys, cli_log_level, tmp_path):
    fake, settings, _ = notion
    config = tmp_path / "se-pipeline.yaml"
    config.write_text(
        f"home: {settings.home}\ndatabase: {settings.database_path}\ntimezone: Europe/Vienna\n"
        "company_domains: [ourco.io]\nsales_engineers:\n  - {id: ivo, name: Ivo Petrov, email: ivo@ourco.io}\n"
        f"sources:\n  notion: {{mode: api, database_id: {settings.sources.notion.database_id}, base_url: {fake.base_url}}}\n"
    )
    assert cli(["--config", str(config), "proposals", "--customer", "bramble"]) == 0
    listed = capsys.readouterr().out
    stage = proposal(settings, "stage")
    assert f"{stage.proposal_id}  2026-03-10  Bramble Cargo" in listed and "Stage: Technical Evaluation → Security Review" in listed
    assert "Wren" not in listed
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert cli(["--config", str(config), "apply", stage.proposal_id]) == 0
    assert "not applied: nothing was written" in capsys.readouterr().out and fake.writes() == []
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert cli(["--config", str(config), "apply", stage.proposal_id]) == 0
    out = capsys.readouterr().out
    assert "Stage: Technical Evaluation → Security Review" in out and f"applied proposal {stage.proposal_id}" in out
    assert len(fake.writes()) == 1
    new = proposal(settings, "new_opportunity")
    assert cli(["--config", str(config), "dismiss", new.proposal_id]) == 0
    assert status(settings, new.proposal_id)[0] == "dismissed"
    assert cli(["--config", str(config), "apply", new.proposal_id, "--yes"]) == 2
    assert "is dismissed" in capsys.readouterr().err and len(fake.writes()) == 1


def test_applying_needs_the_notion_api(notion, tmp_path):
    _, settings, _ = notion
    exported = settings.model_copy(update={"sources": Sources(notion=NotionExport(mode="export", path=tmp_path / "x.csv"))})
    with pytest.raises(SePipelineError, match="sources.notion is not in mode api"):
        apply_proposal(exported, proposal(settings, "stage").proposal_id, lambda change: True)

