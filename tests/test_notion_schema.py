"""The opportunity database's schema is read, not assumed: which property holds each field, in the
CSV export and the API alike, and the fields beyond the basics (domain, workspace id, POC end, probability)."""

from __future__ import annotations

import datetime as dt

import pytest

from se_pipeline.config import NotionProperties, load_settings
from se_pipeline.sources.notion import TEXT, NotionApiConnector, NotionExportConnector, map_properties
from se_pipeline.sources.notion.properties import extract_fields, normalise_domain
from se_pipeline.sources.notion.schema import FIELDS
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.warehouse import Rows
from se_pipeline.window import Window
from tests.fakes.notion_server import TOKEN, FakeNotion, title_property

DAY = Window.for_day(dt.date(2026, 3, 12), dt.timezone.utc)


def csv_types(*columns: str) -> dict[str, str]:
    return {column: TEXT for column in columns}


def test_a_teams_own_names_are_recognised():
    mapping = map_properties(
        csv_types("Deal", "Company Name", "Pipeline Stage", "Solutions Consultant", "Deal Size", "Expected Close Date",
                  "Website", "Tenant ID", "Trial End Date", "Win Probability", "Next Action", "Notes"),
        title="Deal",
    )
    assert mapping.fields == {
        "title": "Deal", "customer": "Company Name", "se": "Solutions Consultant", "stage": "Pipeline Stage",
        "amount": "Deal Size", "close_date": "Expected Close Date", "domain": "Website", "workspace_id": "Tenant ID",
        "poc_end": "Trial End Date", "probability": "Win Probability", "next_step": "Next Action",
    }
    assert mapping.unused == ("Notes",)


@pytest.mark.parametrize("owner", ["AE Owner", "Account Executive", "Account Owner", "Opportunity Owner", "Owner"])
def test_the_se_is_never_the_account_executive_or_an_owner_when_an_se_property_exists(owner):
    mapping = map_properties(csv_types("Name", owner, "Presales Engineer"), title="Name")
    assert mapping["se"] == "Presales Engineer" and owner in mapping.unused


def test_a_plain_owner_is_the_se_only_when_nothing_is_named_for_one():
    assert map_properties(csv_types("Name", "Owner", "Status"), title="Name")["se"] == "Owner"
    assert map_properties(csv_types("Name", "AE Owner", "Status"), title="Name")["se"] is None


def test_in_api_mode_types_decide_between_candidates():
    types = {"Opportunity": "title", "Stage": "date", "Deal Status": "status", "Account": "rich_text",
             "Technical Owner": "people", "Domain": "url"}
    mapping = map_properties(types)
    # A date cannot be a stage: the status property is.
    assert mapping["title"] == "Opportunity" and mapping["stage"] == "Deal Status"
    assert mapping["se"] == "Technical Owner" and mapping["domain"] == "Domain"
    # An odd name: the one status property is the stage.
    assert map_properties({"Deal": "title", "Where are we": "status"})["stage"] == "Where are we"


def test_properties_named_in_the_settings_win_and_a_missing_one_is_named():
    types = csv_types("Deal", "Client", "Presales Lead", "Account", "Stage")
    mapping = map_properties(types, {"customer": "client", "se": "Presales Lead"}, title="Deal")
    assert mapping["customer"] == "Client" and mapping["se"] == "Presales Lead"
    with pytest.raises(SourceError, match=r"sources.notion.properties.se names 'Presales Owner', but the database has no such"):
        map_properties(types, {"se": "Presales Owner"}, title="Deal")


def test_settings_name_every_field_and_reject_an_unknown_one(tmp_path):
    assert tuple(NotionProperties.model_fields) == FIELDS
    config = tmp_path / "settings.yaml"
    config.write_text("sources:\n  notion: {mode: export, path: opps.csv, properties: {custmer: Client}}\n")
    with pytest.raises(ConfigError, match=r"sources.notion.properties.custmer: unknown key"):
        load_settings(config)
    config.write_text("sources:\n  notion: {mode: api, database_id: abc, properties: {customer: Client, se: Presales Lead}}\n")
    assert load_settings(config).sources.notion.properties.se == "Presales Lead"


