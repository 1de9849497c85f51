"""The Notion export connector: CSV rows, page Markdown, comments.json, quarantine, idempotent loads."""

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.config import NotionExport, Settings, Sources
from se_pipeline.sources.notion import NotionExportConnector, from_settings
from se_pipeline.sources.notion.markdown import parse_markdown
from se_pipeline.errors import SourceError
from se_pipeline.warehouse import Quarantined, Rows, load_records
from se_pipeline.window import Window

EXPORT = Path(__file__).parent / "data" / "notion" / "export"
CSV = EXPORT / "Opportunities 8f3c2a1b4d5e4f708192a3b4c5d6e7f8.csv"
TZ = ZoneInfo("America/New_York")
WINDOW = Window.for_day(dt.date(2026, 10, 5), TZ)
TERMINAL = Settings().terminal_stages
ACME = "1a2b3c4d-5e6f-47a8-9b0c-1d2e3f4a5b6c"
INITECH = "3c4d5e6f-7a8b-49c0-bd1e-2f3a4b5c6d7e"


def extract(path: Path = EXPORT, window: Window = WINDOW) -> tuple[dict[str, list[dict]], list[Quarantined]]:
    rows: dict[str, list[dict]] = {}
    bad: list[Quarantined] = []
    for item in NotionExportConnector(path, TERMINAL).extract(window):
        if isinstance(item, Rows):
            rows.setdefault(item.table, []).extend(item.rows)
        else:
            bad.append(item)
    return rows, bad


def test_csv_rows_become_opportunities_with_parsed_fields():
    rows, _ = extract()
    opportunities = {row["name"]: row for row in rows["raw_notion_opportunities"]}
    assert sorted(opportunities) == [
        "Acme Corp - Platform expansion", "Globex - Pilot", "Initech - Renewal", "Umbrella - Data platform",
    ]
    acme = opportunities["Acme Corp - Platform expansion"]
    assert (acme["page_id"], acme["customer"], acme["stage"], acme["se_name"], acme["amount"], acme["close_date"]) == (
        ACME, "Acme Corp", "Technical Validation", "Alice Chen", 125000.0, dt.date(2026, 10, 31),
    )
    assert acme["url"] == "https://www.notion.so/1a2b3c4d5e6f47a89b0c1d2e3f4a5b6c"
    assert acme["partition_date"] == WINDOW.last_day
    assert acme["properties"]["Tags"] == "security, sso"
    # Notion writes times in the exporter's zone, read as the configured one.
    assert acme["created_time"] == dt.datetime(2026, 9, 1, 9, 30, tzinfo=TZ)
    globex = opportunities["Globex - Pilot"]
    # "2026/11/15" and an e-mail in the person column; a quoted value spanning two lines stays whole.
    assert (globex["close_date"], globex["se_name"], globex["se_email"]) == (dt.date(2026, 11, 15), None, "bob@example.com")
    assert globex["properties"]["Notes"] == "Two lines\r\nof notes"
    # No page Markdown for this row: a stable id from its title.
    assert opportunities["Umbrella - Data platform"]["page_id"].startswith("csv-")
    assert opportunities["Umbrella - Data platform"]["customer"] is None


def test_bad_rows_are_quarantined_with_file_and_line_and_the_rest_loads():
    _, bad = extract()
    reasons = {item.key: item.reason for item in bad if item.key.startswith(str(CSV))}
    # Line 7 (the quoted two-line value above it pushes it down one): no title; line 8: a date Notion never writes.
    assert reasons == {
        f"{CSV}:7": "no_title: the row has no 'Name' value",
        f"{CSV}:8": "bad_date: 'next quarter' is not a date",
    }
    assert all(item.partition_date == WINDOW.last_day for item in bad)


def test_page_markdown_becomes_blocks_for_active_opportunities_only():
    rows, _ = extract()
    blocks = rows["raw_notion_blocks"]
    assert {b["page_id"] for b in blocks} == {ACME, "2b3c4d5e-6f7a-48b9-ac0d-1e2f3a4b5c6d"}  # not Initech (Closed Won)
    acme = [(b["block_type"], b["text"], b["depth"]) for b in blocks if b["page_id"] == ACME]
    assert acme == [
        ("heading_2", "Goals", 0),
        ("paragraph", "Replace the legacy ETL with the platform.\nTarget go-live before year end.", 0),
        ("bulleted_list_item", "SSO with Okta", 0),
        ("bulleted_list_item", "SCIM provisioning", 1),
        ("to_do", "Send the security questionnaire", 0),
        ("numbered_list_item", "Kickoff call on October 7", 0),
        ("quote", "We need this live before the audit.", 0),
        ("code", "curl https://api.acme.example/health", 0),
    ]
    by_text = {b["text"]: b for b in blocks}
    assert by_text["SCIM provisioning"]["parent_id"] == by_text["SSO with Okta"]["block_id"]
    assert by_text["SSO with Okta"]["parent_id"] == ACME