@pytest.mark.parametrize(
    "written, domain",
    [("https://www.Example-Freight.com/", "example-freight.com"), ("example-freight.com", "example-freight.com"),
     ("http://shop.example.co.uk/about?x=1", "shop.example.co.uk"), ("ops@example.io", "example.io"), ("n/a", None)],
)
def test_domains_normalise_to_the_bare_host(written, domain):
    assert normalise_domain(written) == domain


def test_the_extra_fields_are_read_and_a_bad_one_costs_only_itself():
    flat = {"Opportunity": "Bramble | Pilot", "Account": "Bramble Cargo GmbH", "Deal Stage": "Pilot",
            "Probability": "35%", "Primary Domain": "https://www.bramble-cargo.de", "POC End": "March 30, 2026",
            "Workspace ID": "ws_bc_77"}
    fields = extract_fields(flat, {})
    assert (fields.customer, fields.domain, fields.workspace_id, fields.poc_end, fields.probability) == (
        "Bramble Cargo GmbH", "bramble-cargo.de", "ws_bc_77", dt.date(2026, 3, 30), 0.35)
    fields = extract_fields({**flat, "Probability": "high", "POC End": "soon"}, {})
    assert fields.probability is None and fields.poc_end is None and fields.customer == "Bramble Cargo GmbH"


def test_the_export_reads_a_teams_columns(tmp_path):
    export = tmp_path / "deals.csv"
    export.write_text(
        "\ufeffDeal,Organization,Opportunity Stage,AE Owner,Sales Engineer,ACV,Company Domain,Org ID,Trial End,Likelihood\n"
        "Bramble – Telemetry Trial,Bramble Cargo GmbH,Trial,Noor Haddad,Ivo Petrov,\"€80,000.00\",www.bramble-cargo.de,"
        "org-1182,\"April 2, 2026\",40%\n",
        encoding="utf-8",
    )
    connector = NotionExportConnector(export, ["Won", "Lost"])
    (row,) = [r for item in connector.extract(DAY) if isinstance(item, Rows) and item.table == "raw_notion_opportunities"
              for r in item.rows]
    assert (row["name"], row["customer"], row["stage"], row["se_name"], row["amount"]) == (
        "Bramble – Telemetry Trial", "Bramble Cargo GmbH", "Trial", "Ivo Petrov", 80000.0)
    assert (row["domain"], row["workspace_id"], row["poc_end"], row["probability"]) == (
        "bramble-cargo.de", "org-1182", dt.date(2026, 4, 2), 0.4)
    assert "AE Owner" in connector.property_mapping().unused


def test_the_api_types_its_properties_and_reads_the_same_fields():
    with FakeNotion() as fake:
        database = fake.add_database("Deals")
        ivo, noor = fake.add_user("Ivo Petrov", "ivo@ourco.io"), fake.add_user("Noor Haddad", "noor@ourco.io")
        fake.add_page(database, {
            "Deal": title_property("Bramble | Pilot"),
            "Client": {"id": "c", "type": "select", "select": {"name": "Bramble Cargo GmbH"}},
            "Deal Stage": {"id": "s", "type": "status", "status": {"name": "Pilot"}},
            "AE Owner": {"id": "a", "type": "people", "people": [noor]},
            "Solutions Engineer": {"id": "e", "type": "people", "people": [ivo]},
            "Website": {"id": "w", "type": "url", "url": "https://bramble-cargo.de/"},
            "Workspace": {"id": "k", "type": "rich_text", "rich_text": [{"type": "text", "plain_text": "ws_bc_77"}]},
            "Win Probability": {"id": "p", "type": "number", "number": 35},
        })
        connector = NotionApiConnector(token=TOKEN, database_id=database, terminal_stages=["Won"], base_url=fake.base_url,
                                       requests_per_second=None)
        rows = [r for item in connector.extract(DAY) if isinstance(item, Rows) and item.table == "raw_notion_opportunities"
                for r in item.rows]
    (row,) = rows
    assert (row["name"], row["customer"], row["stage"], row["se_name"], row["se_email"]) == (
        "Bramble | Pilot", "Bramble Cargo GmbH", "Pilot", "Ivo Petrov", "ivo@ourco.io")
    assert (row["domain"], row["workspace_id"], row["probability"]) == ("bramble-cargo.de", "ws_bc_77", 0.35)