def test_comments_of_active_pages_in_the_window_by_local_day():
    rows, bad = extract()
    comments = {c["text"]: c for c in rows["raw_notion_comments"]}
    # 02:30 UTC on the 6th is 22:30 on the 5th in New York; the 4th is outside; Initech is Closed Won.
    assert sorted(comments) == ["Can we get the SOC 2 report?", "Sent it over tonight."]
    first = comments["Can we get the SOC 2 report?"]
    assert first["author_name"] == "Dana Buyer" and first["partition_date"] == WINDOW.first_day
    assert comments["Sent it over tonight."]["author_email"] == "alice@example.com"
    assert first["url"] == (
        "https://www.notion.so/1a2b3c4d5e6f47a89b0c1d2e3f4a5b6c"
        "?d=d1000000000040008000000000000001#c1000000000040008000000000000001"
    )
    broken = [item for item in bad if item.key == "c1000000-0000-4000-8000-000000000005"]
    assert len(broken) == 1 and broken[0].reason.startswith("bad_comment: created_time")


def test_a_zip_of_the_export_reads_the_same(tmp_path):
    archive = tmp_path / "Export-0d1c.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in EXPORT.rglob("*"):
            if file.is_file():
                zf.write(file, file.relative_to(EXPORT).as_posix())
    from_zip, _ = extract(archive)
    from_folder, _ = extract(EXPORT)
    strip = lambda rows: sorted((r["page_id"], r["name"], r["stage"]) for r in rows)  # noqa: E731
    assert strip(from_zip["raw_notion_opportunities"]) == strip(from_folder["raw_notion_opportunities"])
    assert len(from_zip["raw_notion_blocks"]) == len(from_folder["raw_notion_blocks"])
    assert len(from_zip["raw_notion_comments"]) == 2


def test_a_folder_with_two_databases_asks_for_the_csv(tmp_path):
    shutil.copytree(EXPORT, tmp_path / "export")
    (tmp_path / "export" / "Tasks 0123456789abcdef0123456789abcdef.csv").write_text("Name\nx\n", encoding="utf-8")
    with pytest.raises(SourceError, match="several databases"):
        list(NotionExportConnector(tmp_path / "export", TERMINAL).extract(WINDOW))
    # Pointing at the CSV itself resolves it.
    rows, _ = extract(tmp_path / "export" / CSV.name)
    assert len(rows["raw_notion_opportunities"]) == 4


def test_a_missing_export_says_where_it_looked(tmp_path):
    with pytest.raises(SourceError, match="export not found"):
        list(NotionExportConnector(tmp_path / "nope", TERMINAL).extract(WINDOW))


def test_from_settings_picks_the_export_connector():
    settings = Settings(sources=Sources(notion=NotionExport(mode="export", path=EXPORT)))
    connector = from_settings(settings)
    assert isinstance(connector, NotionExportConnector) and connector.calls == 0


def test_loading_the_same_window_twice_leaves_identical_counts():
    con = duckdb.connect()
    connector = NotionExportConnector(EXPORT, TERMINAL)
    counts = []
    for _ in range(2):
        load_records(con, "notion", connector.tables, WINDOW, connector.extract(WINDOW))
        counts.append(
            con.execute(
                "SELECT (SELECT count(*) FROM raw_notion_opportunities), (SELECT count(*) FROM raw_notion_blocks),"
                " (SELECT count(*) FROM raw_notion_comments), (SELECT count(*) FROM quarantine)"
            ).fetchone()
        )
    assert counts[0] == counts[1] == (4, 9, 2, 3)  # 8 Acme blocks + 1 Globex; quarantine: 2 rows + 1 comment


def test_markdown_header_and_properties_are_not_content():
    text = "# Deal\n\nStage: Won\nOwner: Ann\n\nStage of the rollout is early.\n"
    blocks = parse_markdown(text, ["Name", "Stage", "Owner"])
    assert [(b.block_type, b.text) for b in blocks] == [("paragraph", "Stage of the rollout is early.")]
